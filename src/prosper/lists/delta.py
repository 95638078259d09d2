"""What changed between two snapshots, per source.

An entity is matched across snapshots by its ``id`` (``<source>:<native id>``, stable across
releases of a list): present only in the new snapshot → **added** (a new designation),
only in the old → **removed** (a delisting), in both but different in any field (name,
aliases, addresses, programs, remarks, licence policy …) → **changed**, with the fields that
differ. Re-screening after an update needs exactly the added and changed entities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from prosper.lists.snapshot import Snapshot
from prosper.model import Entity

_FIELDS = tuple(f.name for f in fields(Entity))


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
    added = tuple(after[i] for i in sorted(after.keys() - before.keys()))
    removed = tuple(before[i] for i in sorted(before.keys() - after.keys()))
    changed = []
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a != b:
            diff = tuple(f for f in _FIELDS if getattr(a, f) != getattr(b, f))
            changed.append(EntityChange(a, b, diff))
    return added, removed, tuple(changed)


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
