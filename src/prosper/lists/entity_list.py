"""The parties inside one Consolidated Screening List name, and the Entity List footnotes.

A CSL row's ``name`` can name several parties or several names of one party:

* ``Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Marine Networks Co.,
  Ltd.`` — the listed party is the affiliate (``Huawei Marine Networks Co., Ltd.``), listed
  under its parent's entry; the parent's name is kept as a link, not as an alias.
* ``Chitron Electronics Company Ltd., a.k.a. Chi-Chung Electronics Company Ltd.
  (Chitron-Shenzhen)`` and ``SGM Most OOO (f.k.a., Obshchestvo … SGM Most)`` — one party with
  its other names (``a.k.a.``, ``f.k.a.``, ``d.b.a.``); a trailing parenthesised short form of
  a split name is one more alias.

The Entity List's licence-requirement column marks the foreign direct product rule footnotes
of Supplement No. 4 to EAR Part 744 with a bare number glued to the cited paragraph or to the
end of the text, e.g. ``(See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)``,
``see §§ 734.9(e)1 and 744.11 of the EAR2``, ``(See §§ 734.9(e)(2) and 744.11 of the EAR)4``,
``(See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5``. :func:`footnotes` reads them as
``FN1`` (§734.9(e)(1)), ``FN3`` (§734.9(g)), ``FN4`` (§734.9(e)(2)) and ``FN5`` (§734.9(e)(3)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prosper.model import Alias

_AFFILIATE = re.compile(r"\.?\s*Affiliated Entit(?:y|ies)\s*:\s*", re.IGNORECASE)
_MARK = r"(?:\ba\.k\.a\b\.?|\bf\.k\.a\b\.?|\bd\.b\.a\b\.?|\b[afd]/[kb]/a\b|\baka\b|\bfka\b|\bdba\b)"
# a marker with the separators around it: "X, a.k.a. Y", "X -AKA- Y", "X; a.k.a Y"
_MARKER = re.compile(rf"[\s,;:\-]*({_MARK})[\s,;:\-]*", re.IGNORECASE)
# a bracketed other name inside a name: "PEARL (A.K.A. NEI-CHIEN CHU) LI", "X [aka A, aka B]"
_BRACKETED = re.compile(rf"[(\[]\s*({_MARK})[\s,;:\-]*([^()\[\]]*?)\s*[)\]]", re.IGNORECASE)
_BOILERPLATE = re.compile(r"[;,]?\s*and (?:any|its) (?:successors?|sub-units?)\b.*$", re.IGNORECASE)
_TRAILING_SHORT = re.compile(r"^(?P<name>.*\S)\s*\((?P<short>[^()]{1,40})\)$")
# bracketed words that describe a party rather than name it: "(Hong Kong Entity)"
_DESCRIPTIONS = frozenset({"entity", "individual", "person", "company", "subsidiary"})


def _kind(marker: str) -> str:
    letters = re.sub(r"[^a-z]", "", marker.lower())
    return {"aka": "aka", "fka": "fka", "dba": "dba"}.get(letters, "aka")


@dataclass(frozen=True, slots=True)
class NamedParty:
    """One party a CSL name names: its name, its other names, and the entry it is listed
    under (``parent``, for an ``Affiliated Entity:``)."""

    name: str
    aliases: tuple[Alias, ...] = ()
    parent: str | None = None


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:-")
    # a bracket left open or closed by a split, e.g. from "X (f.k.a. Y)"
    for opening, closing in (("(", ")"), ("[", "]")):
        if text.count(opening) != text.count(closing):
            text = text.replace(opening, " ").replace(closing, " ")
    return " ".join(text.split()).strip(" ,;:-")


def _short_form(text: str) -> tuple[str, str | None]:
    """``("Huawei Technologies Co., Ltd.", "Huawei")`` for ``… Ltd. (Huawei)``; a bracketed
    description with lower-case words (``(DPRK individual)``) is no short form."""
    match = _TRAILING_SHORT.match(text)
    if match is None:
        return text, None
    short = match.group("short").strip()
    words = short.split()
    if any(w[:1].islower() or w.lower() in _DESCRIPTIONS for w in words):
        return text, None
    return match.group("name").rstrip(" ,"), short


def _names(text: str) -> tuple[str, list[Alias]]:
    """The first name and the other names of one party's name text."""
    aliases: list[Alias] = []

    def bracketed(match: re.Match[str]) -> str:
        kind = _kind(match.group(1))
        for part in _MARKER.split(match.group(2))[::2]:
            name = _tidy(part)
            if name:
                aliases.append(Alias(name, True, kind))
        return " "

    text = _BOILERPLATE.sub("", _BRACKETED.sub(bracketed, text))
    parts = _MARKER.split(text)
    # parts: [first, marker, name, marker, name, …]
    first = _tidy(parts[0])
    for i in range(1, len(parts) - 1, 2):
        name = _tidy(parts[i + 1])
        if not name:
            continue
        base, short = _short_form(name)
        aliases.append(Alias(base, True, _kind(parts[i])))
        if short is not None:
            aliases.append(Alias(short, True, "aka"))
    if aliases:  # only a name that was split gives up its trailing short form
        base, short = _short_form(first)
        if short is not None:
            first = base
            aliases.insert(0, Alias(short, True, "aka"))
    return first, aliases


def has_several_names(name: str) -> bool:
    """True when a CSL name holds an ``Affiliated Entity:``, ``a.k.a.``, ``f.k.a.`` or
    ``d.b.a.``.

    >>> has_several_names("SGM Most OOO (f.k.a., Obshchestvo S Ogranichennoi SGM Most)")
    True
    >>> has_several_names("Affiliated Supply and Consultancy Services")
    False
    """
    return _AFFILIATE.search(name) is not None or re.search(_MARK, name, re.I) is not None


def split_name(name: str) -> NamedParty:
    """The party a CSL name names, with the other names it states.

    >>> split_name("Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Mobile "
    ...            "Technology Ltd.")
    NamedParty(name='Huawei Mobile Technology Ltd.', aliases=(), parent='Huawei Technologies Co., Ltd.')
    >>> split_name("LTS Holding Limited (f.k.a. IPP-International Petroleum Products Ltd.)")
    NamedParty(name='LTS Holding Limited', aliases=(Alias(name='IPP-International Petroleum Products Ltd.', strong=True, kind='fka'),), parent=None)
    """  # noqa: E501
    text = " ".join(name.split())
    parent: str | None = None
    pieces = _AFFILIATE.split(text, maxsplit=1)
    if len(pieces) == 2 and pieces[0].strip() and pieces[1].strip():
        parent_text, text = pieces
        parent_name, _ = _names(parent_text)
        parent = _short_form(parent_name)[0]
    first, aliases = _names(text)
    if not first:  # nothing before the first marker: keep the name as the list gives it
        return NamedParty(" ".join(name.split()))
    unique: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name.upper() != first.upper():
            unique.setdefault(alias.name.upper(), alias)
    return NamedParty(first, tuple(unique.values()), parent)


_FN1 = re.compile(r"734\.9\s*\(e\)\s*(?:\(1\)|,?\s*1\b)")
_FN3 = re.compile(r"734\.9\s*\(g\)")
_FN4 = re.compile(r"734\.9\s*\(e\)\s*\(2\)")
_FN5 = re.compile(r"734\.9\s*\(e\)\s*\(3\)")
_TRAILING_MARK = re.compile(r"\)\s*([45])\s*\.?\s*$")


def footnotes(requirement: str | None) -> tuple[str, ...]:
    """The Entity List footnote designations a licence-requirement text states.

    >>> footnotes("For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), and "
    ...           "744.21(b) of the EAR)")
    ('FN3',)
    >>> footnotes("For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2")
    ('FN1',)
    >>> footnotes("For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR)4")
    ('FN4',)
    >>> footnotes("For all items subject to the EAR. (See §744.11 of the EAR).")
    ()
    """
    if not requirement:
        return ()
    found: set[str] = set()
    if _FN1.search(requirement):
        found.add("FN1")
    if _FN3.search(requirement):
        found.add("FN3")
    if _FN4.search(requirement):
        found.add("FN4")
    if _FN5.search(requirement):
        found.add("FN5")
    mark = _TRAILING_MARK.search(requirement)
    if mark is not None:
        found.add(f"FN{mark.group(1)}")
    return tuple(sorted(found))
