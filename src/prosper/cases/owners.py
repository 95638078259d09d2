"""Screening a registered party's owners with it.

Each owner of a registered party (``owners``: name, share, country) is screened like a party of
its own — its name, with its country as the qualifier — as ``check`` screens
``parties[].owners``. Its hits on entities the party itself does not hit become the party's
alerts, naming the owner (``via``: ``owners[0] Foo Holdings (51%)``); the party's own hit on an
entity comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from prosper.cases.model import RegisteredParty
from prosper.model import EntityType, Hit

Screen = Callable[[RegisteredParty], tuple[Hit, ...]]
Via = dict[tuple[str, str], str]
Results = list[tuple[RegisteredParty, tuple[Hit, ...]]]


def owner_parties(party: RegisteredParty) -> list[tuple[str, RegisteredParty]]:
    """``(path, owner as a party)`` for each owner (organizations, as ``check`` assumes)."""
    out = []
    for i, owner in enumerate(party.owners):
        share = owner.get("percent")
        label = f"owners[{i}] {owner['name']}" + ("" if share is None else f" ({share:g}%)")
        country = owner.get("country")
        out.append(
            (
                label,
                RegisteredParty(
                    id=party.id,
                    name=str(owner["name"]),
                    type=EntityType.ORGANIZATION,
                    countries=(country,) if country else (),
                ),
            )
        )
    return out


def screen_with_owners(screen: Screen, parties: Sequence[RegisteredParty]) -> tuple[Results, Via]:
    """Each party's hits and its owners' (``screen`` one party), and which came via an owner."""
    results: Results = []
    via: Via = {}
    for party in parties:
        hits = screen(party)
        seen = {listing.entity.id for hit in hits for listing in hit.all_listings()}
        extra: list[Hit] = []
        for path, owner in owner_parties(party):
            for hit in screen(owner):
                ids = [listing.entity.id for listing in hit.all_listings()]
                if any(i in seen for i in ids):
                    continue  # the party itself (or an owner before) hits it already
                seen.update(ids)
                extra.append(hit)
                for entity_id in ids:
                    via[(party.id, entity_id)] = path
        results.append((party, (*hits, *extra)))
    return results, via
