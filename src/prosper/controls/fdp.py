"""The foreign-direct-product hooks of EAR §734.9 for an item made with US technology.

The facts the FDP rules turn on are asked concretely: which US-origin software or technology
(or plant, or major component of a plant) the item is a direct product of — as ECCNs in
``items[].us_technology_eccns`` — which Entity List footnote a party carries, and where the item
goes. With them the hooks of ``rules/tables/ear_fdp_rules.yaml`` are decided: footnote 1
(§734.9(e)(1)), footnote 4 ((e)(2)), Russia / Belarus and footnote 3 ((f), (g)), supercomputer
end use ((i)); the national-security rule (b), footnote 5 (e)(3) and the SME rule (k) stay
``review`` naming the fact that decides them. The advanced-computing rule (h) is applied in
:mod:`prosper.controls.facts`. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prosper.model import Item, PartyResult, PartyRole

_DE = re.compile(r"^\d[DE]\d{3}")
_FN_TEXT = re.compile(r"EAR\)\s*([1345])\s*$")


@dataclass(frozen=True, slots=True)
class FdpTables:
    """``tables/ear_fdp_rules.yaml``."""

    fn1_products: frozenset[str]
    fn4_products: frozenset[str]
    russia_belarus: frozenset[str]
    supercomputer_destinations: frozenset[str]
    ns_groups: frozenset[str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FdpTables:
        fn1 = frozenset(str(e) for e in data["fn1_products"])
        return cls(
            fn1_products=fn1,
            fn4_products=fn1 | frozenset(str(e) for e in data["fn4_extra"]),
            russia_belarus=frozenset(data["russia_belarus"]),
            supercomputer_destinations=frozenset(data["supercomputer_destinations"]),
            ns_groups=frozenset(data["ns_groups"]),
        )


def party_footnotes(parties: Sequence[PartyResult]) -> frozenset[str]:
    """The Entity List footnotes (``FN1`` …) of the strong hits on parties other than the exporter.

    From the row's footnotes, or from the footnote digit ending its licence requirement text.
    """
    found: set[str] = set()
    for pr in parties:
        if pr.role is PartyRole.EXPORTER:
            continue
        for hit in (x for h in pr.hits for x in (h, *h.listings)):
            ent = hit.entity
            if not hit.match or ent.list_code != "EL" or ent.policy is None:
                continue
            found.update(ent.policy.footnotes)
            m = _FN_TEXT.search((ent.policy.license_requirement or "").strip())
            if m is not None:
                found.add(f"FN{m.group(1)}")
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Hook:
    """Whether an FDP rule makes the item subject to the EAR (None: a named fact decides)."""

    value: bool | None
    basis: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FdpRequest:
    """Inputs of :func:`fdp_hook` for one item."""

    item: Item
    index: int
    declared_eccn: str | None
    destination: str | None
    dest_groups: frozenset[str]
    end_use_flags: tuple[str, ...]
    footnotes: frozenset[str]


def fdp_hook(req: FdpRequest, t: FdpTables) -> Hook:
    """The §734.9 hook of an item made with US technology (rule (h) aside)."""
    i = f"items[{req.index}]"
    eccns = {e.split(".", 1)[0].upper() for e in req.item.us_technology_eccns}
    if not eccns:
        if req.footnotes & {"FN1", "FN4"}:
            return Hook(
                True,
                "foreign direct product of US technology and a party is an Entity List "
                "footnote 1/4 entity (§734.9(e)); give items[].us_technology_eccns to check the "
                "product scope",
            )
        return Hook(
            None,
            "made with US technology: which US software or technology (or plant) it is a direct "
            "product of decides the foreign-direct-product rules (§734.9)",
            (
                f"{i}.us_technology_eccns (ECCNs of the US-origin software/technology, or of "
                "the plant or its major component, the item is a direct product of)",
            ),
        )
    named = ", ".join(sorted(eccns))
    de = {e for e in eccns if _DE.match(e)}
    dest = req.destination
    if "FN1" in req.footnotes and eccns & t.fn1_products:
        return Hook(
            True, f"§734.9(e)(1): direct product of {named}, a party is a footnote 1 entity"
        )
    if "FN4" in req.footnotes and eccns & t.fn4_products:
        return Hook(
            True, f"§734.9(e)(2): direct product of {named}, a party is a footnote 4 entity"
        )
    if dest in t.russia_belarus and de:
        return Hook(True, f"§734.9(f): direct product of {named} (Category D/E) to {dest}")
    if "FN3" in req.footnotes and de:
        return Hook(True, f"§734.9(g): direct product of {named}, a party is a footnote 3 entity")
    if (
        "supercomputer" in req.end_use_flags
        and dest in t.supercomputer_destinations
        and eccns & t.fn1_products
    ):
        return Hook(True, f"§734.9(i): direct product of {named} for a supercomputer in {dest}")
    open_: list[str] = []
    if "FN5" in req.footnotes:
        open_.append(
            f"{i}: §734.9(e)(3) footnote 5 — is it a product of the listed 3B/3D/3E scope?"
        )
    d5 = dest == "MO" or "D:5" in req.dest_groups
    if d5 and (req.declared_eccn or "").upper().startswith("3B"):
        open_.append(f"{i}: §734.9(k) SME rule — is it a listed 3B001/3B002 item from 3D992/3E992?")
    if req.dest_groups & t.ns_groups and any(e[1] == "E" for e in eccns):
        open_.append(
            f"{i}: §734.9(b) — did the US technology ({named}) require a written assurance (NS)?"
        )
    if open_:
        return Hook(None, f"direct product of {named}: an FDP rule may apply", tuple(open_))
    return Hook(
        False,
        f"direct product of {named}: no §734.9 rule reaches it here (no footnote 1/3/4/5 party, "
        f"destination {dest or '?'} outside the Russia/Belarus, supercomputer, SME and NS reach)",
    )
