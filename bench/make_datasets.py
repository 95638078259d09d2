"""Build the labelled bench data sets from the real list files (deterministic, seeded).

Usage::

    bench/.venv/bin/python bench/make_datasets.py [--lists ../shared/data/lists] [--seed 20261128]
        [--negatives 50000] [--out bench/datasets]

Writes into ``bench/datasets/``:

* ``pairs.csv`` — ``name1,name2,is_match,schema,category`` (``name1`` is the query a user types,
  ``name2`` the list-side name). Generated mutations of real listed names (typos, token
  reorders, initials, missing middle names, UN original-script vs Latin names, Korean Hangul /
  Revised Romanization of DPRK-listed persons, organisation legal forms) and hard negatives
  (different listed persons or organisations that share a token), merged with the hand-checked
  ``pairs_handchecked.csv``.
* ``positives.csv`` — ``query,expected_entity_id,type,category``: typo + reorder queries of
  listed persons (``latin_typo_reorder``), Hangul (``hangul_dprk``) and Revised Romanization
  (``rr_dprk``) queries of DPRK-listed persons. ``expected_entity_id`` may hold several ids
  joined by ``;`` when the same name is listed by several sources (any of them counts).
* ``negatives.csv.gz`` — ``name,type,country,dob``: Faker persons across name cultures, none
  of which is a listed name or alias after normalisation.

Ids follow the snapshot scheme of :mod:`prosper.lists`: ``us_ofac_sdn:<ent_num>`` and
``un_sc:<REFERENCE_NUMBER>``. The list files are read with the standard library so that the
data sets do not change when the readers do.

Hangul: the lists carry no Korean original-script names (the UN file's ``NAME_ORIGINAL_SCRIPT``
is Arabic or Cyrillic only), so the Hangul of each DPRK-listed name is hand-written in
``dprk_hangul.csv`` (``confidence`` = ``known`` for public figures whose Hangul is published,
``mr_reading`` for the McCune–Reischauer reading of a less-known name).
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import io
import random
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

HERE = Path(__file__).resolve().parent
DEFAULT_LISTS = HERE.parent.parent / "shared" / "data" / "lists"
SDN_FILE = "us_ofac_sdn_2024-07-02/sdn.csv"
SDN_ALT_FILE = "us_ofac_sdn_aux_2025-12/alt.csv"
UN_FILE = "un_sc_consolidated_2026-02-27/UN_consolidated.xml"
EXTRA_NAME_FILES = (
    "us_ofac_sdn_2021-07/sdn.csv",
    "us_ofac_sdn_2021-07/alt.csv",
    "us_ofac_non_sdn_2025-12/cons_prim.csv",
    "us_ofac_non_sdn_2025-12/cons_alt.csv",
)
DEFAULT_SEED = 20261128


# --------------------------------------------------------------------------- list reading


@dataclass
class Listed:
    """One list entry as the data sets need it."""

    id: str
    kind: str  # "person" | "organization" | "other"
    name: str  # as written on the list
    surname: str = ""  # persons: family name part ("KIM"), given names in `given`
    given: tuple[str, ...] = ()
    aliases: list[str] = field(default_factory=list)
    original: list[str] = field(default_factory=list)
    programs: str = ""


def _null(value: str) -> str:
    return "" if value.strip() == "-0-" else value.strip()


def read_ofac(path: Path, source: str = "us_ofac_sdn") -> list[Listed]:
    """Read an OFAC legacy ``sdn.csv`` / ``cons_prim.csv`` into :class:`Listed` rows."""
    out: list[Listed] = []
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 12 or not row[0].strip().isdigit():
                continue
            sdn_type = _null(row[2]).lower()
            kind = {"individual": "person", "": "organization"}.get(sdn_type, "other")
            name = row[1].strip()
            item = Listed(id=f"{source}:{row[0].strip()}", kind=kind, name=name, programs=row[3])
            if kind == "person" and "," in name:
                last, first = name.split(",", 1)
                item.surname = last.strip()
                item.given = tuple(first.split())
            out.append(item)
    return out


def read_ofac_alt(path: Path, by_id: dict[str, Listed], source: str = "us_ofac_sdn") -> None:
    """Attach OFAC ``alt.csv`` aliases to the entries they belong to (others are ignored)."""
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 4 or not row[0].strip().isdigit():
                continue
            entry = by_id.get(f"{source}:{row[0].strip()}")
            if entry is not None and _null(row[3]):
                entry.aliases.append(row[3].strip())


def _text(node: ET.Element, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def read_un(path: Path) -> list[Listed]:
    """Read the UN consolidated XML: persons (name parts in order) and entities."""
    root = ET.parse(path).getroot()
    out: list[Listed] = []
    for node in root.iter("INDIVIDUAL"):
        parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(p for p in parts if p)
        ref = _text(node, "REFERENCE_NUMBER") or _text(node, "DATAID")
        item = Listed(
            id=f"un_sc:{ref}", kind="person", name=name, programs=_text(node, "UN_LIST_TYPE")
        )
        item.aliases = [
            a for a in (_text(x, "ALIAS_NAME") for x in node.iter("INDIVIDUAL_ALIAS")) if a
        ]
        original = _text(node, "NAME_ORIGINAL_SCRIPT")
        if original:
            item.original.append(" ".join(original.split()))
        out.append(item)
    for node in root.iter("ENTITY"):
        ref = _text(node, "REFERENCE_NUMBER") or _text(node, "DATAID")
        item = Listed(id=f"un_sc:{ref}", kind="organization", name=_text(node, "FIRST_NAME"))
        item.aliases = [a for a in (_text(x, "ALIAS_NAME") for x in node.iter("ENTITY_ALIAS")) if a]
        original = _text(node, "NAME_ORIGINAL_SCRIPT")
        if original:
            item.original.append(" ".join(original.split()))
        out.append(item)
    return out


def all_list_names(lists_dir: Path, entries: Iterable[Listed]) -> Iterator[str]:
    """Every name and alias of every list file we have (for filtering the negatives)."""
    for entry in entries:
        yield entry.name
        yield from entry.aliases
        yield from entry.original
    for rel in EXTRA_NAME_FILES:
        with (lists_dir / rel).open(encoding="latin-1", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) >= 12:
                    yield row[1]
                elif len(row) >= 4:
                    yield row[3]
    with (lists_dir / "us_bis_dpl_2023-11/dpl.txt").open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if row:
                yield row[0]
    with (lists_dir / "us_csl_sample_2023-11/csl.csv").open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle):
            yield rec.get("name") or ""
            yield from (rec.get("alt_names") or "").split(";")


# --------------------------------------------------------------------------- normalisation


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation (apostrophes vanish, hyphens split)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['\u2019\u2018`ʼ]", "", text.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def name_key(text: str) -> str:
    """Order-free key of a name: its folded tokens, sorted."""
    return " ".join(sorted(fold(text).split()))


def natural(entry: Listed) -> str:
    """A person as "Given Middle SURNAME"; other entries as written."""
    if entry.kind == "person" and entry.surname:
        return " ".join([*entry.given, entry.surname])
    return entry.name


# --------------------------------------------------------------------------- mutations

_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _neighbour(ch: str, rng: random.Random) -> str:
    low = ch.lower()
    for row in _KEYBOARD:
        i = row.find(low)
        if i >= 0:
            options = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            pick = rng.choice(options)
            return pick.upper() if ch.isupper() else pick
    return ch


def typo(text: str, rng: random.Random) -> str:
    """One keyboard typo in a token of ≥ 4 letters: substitution, deletion, transposition or
    doubling, never on the first letter."""
    tokens = text.split(" ")
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    tok = tokens[i]
    pos = rng.randrange(1, len(tok) - 1)
    op = rng.choice(("sub", "del", "swap", "dup"))
    if op == "sub":
        tok = tok[:pos] + _neighbour(tok[pos], rng) + tok[pos + 1 :]
    elif op == "del":
        tok = tok[:pos] + tok[pos + 1 :]
    elif op == "swap":
        tok = tok[:pos] + tok[pos + 1] + tok[pos] + tok[pos + 2 :]
    else:
        tok = tok[:pos] + tok[pos] + tok[pos:]
    tokens[i] = tok
    return " ".join(tokens)


def surname_first(entry: Listed) -> str:
    """ "SURNAME Given Middle" without the comma."""
    return " ".join([entry.surname, *entry.given])


def initials(entry: Listed, rng: random.Random) -> str:
    """Given names cut to initials ("J. M. SMITH") or only the middle ones ("John M. SMITH")."""
    given = list(entry.given)
    if len(given) >= 2 and rng.random() < 0.5:
        given = [given[0]] + [g[0] + "." for g in given[1:]]
    else:
        given = [g[0] + "." for g in given]
    return " ".join([*given, entry.surname])


# --------------------------------------------------------------------------- Korean


_RR_INITIAL = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_RR_VOWEL = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
    "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
]  # fmt: skip
_RR_FINAL = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
    "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
]  # fmt: skip
# Popular surname spellings used in South Korean passports (not what strict RR gives).
_RR_SURNAME = {
    "이": "Lee", "리": "Lee", "박": "Park", "김": "Kim", "최": "Choi", "정": "Jung", "조": "Cho",
    "강": "Kang", "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "신": "Shin",
    "유": "Yoo", "류": "Ryu", "백": "Baek", "문": "Moon", "손": "Son", "황": "Hwang", "고": "Ko",
    "전": "Jeon", "구": "Koo", "허": "Heo", "민": "Min", "주": "Joo", "현": "Hyun", "배": "Bae",
    "곽": "Kwak", "지": "Ji", "차": "Cha", "방": "Bang", "길": "Gil", "연": "Yeon", "렴": "Yeom",
    "량": "Yang", "라": "Na", "양": "Yang", "송": "Song", "성": "Sung", "염": "Yeom", "나": "Na",
}  # fmt: skip
# South Korean initial-sound rule (두음 법칙) for a name's first syllable: ㄹ+i/y → ㅇ, ㄹ → ㄴ.
_DUEUM = {"리": "이", "류": "유", "량": "양", "렴": "염", "려": "여", "련": "연", "룡": "용",
          "라": "나", "로": "노", "록": "녹", "란": "난", "래": "내"}  # fmt: skip


def rr_syllable(syllable: str) -> str:
    """Strict Revised Romanization of one Hangul syllable, read in isolation."""
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return syllable
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    return _RR_INITIAL[ini] + _RR_VOWEL[vow] + _RR_FINAL[fin]


def _popular(syllable_rr: str) -> str:
    # 영 "yeong" → "young"; 병 "byeong" → "byung", 현 "hyeon" → "hyun";
    # 철 "cheol" → "chul", 성 "seong" → "sung"; 경 "gyeong" → "kyung"
    out = re.sub(r"^yeo(ng|l|k)$", r"you\1", syllable_rr)
    out = re.sub(r"^(.+?)yeo(ng|n|l|k)$", r"\1yu\2", out)
    out = re.sub(r"^([^y]*)eo(ng|n|l|k)$", r"\1u\2", out)
    out = out.replace("youl", "yul").replace("youk", "yuk")
    return re.sub(r"^g(?=[yw]?[aeiou])", "k", out)


def rr_name(hangul: str, popular: bool) -> str:
    """Hangul "SGG" name → "Surname Given-name" in strict or popular Revised Romanization."""
    surname, given = hangul[0], hangul[1:]
    if popular:
        sur = _RR_SURNAME.get(surname, rr_syllable(surname).capitalize())
        parts = [_popular(rr_syllable(s)) for s in given]
    else:
        sur = rr_syllable(_DUEUM.get(surname, surname)).capitalize()
        parts = [rr_syllable(s) for s in given]
    return f"{sur} {'-'.join(parts).capitalize()}" if parts else sur


def south_hangul(hangul: str) -> str:
    """The South Korean spelling: initial-sound rule on the surname and the given name."""
    surname, given = hangul[0], hangul[1:]
    if given:
        given = _DUEUM.get(given[0], given[0]) + given[1:]
    return _DUEUM.get(surname, surname) + given


# --------------------------------------------------------------------------- pair building

PairRow = tuple[str, str, int, str, str]
ORG_FORMS = {
    "LLC": ["LIMITED LIABILITY COMPANY", "OOO", ""],
    "LIMITED LIABILITY COMPANY": ["LLC", "OOO", ""],
    "OOO": ["LLC", "LIMITED LIABILITY COMPANY", ""],
    "JSC": ["JOINT STOCK COMPANY", "AO", "OAO", ""],
    "JOINT STOCK COMPANY": ["JSC", "AO", ""],
    "AO": ["JSC", "JOINT STOCK COMPANY", ""],
    "OAO": ["JSC", "AO", "OPEN JOINT STOCK COMPANY", ""],
    "PAO": ["PJSC", "PUBLIC JOINT STOCK COMPANY", ""],
    "PJSC": ["PAO", "PUBLIC JOINT STOCK COMPANY", ""],
    "CO., LTD.": ["COMPANY LIMITED", "CO LTD", "LIMITED", ""],
    "CO. LTD.": ["COMPANY LIMITED", "CO LTD", ""],
    "LTD.": ["LIMITED", "LTD", ""],
    "LIMITED": ["LTD.", "LTD", ""],
    "LTD": ["LIMITED", ""],
    "INC.": ["INCORPORATED", "INC", ""],
    "CORP.": ["CORPORATION", "CORP", ""],
    "CORPORATION": ["CORP.", "CORP", ""],
    "S.A.": ["SA", "SOCIEDAD ANONIMA", ""],
    "GMBH": ["GESELLSCHAFT MIT BESCHRANKTER HAFTUNG", ""],
    "FZE": ["FREE ZONE ESTABLISHMENT", ""],
}
_PREFIX_FORMS = {
    "OOO", "AO", "OAO", "PAO", "JSC", "PJSC", "LLC", "JOINT STOCK COMPANY",
    "LIMITED LIABILITY COMPANY", "PUBLIC JOINT STOCK COMPANY", "OPEN JOINT STOCK COMPANY",
}  # fmt: skip
_FORM_RE = re.compile(
    r"[ ,]+(" + "|".join(re.escape(k) for k in sorted(ORG_FORMS, key=len, reverse=True)) + r")$"
)
_LEGAL_WORDS = {
    token
    for key, forms in ORG_FORMS.items()
    for form in (key, *forms)
    for token in fold(form).split()
} | {
    "company", "co", "group", "trading", "international", "the", "of", "and", "general", "ag",
    "sa", "lp", "llp", "plc", "bv", "nv", "srl", "spa", "kg", "oy", "ab", "as", "fzco", "fzc",
    "fze", "dmcc", "pte", "pvt", "private", "sdn", "bhd", "tov", "zao", "ltda", "cia", "sarl",
    "sas", "inc", "corp", "limited", "llc", "ooo", "jsc", "ao", "oao", "pao", "pjsc", "ltd", "gmbh",
}  # fmt: skip


def _clean_person(e: Listed) -> bool:
    return (
        e.kind == "person"
        and bool(e.surname)
        and bool(e.given)
        and all(re.fullmatch(r"[A-Za-z'\-.]+", t) for t in [*e.given, *e.surname.split()])
    )


def _sample(rng: random.Random, items: list[Listed], n: int) -> list[Listed]:
    return rng.sample(items, min(n, len(items)))


def build_pairs(sdn: list[Listed], un: list[Listed], korean: list[tuple[str, str, list[Listed]]],
                rng: random.Random) -> list[PairRow]:  # fmt: skip
    """Generated pairs, positives then hard negatives (hand-checked rows are added later)."""
    rows: list[PairRow] = []
    persons = [e for e in sdn if _clean_person(e)]
    orgs = [e for e in sdn if e.kind == "organization" and len(e.name) >= 6]

    for e in _sample(rng, persons, 160):
        rows.append((typo(natural(e), rng), natural(e), 1, "Person", "typo"))
    for e in _sample(rng, orgs, 60):
        rows.append((typo(e.name, rng), e.name, 1, "Organization", "typo"))
    for e in _sample(rng, persons, 150):
        query = surname_first(e) if rng.random() < 0.5 else f"{e.surname}, {' '.join(e.given)}"
        rows.append((query, natural(e), 1, "Person", "reorder"))
    with_given = [e for e in persons if all(len(g) >= 3 for g in e.given)]
    for e in _sample(rng, with_given, 120):
        rows.append((initials(e, rng), natural(e), 1, "Person", "initials"))
    with_middle = [e for e in persons if len(e.given) >= 2]
    for e in _sample(rng, with_middle, 120):
        query = " ".join([e.given[0], e.surname])
        rows.append((query, natural(e), 1, "Person", "missing_middle"))

    def script(text: str) -> str:
        for ch in text:
            if ch.isalpha():
                return unicodedata.name(ch, "?").split()[0]
        return "?"

    arabic = [e for e in un if e.original and script(e.original[0]) == "ARABIC" and e.name]
    cyrillic = [e for e in un if e.original and script(e.original[0]) == "CYRILLIC" and e.name]
    for e in _sample(rng, [x for x in arabic if x.kind == "person"], 150):
        rows.append((e.original[0], e.name, 1, "Person", "translit_arabic"))
    # UN organisation names in Arabic are mostly translations ("MOROCCAN ISLAMIC COMBATANT
    # GROUP" ↔ الجماعة الاسلامية المغربية المقاتلة), so they get a category of their own
    for e in [x for x in arabic if x.kind == "organization"]:
        rows.append((e.original[0], e.name, 1, "Organization", "translit_arabic_org"))
    for e in cyrillic:
        schema = "Person" if e.kind == "person" else "Organization"
        category = "translit_cyrillic" if e.kind == "person" else "translit_cyrillic_org"
        rows.append((e.original[0], e.name, 1, schema, category))

    with_form = [e for e in orgs if _FORM_RE.search(e.name.upper())]
    for e in _sample(rng, with_form, 120):
        match = _FORM_RE.search(e.name.upper())
        assert match is not None
        base = e.name[: match.start()].strip(" ,")
        swap = rng.choice(ORG_FORMS[match.group(1)])
        prefix_ok = swap in _PREFIX_FORMS and rng.random() < 0.5  # "OOO ROMASHKA"
        query = f"{swap} {base}".strip() if prefix_ok else f"{base} {swap}".strip()
        rows.append((query, e.name, 1, "Organization", "org_legal_form"))

    for list_name, hangul, entries in korean:
        listed = entries[0].name if entries else list_name
        rows.append((hangul, listed, 1, "Person", "ko_hangul"))
        if south_hangul(hangul) != hangul:
            rows.append((south_hangul(hangul), listed, 1, "Person", "ko_hangul"))
        rows.append((rr_name(hangul, popular=True), listed, 1, "Person", "ko_rr"))

    # ---- hard negatives: different list entries sharing a token
    by_surname: dict[str, list[Listed]] = defaultdict(list)
    by_given: dict[str, list[Listed]] = defaultdict(list)
    for e in persons:
        by_surname[fold(e.surname)].append(e)
        by_given[fold(e.given[0])].append(e)

    def different(a: Listed, b: Listed) -> bool:
        ga, gb = {fold(x) for x in a.given}, {fold(x) for x in b.given}
        sa, sb = set(fold(a.surname).split()), set(fold(b.surname).split())
        ta, tb = set(name_key(natural(a)).split()), set(name_key(natural(b)).split())
        return (
            a.id != b.id
            and not ta <= tb  # "Latif JASIM" vs "Latif Jasim AL-DULAYMI" is a partial name,
            and not tb <= ta  # not a different one
            and (not (ga & gb) or not (sa & sb))
        )

    def pairs_from(
        groups: dict[str, list[Listed]], n: int, same: str
    ) -> list[tuple[Listed, Listed]]:
        keys = sorted(k for k, v in groups.items() if len(v) >= 2)
        out: list[tuple[Listed, Listed]] = []
        tries = 0
        while len(out) < n and tries < n * 50:
            tries += 1
            a, b = rng.sample(groups[rng.choice(keys)], 2)
            if not different(a, b):
                continue
            if same == "surname" and {fold(x) for x in a.given} & {fold(x) for x in b.given}:
                continue
            out.append((a, b))
        return out

    is_korean = {id(e) for _, _, es in korean for e in es}
    non_korean = {k: [e for e in v if id(e) not in is_korean] for k, v in by_surname.items()}
    for a, b in pairs_from(non_korean, 300, "surname"):
        rows.append((natural(a), natural(b), 0, "Person", "neg_same_surname"))
    for a, b in pairs_from(by_given, 260, "given"):
        rows.append((natural(a), natural(b), 0, "Person", "neg_same_given"))
    ko_groups: dict[str, list[Listed]] = defaultdict(list)
    for _, _, es in korean:
        for e in es:
            if e.surname:
                ko_groups[fold(e.surname)].append(e)
    for a, b in pairs_from(ko_groups, 120, "surname"):
        rows.append((natural(a), natural(b), 0, "Person", "neg_korean_surname"))
    hangul_of = {id(e): h for _, h, es in korean for e in es}
    for a, b in pairs_from(ko_groups, 60, "surname"):
        if id(a) in hangul_of:
            rows.append((hangul_of[id(a)], natural(b), 0, "Person", "neg_korean_surname"))

    org_tokens: dict[str, list[Listed]] = defaultdict(list)
    for e in orgs:
        for tok in set(fold(e.name).split()):
            if tok not in _LEGAL_WORDS and len(tok) >= 4 and not tok.isdigit():
                org_tokens[tok].append(e)
    keys = sorted(k for k, v in org_tokens.items() if 2 <= len(v) <= 40)
    seen: set[tuple[str, str]] = set()
    tries = 0
    while len(seen) < 250 and tries < 20000:
        tries += 1
        a, b = rng.sample(org_tokens[rng.choice(keys)], 2)
        if name_key(a.name) == name_key(b.name) or (a.id, b.id) in seen:
            continue
        da, db = set(fold(a.name).split()) - _LEGAL_WORDS, set(fold(b.name).split()) - _LEGAL_WORDS
        # exactly one distinctive token in common, and each name has one the other lacks
        # ("JSC RADIOPRIBORSNAB" vs "LLC RADIOPRIBORSNAB" is the same name, not a hard negative)
        if len(da & db) != 1 or da <= db or db <= da:
            continue
        seen.add((a.id, b.id))
        rows.append((a.name, b.name, 0, "Organization", "neg_org_shared_token"))

    ar_persons = [e for e in arabic if e.kind == "person"]
    first_tok: dict[str, list[Listed]] = defaultdict(list)
    for e in ar_persons:
        first_tok[fold(e.name).split()[0]].append(e)
    for a, b in pairs_from_simple(first_tok, 200, rng):
        rows.append((a.original[0], b.name, 0, "Person", "neg_translit_arabic"))
    return rows


def pairs_from_simple(
    groups: dict[str, list[Listed]], n: int, rng: random.Random
) -> list[tuple[Listed, Listed]]:
    """Up to ``n`` pairs of different entries drawn from the same group (different names)."""
    keys = sorted(k for k, v in groups.items() if len(v) >= 2)
    out: list[tuple[Listed, Listed]] = []
    tries = 0
    while keys and len(out) < n and tries < n * 50:
        tries += 1
        a, b = rng.sample(groups[rng.choice(keys)], 2)
        if a.id != b.id and name_key(a.name) != name_key(b.name):
            out.append((a, b))
    return out


# --------------------------------------------------------------------------- positives


def build_positives(
    sdn: list[Listed], un: list[Listed], korean: list[tuple[str, str, list[Listed]]],
    rng: random.Random, n_latin: int,
) -> list[tuple[str, str, str, str]]:  # fmt: skip
    """Recall queries: (query, expected ids joined by ';', type, category)."""
    rows: list[tuple[str, str, str, str]] = []
    un_persons = []
    for e in un:
        if e.kind == "person" and len(e.name.split()) >= 2:
            parts = e.name.split()
            # UN FIRST_NAME is the given name, later parts carry the family name
            un_persons.append(Listed(e.id, "person", e.name, parts[-1], tuple(parts[:-1])))
    pool = [e for e in sdn if _clean_person(e)] + [e for e in un_persons if _clean_person(e)]
    index = person_index(sdn + un)
    for e in _sample(rng, pool, n_latin):
        query = natural(e) if rng.random() < 0.5 else surname_first(e)
        if rng.random() < 0.85:
            query = typo(query, rng)
        # the same name listed by another source (UN and OFAC) is as good a find
        same = {x.id for x in index.get(name_key(natural(e)), [])} | {e.id}
        rows.append((query, ";".join(sorted(same)), "person", "latin_typo_reorder"))
    for _, hangul, entries in korean:
        ids = ";".join(sorted({e.id for e in entries}))
        rows.append((hangul, ids, "person", "hangul_dprk"))
        if south_hangul(hangul) != hangul:
            rows.append((south_hangul(hangul), ids, "person", "hangul_dprk"))
        rows.append((rr_name(hangul, popular=True), ids, "person", "rr_dprk"))
    return rows


# --------------------------------------------------------------------------- negatives

# (Faker locale, ISO country, weight, latinize?) — romanised variants of non-Latin cultures too,
# since a customer file mostly holds Latin-script names.
NEGATIVE_LOCALES: tuple[tuple[str, str, int, bool], ...] = (
    ("en_US", "US", 10, False), ("en_GB", "GB", 3, False), ("es_ES", "ES", 4, False),
    ("es_MX", "MX", 4, False), ("pt_BR", "BR", 3, False), ("fr_FR", "FR", 4, False),
    ("de_DE", "DE", 4, False), ("it_IT", "IT", 3, False), ("nl_NL", "NL", 2, False),
    ("pl_PL", "PL", 2, False), ("tr_TR", "TR", 4, False), ("vi_VN", "VN", 3, False),
    ("id_ID", "ID", 2, False), ("en_IN", "IN", 4, False), ("hi_IN", "IN", 2, False),
    ("en_PK", "PK", 4, False), ("ha_NG", "NG", 1, False), ("az_AZ", "AZ", 1, False),
    ("uz_UZ", "UZ", 1, False), ("ko_KR", "KR", 6, False), ("ko_KR", "KR", 5, True),
    ("zh_CN", "CN", 4, False), ("zh_CN", "CN", 4, True), ("zh_TW", "TW", 2, False),
    ("ja_JP", "JP", 3, False), ("ja_JP", "JP", 2, True), ("ru_RU", "RU", 4, False),
    ("ru_RU", "RU", 4, True), ("uk_UA", "UA", 2, True), ("ar_AA", "AE", 3, False),
    ("ar_SA", "SA", 2, False), ("fa_IR", "IR", 2, False), ("he_IL", "IL", 1, False),
)  # fmt: skip


def build_negatives(n: int, listed_keys: set[str], seed: int) -> list[tuple[str, str, str, str]]:
    """``n`` Faker persons (name, type, country, dob), none a listed name after normalisation.

    "Listed name" includes cross-script equivalents: 이병철 is dropped because it is the South
    Korean spelling of the listed RI Pyong Chol, 张伟 because its pinyin is a listed ZHANG Wei.
    """
    from faker import Faker
    from normality import latinize_text

    listed_loose = {loose for key in listed_keys for loose in loose_keys(key)}

    fakers: dict[str, Any] = {}
    for loc, _, _, _ in NEGATIVE_LOCALES:
        if loc not in fakers:
            fake = Faker(loc)
            fake.seed_instance(seed + len(fakers))
            fakers[loc] = fake
    rng = random.Random(seed)
    weights = [w for _, _, w, _ in NEGATIVE_LOCALES]
    out: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    rejected = 0
    while len(out) < n:
        loc, country, _, latin = rng.choices(NEGATIVE_LOCALES, weights=weights)[0]
        fake = fakers[loc]
        if loc in ("zh_CN", "zh_TW", "ja_JP") and latin:
            name = f"{fake.first_romanized_name()} {fake.last_romanized_name()}"
        elif loc in ("ko_KR", "zh_CN", "zh_TW", "ja_JP"):
            name = fake.last_name() + fake.first_name()
        elif loc in ("ru_RU", "uk_UA"):  # "Фамилия Имя Отчество" or "Имя Фамилия"
            name = fake.name_male() if rng.random() < 0.5 else fake.name_female()
        else:
            gender = "male" if rng.random() < 0.5 else "female"
            first = getattr(fake, f"first_name_{gender}", fake.first_name)()
            last = getattr(fake, f"last_name_{gender}", fake.last_name)()
            name = f"{first} {last}"
        source = name  # the native-script name, before any romanisation
        if latin and loc in ("ru_RU", "uk_UA"):  # BGN/PCGN, as in passports and the lists
            name = _bgn(loc).transliterate(name).replace("'", "")
        elif latin and loc == "ko_KR":  # 김민준 → "Kim Min-jun" (passport-style RR)
            name = rr_name(name, popular=True)
        key = name_key(name)
        if not key or key in seen:
            continue
        if (
            key in listed_keys
            or name_key(latinize_text(name)) in listed_keys
            or not loose_keys(name).isdisjoint(listed_loose)
            or not loose_keys(source).isdisjoint(listed_loose)
        ):
            rejected += 1
            continue
        seen.add(key)
        dob = f"{rng.randint(1940, 2005):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append((name, "person", country, dob))
    print(f"negatives: {len(out)} written, {rejected} dropped as listed names")
    return out


@functools.cache
def _bgn(locale: str) -> Any:
    import icu  # PyICU, installed with normality

    language = {"ru_RU": "Russian", "uk_UA": "Ukrainian"}[locale]
    return icu.Transliterator.createInstance(f"{language}-Latin/BGN; Latin-ASCII")


_NORTH = {v: k for k, v in _DUEUM.items()}  # 이 → 리, 유 → 류 … (the listed DPRK spelling)
_MR_INITIAL = [
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "",
    "ch",
    "tch",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MR_VOWEL = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo",
    "u", "wo", "we", "wi", "yu", "u", "ui", "i",
]  # fmt: skip
_LOOSE = [(r"eo|eu", "o"), (r"[gk]+", "k"), (r"[bp]+", "p"), (r"[dt]+", "t"), (r"j|tch", "ch"),
          (r"r", "l"), (r"sh", "s"), (r"oo|ou", "u"), (r"ee", "i"), (r"(.)\1", r"\1")]  # fmt: skip


def _loose(token: str) -> str:
    for pattern, repl in _LOOSE:
        token = re.sub(pattern, repl, token)
    return token


def _mr_syllable(syllable: str) -> str:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return syllable
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    return _MR_INITIAL[ini] + _MR_VOWEL[vow] + _RR_FINAL[fin]


def loose_keys(name: str) -> set[str]:
    """Sound-alike keys of a name, across scripts, to spot a listed name in another spelling.

    Latin names: folded tokens with voicing and vowel spellings merged (``Byong``/``Pyong``,
    ``Jong``/``Chong``). Hangul names: each syllable romanised McCune–Reischauer-style, with
    the northern spelling too (이 → 리), the given name split and joined. Han names: pinyin.
    Only for filtering the negatives; it over-matches a little, which only drops a few more.
    """
    compact = "".join(name.split())
    if compact and all(0xAC00 <= ord(c) < 0xAC00 + 11172 for c in compact) and len(compact) >= 2:
        variants = {compact, _NORTH.get(compact[0], compact[0]) + compact[1:]}
        if len(compact) >= 3:
            variants |= {v[0] + _NORTH.get(v[1], v[1]) + v[2:] for v in list(variants)}
        token_sets = [[_mr_syllable(c) for c in v] for v in variants]
    elif compact and all("\u4e00" <= c <= "\u9fff" for c in compact) and len(compact) >= 2:
        from pypinyin import lazy_pinyin

        token_sets = [lazy_pinyin(compact)]
    else:
        return {" ".join(sorted(_loose(t) for t in fold(name).split()))}
    keys = set()
    for tokens in token_sets:
        loose = [_loose(t) for t in tokens]
        keys.add(" ".join(sorted(loose)))
        keys.add(" ".join(sorted([loose[0], _loose("".join(tokens[1:]))])))
    return keys


# --------------------------------------------------------------------------- main


def person_index(entries: Iterable[Listed]) -> dict[str, list[Listed]]:
    """Listed persons by the order-free key of each of their names and aliases."""
    index: dict[str, list[Listed]] = defaultdict(list)
    for e in entries:
        if e.kind != "person":
            continue
        for n in {e.name, natural(e), *e.aliases}:
            index[name_key(n.replace(",", " "))].append(e)
    return index


def load_korean(path: Path, entries: list[Listed]) -> list[tuple[str, str, list[Listed]]]:
    """Hand Hangul table joined to every listed entry whose name or alias has the same key."""
    index = person_index(entries)
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle):
            matches = index.get(name_key(rec["list_name"]), [])
            unique = list({e.id: e for e in matches}.values())
            if unique:
                out.append((rec["list_name"], rec["hangul"], unique))
            else:
                print(f"dprk_hangul.csv: {rec['list_name']} is on no list we read; skipped")
    return out


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> int:
    """Write rows (gzip when the name ends in .gz); return the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as raw:
        # mtime=0 and no file name in the gzip header: the same rows give the same bytes
        binary = cast(
            IO[bytes],
            gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0)
            if path.suffix == ".gz"
            else raw,
        )
        with io.TextIOWrapper(binary, encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    """Build pairs.csv, positives.csv and negatives.csv.gz."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--out", type=Path, default=HERE / "datasets")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--negatives", type=int, default=50_000)
    parser.add_argument("--latin-positives", type=int, default=2_000)
    args = parser.parse_args(argv)

    sdn = read_ofac(args.lists / SDN_FILE)
    read_ofac_alt(args.lists / SDN_ALT_FILE, {e.id: e for e in sdn})
    un = read_un(args.lists / UN_FILE)
    korean = load_korean(args.out / "dprk_hangul.csv", sdn + un)

    rng = random.Random(args.seed)
    pairs = build_pairs(sdn, un, korean, random.Random(rng.random()))
    with (args.out / "pairs_handchecked.csv").open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle):
            pairs.append(
                (rec["name1"], rec["name2"], int(rec["is_match"]), rec["schema"], rec["category"])
            )
    unique = list(dict.fromkeys(p for p in pairs if p[0].strip() and p[1].strip()))
    random.Random(args.seed).shuffle(unique)  # so that --limit N takes a mix of categories
    n = write_csv(
        args.out / "pairs.csv", ["name1", "name2", "is_match", "schema", "category"], unique
    )
    print(f"pairs.csv: {n} pairs ({sum(p[2] for p in unique)} matches)")

    positives = build_positives(sdn, un, korean, random.Random(rng.random()), args.latin_positives)
    random.Random(args.seed).shuffle(positives)
    n = write_csv(
        args.out / "positives.csv", ["query", "expected_entity_id", "type", "category"], positives
    )
    print(f"positives.csv: {n} queries")

    listed_keys = {name_key(x.replace(",", " ")) for x in all_list_names(args.lists, sdn + un)}
    listed_keys.discard("")
    negatives = build_negatives(args.negatives, listed_keys, args.seed)
    n = write_csv(args.out / "negatives.csv.gz", ["name", "type", "country", "dob"], negatives)
    print(f"negatives.csv.gz: {n} persons")


if __name__ == "__main__":
    main()
