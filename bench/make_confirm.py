"""Build the confirmation sets: unseen by anyone, made by other code than every other set.

Usage::

    bench/.venv/bin/python bench/make_confirm.py [--lists DIR] [--out bench/datasets]

The held-out sets of ``bench/make_heldout.py`` have been run many times and their miss classes
read, so they no longer say much about names nobody tuned for. These two sets are built once,
committed, and run once per tree; nobody reads their rows while tuning.

``confirm_negatives.csv.gz`` (``name,type,country,dob``) — 50,000 non-listed persons from Faker
with another seed and another locale mix than both the tuning and the held-out negatives,
weighted toward the countries the lists target (IR, RU, CN, KR and KP, AE, PK, SY, IQ, BY …),
and written in more ways: Russian ``Фамилия Имя Отчество`` and a Latin transliteration of it
(a table written here), Arabic names with a father's name, Korean with and without the space
and in the ``hangul-names`` RR, Chinese in Han and in pinyin, Latin names as ``SURNAME, Given``
and ``SURNAME Given``. Same listed-name filter as ``make_heldout.py`` (every name and alias of
the embedded snapshot and of the five list files it reads, order-free and sound-alike keys).

``confirm_typos.csv`` (``query,expected_entity_id,type,category``) — typo / reorder queries of
persons listed by the EU, Canada and Australia in the embedded snapshot and *not* by the UN (the
held-out typo set is UN-listed persons, the tuning set 2024 SDN persons), with edits the other
generators do not make: a keyboard-neighbour substitution, a doubled letter written once, a
respelling (``ou``→``u``, ``kh``→``h``, ``y``↔``i``, ``ph``→``f`` …), a word split in two or two
words joined, a hyphen between two words; half of them reordered or written ``SURNAME, Given``.
Expected ids are every snapshot entity bearing the listed name (its name key).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
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

SEED = 20261207_6

# (faker locale, country, weight, writing) — weighted toward the countries the lists target
_LOCALES = [
    ("fa_IR", "IR", 10, "native"), ("ru_RU", "RU", 8, "russian"), ("zh_CN", "CN", 8, "han"),
    ("ko_KR", "KR", 7, "korean"), ("ko_KR", "KP", 2, "korean"), ("ko_KR", "CN", 1, "korean"),
    ("ar_AE", "AE", 5, "arabic"), ("en_PK", "PK", 5, "latin"), ("ar_AA", "SY", 5, "arabic"),
    ("ar_AA", "IQ", 3, "arabic"), ("ar_PS", "LB", 2, "arabic"), ("ar_SA", "YE", 2, "arabic"),
    ("ar_BH", "BH", 1, "arabic"), ("ar_DZ", "DZ", 1, "arabic"), ("fr_DZ", "DZ", 1, "latin"),
    ("ru_RU", "BY", 3, "russian"), ("uk_UA", "UA", 3, "russian"), ("ru_RU", "KZ", 1, "russian"),
    ("uz_UZ", "UZ", 1, "latin"), ("az_AZ", "AZ", 1, "latin"), ("hy_AM", "AM", 1, "native"),
    ("ka_GE", "GE", 1, "native"), ("tr_TR", "TR", 3, "latin"), ("zh_TW", "HK", 2, "han"),
    ("en_IN", "IN", 3, "latin"), ("hi_IN", "IN", 1, "native"), ("bn_BD", "BD", 1, "native"),
    ("en_BD", "BD", 1, "latin"), ("ha_NG", "NG", 1, "latin"), ("en_NG", "NG", 1, "latin"),
    ("am_ET", "ET", 1, "native"), ("es_VE", "VE", 2, "latin"), ("es_CO", "CO", 1, "latin"),
    ("sr_BA", "RS", 1, "native"), ("bg_BG", "BG", 1, "native"), ("mk_MK", "MK", 1, "native"),
    ("vi_VN", "VN", 1, "latin"), ("th_TH", "TH", 1, "native"), ("ja_JP", "JP", 1, "han"),
    ("en_US", "US", 2, "latin"), ("de_DE", "DE", 1, "latin"), ("lt_LT", "LT", 1, "latin"),
]  # fmt: skip

# A simple passport-style Russian transliteration (not the BGN table the tuning set used)
_CYR_LATIN = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i i ie g"
_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", _CYR_LATIN.split(" "), strict=True))


def translit_ru(text: str) -> str:
    out = []
    for word in text.split():
        latin = "".join(_CYR.get(c, c) for c in word.lower()).replace("-", "")
        out.append(latin.capitalize())
    return " ".join(out)


def _person(fake, writing: str, rng: random.Random) -> str:
    first, last = fake.first_name(), fake.last_name()
    if writing == "russian":
        middle = fake.middle_name() if hasattr(fake, "middle_name") else ""
        name = f"{last} {first} {middle}" if rng.random() < 0.5 else f"{first} {last}"
        return translit_ru(name) if rng.random() < 0.3 else " ".join(name.split())
    if writing == "korean":
        r = rng.random()
        if r < 0.4:
            return last + first
        if r < 0.75:
            return f"{last} {first}"
        return rr_name(last + first)
    if writing == "han":
        if rng.random() < 0.3 and fake.locale != "ja_JP":
            from pypinyin import lazy_pinyin

            given = "".join(lazy_pinyin(first)).capitalize()
            return f"{given} {''.join(lazy_pinyin(last)).upper()}"
        return last + first
    if writing == "arabic" and rng.random() < 0.4:
        return f"{first} {fake.first_name_male()} {last}"
    if writing == "latin":
        r = rng.random()
        if r < 0.15:
            return f"{last.upper()}, {first}"
        if r < 0.3:
            return f"{last.upper()} {first}"
    return f"{first} {last}"


def negatives(n: int, listed: set[str], seed: int) -> list[tuple[str, str, str, str]]:
    from faker import Faker

    listed_loose = {k for key in listed for k in loose_keys(key)}
    rng = random.Random(seed)
    fakers = {}
    for k, (loc, _, _, _) in enumerate(_LOCALES):
        if loc not in fakers:
            fake = Faker(loc)
            fake.seed_instance(seed * 11 + k)
            fakers[loc] = fake
    weights = [w for _, _, w, _ in _LOCALES]
    out, seen = [], set()
    while len(out) < n:
        loc, country, _, writing = rng.choices(_LOCALES, weights=weights)[0]
        name = _person(fakers[loc], writing, rng)
        key = name_key(name.replace(",", " "))
        if not key or key in seen or key in listed or not loose_keys(name).isdisjoint(listed_loose):
            continue
        seen.add(key)
        dob = f"{rng.randint(1940, 2005):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append((name, "person", country, dob))
    return out


# --------------------------------------------------------------------------- typos

_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEAR = {
    c: "".join(
        row2[j]
        for row2 in _ROWS[max(0, r - 1) : r + 2]
        for j in (i - 1, i, i + 1)
        if 0 <= j < len(row2) and row2[j] != c
    )
    for r, row in enumerate(_ROWS)
    for i, c in enumerate(row)
}
_RESPELL = [
    ("ou", "u"), ("kh", "h"), ("ph", "f"), ("ee", "i"), ("oo", "u"), ("y", "i"), ("i", "y"),
    ("ch", "sh"), ("k", "c"), ("c", "k"), ("w", "v"), ("v", "w"), ("j", "dj"), ("dzh", "j"),
    ("ei", "ay"), ("ya", "ia"), ("ie", "ye"), ("iy", "y"), ("q", "k"), ("x", "ks"),
]  # fmt: skip


def _case_like(new: str, old: str) -> str:
    return new.upper() if old.isupper() else new


def edit(name: str, rng: random.Random) -> str | None:
    """One edit of a kind no other generator makes, or None when the name offers none."""
    toks = name.split()
    kind = rng.choice(["keyboard", "undouble", "respell", "split", "join", "hyphen"])
    i = rng.randrange(len(toks))
    t = toks[i]
    if kind == "join" and len(toks) >= 2:
        j = min(i, len(toks) - 2)
        toks[j : j + 2] = [toks[j] + toks[j + 1]]
        return " ".join(toks)
    if kind == "hyphen" and len(toks) >= 2:
        j = min(i, len(toks) - 2)
        toks[j : j + 2] = [toks[j] + "-" + toks[j + 1]]
        return " ".join(toks)
    if kind == "split" and len(t) >= 6:
        k = rng.randrange(3, len(t) - 2)
        toks[i] = t[:k] + " " + _case_like(t[k:].capitalize(), t[k:])
        return " ".join(toks)
    if kind == "undouble":
        spots = [k for k in range(1, len(t)) if t[k].lower() == t[k - 1].lower() and t[k].isalpha()]
        if not spots:
            return None
        k = rng.choice(spots)
        toks[i] = t[:k] + t[k + 1 :]
        return " ".join(toks)
    if kind == "respell":
        low = t.lower()
        options = [(a, b) for a, b in _RESPELL if a in low[1:]]
        if not options or len(t) < 4:
            return None
        a, b = rng.choice(options)
        k = low.index(a, 1)
        toks[i] = t[:k] + _case_like(b, t[k : k + len(a)]) + t[k + len(a) :]
        return " ".join(toks)
    if kind == "keyboard" and len(t) >= 4:
        spots = [k for k in range(1, len(t)) if t[k].lower() in _NEAR]
        if not spots:
            return None
        k = rng.choice(spots)
        toks[i] = t[:k] + _case_like(rng.choice(_NEAR[t[k].lower()]), t[k]) + t[k + 1 :]
        return " ".join(toks)
    return None


def _latin(text: str) -> bool:
    return all(c.isascii() for c in text if c.isalpha())


def typo_queries(n: int, un_keys: set[str], rng: random.Random) -> list[tuple[str, str, str, str]]:
    from prosper.lists import load_snapshot

    by_key: dict[str, set[str]] = defaultdict(set)
    persons = []
    for e in load_snapshot().entities:
        for name, _ in e.all_names():
            by_key[name_key(name.replace(",", " "))].add(e.id)
        if e.type.value == "person" and e.id.split(":")[0] in ("eu_fsf", "ca_sema", "au_dfat"):
            persons.append(e)
    persons.sort(key=lambda e: e.id)
    chosen = []
    for e in persons:
        name = " ".join(e.name.replace(",", " ").split())
        key = name_key(name)
        toks = name.split()
        if len(toks) < 2 or not _latin(name) or key in un_keys or any(len(t) < 2 for t in toks):
            continue
        chosen.append((e, name, key))
    out, used = [], set()
    rng.shuffle(chosen)
    for e, name, key in chosen:
        if len(out) >= n or key in used:
            continue
        toks = name.split()
        r = rng.random()
        if r < 0.3:
            q = " ".join(toks[-1:] + toks[:-1])
        elif r < 0.5:
            q = f"{toks[-1].upper()}, {' '.join(toks[:-1])}"
        else:
            q = name
        edited = None
        for _ in range(6):
            edited = edit(q, rng)
            if edited and name_key(edited.replace(",", " ")) not in by_key:
                break
            edited = None
        if edited is None:
            continue
        used.add(key)
        ids = by_key[key] | {e.id}
        out.append((edited, ";".join(sorted(ids)), "person", "confirm_typo"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--out", type=Path, default=HERE / "datasets")
    parser.add_argument("--negatives", type=int, default=50_000)
    parser.add_argument("--typos", type=int, default=900)
    args = parser.parse_args(argv)

    un = read_un(args.lists / UN_FILE)
    lists = [
        *un,
        *read_au(args.lists / AU_FILE),
        *read_eu(args.lists / EU_FILE),
        *read_ca(args.lists / CA_FILE),
        *read_entity_list(args.lists / CSL_FILE),
    ]
    un_keys = {name_key(n.replace(",", " ")) for e in un for n in (e.name, *e.aliases)}

    typos = typo_queries(args.typos, un_keys, random.Random(SEED + 1))
    header = ["query", "expected_entity_id", "type", "category"]
    print(f"confirm_typos.csv: {write_csv(args.out / 'confirm_typos.csv', header, typos)} queries")

    from prosper.lists import load_snapshot

    listed = {
        name_key(name.replace(",", " "))
        for e in load_snapshot().entities
        for name, _ in e.all_names()
    }
    for e in lists:
        for name in (e.name, *e.aliases, *e.original):
            listed.add(name_key(name.replace(",", " ")))
    listed.discard("")
    negs = negatives(args.negatives, listed, SEED)
    n = write_csv(args.out / "confirm_negatives.csv.gz", ["name", "type", "country", "dob"], negs)
    print(f"confirm_negatives.csv.gz: {n} persons")


if __name__ == "__main__":
    main()
