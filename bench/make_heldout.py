"""Build the held-out evaluation sets: other lists, another generator, nothing Prosper was tuned on.

Usage::

    bench/.venv/bin/python bench/make_heldout.py [--lists DIR] [--out bench/datasets]

``bench/make_datasets.py`` builds the *tuning* sets (2024 SDN + 2026-02 UN mutations, faker
seed 20261128, its own typo and RR generators). This script builds sets that differ in both
source and generator, so a figure measured on them was not tuned for:

``heldout_pairs.csv`` (``name1,name2,is_match,schema,category``) — real name pairs that the
lists themselves say are one party, and hard negatives between different parties:

* ``x_un_au`` — the same UN-listed party as written by the UN (2026-08) and by Australia's DFAT
  (2026-07): DFAT quotes the UN reference (``TAi.002``) in its *Additional Information*, so the
  link needs no name matching. Only pairs whose folded spellings differ are kept.
* ``script_au`` — DFAT's *Original Script* names (Arabic, Cyrillic, Han …) vs its Latin name.
* ``alias_eu`` / ``alias_ca`` / ``alias_au`` / ``alias_el`` — a primary name vs its own
  spelling-variant alias on the EU FSF (2025-04), Canada SEMA (2025-05), DFAT and the 2026
  Entity List (CSL 2026-07). Aliases that are another name altogether (kunyas, former names,
  acronyms) are left out by a letter-overlap rule that uses no matcher (:func:`spelling_variant`).
* ``neg_*`` — two different entries of the same list and type that share exactly one word and
  nothing else close (``neg_shared_<list>``), and organisations whose names are equal but for
  one clearly different word (``neg_one_word``: ``Bank Melli Iran`` / ``Bank Mellat Iran``).

``heldout_positives.csv`` (``query,expected_entity_id,type,category``) — screening queries:

* ``ko_*`` — Korean queries for listed North Koreans, generated from the hand-checked Hangul of
  ``dprk_hangul.csv`` by generators the tuning set does not use: a third-party RR library
  (``hangul-names``), a jamo-level McCune–Reischauer table written here, joined given names
  (``GIM YEONGCHEOL``), ``LAST, First`` forms, mixed-script fields (``이병철 (Lee
  Byeong-cheol)``), South Korean Hangul (리 → 이) and Hanja (each syllable written with a
  character the ``hanja`` package's table reads so). The Hangul itself is shared with the tuning
  set (it is the only hand-checked Hangul there is); the query forms are not.
* ``typo_reorder`` — UN 2026-08 persons (not the 2024 SDN of the tuning set) with one edit of a
  kind the tuning generator does not make (deletion, doubled letter, transposition incl. at a
  word start, shifted space) and reordered.

``heldout_negatives.csv.gz`` (``name,type,country,dob``) — 50,000 non-listed persons from
Faker with another seed and another mix of locales than the tuning negatives, each with a
country and a date of birth, none a listed name (same listed-name filter as the tuning set).

Expected entity ids are the UN reference (``un_sc:KPi.033``) plus every entity of the embedded
snapshot bearing the same name as written (its name key), so the same listing on OFAC/DFAT/EU
counts as found.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from make_datasets import DEFAULT_LISTS, HERE, fold, loose_keys, name_key, write_csv

SEED = 20261206
UN_FILE = "un_sc_consolidated_2026-08-01/un.xml"
AU_FILE = "au_dfat_consolidated_2026-07-23/dfat.xlsx"
EU_FILE = "eu_fsf_derived_2025-04-15/eu_sanctions.json"
CA_FILE = "ca_sema_2025-05-25/cannada.xml"
CSL_FILE = "us_csl_derived_2026-07-31/screening-list.json"
HANJA_TABLE = HERE.parent / "src" / "prosper" / "names" / "data" / "hanja_readings.tsv"


@dataclass
class Entry:
    """One list entry: id, kind (``person`` / ``organization``), names."""

    id: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    original: list[str] = field(default_factory=list)
    un_ref: str = ""


# --------------------------------------------------------------------------- list reading


def _text(node: ET.Element, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def read_un(path: Path) -> list[Entry]:
    """UN consolidated XML (2026-08): persons with name parts in order, and entities."""
    root = ET.parse(path).getroot()
    out: list[Entry] = []
    for tag, kind, alias_tag in (
        ("INDIVIDUAL", "person", "INDIVIDUAL_ALIAS"),
        ("ENTITY", "organization", "ENTITY_ALIAS"),
    ):
        for node in root.iter(tag):
            parts = [
                _text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ]
            ref = _text(node, "REFERENCE_NUMBER")
            e = Entry(f"un_sc:{ref}", kind, " ".join(p for p in parts if p), un_ref=ref)
            e.aliases = [a for a in (_text(x, "ALIAS_NAME") for x in node.iter(alias_tag)) if a]
            orig = _text(node, "NAME_ORIGINAL_SCRIPT")
            if orig:
                e.original.append(" ".join(orig.split()))
            out.append(e)
    return out


def read_xlsx_rows(path: Path) -> list[dict[str, str]]:
    """The first sheet of an .xlsx as dicts keyed by the header row (standard library only)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as z:
        strings = [
            "".join(t.text or "" for t in si.iter(ns + "t"))
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(ns + "si")
        ]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows: list[dict[str, str]] = []
    for r in sheet.iter(ns + "row"):
        row: dict[str, str] = {}
        for c in r.findall(ns + "c"):
            col = re.match(r"[A-Z]+", c.get("r") or "")
            v = c.find(ns + "v")
            if col is None:
                continue
            if v is None:
                inline = c.find(ns + "is")
                row[col.group(0)] = (
                    "".join(x.text or "" for x in inline.iter(ns + "t"))
                    if inline is not None
                    else ""
                )
            else:
                row[col.group(0)] = (
                    strings[int(v.text or 0)] if c.get("t") == "s" else (v.text or "")
                )
        rows.append(row)
    header = rows[0]
    return [{header.get(k, k): v for k, v in row.items()} for row in rows[1:]]


_UN_REF = re.compile(r"^\s*([A-Z]{2}[ie]\.\d{3})\b")


def read_au(path: Path) -> list[Entry]:
    """DFAT consolidated list: rows grouped by the number of their Reference (``439``, ``439a``)."""
    groups: dict[str, Entry] = {}
    for row in read_xlsx_rows(path):
        ref = re.match(r"\d+", row.get("Reference", ""))
        name = " ".join(row.get("Name of Individual or Entity", "").split())
        if ref is None or not name:
            continue
        kind = {"Individual": "person", "Entity": "organization"}.get(row.get("Type", ""), "other")
        e = groups.setdefault(ref.group(0), Entry(f"au_dfat:{ref.group(0)}", kind, ""))
        how = row.get("Name Type", "")
        if how == "Primary Name":
            e.name = name
            m = _UN_REF.match(row.get("Additional Information", ""))
            e.un_ref = m.group(1) if m else ""
        elif how == "Original Script":
            e.original.append(name)
        else:
            e.aliases.append(name)
    return [e for e in groups.values() if e.name]


def read_eu(path: Path) -> list[Entry]:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    out = []
    for rec in data:
        kind = "person" if rec.get("type") == "INDIVIDUAL" else "organization"
        e = Entry(f"eu_fsf:{rec['id']}", kind, " ".join(rec["name"].split()))
        e.aliases = [" ".join(a.split()) for a in rec.get("details", {}).get("aliases", []) if a]
        out.append(e)
    return out


def read_ca(path: Path) -> list[Entry]:
    out = []
    for i, rec in enumerate(ET.parse(path).getroot().iter("record")):
        last, given = _text(rec, "LastName"), _text(rec, "GivenName")
        entity = _text(rec, "EntityOrShip")
        if entity:
            e = Entry(f"ca_sema:{i}", "organization", " ".join(entity.split()))
        elif last:
            e = Entry(f"ca_sema:{i}", "person", " ".join(f"{given} {last}".split()))
        else:
            continue
        aliases = _text(rec, "Aliases")
        e.aliases = (
            [a.strip() for a in re.split(r"[;,]\s*", aliases) if a.strip()] if aliases else []
        )
        out.append(e)
    return out


def read_entity_list(path: Path) -> list[Entry]:
    """The 2026 Entity List rows of the CSL-derived JSON (source "Entity List (EL)")."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    el = next(i for i, s in enumerate(doc["tables"]["sources"]) if s.startswith("Entity List"))
    out = []
    for rec in doc["entries"]:
        if rec.get("s") != el:
            continue
        e = Entry(
            f"el:{rec.get('e', len(out))}",
            "organization" if rec.get("t") != "Individual" else "person",
            " ".join(rec["n"].split()),
        )
        e.aliases = [" ".join(a.split()) for a in rec.get("a", []) if a]
        out.append(e)
    return out


# --------------------------------------------------------------------------- pair rules


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 for c in text if c.isalpha())


def spelling_variant(a: str, b: str) -> bool:
    """Is alias ``b`` another spelling of ``a`` rather than another name? A letter rule, no
    matcher: token counts within one, and at least half of the shorter name's words of four
    letters or more have a word in the other starting with the same two letters
    (``Alexander``/``Aleksandr``; not ``Saddam Hussein``/``Abu Ali``)."""
    ta, tb = fold(a).split(), fold(b).split()
    if not ta or not tb or abs(len(ta) - len(tb)) > 1 or fold(a) == fold(b):
        return False
    short, other = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    long_words = [t for t in short if len(t) >= 4] or short
    prefixes = {t[:2] for t in other}
    hits = sum(1 for t in long_words if t[:2] in prefixes)
    return hits >= 1 and hits * 2 >= len(long_words)


_CLASSES = ("aeiouyj", "ckq", "sz", "fp", "vw")
_INITIAL_CLASS = {c: k for k, group in enumerate(_CLASSES) for c in group}


def _initial(word: str) -> object:
    return _INITIAL_CLASS.get(word[0], word[0])


def strict_spelling(a: str, b: str) -> bool:
    """The stricter letter rule of ``heldout_pairs_spelling.csv``: every word of three letters
    or more of the name with fewer words has a word in the other starting with a letter of the
    same transliteration class (vowels with y/j; c/k/q; s/z; f/p; v/w). Drops translations
    (``Burma``/``Myanmar``), other surnames and acronyms; no matcher involved."""
    ta, tb = fold(a).split(), fold(b).split()
    short, other = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    heads = {_initial(t) for t in other}
    words = [t for t in short if len(t) >= 3]
    return bool(words) and all(_initial(t) in heads for t in words)


# legal forms and generic organisation words: a name differing only in these is the same name
_GENERIC_WORDS = (
    "gmbh llc ltd limited company co corp corporation inc jsc ojsc pjsc cjsc ooo oao zao ao sa ag "
    "bv srl spa plc kft sarl group holding holdings trading the of and for de la le fzco fze fzc "
    "llp lp pte pvt private public industries industry enterprise enterprises"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def _distinct(words: set[str]) -> bool:
    return any(len(w) >= 4 and w not in _GENERIC for w in words)


def _schema(kind: str) -> str:
    return "Person" if kind == "person" else "Organization"


def alias_pairs(entries: list[Entry], category: str, rng: random.Random, n: int) -> list[tuple]:
    pairs = [
        (e.name, a, 1, _schema(e.kind), category)
        for e in entries
        if e.kind in ("person", "organization") and _latin(e.name)
        for a in e.aliases
        if _latin(a) and spelling_variant(e.name, a)
    ]
    return rng.sample(pairs, min(n, len(pairs)))


def script_pairs(entries: list[Entry], category: str) -> list[tuple]:
    return [
        (o, e.name, 1, _schema(e.kind), category)
        for e in entries
        if e.kind in ("person", "organization")
        for o in e.original
        # a one-word nickname ("Бэч") or a much longer form is another name, not this one
        if not _latin(o) and abs(len(o.split()) - len(e.name.split())) <= 1
    ]


def cross_pairs(un: list[Entry], au: list[Entry]) -> list[tuple]:
    by_ref = {e.un_ref: e for e in un}
    out = []
    for e in au:
        u = by_ref.get(e.un_ref)
        if u is None or u.kind != e.kind or e.kind not in ("person", "organization"):
            continue
        if fold(u.name) != fold(e.name) and name_key(u.name) != name_key(e.name):
            out.append((e.name, u.name, 1, _schema(e.kind), "x_un_au"))
    return out


def shared_word_negatives(
    entries: list[Entry], category: str, rng: random.Random, n: int
) -> list[tuple]:
    """Two different entries of one list and type sharing exactly one word of ≥ 4 letters,
    with no other word starting with the same three letters (different names, one shared word)."""
    by_word: dict[tuple[str, str], list[int]] = defaultdict(list)
    folded = [fold(e.name).split() for e in entries]
    for i, toks in enumerate(folded):
        if entries[i].kind in ("person", "organization") and _latin(entries[i].name):
            for t in set(toks):
                if len(t) >= 4:
                    by_word[(entries[i].kind, t)].append(i)
    out: list[tuple] = []
    keys = sorted(k for k, v in by_word.items() if 2 <= len(v) <= 200)
    rng.shuffle(keys)
    for kind, _ in keys:
        if len(out) >= n:
            break
        i, j = rng.sample(by_word[(kind, _)], 2)
        a, b = set(folded[i]), set(folded[j])
        rest_a, rest_b = a - b, b - a
        if len(a & b) != 1 or not _distinct(rest_a) or not _distinct(rest_b):
            continue
        if {t[:3] for t in rest_a} & {t[:3] for t in rest_b}:
            continue
        out.append((entries[i].name, entries[j].name, 0, _schema(kind), category))
    return out


def one_word_negatives(entries: Iterable[Entry], rng: random.Random, n: int) -> list[tuple]:
    """Organisations equal but for one word of ≥ 4 letters that differs in ≥ 3 letters and in
    its first two letters or length (``Melli``/``Mellat``): another company, not a typo."""
    from rapidfuzz.distance import Levenshtein

    by_shape: dict[tuple[int, str], list[tuple[str, list[str]]]] = defaultdict(list)
    for e in entries:
        if e.kind != "organization" or not _latin(e.name):
            continue
        toks = fold(e.name).split()
        if len(toks) < 3:
            continue
        for k in range(len(toks)):
            by_shape[(len(toks), " ".join([*toks[:k], "*", *toks[k + 1 :]]))].append((e.name, toks))
    out = []
    for key in sorted(by_shape):
        group = by_shape[key]
        names = {g[0] for g in group}
        if len(names) < 2:
            continue
        (a, ta), (b, tb) = rng.sample(group, 2)
        if a == b:
            continue
        k = key[1].split().index("*")
        wa, wb = ta[k], tb[k]
        if wa in _GENERIC or wb in _GENERIC:
            continue  # "Limited" / "FZCO": the same name with another legal form
        if min(len(wa), len(wb)) >= 4 and Levenshtein.distance(wa, wb) >= 3:
            out.append((a, b, 0, "Organization", "neg_one_word"))
    return rng.sample(out, min(n, len(out)))


# --------------------------------------------------------------------------- Korean generators

_MR_INI = [
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
    "ch'",
    "k'",
    "t'",
    "p'",
    "h",
]
_MR_VOW = [
    "a",
    "ae",
    "ya",
    "yae",
    "ŏ",
    "e",
    "yŏ",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wŏ",
    "we",
    "wi",
    "yu",
    "ŭ",
    "ŭi",
    "i",
]
_MR_FIN = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "p",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
_SOUTH = {
    "리": "이",
    "류": "유",
    "로": "노",
    "림": "임",
    "량": "양",
    "려": "여",
    "렴": "염",
    "룡": "용",
    "라": "나",
    "련": "연",
    "륙": "육",
}


def _jamo(s: str) -> tuple[int, int, int]:
    code = ord(s) - 0xAC00
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    return ini, vow, fin


def mr_name(hangul: str) -> str:
    """McCune–Reischauer, jamo by jamo, voicing between voiced sounds (``Pyŏng-ch'ŏl`` style,
    breves and apostrophes kept: the pipeline must fold them), ``Ri Pyŏng-ch'ŏl``."""
    sylls = []
    prev_fin = -1
    for k, s in enumerate(hangul):
        ini, vow, fin = _jamo(s)
        onset = _MR_INI[ini]
        if k > 0 and onset in ("k", "t", "p", "ch") and prev_fin in (0, 4, 8, 16, 21):
            onset = {"k": "g", "t": "d", "p": "b", "ch": "j"}[
                onset
            ]  # voiced after a vowel / n l m ng
        if k == 0 and ini == 5:
            onset = "r"
        sylls.append(onset + _MR_VOW[vow] + _MR_FIN[fin])
        prev_fin = fin
    given = "-".join(sylls[1:])
    return f"{sylls[0].capitalize()} {given.capitalize()}"


def rr_name(hangul: str) -> str:
    from hangul_names.transliterator import Transliterator

    return str(Transliterator().romanize(hangul))


def load_hanja() -> dict[str, list[str]]:
    """Hangul syllable → the Hanja characters the shipped table reads so (basic CJK block)."""
    out: dict[str, list[str]] = defaultdict(list)
    for line in HANJA_TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        reading, chars = line.split("\t", 1)
        out[reading] = [c for c in chars if 0x4E00 <= ord(c) <= 0x9FFF]
    return out


_SURNAME_HANJA = {
    "김": "金",
    "리": "李",
    "이": "李",
    "박": "朴",
    "최": "崔",
    "정": "鄭",
    "강": "姜",
    "조": "趙",
    "윤": "尹",
    "장": "張",
    "림": "林",
    "임": "林",
    "한": "韓",
    "오": "吳",
    "서": "徐",
    "신": "申",
    "권": "權",
    "황": "黃",
    "안": "安",
    "송": "宋",
    "전": "全",
    "홍": "洪",
    "류": "柳",
    "유": "柳",
    "고": "高",
    "문": "文",
    "량": "梁",
    "손": "孫",
    "백": "白",
    "허": "許",
    "남": "南",
    "로": "盧",
    "주": "朱",
    "차": "車",
    "길": "吉",
    "현": "玄",
    "방": "方",
    "지": "池",
    "태": "太",
    "원": "元",
    "염": "廉",
    "렴": "廉",
    "라": "羅",
    "함": "咸",
    "석": "石",
    "명": "明",
    "채": "蔡",
    "배": "裵",
    "구": "具",
    "성": "成",
    "우": "禹",
    "천": "千",
    "마": "馬",
    "엄": "嚴",
    "심": "沈",
    "하": "河",
}


def hanja_name(hangul: str, table: dict[str, list[str]], rng: random.Random) -> str | None:
    """The name in Hanja: the usual surname character, then for each given-name syllable a
    character read so by the table (chosen at random: the reading, not the character, is tested)."""
    sur = _SURNAME_HANJA.get(hangul[0])
    if sur is None:
        return None
    chars = [sur]
    for s in hangul[1:]:
        options = table.get(s) or table.get(_SOUTH.get(s, s)) or []
        if not options:
            return None
        chars.append(rng.choice(options[:20]))
    return "".join(chars)


def korean_pairs(
    queries: list[tuple],
    rows: list[dict[str, str]],
    resolve,
    rng: random.Random,
    per_kind: int = 40,
) -> list[tuple]:
    """Korean query forms vs the listed name (matches) and vs another listed North Korean with
    the same surname and a different given name (``neg_ko_surname``)."""
    name_of = {";".join(sorted(resolve(r["list_name"]))): r["list_name"] for r in rows}
    by_surname: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_surname[fold(r["list_name"]).split()[0]].append(r["list_name"])
    by_kind: dict[str, list[tuple]] = defaultdict(list)
    for q in queries:
        by_kind[q[3]].append(q)
    out: list[tuple] = []
    for kind in sorted(by_kind):
        for query, exp, _, _ in rng.sample(by_kind[kind], min(per_kind, len(by_kind[kind]))):
            listed = name_of.get(exp)
            if listed is None:
                continue
            out.append((query, listed, 1, "Person", kind))
            given = set(fold(listed).split()[1:])
            others = [
                o
                for o in by_surname[fold(listed).split()[0]]
                if not given & set(fold(o).split()[1:])
            ]
            if others:
                out.append((query, rng.choice(others), 0, "Person", "neg_ko_surname"))
    return out


def korean_queries(rows: list[dict[str, str]], resolve, rng: random.Random) -> list[tuple]:
    table = load_hanja()
    out: list[tuple] = []
    for rec in rows:
        hangul = rec["hangul"].strip()
        if not re.fullmatch(r"[\uac00-\ud7a3]{2,4}", hangul):
            continue
        ids = resolve(rec["list_name"])
        if not ids:
            continue
        exp = ";".join(sorted(ids))
        south = _SOUTH.get(hangul[0], hangul[0]) + hangul[1:]
        rr = rr_name(south)  # "Lee Byeong-cheol"
        sur, _, given = rr.partition(" ")
        mr = mr_name(hangul)
        mr_sur, _, mr_given = mr.partition(" ")
        joined_given = given.replace("-", "")
        forms = {
            "ko_hangul_north": hangul,
            "ko_hangul_south": south,
            "ko_rr": rr,
            "ko_mr": mr,
            "ko_joined": rng.choice(
                [f"{sur} {joined_given}".upper(), f"{mr_sur} {mr_given.replace('-', '')}"]
            ),
            "ko_comma": rng.choice(
                [
                    f"{sur.upper()}, {joined_given}",
                    f"{joined_given} {sur.upper()}",
                    f"{mr_sur.upper()}, {mr_given}",
                ]
            ),
            "ko_mixed": rng.choice([f"{south} ({rr})", f"{rr} / {south}", f"{hangul}({mr})"]),
        }
        h = hanja_name(hangul, table, rng)
        if h is not None:
            forms["ko_hanja"] = h
        out += [(q, exp, "person", cat) for cat, q in forms.items()]
    return out


# --------------------------------------------------------------------------- typos


def edit(name: str, rng: random.Random) -> str:
    """One edit of a kind the tuning generator does not make."""
    toks = name.split()
    kind = rng.choice(["delete", "double", "swap_start", "swap", "space_merge", "vowel"])
    i = rng.randrange(len(toks))
    t = toks[i]
    if kind == "space_merge" and len(toks) >= 3:
        j = min(i, len(toks) - 2)
        toks[j : j + 2] = [toks[j] + toks[j + 1].lower()]
        return " ".join(toks)
    if len(t) < 4:
        return name
    if kind == "delete":
        k = rng.randrange(1, len(t))
        t = t[:k] + t[k + 1 :]
    elif kind == "double":
        k = rng.randrange(1, len(t))
        t = t[:k] + t[k] + t[k:]
    elif kind == "swap_start":
        t = t[1] + t[0] + t[2:]
    elif kind == "swap":
        k = rng.randrange(1, len(t) - 1)
        t = t[:k] + t[k + 1] + t[k] + t[k + 2 :]
    else:
        vowels = [k for k, c in enumerate(t) if c.lower() in "aeiou"]
        if not vowels:
            return name
        k = rng.choice(vowels)
        t = t[:k] + rng.choice([v for v in "aeiou" if v != t[k].lower()]) + t[k + 1 :]
    toks[i] = t
    return " ".join(toks)


def typo_queries(un: list[Entry], resolve, rng: random.Random, n: int) -> list[tuple]:
    persons = [e for e in un if e.kind == "person" and len(e.name.split()) >= 2 and _latin(e.name)]
    out = []
    for e in rng.sample(persons, min(n, len(persons))):
        toks = e.name.split()
        q = " ".join(toks[1:] + toks[:1]) if rng.random() < 0.5 else e.name
        q = edit(q, rng)
        ids = resolve(e.name) | {e.id}
        out.append((q, ";".join(sorted(ids)), "person", "typo_reorder"))
    return out


# --------------------------------------------------------------------------- negatives

_LOCALES = [  # (faker locale, country, weight) — another mix than the tuning negatives
    ("en_GB", "GB", 6), ("en_AU", "AU", 3), ("en_CA", "CA", 3), ("fr_CA", "CA", 2),
    ("es_MX", "MX", 5), ("es_AR", "AR", 3), ("pt_BR", "BR", 5), ("ro_RO", "RO", 2),
    ("cs_CZ", "CZ", 2), ("hu_HU", "HU", 2), ("sv_SE", "SE", 2), ("fi_FI", "FI", 2),
    ("da_DK", "DK", 2), ("no_NO", "NO", 2), ("el_GR", "GR", 2), ("th_TH", "TH", 2),
    ("bn_BD", "BD", 3), ("ne_NP", "NP", 2), ("ka_GE", "GE", 1), ("hy_AM", "AM", 1),
    ("ar_EG", "EG", 3), ("ar_JO", "JO", 2), ("fa_IR", "IR", 2), ("tr_TR", "TR", 3),
    ("ko_KR", "KR", 6), ("zh_CN", "CN", 6), ("zh_TW", "TW", 2), ("ja_JP", "JP", 3),
    ("ru_RU", "RU", 4), ("uk_UA", "UA", 2), ("vi_VN", "VN", 3), ("id_ID", "ID", 3),
    ("tl_PH", "PH", 3), ("yo_NG", "NG", 2), ("zu_ZA", "ZA", 2), ("sw", "KE", 2),
    ("de_AT", "AT", 2), ("it_IT", "IT", 3), ("pl_PL", "PL", 3), ("en_IN", "IN", 4),
    ("ur_PK", "PK", 2), ("he_IL", "IL", 1), ("az_AZ", "AZ", 1), ("en_US", "US", 6),
]  # fmt: skip


def negatives(n: int, listed: set[str], seed: int) -> list[tuple[str, str, str, str]]:
    from faker import Faker

    listed_loose = {k for key in listed for k in loose_keys(key)}
    rng = random.Random(seed)
    fakers = {}
    for k, (loc, _, _) in enumerate(_LOCALES):
        try:
            fake = Faker(loc)
        except AttributeError:
            continue
        fake.seed_instance(seed * 7 + k)
        fakers[loc] = fake
    locales = [x for x in _LOCALES if x[0] in fakers]
    weights = [w for _, _, w in locales]
    out, seen = [], set()
    while len(out) < n:
        loc, country, _ = rng.choices(locales, weights=weights)[0]
        fake = fakers[loc]
        if loc in ("ko_KR", "zh_CN", "zh_TW", "ja_JP"):
            name = fake.last_name() + fake.first_name()
        else:
            name = f"{fake.first_name()} {fake.last_name()}"
        key = name_key(name)
        if not key or key in seen or key in listed or not loose_keys(name).isdisjoint(listed_loose):
            continue
        seen.add(key)
        dob = f"{rng.randint(1935, 2006):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append((name, "person", country, dob))
    return out


# --------------------------------------------------------------------------- main


def snapshot_resolver():
    """name → ids of the embedded snapshot's entities bearing that name (by name key)."""
    from prosper.lists import load_snapshot

    by_key: dict[str, set[str]] = defaultdict(set)
    all_keys: set[str] = set()
    for e in load_snapshot().entities:
        for name, _ in e.all_names():
            k = name_key(name.replace(",", " "))
            by_key[k].add(e.id)
            all_keys.add(k)

    def resolve(name: str) -> set[str]:
        return set(by_key.get(name_key(name.replace(",", " ")), ()))

    return resolve, all_keys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--out", type=Path, default=HERE / "datasets")
    parser.add_argument("--negatives", type=int, default=50_000)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)

    un = read_un(args.lists / UN_FILE)
    au = read_au(args.lists / AU_FILE)
    eu = read_eu(args.lists / EU_FILE)
    ca = read_ca(args.lists / CA_FILE)
    el = read_entity_list(args.lists / CSL_FILE)

    pairs: list[tuple] = []
    pairs += cross_pairs(un, au)
    pairs += script_pairs(au, "script_au")
    pairs += alias_pairs(eu, "alias_eu", rng, 400)
    pairs += alias_pairs(ca, "alias_ca", rng, 300)
    pairs += alias_pairs(au, "alias_au", rng, 300)
    pairs += alias_pairs(el, "alias_el", rng, 300)
    for entries, tag in ((eu, "eu"), (ca, "ca"), (au, "au"), (el, "el")):
        pairs += shared_word_negatives(entries, f"neg_shared_{tag}", rng, 250)
    pairs += one_word_negatives([*el, *eu, *ca, *au], rng, 250)

    resolve, listed = snapshot_resolver()
    with (args.out / "dprk_hangul.csv").open(encoding="utf-8", newline="") as handle:
        korean_rows = list(csv.DictReader(handle))
    korean = korean_queries(korean_rows, resolve, random.Random(SEED + 1))
    pairs += korean_pairs(korean, korean_rows, resolve, random.Random(SEED + 3))
    unique = list(dict.fromkeys(p for p in pairs if p[0].strip() and p[1].strip()))
    rng.shuffle(unique)
    header = ["name1", "name2", "is_match", "schema", "category"]
    n = write_csv(args.out / "heldout_pairs.csv", header, unique)
    print(f"heldout_pairs.csv: {n} pairs ({sum(p[2] for p in unique)} matches)")
    spelling = [p for p in unique if not p[4].startswith("alias_") or strict_spelling(p[0], p[1])]
    n = write_csv(args.out / "heldout_pairs_spelling.csv", header, spelling)
    print(f"heldout_pairs_spelling.csv: {n} pairs ({sum(p[2] for p in spelling)} matches)")

    positives = list(korean)
    positives += typo_queries(un, resolve, random.Random(SEED + 2), 1000)
    n = write_csv(
        args.out / "heldout_positives.csv",
        ["query", "expected_entity_id", "type", "category"],
        positives,
    )
    print(f"heldout_positives.csv: {n} queries")

    for e in [*un, *au, *eu, *ca, *el]:
        for name in (e.name, *e.aliases, *e.original):
            listed.add(name_key(name.replace(",", " ")))
    negs = negatives(args.negatives, listed, SEED)
    n = write_csv(args.out / "heldout_negatives.csv.gz", ["name", "type", "country", "dob"], negs)
    print(f"heldout_negatives.csv.gz: {n} persons")


if __name__ == "__main__":
    main()
