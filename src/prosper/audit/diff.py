"""What changed between two decisions: the heart of ``prosper audit replay``.

Pure. Findings are matched by ``(rule_id, subject)`` — the stable identity of a reason — and,
when one decision holds several findings with the same pair, by their order among those.
Versions are compared leaf by leaf under dotted paths (``lists.us_ofac_sdn``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FindingKey = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class FindingChange:
    """One finding present in both decisions with different content."""

    rule_id: str
    subject: str
    fields: tuple[str, ...]
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ValueChange:
    """One leaf value (a version, …) that differs; ``None`` stands for absent."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class DecisionDiff:
    """The difference between a recorded decision (``old``) and a re-evaluation (``new``)."""

    verdict_before: str | None
    verdict_after: str | None
    added: tuple[Mapping[str, Any], ...] = ()
    removed: tuple[Mapping[str, Any], ...] = ()
    changed: tuple[FindingChange, ...] = ()
    versions_changed: tuple[ValueChange, ...] = ()

    @property
    def verdict_changed(self) -> bool:
        """True when the overall verdict differs."""
        return self.verdict_before != self.verdict_after

    @property
    def findings_changed(self) -> bool:
        """True when any finding was added, removed or changed."""
        return bool(self.added or self.removed or self.changed)

    @property
    def is_empty(self) -> bool:
        """True when verdict, findings and versions are all the same."""
        return not (self.verdict_changed or self.findings_changed or self.versions_changed)

    def to_dict(self) -> dict[str, Any]:
        """The diff as one JSON object (the ``diff`` of ``prosper audit replay --json``)."""
        return {
            "changed": not self.is_empty,
            "verdict": {
                "before": self.verdict_before,
                "after": self.verdict_after,
                "changed": self.verdict_changed,
            },
            "findings": {
                "added": [dict(f) for f in self.added],
                "removed": [dict(f) for f in self.removed],
                "changed": [
                    {
                        "rule_id": c.rule_id,
                        "subject": c.subject,
                        "fields": list(c.fields),
                        "before": dict(c.before),
                        "after": dict(c.after),
                    }
                    for c in self.changed
                ],
            },
            "versions": [
                {"path": v.path, "before": v.before, "after": v.after}
                for v in self.versions_changed
            ],
        }


def diff_decisions(old: Mapping[str, Any], new: Mapping[str, Any]) -> DecisionDiff:
    """Compare two decision JSON objects (``check --json`` shape).

    >>> hit = {"rule_id": "r1", "subject": "parties[0]", "verdict": "review"}
    >>> d = diff_decisions({"verdict": "allowed", "findings": []},
    ...                    {"verdict": "review", "findings": [hit]})
    >>> (d.verdict_changed, len(d.added), d.is_empty)
    (True, 1, False)
    """
    old_findings = _keyed(old.get("findings") or ())
    new_findings = _keyed(new.get("findings") or ())
    added = tuple(new_findings[k] for k in new_findings if k not in old_findings)
    removed = tuple(old_findings[k] for k in old_findings if k not in new_findings)
    changed = []
    for key, before in old_findings.items():
        after = new_findings.get(key)
        if after is None or after == before:
            continue
        fields = tuple(sorted(k for k in {*before, *after} if before.get(k) != after.get(k)))
        changed.append(FindingChange(key[0], key[1], fields, before, after))
    return DecisionDiff(
        verdict_before=_str_or_none(old.get("verdict")),
        verdict_after=_str_or_none(new.get("verdict")),
        added=added,
        removed=removed,
        changed=tuple(changed),
        versions_changed=tuple(_diff_leaves(old.get("versions"), new.get("versions"), "")),
    )


def _keyed(findings: Iterable[Any]) -> dict[FindingKey, Mapping[str, Any]]:
    keyed: dict[FindingKey, Mapping[str, Any]] = {}
    seen: dict[tuple[str, str], int] = {}
    for finding in findings:
        if not isinstance(finding, Mapping):
            continue
        pair = (str(finding.get("rule_id", "")), str(finding.get("subject", "")))
        occurrence = seen.get(pair, 0)
        seen[pair] = occurrence + 1
        keyed[(*pair, occurrence)] = finding
    return keyed


def _diff_leaves(before: Any, after: Any, path: str) -> Iterable[ValueChange]:
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        b = before if isinstance(before, Mapping) else {}
        a = after if isinstance(after, Mapping) else {}
        if not isinstance(before, Mapping) and before is not None:
            yield ValueChange(path, before, None)
        for key in sorted({*b, *a}, key=str):
            yield from _diff_leaves(b.get(key), a.get(key), f"{path}.{key}" if path else str(key))
        if not isinstance(after, Mapping) and after is not None:
            yield ValueChange(path, None, after)
    elif before != after:
        yield ValueChange(path, before, after)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
