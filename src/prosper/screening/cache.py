"""The on-disk screening index: one memory-mapped file per list snapshot (the I/O edge of
:mod:`prosper.screening.index`).

The index of a snapshot is built once and written to ``<cache_dir>/screening-<key>.idx``; every
later process (CLI, server, batch workers) *maps* the file instead of rebuilding or unpickling
it. Loading costs a header read and one ``mmap`` call, whatever the list size; the operating
system shares the mapped pages between processes. Names are decoded only when retrieval makes
them candidates, postings are slices of one int32 array found by binary search over the sorted
keys.

File layout (native byte order, recorded in the header; every section 8-byte aligned)::

    b"PRSPIDX1"  uint64 header length  header (JSON: format, entity ids digest, sections)
    name_entity  int32 × names        entity index of each name (ascending)
    name_strong  uint8 × names        1 for a strong name
    name_off     int64 × (names + 1)  offsets into name_blob
    name_blob    one JSON record per name (the prepared NameForm)
    key_off      int64 × (keys + 1)   offsets into key_blob (keys sorted by UTF-8 bytes)
    key_blob     the retrieval keys
    post_off     int64 × (keys + 1)   offsets (in items) into post
    post         int32                the names of each key
    id_*         the same four sections for normalised identifiers → entity indexes
    pn_*         the same four sections for strong-name keys (sorted tokens joined by
                 ``\x1f``) → entities, and pr_* for UN references → entities (merging
                 listings; looked up key by key, nothing decoded at open)
    ent_off      int64 × (entities + 1)  offsets into ent_blob
    ent_blob     one JSON record per entity (the list snapshot's own codec)
    eid_off      int64 × (entities + 1)  offsets into eid_blob
    eid_blob     the entity ids
    ent_source   uint8 × entities     each entity's source (an index into the header's sources)
    ent_type     uint8 × entities     each entity's type (an index into the header's types)

With the entities in the file, ``prosper screen NAME`` reads only the snapshot's manifest
(:func:`open_snapshot_index`): an entity is decoded when it is a candidate's, not 41k at start.

The file is keyed by the snapshot's list versions, :data:`~prosper.screening.index.INDEX_FORMAT`
and :data:`FILE_FORMAT`, and checked against the snapshot's entity ids, so a new snapshot or key
scheme never reuses a stale index. It holds no code (no pickle): a foreign or damaged file is
rejected and rebuilt.

Beside it, ``translit-<key>.json`` keeps the transliterations of the names built so far (text →
ASCII), keyed by the rigour, normality and PyICU versions and the Unicode version: the next
build (a list update) transliterates only the names it has not seen — the same function of
the same libraries, so the same index — instead of all ~16k non-ASCII names again.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import sys
import unicodedata
from array import array
from collections.abc import Mapping, Sequence
from itertools import accumulate, chain
from pathlib import Path
from typing import Protocol

from prosper.lists.codec import encode_entity
from prosper.lists.snapshot import SourceInfo, load_snapshot, load_snapshot_sources
from prosper.matching.population import population_weights
from prosper.model import Entity, EntityType
from prosper.names.normalize import NameForm
from prosper.screening.index import INDEX_FORMAT, ScreeningIndex
from prosper.screening.mapped import (
    PARTY_SEP,
    Coded,
    MappedEntities,
    MappedNames,
    MappedTable,
    PartyNames,
    PartyRefs,
)

FILE_FORMAT = 5  # bump when the file layout changes (5: party maps as mapped tables)
MAGIC = b"PRSPIDX1"
_TYPES = tuple(EntityType)
_TYPE_NO = {t: i for i, t in enumerate(_TYPES)}
_PartyMaps = tuple[Mapping[tuple[str, ...], tuple[int, ...]], Mapping[str, tuple[int, ...]]]


def index_cache_key(versions: Mapping[str, str]) -> str:
    """A file-name-safe key for an index built from lists at ``versions``."""
    blob = json.dumps(
        {"format": INDEX_FORMAT, "file": FILE_FORMAT, "lists": dict(sorted(versions.items()))}
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def index_path(cache_dir: Path, versions: Mapping[str, str]) -> Path:
    """Where the index file of lists at ``versions`` lives in ``cache_dir``."""
    return cache_dir / f"screening-{index_cache_key(versions)}.idx"


def translit_path(cache_dir: Path) -> Path:
    """The transliteration file of the installed libraries (see the module docstring)."""
    from importlib import metadata  # here, not at import: ~0.04 s a screen that builds nothing

    libs = []
    for dist in ("rigour", "normality", "PyICU"):
        try:
            libs.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            libs.append(f"{dist}=-")
    libs.append(f"unicode={unicodedata.unidata_version}")
    return cache_dir / f"translit-{hashlib.sha256(';'.join(libs).encode()).hexdigest()[:16]}.json"


def load_translit(path: Path) -> dict[str, str]:
    """The transliterations kept at ``path`` ({} when missing or damaged)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    return {k: v for k, v in doc.items() if isinstance(k, str) and isinstance(v, str)}


def save_translit(path: Path, known: Mapping[str, str]) -> None:
    """Keep ``known`` at ``path`` (atomically)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(dict(known), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def entity_digest(entities: Sequence[Entity]) -> str:
    """The digest of the entity ids, in order (an index file belongs to exactly these)."""
    return hashlib.sha256("\n".join(e.id for e in entities).encode()).hexdigest()


class _SnapshotLike(Protocol):
    @property
    def entities(self) -> tuple[Entity, ...]: ...

    def versions(self) -> dict[str, str]: ...


# ----------------------------------------------------------------------------- writing


# one encoder each, made once: ``json.dumps`` with options builds a new encoder per call (2M
# name records and 1M entity records at the 1M-entity scale); the same bytes
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_UNICODE = json.JSONEncoder(ensure_ascii=False).encode


def _form_record(form: NameForm) -> bytes:
    rec = [
        form.original,
        form.tokens,
        form.full,
        form.legal_forms,
        sorted(form.scripts),
        form.phonetic,
        form.korean,
        form.variant,
    ]
    return _COMPACT(rec).encode()


def _strings(items: Sequence[bytes]) -> tuple[bytes, bytes]:
    """Offsets (int64) and the concatenated blob of ``items``."""
    offsets = array("q", [0])
    total = 0
    for item in items:
        total += len(item)
        offsets.append(total)
    return offsets.tobytes(), b"".join(items)


def _table(table: Mapping[str, Sequence[int]]) -> list[tuple[str, bytes]]:
    """A key → int list table as four sections: sorted keys and their CSR postings."""
    keys = sorted(table)  # str order is UTF-8 byte order (both are code point order)
    key_off, key_blob = _strings([k.encode() for k in keys])
    lists = [table[k] for k in keys]
    post_off = array("q", [0])
    post_off.extend(accumulate(map(len, lists)))
    post = array("i", chain.from_iterable(lists))  # in one pass
    return [
        ("key_off", key_off),
        ("key_blob", key_blob),
        ("post_off", post_off.tobytes()),
        ("post", post.tobytes()),
    ]


def _party_tables(maps: _PartyMaps) -> list[tuple[str, bytes]]:
    """The party maps as two mapped tables (``pn_``: strong-name keys, ``pr_``: UN refs)."""
    by_name, by_ref = maps
    names: dict[str, Sequence[int]] = {}
    for key, entities in by_name.items():
        if any(PARTY_SEP in token for token in key):  # normalisation never leaves one
            raise ValueError(f"a name token holds the party key separator: {key!r}")
        names[PARTY_SEP.join(key)] = entities
    return [
        *[("pn_" + k, v) for k, v in _table(names)],
        *[("pr_" + k, v) for k, v in _table(by_ref)],
    ]


def write_index(
    index: ScreeningIndex, path: Path, versions: Mapping[str, str] | None = None
) -> None:
    """Write ``index`` to ``path`` in the mapped layout (atomically: a temporary file first);
    ``versions``: the list versions it was built from (:func:`open_snapshot_index` checks)."""
    names = [index._names[i] for i in range(len(index._names))]
    name_off, name_blob = _strings([_form_record(f) for _, _, f in names])
    sections: list[tuple[str, bytes]] = [
        ("name_entity", array("i", [e for e, _, _ in names]).tobytes()),
        ("name_strong", bytes(1 if s else 0 for _, s, _ in names)),
        ("name_off", name_off),
        ("name_blob", name_blob),
        *_table(index._postings),
        *[("id_" + k, v) for k, v in _table(index._identifiers)],
        *_party_tables(index._party_keys()),
    ]
    ents = [index.entities[i] for i in range(len(index.entities))]
    ent_off, ent_blob = _strings(
        [_UNICODE({**encode_entity(e), "_source": e.source}).encode() for e in ents]
    )
    eid_off, eid_blob = _strings([e.id.encode() for e in ents])
    source_names = sorted({e.source for e in ents})
    source_no = {s: i for i, s in enumerate(source_names)}
    sections += [
        ("ent_off", ent_off),
        ("ent_blob", ent_blob),
        ("eid_off", eid_off),
        ("eid_blob", eid_blob),
        ("ent_source", bytes(source_no[e.source] for e in ents)),
        ("ent_type", bytes(_TYPE_NO[e.type] for e in ents)),
    ]
    layout: dict[str, list[int]] = {}
    offset = 0
    for name, data in sections:
        layout[name] = [offset, len(data)]
        offset += len(data) + (-len(data) % 8)
    header = json.dumps(
        {
            "format": INDEX_FORMAT,
            "file": FILE_FORMAT,
            "byteorder": sys.byteorder,
            "entity_ids": entity_digest(index.entities),
            "names": len(names),
            "entities": len(ents),
            "sources": source_names,
            "types": [t.value for t in _TYPES],
            "versions": dict(sorted((versions or {}).items())),
            "sections": layout,
        }
    ).encode()
    header += b" " * (-(len(MAGIC) + 8 + len(header)) % 8)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{id(index)}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(MAGIC + len(header).to_bytes(8, "little") + header)
            for _, data in sections:
                fh.write(data + b"\0" * (-len(data) % 8))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- reading


def open_index(
    path: Path,
    entities: tuple[Entity, ...] | None,
    versions: Mapping[str, str] | None = None,
) -> ScreeningIndex | None:
    """Map the index file at ``path`` for ``entities`` (or, when None, with the file's own
    entities for lists at ``versions``); None when it is missing, damaged, of another format
    or of other entities or versions (the caller rebuilds)."""
    try:
        with path.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        view = memoryview(mapped)
        if bytes(view[:8]) != MAGIC:
            return None
        size = int.from_bytes(view[8:16], "little")
        header = json.loads(bytes(view[16 : 16 + size]))
        if (
            not isinstance(header, dict)
            or header.get("format") != INDEX_FORMAT
            or header.get("file") != FILE_FORMAT
            or header.get("byteorder") != sys.byteorder
            or (entities is not None and header.get("entity_ids") != entity_digest(entities))
            or (
                entities is None
                and header.get("versions") != dict(sorted((versions or {}).items()))
            )
        ):
            return None
        base = 16 + size
        sections = {
            name: view[base + start : base + start + length]
            for name, (start, length) in header["sections"].items()
        }
        if base + max(s + n for s, n in header["sections"].values()) > len(view):
            return None  # truncated
        names = MappedNames(sections)
        if len(names) != header["names"]:
            return None
        ents = MappedEntities(sections, header["sources"])
        if len(ents) != header["entities"] or (entities is not None and len(entities) != len(ents)):
            return None
        return ScreeningIndex(
            ents if entities is None else entities,
            names,
            MappedTable(sections),
            MappedTable(sections, "id_"),
            population_weights(),
            name_entities=names._entity,
            party_maps=lambda: (
                PartyNames(MappedTable(sections, "pn_")),
                PartyRefs(MappedTable(sections, "pr_")),
            ),
            entity_ids=ents.ids,
            entity_sources=ents.sources,
            entity_types=Coded(sections["ent_type"], [EntityType(t) for t in header["types"]]),
        )
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def get_index(snapshot: _SnapshotLike, cache_dir: Path | None = None) -> ScreeningIndex:
    """The screening index of ``snapshot``, mapped from ``cache_dir`` when built before.

    Building indexes the ~99k names of the embedded lists in a few seconds and writes the
    file; every later call maps it (milliseconds, whatever the list size).

    Args:
        snapshot: The loaded list snapshot.
        cache_dir: Folder for index files (e.g. ``settings.data_dir / "cache"``); no file
            when None (built in memory).

    Returns:
        The index.
    """
    entities = tuple(snapshot.entities)
    if cache_dir is None:
        return ScreeningIndex.build(entities)
    versions = snapshot.versions()
    path = index_path(cache_dir, versions)
    index = open_index(path, entities)
    if index is not None:
        return index
    # imported here: multiprocessing (~0.02 s of CPU) only when an index is built
    from prosper.screening.parallel_build import build_index

    known = load_translit(translit_path(cache_dir))
    seen = len(known)
    built = build_index(entities, known=known)  # names prepared on every core this process may use
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_index(built, path, versions)
        if len(known) != seen:
            save_translit(translit_path(cache_dir), known)
    except OSError:
        return built  # a read-only data folder only costs the rebuild next time
    return open_index(path, entities) or built


def open_snapshot_index(
    snapshot_dir: Path | None, cache_dir: Path
) -> tuple[tuple[SourceInfo, ...], ScreeningIndex]:
    """The sources of the current snapshot and its index, without decoding the lists when the
    index file of these list versions exists (its entities are decoded as hits need them);
    otherwise the snapshot is loaded and the file built, as :func:`get_index` does.

    Args:
        snapshot_dir: usually ``Settings.snapshot_dir`` (None: the embedded snapshot).
        cache_dir: Folder of the index files.

    Returns:
        The snapshot's sources and the index.
    """
    sources = load_snapshot_sources(snapshot_dir)
    versions = {s.source: s.version for s in sources}
    mapped = open_index(index_path(cache_dir, versions), None, versions)
    if mapped is not None and len(mapped.entities) == sum(s.entity_count for s in sources):
        return sources, mapped
    snapshot = load_snapshot(snapshot_dir)
    return snapshot.sources, get_index(snapshot, cache_dir)
