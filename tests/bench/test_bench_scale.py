"""The scale bench's synthetic lists: no copy is spelt as a query can be."""

from __future__ import annotations

import random

from prosper.entities import Alias, Entity, EntityType
from scale import _tokens, _typo, _typo_tokens, _unlike_queries, synthetic

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


def test_a_word_a_query_can_have_is_lengthened_until_it_cannot() -> None:
    typos = _typo_tokens(ENTITIES)
    assert "budenv" in typos  # N and E swapped: a query's word
    assert "budnev" not in typos  # a listed word
    padded = _unlike_queries("Aleksey BUDENV", typos)
    assert padded.startswith("Aleksey budenv")
    assert not typos.intersection(_tokens(padded))
    # whatever the order, case and punctuation, and inside a hyphenated part
    assert _tokens(_unlike_queries("BUDENV, Aleksey", typos))[1] == "aleksey"
    assert not typos.intersection(_tokens(_unlike_queries("BUDENV, Aleksey", typos)))
    assert not typos.intersection(_tokens(_unlike_queries("Kim-Jnog Ivanov", typos)))
    assert _unlike_queries("Aleksey BUDNEVA", typos) == "Aleksey BUDNEVA"  # not a query's word


def test_no_copy_has_a_word_only_a_query_has() -> None:
    ents = synthetic(ENTITIES, 3000)
    assert len(ents) == 3000
    assert ents[:3] == ENTITIES
    copies = ents[3:]
    names = [e.name for e in copies] + [a.name for e in copies for a in e.aliases]
    listed = {t for e in ENTITIES for t in _tokens(e.name)}
    query_words = {
        t
        for e in ENTITIES
        for seed in range(300)
        for t in _tokens(_typo(e.name, random.Random(seed)))
    }
    assert query_words - listed  # the queries do have misspelt words
    assert not {t for n in names for t in _tokens(n)} & (query_words - listed)
    # the copies still are mutations of the names (most of them untouched by the guard)
    assert sum(n.startswith(("Aleksey", "BUDNEV", "JOINT", "Kim")) for n in names) > len(names) / 3


def test_every_variant_setting_has_the_type_of_the_retrieval_constant() -> None:
    # the compiled retrieval module rejects a float where an int is declared (1e18 failed every
    # run of the bench once the module was compiled)
    from prosper.screening import retrieval
    from scale import VARIANTS, _variants

    for settings in VARIANTS.values():
        for name, value in settings.items():
            assert type(value) is type(getattr(retrieval, name)), name
    assert _variants(retrieval) == list(VARIANTS)  # this tree has every setting


def test_the_memo_measurement_counts_lookups_and_leaves_the_index_memo_alone() -> None:
    from prosper.screening.index import ScreeningIndex
    from scale import _party_facts_memo

    # a second list with the first person: merging looks facts up only for hits that can join,
    # i.e. rows of two lists (the rows of one list never join)
    other_list = Entity(
        "u:1", "u", "U", EntityType.PERSON, "Aleksey BUDNEV", aliases=(Alias("Alexei Budnev"),)
    )
    ents = synthetic((*ENTITIES, other_list), 60)
    index = ScreeningIndex.build(ents)
    before = getattr(index, "_party_facts", None)
    memo = _party_facts_memo(index, ents, len(ents), 12)
    assert getattr(index, "_party_facts", None) is before  # restored
    assert memo["queries"] == 12
    assert memo["none"]["kept"] == 0
    assert memo["none"]["hit_rate"] == 0.0
    # the same queries, so the same lookups, whatever the memo
    assert memo["none"]["lookups"] == memo["shipped"]["lookups"] == memo["unbounded"]["lookups"]
    assert memo["shipped"]["kept"] == memo["unbounded"]["kept"] > 0  # far under the cap
    # 12 queries of three families of copies: the same parties come back
    assert memo["shipped"]["hit_rate"] == memo["unbounded"]["hit_rate"] > 0
    assert all(len(memo[k]["hits_stage_ms_p50_p99_total"]) == 3 for k in ("none", "shipped"))
