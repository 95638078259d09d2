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
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources


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


@lru_cache(maxsize=1)
def population_table() -> Mapping[str, float]:
    """The shipped table (``data/population_names.tsv``), read once."""
    path = resources.files("prosper.names").joinpath("data/population_names.tsv")
    return parse_population_table(path.read_text("utf-8"))


def population_frequency(token: str, table: Mapping[str, float] | None = None) -> float:
    """People per 100,000 bearing ``token`` (a prepared name token) as a surname or first name;
    0 for a token not in the table.

    >>> population_frequency("smith") > 500 > population_frequency("habbash")
    True
    """
    return (population_table() if table is None else table).get(token, 0.0)
