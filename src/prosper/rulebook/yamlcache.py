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

The code lives in :mod:`prosper.cachefile` (standard library only), so that the screening
policy (:func:`prosper.screening.parties.load_screening_policy`) is cached the same way
without importing the rulebook package.
"""

from __future__ import annotations

from prosper.cachefile import cached_parse as cached_parse
from prosper.cachefile import yaml_cache as yaml_cache

__all__ = ["cached_parse", "yaml_cache"]
