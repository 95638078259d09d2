"""How common a name token is among people: the population name-frequency table.

The list IDF (:mod:`prosper.names.weights`) says how often a token occurs *on the lists*;
``Habbash`` is rare there and so is ``Smith``, yet millions of people are called Smith. This
table says how often a token occurs *in a population*: people per 100,000 who bear it as a
surname (US Census 2010 surname file) or as a first name (US Census 2020 first-name table),
``data/population_names.tsv`` — built by ``scripts/build_population_names.py``, source and
licence in ``data/README.md``. Tokens borne by fewer than 1 in 100,000 are not in the table
(frequency 0: rare). The matcher uses it in :mod:`prosper.matching.population`.

The table is a US population: Hispanic, Chinese, Korean, Vietnamese, Indian and Arabic names
are there as far as they are common in the US (``garcia``, ``kim``, ``nguyen``, ``singh``,
``mohammed``), Russian and Persian given names much less (``aleksandr`` 3.2, ``reza`` 1.9).
A second table, ``data/world_given_names.tsv`` (:func:`world_given_names_table`), says how
common a *first name* is in the country of the world where it is most common — Jörg Michael's
per-country first-name classes (Russia, Ukraine, Arabia/Persia, China, Korea … 55 in all; GNU
FDL, built by ``scripts/build_world_given_names.py``, provenance in ``data/README.md``):
``reza`` 125, ``oleksandr`` 2,000, ``fatemeh`` 250 per 100,000. :func:`merge_tables` takes the
larger of the two per token. It has no surnames: ``hosseini`` and ``smirnov`` stay rare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from prosper.cachefile import cached_table
from prosper.packagedata import read_text


def parse_population_table(text: str) -> dict[str, float]:
    """``{token: people per 100,000}`` from the TSV text (``#`` lines are comments).

    >>> parse_population_table("# c\\nsmith\\t829.86\\n")
    {'smith': 829.86}
    """
    out: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        token, _, value = line.partition("\t")
        out[token] = float(value)
    return out


def _read(name: str) -> dict[str, float]:
    text = read_text("prosper.names", f"data/{name}")
    return cached_table("population", text, parse_population_table)  # parsed once per text


@lru_cache(maxsize=1)
def population_table() -> Mapping[str, float]:
    """The shipped US table (``data/population_names.tsv``), read once."""
    return _read("population_names.tsv")


@lru_cache(maxsize=1)
def world_given_names_table() -> Mapping[str, float]:
    """The shipped world first-name table (``data/world_given_names.tsv``), read once: people
    per 100,000 bearing the token as a first name where it is most common.

    >>> world_given_names_table()["oleksandr"] > 100 > population_table()["oleksandr"]
    True
    """
    return _read("world_given_names.tsv")


def patronymic_surnames(
    given: Mapping[str, float], rules: Sequence[tuple[str, str]], share: float, min_given: float
) -> dict[str, float]:
    """Surnames formed from a common first name by a patronymic suffix, each as common as
    ``share`` × the first name: the name of a father's name is the commonest way surnames
    were made in Russia and Ukraine (``ivan`` → ``ivanov``, ``petro`` → ``petrenko``), Iran
    (``hossein`` → ``hosseini``, ``reza`` → ``rezaei``, ``ali`` → ``alizadeh``) and among
    Turkic peoples (``hasan`` → ``hasanov``). ``rules`` are ``(ending, suffix)`` pairs: a
    first name that ends in ``ending`` (``""``: any) loses it and takes ``suffix``. Only first
    names borne by at least ``min_given`` per 100,000 are used.

    >>> rules = [("", "ov"), ("y", "ev"), ("o", "enko")]
    >>> patronymic_surnames({"ivan": 2000.0, "sergey": 4000.0, "petro": 500.0, "rare": 3.0},
    ...                     rules, 0.1, 100.0)
    {'ivanov': 200.0, 'sergeyov': 400.0, 'sergeev': 400.0, 'petroov': 50.0, 'petrenko': 50.0}
    """
    out: dict[str, float] = {}
    for name, freq in given.items():
        if freq < min_given:
            continue
        for ending, suffix in rules:
            if not name.endswith(ending) or len(name) - len(ending) < 2:
                continue
            surname = name[: len(name) - len(ending)] + suffix
            out[surname] = max(out.get(surname, 0.0), freq * share)
    return out


def merge_tables(
    base: Mapping[str, float], extra: Mapping[str, float], share: float = 1.0
) -> dict[str, float]:
    """``base`` with each token of ``extra`` (× ``share``) where that is larger: a token is as
    common as the more common of the two populations says.

    >>> merge_tables({"smith": 830.0, "reza": 1.9}, {"reza": 125.0, "olga": 4000.0}, 0.5)
    {'smith': 830.0, 'reza': 62.5, 'olga': 2000.0}
    """
    out = dict(base)
    for token, value in extra.items():
        scaled = value * share
        if scaled > out.get(token, 0.0):
            out[token] = scaled
    return out


def population_frequency(token: str, table: Mapping[str, float] | None = None) -> float:
    """People per 100,000 bearing ``token`` (a prepared name token) as a surname or first name;
    0 for a token not in the table.

    >>> population_frequency("smith") > 500 > population_frequency("habbash")
    True
    """
    return (population_table() if table is None else table).get(token, 0.0)
