"""Canonical JSON and record hashes: the text every audit record's hash is taken over.

Pure. :func:`canonical_json` sorts keys, drops whitespace, keeps non-ASCII characters as they
are and encodes UTF-8; :func:`record_hash` is ``"sha256:" + sha256(canonical_json({id,
created_at, kind, actor, input, output, versions, prev_hash}))``; :func:`decode_canonical`
reads a stored field back and refuses any text that is not exactly what was hashed.
Re-exported by :mod:`prosper.audit.chain`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from prosper.errors import InputError

HASH_PREFIX = "sha256:"
GENESIS_HASH = HASH_PREFIX + "0" * 64
"""``prev_hash`` of record 1: there is no record before it."""

JsonObject = dict[str, Any]


def canonical_json(value: Any) -> str:
    """Serialise ``value`` as canonical JSON: sorted keys, no whitespace, UTF-8 text kept.

    >>> canonical_json({"b": 1, "a": ["ü", 2.5]})
    '{"a":["ü",2.5],"b":1}'

    Raises:
        ValueError: NaN or infinity (not JSON).
        TypeError: a value JSON cannot represent, or dict keys of mixed types.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def normalise_json_object(value: Any, *, field_name: str) -> JsonObject:
    """Return ``value`` as it reads back from the log: a plain JSON object.

    Tuples become lists, non-string keys of a dict become strings (as JSON does). The result
    is what :func:`record_hash` covers, so a record compares equal before and after storage.

    Raises:
        InputError: ``value`` is not a dict, or holds something JSON cannot represent.
    """
    if not isinstance(value, Mapping):
        raise InputError(f"must be a JSON object, got {type(value).__name__}", field=field_name)
    try:
        text = canonical_json(value)
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InputError(f"not JSON-serialisable: {exc}", field=field_name) from None
    loaded: JsonObject = json.loads(text)
    return loaded


class DuplicateKeyError(ValueError):
    """A stored JSON object names the same key twice (``"verdict"`` twice)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> JsonObject:
    seen: JsonObject = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def decode_canonical(text: str, *, field_name: str) -> JsonObject:
    """Read stored JSON text that must be exactly the canonical text that was hashed.

    A duplicate key is refused (SQL's JSON functions and Python's ``json`` may read different
    values of it), and so is any other text than :func:`canonical_json` of the value read
    (extra spaces, reordered keys, escapes): the stored bytes are what the hash covers.

    Raises:
        ValueError: naming ``field_name`` and what is wrong.
    """
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates)
    except DuplicateKeyError as exc:
        raise ValueError(f"{field_name} has a {exc} (edited)") from None
    except (json.JSONDecodeError, TypeError, RecursionError):
        raise ValueError(f"{field_name} is unreadable JSON (edited)") from None
    if not isinstance(value, dict):
        raise ValueError(f"{field_name} is not a JSON object (edited)")
    if canonical_json(value) != text:
        raise ValueError(f"{field_name} is not the canonical JSON text that was hashed (edited)")
    return value


def record_hash(
    *,
    record_id: int,
    created_at: str,
    kind: str,
    actor: str,
    input: Mapping[str, Any],
    output: Mapping[str, Any],
    versions: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """The ``sha256:`` hash of one record's fields, ``prev_hash`` and ``id`` included."""
    payload = {
        "id": record_id,
        "created_at": created_at,
        "kind": kind,
        "actor": actor,
        "input": input,
        "output": output,
        "versions": versions,
        "prev_hash": prev_hash,
    }
    digest = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
    return HASH_PREFIX + digest
