"""The scale bench's synthetic lists: no copy is spelt as a query can be."""

from __future__ import annotations

import random

from prosper.entities import Alias, Entity, EntityType
from scale import _key, _typo, _typo_keys, _unlike_queries, synthetic

ENTITIES = (
    Entity(
        id="t:1",
        name="Aleksey BUDNEV",
        source="t",
        list_code="T",
        type=EntityType.PERSON,
        aliases=(Alias("BUDNEV, Aleksey"), Alias("Alexei Budnev")),
    ),
    Entity("t:2", "t", "T", EntityType.ORGANIZATION, "JOINT STOCK COMPANY ZALIV"),
    Entity("t:3", "t", "T", EntityType.PERSON, "Kim Jong"),
)


def test_a_spelling_a_query_can_take_is_padded_until_it_cannot() -> None:
    taken = _typo_keys(ENTITIES)
    assert _key("Aleksey BUDENV") in taken  # N and E swapped: a query's spelling
    padded = _unlike_queries("Aleksey BUDENV", taken)
    assert padded.startswith("Aleksey BUDENV")
    assert padded != "Aleksey BUDENV"
    assert _key(padded) not in taken
    assert _unlike_queries("aleksey  budnev!", taken) != "aleksey  budnev!"  # folds the same
    assert _unlike_queries("Aleksey BUDNEVA", taken) == "Aleksey BUDNEVA"  # not a query's


def test_no_copy_is_spelt_as_any_query() -> None:
    ents = synthetic(ENTITIES, 3000)
    assert len(ents) == 3000
    assert ents[:3] == ENTITIES
    copies = ents[3:]
    names = [e.name for e in copies] + [a.name for e in copies for a in e.aliases]
    queries = {_key(_typo(e.name, random.Random(seed))) for e in ENTITIES for seed in range(200)}
    assert not {_key(n) for n in names} & queries
    # the copies still are mutations of the names (most of them unpadded)
    assert sum(n.startswith(("Aleksey", "BUDNEV", "JOINT", "Kim")) for n in names) > len(names) / 3
