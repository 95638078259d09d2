"""A cache of parsed rulebook YAML in the data folder, keyed by each file's content digest.

Parsing the ~40 YAML files of the packaged rulebook costs most of its loading time at the
start of a command (``prosper check``: ~0.9 s of CPU), while reading the same values from
JSON costs a few milliseconds. Inside :func:`yaml_cache`, :func:`cached_parse` keeps each
parsed document in ``<dir>/yaml-<sha256 of the text>.json`` and reads it from there next time;
a changed file has another digest and is parsed again. Only a value JSON gives back unchanged
is kept (the strict loader resolves neither timestamps nor YAML-1.1 booleans, so a rule file is
plain strings, numbers, booleans, lists and mappings; a mapping with non-string keys is not
kept). Outside :func:`yaml_cache` nothing is cached. A cache that cannot be read or written
only costs the parse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from prosper.cachefile import keep_text

_DIR: ContextVar[Path | None] = ContextVar("prosper_rulebook_yaml_cache", default=None)


@contextmanager
def yaml_cache(directory: Path | None) -> Iterator[None]:
    """Within the block, parsed rulebook YAML is kept in ``directory`` (None: not kept)."""
    token = _DIR.set(directory)
    try:
        yield
    finally:
        _DIR.reset(token)


def cached_parse(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, read from the cache when a block of :func:`yaml_cache` is active and
    this text was parsed before (``parse``'s errors are raised as they are: never cached)."""
    directory = _DIR.get()
    if directory is None:
        return parse(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = directory / f"yaml-{digest}.json"
    try:
        return json.loads(path.read_text("utf-8"))["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    value = parse(text)
    try:
        encoded = json.dumps({"value": value}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return value  # not JSON (a NaN, a non-string key type json cannot write)
    if json.loads(encoded)["value"] != value:
        return value  # e.g. integer keys JSON would turn into strings
    keep_text(path, encoded)  # best effort: a read-only data folder only costs the parse again
    return value
