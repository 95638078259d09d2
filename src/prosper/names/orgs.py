"""Organisation legal forms: ``LLC``, ``OOO``, ``JSC``, ``GmbH``, ``Co., Ltd.``, ``주식회사`` …

Legal forms say what kind of company a name belongs to, not which one, so they never count as
name tokens: ``EMMA LLC`` shares no name token with ``EMMA DANIELS`` beyond ``emma``.

Latin-script forms (and Cyrillic ones after transliteration: ``ООО`` → ``ooo``) come from
rigour's curated ``org_types`` data (``extract_org_types`` / ``remove_org_types``). Two small
hand-written supplements cover what that data does not:

* generic English designators rigour keeps as words (``corp``, ``corporation``, ``company``,
  ``co``, ``pvt``), which list publishers append inconsistently;
* Korean and Japanese forms written in their own script (``주식회사``, ``(주)``, ``㈜``,
  ``株式会社``) and Chinese forms written without spaces (``华为技术有限公司``), which must be
  removed *before* transliteration because CJK names are not space-separated.
"""

from __future__ import annotations

import re
from functools import lru_cache

from prosper.names.glossary import translate_generic_words
from prosper.names.primitives import extract_org_types, remove_org_types

# Generic designators not treated as legal forms by rigour (checked with rigour 2.6).
_GENERIC_FORMS = frozenset({"corp", "corporation", "company", "co", "pvt", "private", "cie"})

# Native-script legal forms, longest first so 股份有限公司 wins over 有限公司.
# (form, canonical) — canonical names follow rigour's compare forms where one exists.
_NATIVE_FORMS: tuple[tuple[str, str], ...] = (
    ("股份有限公司", "coltd"),
    ("有限责任公司", "llc"),
    ("有限責任公司", "llc"),
    ("유한책임회사", "llc"),
    ("株式会社", "kk"),
    ("有限会社", "yk"),
    ("合同会社", "gk"),
    ("주식회사", "coltd"),
    ("유한회사", "ltd"),
    ("합자회사", "lp"),
    ("합명회사", "gp"),
    ("有限公司", "ltd"),
    ("(주)", "coltd"),
    ("㈜", "coltd"),
    ("(株)", "kk"),
    ("㈱", "kk"),
    ("(유)", "ltd"),
    ("公司", "co"),
    ("会社", "co"),
    ("회사", "co"),
)
_NATIVE_RE = re.compile("|".join(re.escape(form) for form, _ in _NATIVE_FORMS))
_NATIVE_CANONICAL = dict(_NATIVE_FORMS)


def strip_native_legal_forms(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove Korean, Japanese and Chinese legal forms written in their own script.

    >>> strip_native_legal_forms("삼성전자 주식회사")
    ('삼성전자  ', ('coltd',))
    >>> strip_native_legal_forms("华为技术有限公司")
    ('华为技术 ', ('ltd',))
    """
    found: list[str] = []

    def _sub(match: re.Match[str]) -> str:
        found.append(_NATIVE_CANONICAL[match.group(0)])
        return " "

    stripped = _NATIVE_RE.sub(_sub, text)
    if not stripped.strip():
        return text, ()
    return stripped, tuple(found)


# Legal forms rigour's data lacks (checked with rigour 2.6), written out or abbreviated in the
# languages of the EU, Turkish, Gulf free-zone and Russian registers; folded text, canonical
# form after the arrow. Removed wherever they stand as whole words.
_EXTRA_FORMS: tuple[tuple[str, str], ...] = (
    ("gesellschaft mit beschrankter haftung", "gmbh"),
    ("zartkoruen mukodo reszvenytarsasag", "zrt"),
    ("nyilvanosan mukodo reszvenytarsasag", "nyrt"),
    ("korlatolt felelossegu tarsasag", "kft"),
    ("reszvenytarsasag", "rt"),
    ("spolka z ograniczona odpowiedzialnoscia", "spzoo"),
    ("spolka akcyjna", "sa"),
    ("verejna akciova spolocnost|akciova spolocnost|akciova spolecnost", "as"),
    ("javna delniska druzba|delniska druzba", "dd"),
    ("societe par actions(?: cotee)?", "sa"),
    ("limited sirketi|ltd sirketi|ltd sti", "ltd"),
    ("anonim sirketi", "as"),
    ("sarlu|surl", "sarl"),
    ("federal state unitary enterprise|federal sue|fsue|fgup", "fsue"),
    ("njsc", "jsc"),
    ("fzco|fzc|fze|fz llc", "fz"),
    ("osoo", "ooo"),
    # Russian joint-stock forms spelt with "-oye" (rigour knows the "-oe" spelling)
    ("(?:otkrytoye |zakrytoye |publichnoye |nepublichnoye )?aktsionernoye obshchestvo", "ao"),
    ("gufen youxian gongsi", "coltd"),  # pinyin of 股份有限公司 and the two below
    ("youxian zeren gongsi", "llc"),
    ("youxian gongsi", "ltd"),
    ("zrt|nyrt|rt", "rt"),
)
_EXTRA_FORM = r"(?:^| )(?:{})(?= |$)"  # a form as whole words
# Any of the forms, in one pattern: most names hold none, and one search tells (the forms are
# removed one pattern at a time, in order, only from a name where it finds one: a pattern that
# matches nowhere in the name changes nothing, so the name comes out the same)
_ANY_EXTRA_FORM = re.compile(_EXTRA_FORM.format("|".join(f"(?:{p})" for p, _ in _EXTRA_FORMS)))
# The short forms above ("rt", "fz") only count in a name of at least two words.
_SHORT_FORMS = frozenset({"rt", "sarl", "fz", "jsc", "ooo", "fsue"})


@lru_cache(maxsize=1)
def _extra_forms_res() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The forms' patterns, compiled when a name first holds one (not at import: a
    one-name screen rarely needs them)."""
    return tuple((re.compile(_EXTRA_FORM.format(p)), c) for p, c in _EXTRA_FORMS)


def _remove_extra_forms(folded: str) -> tuple[str, list[str]]:
    found: list[str] = []
    if _ANY_EXTRA_FORM.search(folded) is None:
        return folded, found
    for pattern, canonical in _extra_forms_res():
        if canonical in _SHORT_FORMS and len(folded.split()) < 2:
            continue
        text, n = pattern.subn(" ", folded)
        if n and text.strip():
            folded = " ".join(text.split())
            found.append(canonical)
    return folded, found


# Words that say what kind of organisation a name is, not which one: a list drops or adds
# them freely ("Kaspersky" / "AO Kaspersky Lab", "Otto Manufacturing" / "OTTO"), and
# "of"-words that join the others. The matcher counts an unmatched one as a minor word.
_GENERIC = """company companies group groups plant factory works holding holdings industries
    industry industrial enterprise enterprises institute corporation corp technologies
    technology tech lab labs laboratory laboratories trading trade intl center centre
    services service systems system solutions development manufacturing mfg engineering
    engineers products product organisation organization network complex association
    foundation fundacion bureau firm concern agency office commercial incorporated inc limited
    of the
    and for in de des du la el"""
GENERIC_WORDS = frozenset(_GENERIC.split())


def is_generic_word(token: str) -> bool:
    """A word of :data:`GENERIC_WORDS`."""
    return token in GENERIC_WORDS


def acronym_of(token: str, tokens: tuple[str, ...]) -> bool:
    """``token`` (2–6 letters) is the initials of consecutive words of ``tokens``, with or
    without their one-letter and "of"-words: ``ssrc`` in ``scientific studies and research
    center``, ``ttp`` in ``tehrik e taliban pakistan``, ``jua`` in ``jamaat ul ahrar``.

    >>> acronym_of("htl", ("high", "technologies", "ltd"))
    True
    """
    if not 2 <= len(token) <= 6 or not token.isalpha() or len(tokens) < len(token):
        return False
    every, content = _initials(tokens)
    return token in every or token in content


@lru_cache(maxsize=65536)
def _initials(tokens: tuple[str, ...]) -> tuple[str, str]:
    """The initials of every word, and of the words of two letters or more but "of"-words."""
    every = "".join(t[0] for t in tokens)
    content = "".join(t[0] for t in tokens if len(t) > 1 and t not in ("of", "and", "the", "for"))
    return every, content


def remove_legal_forms(folded: str) -> tuple[str, tuple[str, ...]]:
    """Remove legal forms from folded (lower-case Latin) text.

    Returns:
        The text without legal forms and the canonical forms found, in order.

    >>> remove_legal_forms("emma llc")
    ('emma', ('llc',))
    >>> remove_legal_forms("belletech corp")
    ('belletech', ('corp',))
    """
    folded, forms = _remove_extra_forms(folded)
    found = [canonical for _, canonical in extract_org_types(folded)]
    forms += found
    text = remove_org_types(folded) if found else folded
    tokens = text.split()
    kept = [t for t in tokens if t not in _GENERIC_FORMS]
    if len(kept) != len(tokens):
        forms.extend(t for t in tokens if t in _GENERIC_FORMS)
    return " ".join(kept), tuple(forms)


# Long forms of country names and organisation words, written as lists abbreviate them
# (folded text, apostrophes already deleted: "people's" → "peoples"). Both sides of a
# comparison are rewritten, so "Foreign Trade Bank of the DPRK" meets "FOREIGN TRADE BANK OF THE
# DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA".
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"democratic peoples? republic of korea|d p r k|north korea", "dprk"),
    (r"peoples? republic of china", "prc"),
    (r"united arab emirates", "uae"),
    (r"united states of america", "usa"),
    (r"international|internat", "intl"),
    (r"hong kong", "hk"),
    (r"laboratory|laboratories|labs", "lab"),
    (r"manufacturing|manufacture", "mfg"),
    (r"research (?:and )?development|r (?:and )?d", "rnd"),
)
_ABBREVIATION = r"\b(?:{})\b"
# any long form, in one pattern: most names hold none (the same argument as _ANY_EXTRA_FORM)
_ANY_ABBREVIATION = re.compile(
    _ABBREVIATION.format("|".join(f"(?:{p})" for p, _ in _ABBREVIATIONS))
)


@lru_cache(maxsize=1)
def _abbreviation_res() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The long forms' patterns, compiled when a name first holds one."""
    return tuple((re.compile(_ABBREVIATION.format(p)), short) for p, short in _ABBREVIATIONS)


def canonical_abbreviations(folded: str) -> str:
    """Rewrite long forms as the lists' abbreviations (``international`` → ``intl``,
    ``democratic peoples republic of korea`` → ``dprk``) and generic organisation words of
    other languages as the English word of their concept (``grupo`` → ``group``, ``zavod`` →
    ``plant``; the glossary ``data/org_glossary.tsv``, :mod:`prosper.names.glossary`).

    >>> canonical_abbreviations("foreign trade bank of the democratic peoples republic of korea")
    'foreign trade bank of the dprk'
    >>> canonical_abbreviations("korea international chemical joint venture")
    'korea intl chemical joint venture'
    """
    if len(folded) < 3:
        return folded
    if _ANY_ABBREVIATION.search(folded) is not None:
        for pattern, short in _abbreviation_res():
            folded = pattern.sub(short, folded)
    return translate_generic_words(folded)
