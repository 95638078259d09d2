"""Pure name handling: normalisation, transliteration, legal forms, Korean romanization."""

from __future__ import annotations

from prosper.names.korean import is_korean_token, korean_key
from prosper.names.normalize import NameForm, detect_scripts, fold_text, prepare_name
from prosper.names.orgs import remove_legal_forms, strip_native_legal_forms
from prosper.names.weights import TokenWeights, default_weights

__all__ = [
    "NameForm",
    "TokenWeights",
    "default_weights",
    "detect_scripts",
    "fold_text",
    "is_korean_token",
    "korean_key",
    "prepare_name",
    "remove_legal_forms",
    "strip_native_legal_forms",
]
