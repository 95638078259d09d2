"""Records witnessed late: what a ``recovery`` record says, and how ``verify`` checks it.

Pure. An append commits its record, *then* writes its anchor line
(:mod:`prosper.audit.anchor`); a process killed in between (``kill -9``, power loss) leaves a
committed, signed record without its line, and the command that appended it never answered its
caller. ``prosper audit recover`` (:mod:`prosper.audit.recovery`) witnesses such records late:
it appends a record of kind :data:`RECOVERY_KIND` naming them (id and hash), who recovered
them and why, and then writes their anchor lines and its own. ``verify`` reads every intact
recovery record back as a :class:`LateWitness` and reports it (not as a problem); a recovery
record that names a record the anchor file holds with another hash, or a record after
itself, is a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prosper.audit.chain import Problem

RECOVERY_KIND = "recovery"
"""``kind`` of the record ``prosper audit recover`` appends."""

UNACKNOWLEDGED = (
    "the commands that appended these records were stopped after the database commit and "
    "before the anchor line (e.g. kill -9, power loss): they never answered their callers, who "
    "were not told the records were written and may have retried; the records stand as "
    "recorded, witnessed late by this record"
)
"""What a recovery record says about the records it names (its ``output.unacknowledged``)."""


@dataclass(frozen=True, slots=True)
class LateWitness:
    """Records ``ids`` (with ``hashes``), witnessed late by recovery record ``by``."""

    by: int
    ids: tuple[int, ...]
    hashes: tuple[str, ...]
    actor: str
    reason: str

    def describe(self) -> str:
        """One line for people: which records, which recovery record, by whom, why."""
        first, last = self.ids[0], self.ids[-1]
        which = f"record {first}" if first == last else f"records {first}-{last}"
        if len(self.ids) != last - first + 1:
            which = "records " + ", ".join(str(i) for i in self.ids)
        return f"{which} witnessed late by recovery record {self.by} ({self.actor}: {self.reason})"

    def to_dict(self) -> dict[str, Any]:
        """``{"recovery_record", "records", "actor", "reason"}`` (``verify --json``)."""
        return {
            "recovery_record": self.by,
            "records": list(self.ids),
            "actor": self.actor,
            "reason": self.reason,
        }


def recovery_input(
    records: list[tuple[int, str]],
    *,
    reason: str,
    claimed_actor: str | None,
    torn_line: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``input`` of a recovery record: the records it witnesses, and why; with
    ``torn_line``, the cut last anchor line it removed (:meth:`prosper.audit.torn.TornLine.
    to_dict`)."""
    doc: dict[str, Any] = {
        "records": [{"id": record_id, "hash": h} for record_id, h in records],
        "reason": reason,
    }
    if claimed_actor is not None:
        doc["claimed_actor"] = claimed_actor
    if torn_line is not None:
        doc["torn_anchor_line"] = dict(torn_line)
    return doc


def read_late_witness(
    record_id: int, actor: str, input: Mapping[str, Any]
) -> LateWitness | Problem:
    """The :class:`LateWitness` an intact recovery record states, or the problem with it."""
    named = input.get("records")
    reason = input.get("reason")
    pairs: list[tuple[int, str]] = []
    if isinstance(named, list) and named and isinstance(reason, str):
        for item in named:
            if not isinstance(item, dict):
                break
            rid, rhash = item.get("id"), item.get("hash")
            if type(rid) is not int or not isinstance(rhash, str) or not 0 < rid < record_id:
                break
            pairs.append((rid, rhash))
    if not pairs or len(pairs) != len(named or ()):
        return Problem(record_id, "recovery record names no valid earlier records (malformed)")
    pairs.sort()
    return LateWitness(
        by=record_id,
        ids=tuple(p[0] for p in pairs),
        hashes=tuple(p[1] for p in pairs),
        actor=actor,
        reason=str(reason),
    )


def late_problems(late: LateWitness, anchored: Mapping[int, str]) -> list[Problem]:
    """What is wrong with ``late`` against the anchor file: a named record whose line holds
    another hash (the recovery record and the anchor file contradict each other)."""
    found: list[Problem] = []
    for record_id, named in zip(late.ids, late.hashes, strict=True):
        held = anchored.get(record_id)
        if held is not None and held != named:
            reason = (
                f"recovery record names id {record_id} with a hash the anchor file does not "
                "hold (edited)"
            )
            found.append(Problem(late.by, reason))
    return found
