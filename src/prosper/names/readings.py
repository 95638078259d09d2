"""Other readings of one name field: the parts of a mixed-script field, Hanja read as Korean.

A name field can hold more than one way of writing the name, and a name can be read more than
one way. :func:`name_readings` lists them; the matcher scores every reading and keeps the best
(``prosper.matching.names.score_readings``), the index retrieves with all of them.

* **Mixed-script fields**, as Korean (and Chinese, Russian …) customer files often hold them:
  ``이병철 (Lee Byung-chul)``, ``Gim Yeo-jeong / 김여정``, ``김정은(Kim Jong-un)``. Each part in
  its own script is a reading of its own: the Hangul half and the Latin half each find the
  listed name, the two together do not (every token of the other half is "missing").
* **Hanja** (Korean names written in Chinese characters, ``金正恩``): ICU reads Han as
  Mandarin pinyin (``jin zheng en``); the Korean reading (김정은 → ``gim jeong eun``) is added
  from the Hanja → Hangul table of the ``hanja`` package (``data/hanja_readings.tsv``, see
  its header for provenance). The table gives each character's base reading; ``金`` as the
  first character of a short name is the surname 김, not 금.
"""

from __future__ import annotations

import re
from functools import lru_cache

from prosper.names.korean import joined_given_name_cuts
from prosper.packagedata import read_text

_HAN_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
"""Han characters (CJK unified ideographs, extension A, compatibility ideographs)."""
_PARTS = re.compile(r"\s*[()（）/|]\s*")


@lru_cache(maxsize=1)
def _han_name() -> re.Pattern[str]:
    """A 2–4 character Han name (compiled on first use: the class holds ~28,000 characters,
    ~0.002 s of CPU to compile, and a Latin name never needs it)."""
    return re.compile(f"^{_HAN_CLASS}{{2,4}}$")


@lru_cache(maxsize=1)
def _han_char() -> re.Pattern[str]:
    """One Han character (compiled on first use, as :func:`_han_name`)."""
    return re.compile(_HAN_CLASS)


def _has_han(text: str) -> bool:
    """``text`` has a Han character (a text whose largest character comes before the first
    Han one has none, and compiles nothing)."""
    return bool(text) and max(text) >= "\u3400" and _han_char().search(text) is not None


# Hanja whose reading as a surname differs from the table's (base) reading.
_SURNAME_READINGS = {"金": "김"}
MAX_READINGS = 5


@lru_cache(maxsize=1)
def hanja_table() -> dict[str, str]:
    """Hanja character → its Hangul reading, from ``data/hanja_readings.tsv``."""
    text = read_text("prosper.names", "data/hanja_readings.tsv")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        reading, chars = line.split("\t", 1)
        for ch in chars:
            table.setdefault(ch, reading)
    return table


def hanja_to_hangul(name: str) -> str | None:
    """The Korean reading of a 2–4 character Hanja name, or None.

    >>> hanja_to_hangul("金正恩"), hanja_to_hangul("李炳哲")
    ('김정은', '리병철')
    >>> hanja_to_hangul("Kim") is None
    True
    """
    text = "".join(name.split())
    if not text or max(text) < "\u3400" or not _han_name().match(text):
        return None
    table = hanja_table()
    out = []
    for i, ch in enumerate(text):
        reading = _SURNAME_READINGS.get(ch) if i == 0 else None
        reading = reading or table.get(ch)
        if reading is None:
            return None
        out.append(reading)
    return "".join(out)


def _script_class(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            return "latin" if ord(ch) < 0x250 else "other"
    return ""


# Korean organisation words as the lists translate them. The lists carry no Korean-script
# names to pair with their English ones (the UN's original-script names are Arabic and
# Cyrillic), so the glossary is hand-written from the English names of DPRK-listed entities
# ("KOREA MINING DEVELOPMENT TRADING CORPORATION", "RECONNAISSANCE GENERAL BUREAU", "KOREA
# KWANGSON BANKING CORP" …) and the Korean words they translate. Proper names (광선, 련봉,
# 단군) are transliterated, not translated: they stay Hangul and are romanized.
# The generic words among them are also rows of the multilingual glossary
# (``names/data/org_glossary.tsv``, a second mechanism: concepts on both sides of a
# comparison); ``tests/names/test_glossary.py`` checks that the shared words mean the same.
KOREAN_ORG_WORDS: dict[str, str] = {
    "조선": "korea",
    "은행": "bank",
    "무역": "trading",
    "상사": "trading",
    "총국": "general bureau",
    "총회사": "general corporation",
    "회사": "company",
    "공사": "corporation",
    "해운": "shipping",
    "선박": "ship",
    "련합": "associated",
    "연합": "associated",
    "광업": "mining",
    "개발": "development",
    "국가": "national",
    "민족": "national",
    "해사": "maritime",
    "공업": "industry",
    "기술": "technology",
    "합영": "joint venture",
    "합작": "joint venture",
    "정찰": "reconnaissance",
    "원자력": "atomic energy",
    "대학": "university",
    "연구소": "research institute",
    "연구원": "research institute",
    "위원회": "committee",
    "경제": "economic",
    "군수": "munitions",
    "국제": "international",
    "화학": "chemical",
    "전자": "electronics",
    "건설": "construction",
    "보험": "insurance",
    "금융": "financial",
    "투자": "investment",
    "석유": "oil",
    "항공": "airlines",
    "그룹": "group",
    "수출입": "export import",
    "제2": "second",
}
_ORG_WORD_RE = re.compile("|".join(sorted(map(re.escape, KOREAN_ORG_WORDS), key=len, reverse=True)))
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def korean_org_reading(name: str) -> str | None:
    """The English reading of a Korean organisation name: glossary words translated, the
    rest (proper names) romanized as one word each; None when no glossary word is found
    besides 조선 alone.

    >>> korean_org_reading("조선광선은행")
    'korea gwangseon bank'
    """
    if not _HANGUL_RUN.search(name):
        return None
    from prosper.names.normalize import fold_text  # normalize imports nothing from here

    found = _ORG_WORD_RE.findall(name)
    if not found or found == ["조선"]:
        return None
    parts: list[str] = []
    pos = 0
    for m in _ORG_WORD_RE.finditer(name):
        rest = name[pos : m.start()]
        if rest.strip():
            parts.append(fold_text(rest).replace(" ", ""))
        parts.append(KOREAN_ORG_WORDS[m.group(0)])
        pos = m.end()
    tail = name[pos:]
    if tail.strip():
        parts.append(fold_text(tail).replace(" ", ""))
    return " ".join(p for p in parts if p)


def _korean_cut_readings(name: str) -> list[str]:
    """``GANG, Mungil`` → ``GANG, mun gil`` and ``GANG, mung il``: a joined Korean given name
    can be cut into syllables more than one way (문길 or 뭉일); each cut is a reading. The
    pipeline's own cut (:func:`prosper.names.korean.split_syllables`) is the name itself."""
    if "," in name:
        last, _, first = name.partition(",")
        pair = (last.strip().lower(), first.strip().lower())
        if " " in pair[1] or not all(w.isascii() and w.isalpha() for w in pair):
            return []
        cuts = joined_given_name_cuts(pair)
        return [f"{c[0]}, {c[1]} {c[2]}" for c in cuts]
    words = tuple(name.lower().split())
    if not all(w.isascii() and w.isalpha() for w in words):
        return []
    return [" ".join(c) for c in joined_given_name_cuts(words)]


@lru_cache(maxsize=4096)
def name_readings(name: str) -> tuple[str, ...]:
    """The name and its other readings, the name itself first.

    >>> name_readings("이병철 (Lee Byung-chul)")
    ('이병철 (Lee Byung-chul)', '이병철', 'Lee Byung-chul')
    >>> name_readings("金正恩")
    ('金正恩', '김정은')
    >>> name_readings("Kim Jong Un")
    ('Kim Jong Un',)
    """
    out = [name]
    out.extend(_korean_cut_readings(name))
    if not name.isascii():
        parts = [p for p in _PARTS.split(name) if p.strip()]
        if len(parts) >= 2 and len({_script_class(p) for p in parts}) >= 2:
            out.extend(p.strip() for p in parts)
        for text in list(out):
            org = korean_org_reading(text)
            if org is not None:
                out.append(org)
            if _has_han(text):
                hangul = hanja_to_hangul(text)
                if hangul is not None:
                    out.append(hangul)
    return tuple(dict.fromkeys(out))[:MAX_READINGS]
