"""List freshness: a list older than its allowed age is never a clean pass.

Each source of a snapshot states the publication date its data carries (``SourceInfo.published``,
``YYYY-MM-DD`` or ``unknown``). A source is *stale* on a day when it is older than its maximum
age (``rules/screening_policy.yaml`` → ``freshness``, overridable with the setting
``PROSPER_LISTS_MAX_AGE_DAYS``), or when its publication date is unknown (its age cannot be
shown). A decision whose screening relies on a stale source says so (``review``); ``screen``
warns. The age is measured on the decision's ``as_of`` (``screen``: today); a source published
after that day is not stale.

Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

ALL = "*"  # the key of a limit that applies to every source not named


class _Source(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def published(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Stale:
    """One source too old (or of unknown age) on ``on``."""

    source: str
    published: str
    on: date
    age_days: int | None
    max_age_days: int

    def message(self) -> str:
        """One line naming the list and its age, e.g. for ``screen``'s warnings.

        >>> Stale("us_ofac_sdn", "2026-08-20", date(2026, 12, 6), 108, 30).message()[:66]
        'us_ofac_sdn was published 2026-08-20: 108 days old on 2026-12-06 ('
        """
        if self.age_days is None:
            return (
                f"{self.source} states no publication date: its age on {self.on} is unknown "
                f"(allowed {self.max_age_days} days); refresh it with `prosper lists update`"
            )
        return (
            f"{self.source} was published {self.published}: {self.age_days} days old on "
            f"{self.on} (allowed {self.max_age_days}); refresh it with `prosper lists update`"
        )


def max_age(source: str, limits: Mapping[str, int]) -> int | None:
    """The allowed age of ``source``: its own limit, else the ``*`` limit, else None."""
    if source in limits:
        return limits[source]
    return limits.get(ALL)


def age_days(published: str, on: date) -> int | None:
    """Days from ``published`` (``YYYY-MM-DD…``) to ``on``; None when the date is unknown.

    >>> age_days("2026-08-20", date(2026, 12, 6)), age_days("unknown", date(2026, 12, 6))
    (108, None)
    """
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    return (on - day).days


def stale_sources(
    sources: Iterable[_Source], on: date, limits: Mapping[str, int]
) -> tuple[Stale, ...]:
    """The sources older than their allowed age on ``on`` (or of unknown age), in order.

    A source with no limit (neither its own nor ``*``) is never stale.

    >>> class S:
    ...     def __init__(self, source, published): self.source, self.published = source, published
    >>> [s.source for s in stale_sources([S("a", "2026-11-30"), S("b", "2026-10-01")],
    ...                                  date(2026, 12, 6), {"*": 30})]
    ['b']
    """
    out: list[Stale] = []
    for info in sources:
        limit = max_age(info.source, limits)
        if limit is None:
            continue
        age = age_days(info.published, on)
        if age is None or age > limit:
            out.append(Stale(info.source, info.published, on, age, limit))
    return tuple(out)


def merge_limits(
    defaults: Mapping[str, int], overrides: Iterable[tuple[str, int]]
) -> dict[str, int]:
    """The packaged limits with the setting's overrides on top.

    An override for ``*`` replaces every packaged limit (one number for all lists); a named
    override replaces that source's limit.

    >>> merge_limits({"*": 30, "jp_meti_eul": 400}, [("*", 45)])
    {'*': 45}
    >>> merge_limits({"*": 30, "jp_meti_eul": 400}, [("us_ofac_sdn", 7)])
    {'*': 30, 'jp_meti_eul': 400, 'us_ofac_sdn': 7}
    """
    out = dict(defaults)
    for key, days in overrides:
        if key == ALL:
            out = {ALL: days}
    for key, days in overrides:
        if key != ALL:
            out[key] = days
    return out
