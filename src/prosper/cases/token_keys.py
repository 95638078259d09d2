"""The per-token keys of the register, worked out once and kept in the case store.

:class:`prosper.cases.token_links.TokenLinks` needs, for every distinct name token of the
register (some 38,000 in a 100,000-party register), its features (metaphone, Korean key,
variant key) and the dictionary keys under which an agreeing delta token can meet it
(:func:`base_keys`). They depend on the token alone, so a delta re-screen reads them from the
``case_token_keys`` table (:func:`load`) instead of recomputing them; the tokens the table
lacks (a party added or renamed since) are computed and written then.

A row is valid only for the code that derived it: each carries :data:`VERSION`, a digest of
the sources of that code and of the ``rigour`` version (metaphone). Rows of another version
are deleted and recomputed on the next load. A spot check recomputes a sample of the rows
read (:data:`SPOT_CHECK`): one that differs (a change the digest does not cover) drops the
whole table too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

import rigour
import sqlalchemy as sa
from rigour.text import metaphone
from sqlalchemy.exc import IntegrityError

from prosper.audit.migrations import write_transaction
from prosper.cases.tables import token_keys_table
from prosper.matching import config as cfg
from prosper.names.korean import korean_key
from prosper.names.variants import spelling_skeletons, variant_key

Features = tuple[str, str | None, str]  # metaphone, Korean key, variant key
TokenKeys = tuple[Features, tuple[str, ...]]
"""A token's features and its :func:`base_keys`."""
SPOT_CHECK = 64
"""Rows recomputed on each load to catch a derivation change the digest misses."""
PAGE = 500  # rows per insert statement
_PARTICLE_CANON = {
    spelling: group.split()[0] for group in cfg.PARTICLE_SPELLINGS for spelling in group.split()
}
_SOURCES = (
    Path(__file__),
    Path(cfg.__file__),
    Path(__file__).parent.parent / "names" / "korean.py",
    Path(__file__).parent.parent / "names" / "variants.py",
)


def _version() -> str:
    h = hashlib.sha256(str(getattr(rigour, "__version__", "?")).encode())
    for path in _SOURCES:
        h.update(path.read_bytes())
    return h.hexdigest()[:32]


VERSION = _version()
"""The digest of the code deriving a token's keys (module docstring)."""


def features(token: str) -> Features:
    """What ``prepare_name`` computes per token (:func:`prosper.names.normalize._token_keys`)."""
    phon = "" if len(token) < 2 or token.isdigit() else str(metaphone(token))
    return phon, korean_key(token), variant_key(token)


def base_keys(token: str, feats: Features) -> tuple[str, ...]:
    """Dictionary keys under which two tokens that could agree meet (fuzzy edits and the
    Arabic-script skeleton aside)."""
    phon, kor, var = feats
    out = ["=" + token, "c:" + _PARTICLE_CANON.get(token, token)]
    if kor is not None:
        out.append("k:" + kor)
    if len(token) >= 3:
        out.append("v:" + var)
        if phon:
            out.append("p:" + token[0] + phon)
    if len(token) >= 4:
        out.append("4:" + token[:4])
        out.extend("s:" + skel for skel in spelling_skeletons(token))
    return tuple(out)


def token_keys(token: str) -> TokenKeys:
    """One token's features and base keys, computed."""
    feats = features(token)
    return feats, base_keys(token, feats)


def _encode(keys: TokenKeys) -> str:
    return json.dumps([*keys[0], *keys[1]], ensure_ascii=False, separators=(",", ":"))


def _decode(text: str) -> TokenKeys:
    values = json.loads(text)
    return (values[0], values[1], values[2]), tuple(values[3:])


def load(engine: sa.Engine, tokens: Iterable[str], version: str = VERSION) -> dict[str, TokenKeys]:
    """The keys of ``tokens``: the stored rows of ``version``, the others computed and
    stored (rows of another version deleted first; module docstring)."""
    wanted = set(tokens)
    known: dict[str, TokenKeys] = {}
    stale = False
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(token_keys_table.c.token, token_keys_table.c.data, token_keys_table.c.version)
        )
        for token, text, row_version in rows:
            if row_version != version:
                stale = True
            elif token in wanted:
                known[token] = _decode(text)
    if known and not _spot_check(known):
        known, stale = {}, True
    missing = sorted(wanted - known.keys())
    fresh = {t: token_keys(t) for t in missing}
    if stale:
        fresh.update(known)
    if stale or fresh:
        # a concurrent run may store some of them first: the same keys, nothing lost
        with contextlib.suppress(IntegrityError):
            _store(engine, fresh, version, clear=stale)
    known.update(fresh)
    return known


def _store(engine: sa.Engine, keys: dict[str, TokenKeys], version: str, clear: bool) -> None:
    rows = [{"token": t, "data": _encode(k), "version": version} for t, k in sorted(keys.items())]
    with write_transaction(engine) as conn:
        if clear:
            conn.execute(sa.delete(token_keys_table))
        for start in range(0, len(rows), PAGE):
            conn.execute(sa.insert(token_keys_table), rows[start : start + PAGE])


def _spot_check(known: dict[str, TokenKeys]) -> bool:
    """Whether a sample of :data:`SPOT_CHECK` stored keys is what the code computes today."""
    size = SPOT_CHECK
    sample: Sequence[str] = sorted(known)
    if len(sample) > size:
        sample = random.Random(len(sample)).sample(sample, size)
    return all(known[t] == token_keys(t) for t in sample)
