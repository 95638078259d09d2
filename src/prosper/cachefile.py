"""Best-effort files in the data folder's cache: written whole or not at all.

The caches that spare a command its start-up work (parsed rulebook and screening-policy
YAML, the compiled rulebook, the validated list-age limits) are only ever a saving: a folder
that cannot be written costs the work again next time, never an error. Standard library
only (the lean command-line paths import it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any


def keep_text(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then
    :func:`os.replace`), creating the folder; False, and nothing left behind, when the folder
    cannot be written."""
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    return True


# ----------------------------------------------------------------------------- parsed YAML
# (documented in prosper.rulebook.yamlcache, which re-exports these: here so that the
# screening policy can use them without importing the rulebook package)

_DIR: ContextVar[Path | None] = ContextVar("prosper_rulebook_yaml_cache", default=None)


@contextmanager
def yaml_cache(directory: Path | None) -> Iterator[None]:
    """Within the block, parsed rulebook YAML is kept in ``directory`` (None: not kept)."""
    token = _DIR.set(directory)
    try:
        yield
    finally:
        _DIR.reset(token)


def _encode(value: object) -> object:
    """YAML's dates in JSON (the screening policy's ``effective_from``): tagged objects."""
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"not JSON: {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> object:
    if len(obj) == 1:
        if isinstance(obj.get("__date__"), str):
            return date.fromisoformat(obj["__date__"])
        if isinstance(obj.get("__datetime__"), str):
            return datetime.fromisoformat(obj["__datetime__"])
    return obj


def cached_parse(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, read from the cache when a block of :func:`yaml_cache` is active and
    this text was parsed before (``parse``'s errors are raised as they are: never cached).

    Dates and datetimes are kept as tagged objects (``{"__date__": "2026-01-01"}``); a value
    that does not read back equal (a mapping that looks like a tag, integer keys) is not kept.
    """
    directory = _DIR.get()
    if directory is None:
        return parse(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = directory / f"yaml-{digest}.json"
    try:
        return json.loads(path.read_text("utf-8"), object_hook=_decode)["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    value = parse(text)
    try:
        encoded = json.dumps({"value": value}, ensure_ascii=False, allow_nan=False, default=_encode)
        if json.loads(encoded, object_hook=_decode)["value"] != value:
            return value  # e.g. integer keys JSON would turn into strings
    except (TypeError, ValueError):
        return value  # not JSON (a NaN, a non-string key type json cannot write)
    keep_text(path, encoded)  # best effort: a read-only data folder only costs the parse again
    return value


# ------------------------------------------------------------------- parsed data tables
# The name tables shipped as TSV (token document frequencies, population name frequencies)
# are parsed into dicts by every command that screens a name (~0.05 s of CPU for the two a
# screen reads). Inside :func:`yaml_cache` the parsed dict is kept in the same folder as a
# marshal file, keyed by the digest of the source text, the table's kind and this Python's
# marshal version; its payload carries its own SHA-256, checked before it is read.

_TABLE_MAGIC = b"prosper-table-1\n"


def _table_path(directory: Path, kind: str, source: str) -> Path:
    import marshal
    import sys

    key = hashlib.sha256(
        f"{kind}\0{marshal.version}\0{sys.version_info[0]}.{sys.version_info[1]}\0".encode()
        + source.encode("utf-8")
    ).hexdigest()[:40]
    return directory / f"table-{kind}-{key}.marshal"


def _read_table(path: Path) -> object:
    """The value kept in ``path``; None when there is none or it does not check out."""
    import marshal

    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_TABLE_MAGIC)
    if not data.startswith(_TABLE_MAGIC) or len(data) < head + 32:
        return None
    payload = data[head + 32 :]
    if hashlib.sha256(payload).digest() != data[head : head + 32]:
        return None  # damaged or cut short: never trusted
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def cached_table(kind: str, source: str, build: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """``build(source)`` (a dict of plain values: str, int, float, tuples of them), read from
    the cache when a block of :func:`yaml_cache` is active and this ``kind`` of table was built
    from this exact ``source`` before. A kept file that is damaged (its payload's SHA-256 does
    not match) or does not hold a dict is built again and rewritten; a changed source has
    another key. Outside the block, or where the folder cannot be written, ``build(source)``.
    """
    directory = _DIR.get()
    if directory is None:
        return build(source)
    import marshal

    path = _table_path(directory, kind, source)
    kept = _read_table(path)
    if type(kept) is dict:
        return kept
    value = build(source)
    try:
        payload = marshal.dumps(value)
    except ValueError:
        return value  # a value marshal cannot write: not kept
    if marshal.loads(payload) != value:
        return value
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(_TABLE_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return value
