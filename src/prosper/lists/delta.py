"""What changed between two snapshots, per source.

An entity is matched across snapshots by its ``id`` (``<source>:<native id>``, stable across
releases of a list): present only in the new snapshot → **added** (a new designation),
only in the old → **removed** (a delisting), in both but different in any field (name,
aliases, addresses, programs, remarks, licence policy …) → **changed**, with the fields that
differ. Re-screening after an update needs exactly the added and changed entities.

Some files have no stable row id: the CSL's ``_id`` is a row hash that trade.gov has
re-generated, and its JSON rendering has none. For those sources (:data:`REKEYED_SOURCES`),
and for any source where fewer than half of the old ids are still there (an id scheme
changed), entities left unmatched by id are matched again by list + name + entity number,
then by list + name — so that a reformatted file does not read as a mass delisting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from prosper.lists.snapshot import Snapshot
from prosper.model import Entity

_FIELDS = tuple(f.name for f in fields(Entity))
# sources whose native ids are not stable across releases (see the module docstring)
REKEYED_SOURCES = frozenset({"us_csl"})
# below this share of old ids found again, the id scheme is taken to have changed
_KEPT_IDS = 0.5


@dataclass(frozen=True)
class EntityChange:
    """One entity in both snapshots whose content differs."""

    old: Entity
    new: Entity
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SourceDelta:
    """The delta of one source between two snapshots."""

    source: str
    old_version: str | None
    new_version: str | None
    old_published: str | None
    new_published: str | None
    added: tuple[Entity, ...]
    removed: tuple[Entity, ...]
    changed: tuple[EntityChange, ...]

    @property
    def unchanged(self) -> bool:
        """True when nothing was added, removed or changed."""
        return not (self.added or self.removed or self.changed)

    def to_dict(self, examples: int = 5) -> dict[str, Any]:
        """A JSON-ready summary with up to ``examples`` names per kind of change."""
        return {
            "source": self.source,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "old_published": self.old_published,
            "new_published": self.new_published,
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "examples": {
                "added": [_example(e) for e in self.added[:examples]],
                "removed": [_example(e) for e in self.removed[:examples]],
                "changed": [
                    {**_example(c.new), "fields": list(c.fields)} for c in self.changed[:examples]
                ],
            },
        }


def _example(entity: Entity) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "list_code": entity.list_code}


def diff_entities(
    source: str, old: Iterable[Entity], new: Iterable[Entity]
) -> tuple[tuple[Entity, ...], tuple[Entity, ...], tuple[EntityChange, ...]]:
    """``(added, removed, changed)`` between two collections of one source's entities."""
    before = {e.id: e for e in old if e.source == source}
    after = {e.id: e for e in new if e.source == source}
    common = before.keys() & after.keys()
    pairs = [(before[key], after[key]) for key in sorted(common)]
    gone = [before[i] for i in sorted(before.keys() - common)]
    came = [after[i] for i in sorted(after.keys() - common)]
    if gone and came and (source in REKEYED_SOURCES or len(common) < len(before) * _KEPT_IDS):
        rekeyed, gone, came = _match_by_name(gone, came)
        pairs.extend(rekeyed)
    changed = []
    for a, b in pairs:
        if a != b:
            diff = tuple(f for f in _FIELDS if getattr(a, f) != getattr(b, f))
            changed.append(EntityChange(a, b, diff))
    return tuple(came), tuple(gone), tuple(changed)


def entity_number(entity: Entity) -> str:
    """The list's own entity number of ``entity`` when it has one (numeric native id)."""
    for ident in entity.identifiers:
        if ident.type.lower().replace("_", " ") == "entity number":
            return ident.value
    native = entity.id.partition(":")[2]
    return native if native.isdigit() else ""


def _name_key(entity: Entity) -> tuple[str, str]:
    return entity.list_code, " ".join(entity.name.casefold().split())


def _match_by_name(
    gone: list[Entity], came: list[Entity]
) -> tuple[list[tuple[Entity, Entity]], list[Entity], list[Entity]]:
    """Pair entities left over by id: list + name + entity number, then list + name."""
    pairs: list[tuple[Entity, Entity]] = []
    for with_number in (True, False):
        pool: dict[tuple[str, str, str], list[Entity]] = {}
        for e in gone:
            pool.setdefault((*_name_key(e), entity_number(e) if with_number else ""), []).append(e)
        left: list[Entity] = []
        for e in came:
            candidates = pool.get((*_name_key(e), entity_number(e) if with_number else ""))
            if candidates:
                pairs.append((candidates.pop(0), e))
            else:
                left.append(e)
        matched = {id(a) for a, _ in pairs}
        gone = [e for e in gone if id(e) not in matched]
        came = left
    return pairs, gone, came


def diff_snapshots(
    old: Snapshot, new: Snapshot, sources: Iterable[str] | None = None
) -> tuple[SourceDelta, ...]:
    """The per-source delta from ``old`` to ``new``.

    Args:
        old: the earlier snapshot.
        new: the later snapshot.
        sources: which sources to compare; default every source of either snapshot.
    """
    if sources is None:
        names = [s.source for s in old.sources]
        names += [s.source for s in new.sources if s.source not in names]
    else:
        names = list(sources)
    by_source_old: dict[str, list[Entity]] = {}
    for e in old.entities:
        by_source_old.setdefault(e.source, []).append(e)
    by_source_new: dict[str, list[Entity]] = {}
    for e in new.entities:
        by_source_new.setdefault(e.source, []).append(e)
    deltas = []
    for name in names:
        info_old, info_new = old.source(name), new.source(name)
        if info_old is not None and info_new is not None and info_old.version == info_new.version:
            added: tuple[Entity, ...] = ()
            removed: tuple[Entity, ...] = ()
            changed: tuple[EntityChange, ...] = ()
        else:
            added, removed, changed = diff_entities(
                name, by_source_old.get(name, ()), by_source_new.get(name, ())
            )
        deltas.append(
            SourceDelta(
                source=name,
                old_version=None if info_old is None else info_old.version,
                new_version=None if info_new is None else info_new.version,
                old_published=None if info_old is None else info_old.published,
                new_published=None if info_new is None else info_new.published,
                added=added,
                removed=removed,
                changed=changed,
            )
        )
    return tuple(deltas)
