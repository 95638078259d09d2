"""Build the third negative set: persons from another generator, for one unread run per tree.

Usage::

    PYTHONPATH=src:bench:<mimesis dir> bench/.venv/bin/python bench/make_third.py \
        [--lists DIR] [--out bench/datasets] [--negatives 50000]

The held-out negatives (``make_heldout.py``) and the confirmation negatives
(``make_confirm.py``) are both Faker persons; the confirmation set's alert classes are read
from round 7 on, so it stops being unread. ``third_negatives.csv.gz`` (``name,type,country,
dob``) is made by another generator and another name source: `mimesis
<https://pypi.org/project/mimesis/>`_ 19.1.0 (MIT; its own per-locale name lists, not
Faker's), installed apart (``pip install --target DIR mimesis==19.1.0``; the bench venv does
not carry it). Another seed, another locale mix (Russia, Ukraine and Kazakhstan in Cyrillic
and in the ICAO 9303 passport transliteration; Persian and eleven Arabic locales in Arabic
script, a father's name or a second given name in some; Korean as Hangul joined or spaced, or
``Gil-dong HONG`` romanized; Chinese in Han or ``SURNAME Givenname`` pinyin; Turkish,
Azerbaijani, Japanese, Mexican Spanish, Greek, Polish …), and names composed across sibling
locales (an Arabic given name with a Persian surname, a Kazakh given name with a Russian
surname …). Same listed-name filter as the other two sets (every name and alias of the
embedded snapshot and of the five list files, order-free and sound-alike keys). Built and
committed before anyone reads it; run it with ``false_positives.py --with-attributes --top 0``
(no names printed).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from pathlib import Path

from make_datasets import DEFAULT_LISTS, HERE, loose_keys, name_key, write_csv
from make_heldout import (
    AU_FILE,
    CA_FILE,
    CSL_FILE,
    EU_FILE,
    UN_FILE,
    read_au,
    read_ca,
    read_entity_list,
    read_eu,
    read_un,
    rr_name,
)

SEED = 20261207_7

# (mimesis locale, country, weight, writing, sibling locale for a composed name or None)
_LOCALES = [
    ("ru", "RU", 12, "cyrillic", "uk"), ("uk", "UA", 5, "cyrillic", "ru"),
    ("kk", "KZ", 3, "cyrillic", "ru"), ("ru", "BY", 2, "cyrillic", "uk"),
    ("fa", "IR", 8, "arabic", "ar-sy"), ("ar-sy", "SY", 6, "arabic", "ar-jo"),
    ("ar-eg", "EG", 4, "arabic", "ar-sa"), ("ar-ae", "AE", 3, "arabic", "ar-om"),
    ("ar-sa", "SA", 3, "arabic", "ar-kw"), ("ar-ye", "YE", 2, "arabic", "ar-sa"),
    ("ar-jo", "JO", 2, "arabic", "ar-sy"), ("ar-kw", "KW", 1, "arabic", "ar-qa"),
    ("ar-qa", "QA", 1, "arabic", "ar-ae"), ("ar-om", "OM", 1, "arabic", "ar-ae"),
    ("ar-ma", "MA", 1, "arabic", "ar-dz"), ("ar-tn", "TN", 1, "arabic", "ar-dz"),
    ("ar-dz", "DZ", 1, "arabic", "ar-ma"), ("fa", "AF", 1, "arabic", None),
    ("ko", "KR", 5, "korean", None), ("ko", "KP", 3, "korean", None),
    ("zh", "CN", 8, "han", None), ("zh", "HK", 1, "han", None), ("ja", "JP", 2, "han", None),
    ("tr", "TR", 4, "latin", "az"), ("az", "AZ", 2, "latin", "tr"),
    ("es-mx", "MX", 2, "latin", "es"), ("el", "GR", 1, "latin", None),
    ("pl", "PL", 1, "latin", None), ("cs", "CZ", 1, "latin", None), ("en", "US", 2, "latin", None),
    ("de", "DE", 1, "latin", None), ("pt-br", "BR", 1, "latin", None),
]  # fmt: skip

# ICAO 9303 (machine-readable passports): not the BGN table of the tuning set, not the
# passport-style table of make_confirm.py (iu / ia, i for й)
_ICAO = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y - e iu ia i i ie g"
_ICAO_MAP = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", _ICAO.split(), strict=True))
_ICAO_MAP.update(ә="ae", ғ="gh", қ="q", ң="ng", ө="oe", ұ="u", ү="ue", һ="h", җ="zh")


def translit_icao(text: str) -> str:
    out = []
    for word in text.split():
        latin = "".join(_ICAO_MAP.get(c, c) for c in word.lower()).replace("-", "")
        out.append(latin.capitalize())
    return " ".join(out)


def _gender(rng: random.Random):  # type: ignore[no-untyped-def]
    from mimesis.enums import Gender

    return Gender.MALE if rng.random() < 0.6 else Gender.FEMALE


def _person(people: dict[str, object], loc: str, writing: str, sibling: str | None,
            rng: random.Random) -> str:  # fmt: skip
    from mimesis.enums import Gender

    gender = _gender(rng)
    given_from = sibling if sibling and rng.random() < 0.15 else loc
    first = people[given_from].first_name(gender=gender)  # type: ignore[attr-defined]
    last = people[loc].last_name(gender=gender)  # type: ignore[attr-defined]
    if writing == "cyrillic":
        r = rng.random()
        if r < 0.35:
            name = f"{last} {first}"
        elif r < 0.55:
            name = f"{first} {people[loc].first_name(gender=Gender.MALE)} {last}"  # type: ignore[attr-defined]
        else:
            name = f"{first} {last}"
        return translit_icao(name) if rng.random() < 0.4 else name
    if writing == "arabic":
        r = rng.random()
        if r < 0.3:
            return f"{first} {people[loc].first_name(gender=Gender.MALE)} {last}"  # type: ignore[attr-defined]
        if r < 0.45:
            return f"{first} {people[given_from].first_name(gender=gender)} {last}"  # type: ignore[attr-defined]
        return f"{first} {last}"
    if writing == "korean":
        r = rng.random()
        if r < 0.5:
            return last + first
        if r < 0.7:
            return f"{last} {first}"
        full = rr_name(last + first).split()
        if len(full) >= 2:
            given = "-".join(full[1:]).capitalize()
            return f"{given} {full[0].upper()}"
        return last + first
    if writing == "han":
        if loc == "zh" and rng.random() < 0.35:
            from pypinyin import lazy_pinyin

            given = "".join(lazy_pinyin(first)).capitalize()
            return f"{''.join(lazy_pinyin(last)).upper()} {given}"
        return last + first
    r = rng.random()
    if r < 0.2:
        return f"{last.upper()} {first}"
    return f"{first} {last}"


def negatives(n: int, listed: set[str], seed: int) -> list[tuple[str, str, str, str]]:
    from mimesis import Locale, Person

    rng = random.Random(seed)
    people: dict[str, object] = {}
    for k, (loc, _, _, _, sib) in enumerate(_LOCALES):
        for name in (loc, sib):
            if name and name not in people:
                person = Person(Locale(name))
                person.reseed(seed * 13 + k + len(people))
                people[name] = person
    weights = [w for _, _, w, _, _ in _LOCALES]

    def draw() -> tuple[str, str]:
        loc, country, _, writing, sibling = rng.choices(_LOCALES, weights=weights)[0]
        return _person(people, loc, writing, sibling, rng), country

    return unlisted_persons(n, listed, rng, draw)


def unlisted_persons(
    n: int, listed: set[str], rng: random.Random, draw: Callable[[], tuple[str, str]]
) -> list[tuple[str, str, str, str]]:
    """``n`` persons ``(name, "person", country, dob)`` from ``draw()`` (a name and its country),
    none a listed name or alias (``listed``: name keys; also by :func:`loose_keys`) nor drawn
    twice, each with a date of birth from ``rng`` drawn after its name."""
    listed_loose = {k for key in listed for k in loose_keys(key)}
    out: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    while len(out) < n:
        name, country = draw()
        name = " ".join(name.split())
        key = name_key(name.replace(",", " "))
        if not key or key in seen or key in listed or not loose_keys(name).isdisjoint(listed_loose):
            continue
        seen.add(key)
        dob = f"{rng.randint(1945, 2006):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append((name, "person", country, dob))
    return out


def listed_name_keys(lists: Path) -> set[str]:
    """The name keys of every listed name and alias: the embedded snapshot's and those of the
    UN, AU, EU, CA and Entity List files in ``lists`` (a negative set keeps none of them)."""
    from prosper.lists import load_snapshot

    listed = {
        name_key(name.replace(",", " "))
        for e in load_snapshot().entities
        for name, _ in e.all_names()
    }
    for e in [
        *read_un(lists / UN_FILE),
        *read_au(lists / AU_FILE),
        *read_eu(lists / EU_FILE),
        *read_ca(lists / CA_FILE),
        *read_entity_list(lists / CSL_FILE),
    ]:
        for name in (e.name, *e.aliases, *e.original):
            listed.add(name_key(name.replace(",", " ")))
    listed.discard("")
    return listed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--out", type=Path, default=HERE / "datasets")
    parser.add_argument("--negatives", type=int, default=50_000)
    args = parser.parse_args(argv)

    negs = negatives(args.negatives, listed_name_keys(args.lists), SEED)
    n = write_csv(args.out / "third_negatives.csv.gz", ["name", "type", "country", "dob"], negs)
    print(f"third_negatives.csv.gz: {n} persons")


if __name__ == "__main__":
    main()
