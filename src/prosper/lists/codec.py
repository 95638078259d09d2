"""Compact JSON form of list entities, used by the embedded and the installed snapshots.

Each source is stored as one gzip-compressed JSON document ``{"source": ..., "entities":
[...]}`` whose entities use short keys and omit empty fields, so that loading the whole
default snapshot (≈ 19,000 entities) takes a fraction of a second — re-parsing the official
files takes several seconds (the OFAC Remarks field alone is regex work for 15,000 rows).

The content version of a source is the sha256 of its canonical JSON (entities sorted by id,
keys sorted, no whitespace): the same official files always give the same version, whether
the data was embedded at build time or installed by ``prosper lists update``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from prosper.errors import ListDataError
from prosper.model import Address, Alias, Entity, EntityType, Identifier, ListPolicy

_POLICY_FIELDS = (
    "license_requirement",
    "license_policy",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
)
_TYPES = {t.value: t for t in EntityType}
_EMPTY: tuple[Any, ...] = ()


def encode_entity(entity: Entity) -> dict[str, Any]:
    """An entity as a compact JSON-ready dict (the source is stored once per file)."""
    out: dict[str, Any] = {
        "i": entity.id,
        "l": entity.list_code,
        "t": entity.type.value,
        "n": entity.name,
    }
    if entity.aliases:
        out["a"] = [[a.name, int(a.strong), a.kind] for a in entity.aliases]
    if entity.countries:
        out["c"] = list(entity.countries)
    if entity.dates_of_birth:
        out["d"] = list(entity.dates_of_birth)
    if entity.places_of_birth:
        out["p"] = list(entity.places_of_birth)
    if entity.identifiers:
        out["x"] = [[x.type, x.value, x.country] for x in entity.identifiers]
    if entity.programs:
        out["g"] = list(entity.programs)
    if entity.addresses:
        out["r"] = [[a.text, a.country] for a in entity.addresses]
    if entity.gender is not None:
        out["s"] = entity.gender
    if entity.title is not None:
        out["ti"] = entity.title
    if entity.remarks is not None:
        out["rm"] = entity.remarks
    if entity.linked_to:
        out["k"] = list(entity.linked_to)
    if entity.policy is not None:
        policy: dict[str, Any] = {
            f: getattr(entity.policy, f)
            for f in _POLICY_FIELDS
            if getattr(entity.policy, f) is not None
        }
        if entity.policy.footnotes:
            policy["fn"] = list(entity.policy.footnotes)
        out["po"] = policy
    if entity.listed_on is not None:
        out["lo"] = entity.listed_on
    return out


def decode_entity(data: dict[str, Any], source: str, pool: dict[str, str] | None = None) -> Entity:
    """The inverse of :func:`encode_entity`.

    ``pool`` shares one string object among equal short values (countries, programs, list
    codes) of many entities, to save memory.
    """
    shared = {} if pool is None else pool
    get = data.get
    policy = get("po")
    aliases = get("a")
    idents = get("x")
    addrs = get("r")
    countries = get("c")
    programs = get("g")
    return Entity(
        data["i"],
        source,
        shared.setdefault(data["l"], data["l"]),
        _TYPES[data["t"]],
        data["n"],
        _EMPTY if aliases is None else tuple([Alias(a[0], a[1] == 1, a[2]) for a in aliases]),
        _EMPTY if countries is None else tuple([shared.setdefault(c, c) for c in countries]),
        tuple(get("d", _EMPTY)),
        tuple(get("p", _EMPTY)),
        _EMPTY if idents is None else tuple([Identifier(x[0], x[1], x[2]) for x in idents]),
        _EMPTY if programs is None else tuple([shared.setdefault(g, g) for g in programs]),
        _EMPTY if addrs is None else tuple([Address(r[0], r[1]) for r in addrs]),
        get("s"),
        get("ti"),
        get("rm"),
        tuple(get("k", _EMPTY)),
        None if policy is None else _policy(policy),
        get("lo"),
    )


def _policy(data: dict[str, Any]) -> ListPolicy:
    footnotes = data.get("fn")
    fields = {k: v for k, v in data.items() if k != "fn"}
    return ListPolicy(**fields, footnotes=() if footnotes is None else tuple(footnotes))


def canonical_json(source: str, entities: Iterable[Entity]) -> bytes:
    """The canonical JSON bytes of a source's entities (sorted by id)."""
    rows = sorted((encode_entity(e) for e in entities), key=lambda d: str(d["i"]))
    doc = {"source": source, "entities": rows}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_version(source: str, entities: Iterable[Entity]) -> str:
    """``sha256:<hex>`` of the canonical JSON of a source's entities."""
    return "sha256:" + hashlib.sha256(canonical_json(source, entities)).hexdigest()


def dump_source(source: str, entities: Sequence[Entity]) -> tuple[bytes, str]:
    """Gzip bytes of a source's canonical JSON and its content version."""
    raw = canonical_json(source, entities)
    version = "sha256:" + hashlib.sha256(raw).hexdigest()
    # mtime=0 keeps the compressed bytes reproducible
    return gzip.compress(raw, compresslevel=6, mtime=0), version


def load_source(blob: bytes, name: str) -> tuple[str, tuple[Entity, ...]]:
    """Decode gzip bytes written by :func:`dump_source` into ``(source, entities)``."""
    try:
        doc = json.loads(gzip.decompress(blob))
        source = doc["source"]
        pool: dict[str, str] = {}
        return source, tuple([decode_entity(row, source, pool) for row in doc["entities"]])
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ListDataError(f"{name}: snapshot data is corrupt ({exc})") from None
