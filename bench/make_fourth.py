"""Build the fourth negative set: persons from three name packages, for one unread run per tree.

Usage::

    pip install --target DIR egy-names==0.3.6 russian-names==0.1.2 korname-generator==1.0.0
    PYTHONPATH=src:bench:DIR bench/.venv/bin/python bench/make_fourth.py \
        [--lists DIR] [--out bench/datasets] [--negatives 50000]
    # the tuning set: same sources, another seed, none of the fourth set's names
    PYTHONPATH=src:bench:DIR bench/.venv/bin/python bench/make_fourth.py \
        --seed 20261208_9 --name fourth_tuning.csv.gz \
        --exclude bench/datasets/fourth_negatives.csv.gz

The held-out and confirmation negatives are Faker persons, the third set mimesis persons; the
confirmation set's alert classes are read from round 8 on. ``fourth_negatives.csv.gz``
(``name,type,country,dob``) is made from three other name sources, none a general fake-data
generator, each MIT-licensed on PyPI and read as data (their generators are not called, so
the output depends only on this file's seed and the pinned package data):

* `egy-names <https://pypi.org/project/egy-names/>`_ 0.3.6: 44,626 Egyptian name lemmas
  counted in the records of 3.8 million students (2017–2024), each with its share of all name
  tokens (``tp``), gender, role (given / family) and the package's own Latin spelling. A
  person is a patronymic chain, as Egyptian and most Arab civil records write it: a given
  name drawn by its population share, the father's and often the grandfather's name (male
  given names), and in half the rows a family name — in Arabic script, or in the package's
  Latin spellings (``Mohamed Ahmed Elnaggar``, ``ELNAGGAR, Mohamed Ahmed``). The rows carry
  the country of an Arab state the lists target, weighted to Egypt; the names are Egyptian
  records' names for every one of them (a limit: Levantine and Gulf naming is close but not
  the same).
* `russian-names <https://pypi.org/project/russian-names/>`_ 0.1.2: its lists of Russian given
  names, patronymics and 84,000 / 116,000 male / female surnames, drawn uniformly (the package
  has no frequencies), ``Фамилия Имя Отчество``, ``Имя Отчество Фамилия`` or ``Имя Фамилия``,
  in Cyrillic or the package's own transliteration (not BGN, ICAO or the passport-style table
  of the other sets).
* `korname-generator <https://pypi.org/project/korname-generator/>`_ 1.0.0: its family names
  and given-name syllable pools with their romanizations (``Kim`` / ``Lee`` / ``Park``,
  ``Minjun``), Hangul joined or spaced, or ``Given FAMILY`` / ``FAMILY Given`` in the
  package's romanization.

Same listed-name filter as the other three sets (every name and alias of the embedded
snapshot and of the five list files, order-free and sound-alike keys). Another seed. Built
and committed before anyone reads it; run it with ``false_positives.py --with-attributes
--top 0`` (no names printed).

``fourth_tuning.csv.gz`` is its tuning twin (round 9): the same three sources and mix, seed
``20261208_9``, and none of the fourth set's names (``--exclude``: the committed set's name
keys join the listed-name filter, so the two sets share no row). Its alerts may be read;
the fourth set's may not.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
from importlib.resources import files
from pathlib import Path
from typing import Any

from make_datasets import DEFAULT_LISTS, HERE, name_key, write_csv
from make_third import listed_name_keys, unlisted_persons

SEED = 20261208_8

# (source, country, weight)
_MIX = [
    ("egy", "EG", 14), ("egy", "SY", 5), ("egy", "SA", 4), ("egy", "IQ", 4), ("egy", "JO", 2),
    ("egy", "YE", 2), ("egy", "AE", 2), ("egy", "LB", 2), ("egy", "LY", 2), ("egy", "SD", 2),
    ("egy", "KW", 1), ("egy", "QA", 1),
    ("ru", "RU", 20), ("ru", "BY", 3), ("ru", "KZ", 2),
    ("ko", "KR", 10), ("ko", "KP", 4),
]  # fmt: skip


class _Egyptian:
    """Given and family names of egy-names, drawn by their share of the records' tokens."""

    def __init__(self) -> None:
        path = files("egy_names").joinpath("data/names.json.gz")
        with gzip.open(str(path), "rt", encoding="utf-8") as fh:
            lemmas: list[dict[str, Any]] = json.load(fh)["names"]
        self.pools: dict[str, tuple[list[tuple[str, str]], list[float]]] = {}
        for key, keep in (
            ("male", lambda x: x["l"] == "g" and x["g"] in "mn"),
            ("female", lambda x: x["l"] == "g" and x["g"] in "fn"),
            ("family", lambda x: x["l"] == "f"),
        ):
            rows = sorted(
                (x for x in lemmas if keep(x) and x.get("tp", 0) > 0 and x.get("e")),
                key=lambda x: x["a"],
            )
            self.pools[key] = ([(x["a"], x["e"]) for x in rows], [x["tp"] for x in rows])

    def draw(self, pool: str, rng: random.Random) -> tuple[str, str]:
        names, weights = self.pools[pool]
        return rng.choices(names, weights=weights)[0]

    def person(self, rng: random.Random) -> str:
        chain = [self.draw("male" if rng.random() < 0.6 else "female", rng)]
        chain.append(self.draw("male", rng))
        if rng.random() < 0.5:
            chain.append(self.draw("male", rng))
        family = self.draw("family", rng) if rng.random() < 0.5 else None
        if rng.random() < 0.65:
            words = [a for a, _ in chain] + ([family[0]] if family else [])
            return " ".join(words)
        given = " ".join(e for _, e in chain)
        if family is None:
            return given
        if rng.random() < 0.3:
            return f"{family[1].upper()}, {given}"
        return f"{given} {family[1]}"


class _Russian:
    """Given names, patronymics and surnames of russian-names (common given names only)."""

    def __init__(self) -> None:
        from russian_names.utils import load_data, transliterate_word

        data = [section.split(" ") for section in load_data()]
        self.translit = transliterate_word
        # the package's sections: 1 male names, 3 male patronymics, 4 male surnames, 6/8/9 female
        self.pools = {"male": (data[1], data[3], data[4]), "female": (data[6], data[8], data[9])}

    def person(self, rng: random.Random) -> str:
        given, patronymic, surname = (
            rng.choice(pool) for pool in self.pools["male" if rng.random() < 0.55 else "female"]
        )
        r = rng.random()
        if r < 0.4:
            name = f"{surname} {given} {patronymic}"
        elif r < 0.6:
            name = f"{given} {patronymic} {surname}"
        else:
            name = f"{given} {surname}"
        if rng.random() < 0.45:
            return " ".join(self.translit(w) for w in name.split())
        return name


class _Korean:
    """Family names and given-name syllables of korname-generator with their romanizations."""

    def __init__(self) -> None:
        from korean_name_generator.data import (
            FAMILY_NAMES,
            FEMALE_SECOND_SYLLABLES,
            FIRST_SYLLABLES,
            GENDER_NEUTRAL_SECOND_SYLLABLES,
            MALE_SECOND_SYLLABLES,
        )

        self.family = list(FAMILY_NAMES)
        self.first = list(FIRST_SYLLABLES)
        self.second = [
            list(MALE_SECOND_SYLLABLES),
            list(FEMALE_SECOND_SYLLABLES),
            list(GENDER_NEUTRAL_SECOND_SYLLABLES),
        ]

    def person(self, rng: random.Random) -> str:
        fam_en, fam_ko = rng.choice(self.family)
        one_en, one_ko = rng.choice(self.first)
        two_en, two_ko = rng.choice(rng.choice(self.second))
        r = rng.random()
        if r < 0.5:
            return fam_ko + one_ko + two_ko
        if r < 0.65:
            return f"{fam_ko} {one_ko}{two_ko}"
        given = one_en + two_en.lower()
        if r < 0.85:
            return f"{given} {fam_en.upper()}"
        return f"{fam_en} {given}"


def negatives(n: int, listed: set[str], seed: int) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    sources = {"egy": _Egyptian(), "ru": _Russian(), "ko": _Korean()}
    weights = [w for _, _, w in _MIX]

    def draw() -> tuple[str, str]:
        source, country, _ = rng.choices(_MIX, weights=weights)[0]
        return sources[source].person(rng), country  # type: ignore[attr-defined]

    return unlisted_persons(n, listed, rng, draw)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--out", type=Path, default=HERE / "datasets")
    parser.add_argument("--negatives", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--name", default="fourth_negatives.csv.gz", help="output file name")
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="a set whose names to leave out"
    )
    args = parser.parse_args(argv)

    excluded = listed_name_keys(args.lists)
    for path in args.exclude:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            excluded |= {name_key(row["name"].replace(",", " ")) for row in csv.DictReader(fh)}
    negs = negatives(args.negatives, excluded, args.seed)
    n = write_csv(args.out / args.name, ["name", "type", "country", "dob"], negs)
    print(f"{args.name}: {n} persons")


if __name__ == "__main__":
    main()
