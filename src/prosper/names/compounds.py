"""Arabic compound names written as one word or as several.

Arabic script writes ``عبد الله``, ``عبد الرحمن``, ``صلاح الدين``, ``أبو بكر`` as two words, and
ICU transliterates them so (``bd allh``); Latin spellings join them (``Abdullah``,
``Salahuddin``, ``Abubakar``) or split them differently (``Zia-ur-Rahman``, ``Abd al-Karim``).
:func:`join_compounds` joins the parts of such a compound into one token on either side, so
the consonant skeletons of whole compounds meet (``bdallh`` ~ ``abdullah``); the matcher scores
a cross-script pair both with and without the joins and keeps the better.

>>> join_compounds(("bd", "alrhmn", "yasn"))
('bdalrhmn', 'yasn')
>>> join_compounds(("zia", "ur", "rahman", "madani"))
('ziaurrahman', 'madani')
>>> join_compounds(("salah", "eddine", "gasmi"))
('salaheddine', 'gasmi')
>>> join_compounds(("ahmed", "al", "dib"))
('ahmed', 'al', 'dib')
"""

from __future__ import annotations

# the first part of a compound: "servant of" (عبد) and "father of" (أبو), as spelled
HEADS = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdur", "abdu", "bd", "abu", "abou", "abw", "abo"}
)
# a connective of Urdu and Persian spellings, joined to both neighbours ("Zia-ur-Rahman")
LINKS = frozenset({"ur", "ud", "ul", "us", "uz"})
# the article, joined to both neighbours after a head or before a tail ("Abd al-Karim")
ARTICLES = frozenset({"al", "el", "ad", "ed", "ar", "as", "az", "an"})
# the last part of a compound, joined to the word before it
TAILS = frozenset(
    {
        "allah", "ullah", "ollah", "allh", "llh", "din", "deen", "eddine", "eddin", "uddin",
        "uddine", "addin", "aldin", "aldyn", "aldeen", "alrhmn", "alrhman", "rahman", "rehman",
    }
)  # fmt: skip


def join_compounds(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens with the parts of each compound joined (see the module docstring)."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if out and t in TAILS:
            out[-1] += t
        elif out and t in LINKS and i + 1 < n:
            out[-1] += t + tokens[i + 1]
            i += 1
        elif t in HEADS and i + 1 < n:
            nxt = tokens[i + 1]
            if nxt in ARTICLES and i + 2 < n:
                out.append(t + nxt + tokens[i + 2])
                i += 2
            else:
                out.append(t + nxt)
                i += 1
        elif out and t in ARTICLES and i + 1 < n and tokens[i + 1] in TAILS:
            out[-1] += t + tokens[i + 1]
            i += 1
        else:
            out.append(t)
        i += 1
    return tuple(out)
