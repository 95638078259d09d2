"""Whether an item is subject to the EAR: US origin, de minimis US content, the FDP hook.

EAR §§734.3, 734.4 and 734.9. ``False`` (not subject) only when the facts clearly say so;
``None`` with the inputs that would decide it otherwise. Read by :mod:`prosper.controls.facts`
and the ``classify`` report.
"""

from __future__ import annotations

from dataclasses import dataclass

from prosper.controls.classify import Classification
from prosper.controls.fdp import Hook
from prosper.controls.thresholds import Thresholds
from prosper.model import Item


@dataclass(frozen=True, slots=True)
class SubjectTo:
    """Whether an item is subject to the EAR, why, and which inputs would decide it."""

    value: bool | None
    basis: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    """Inputs of :func:`subject_to_ear`."""

    item: Item
    cls: Classification
    index: int
    origin_country: str | None
    dest_groups: frozenset[str]
    in_ac_scope: bool | None
    reading: str
    fdp_entity: bool
    fdp: Hook | None = None


def subject_to_ear(req: SubjectRequest, t: Thresholds) -> SubjectTo:
    """US origin, de minimis US content and the foreign-direct-product hook (§§734.3, .4, .9).

    ``not_subject`` (False) only when the facts clearly say so; None otherwise.
    """
    item, cls, i = req.item, req.cls, req.index
    if cls.published:
        return SubjectTo(False, "published (§734.3(b)(3), §734.7)")
    if req.origin_country == "US":
        return SubjectTo(True, "the item is exported from the United States (§734.3(a)(1))")
    if item.us_origin is True:
        return SubjectTo(True, "US-origin item (§734.3(a)(2))")
    embargoed = bool(req.dest_groups & {"E:1", "E:2"})
    level = t.de_minimis_e_percent if embargoed else t.de_minimis_percent
    content = item.us_content_percent
    if content is not None and content > level:
        return SubjectTo(
            True, f"controlled US content {content:g} % is above the {level:g} % de minimis level"
        )
    missing = [
        f"items[{i}].{name}"
        for name, value in (
            ("us_origin", item.us_origin),
            ("us_content_percent", content),
            ("made_with_us_technology", item.made_with_us_technology),
        )
        if value is None
    ]
    if item.made_with_us_technology is True:
        hook = req.fdp
        if hook is None and req.fdp_entity:
            return SubjectTo(
                True,
                "foreign direct product of US technology and a party is an Entity List "
                "footnote 1/4 entity (§734.9(e))",
            )
        if hook is not None and hook.value is True:
            return SubjectTo(True, hook.basis)
        if cls.ac_level in ("a", "b"):
            if req.reading == "literal":
                return SubjectTo(
                    True, "advanced-computing FDP rule §734.9(h) (worldwide in the codified text)"
                )
            if req.in_ac_scope is True:
                return SubjectTo(
                    True,
                    "advanced-computing FDP rule §734.9(h): destination or end user in scope "
                    "(Macau/D:5, D:1/D:4 outside A:5/A:6, or Macau/D:5-headquartered end user)",
                )
            return SubjectTo(
                None,
                "made with US technology: the enforced destination scope of §734.9(h) is not "
                "verified [K ⚠]",
                (*missing, "§734.9(h) destination scope (enforced posture)"),
            )
        if hook is not None and hook.value is False:
            if item.us_origin is False and content is not None:
                return SubjectTo(
                    False,
                    f"foreign-made, US content {content:g} % ≤ {level:g} % de minimis; "
                    f"{hook.basis}",
                )
            return SubjectTo(None, hook.basis, tuple(missing))
        if hook is not None:
            return SubjectTo(None, hook.basis, (*missing, *hook.missing))
        return SubjectTo(
            None,
            "made with US technology: the foreign-direct-product rules (§734.9) for this item "
            "are not modelled",
            (*missing, f"items[{i}] FDP analysis (§734.9)"),
        )
    if item.us_origin is False and content is not None and item.made_with_us_technology is False:
        return SubjectTo(
            False,
            f"foreign-made, US content {content:g} % ≤ {level:g} % de minimis, "
            "no foreign-direct-product hook",
        )
    return SubjectTo(None, "US origin, US content or the FDP hook is not given", tuple(missing))
