"""Declared ECCNs: the level they state, their ".z" paragraphs, disagreement with the computed."""

from __future__ import annotations

import re

WASSENAAR_ECCN = re.compile(r"^[0-9][A-E]0[0-8][0-9]")

_DECLARED_LEVEL = re.compile(
    r"^(?:3A090|4A090)\.([abc])|^[0-9][A-E][0-9]{3}\.Z\.\d\.([AB])|^(4E091)"
    r"|^(?:4A004|5A992)\.Z\.([12])$",
    re.IGNORECASE,
)


def declared_level(eccn: str | None) -> str | None:
    """The advanced-computing level a declared ECCN states (``a``/``b``/``c``/``weights``).

    >>> declared_level("4A090.a"), declared_level("5A002.z.1.b"), declared_level("4E091")
    ('a', 'b', 'weights')
    """
    if eccn is None:
        return None
    m = _DECLARED_LEVEL.match(eccn.strip())
    if m is None:
        return None
    if m.group(3):
        return "weights"
    if m.group(4):
        return "a" if m.group(4) == "1" else "b"
    return (m.group(1) or m.group(2)).lower()


def declared_base(eccn: str | None) -> str | None:
    """The ECCN entry of a declared ECCN, upper-case (``5a992.c`` → ``5A992``)."""
    if eccn is None:
        return None
    return eccn.split(".", 1)[0].upper()


def z_name(base: str, level: str) -> str:
    """The ".z" paragraph of ``base`` for a chip meeting 3A090.<level>."""
    if base in ("4A004", "5A992"):
        return f"{base}.z.{1 if level == 'a' else 2}"
    return f"{base}.z (meets 3A090.{level}/4A090.{level})"


def agrees(declared: str, computed: str) -> bool:
    """Whether a declared ECCN and the computed one name the same entry or paragraph."""
    d, c = declared.upper(), computed.upper().split(" ")[0]
    if ".Z" in c:  # a ".z" paragraph refines the declared ECCN (5A992.c -> 5A992.z.1)
        return c.split(".")[0] == d.split(".")[0]
    return c.startswith(d) or d.startswith(c)


def disagreement(declared: str | None, computed: str | None) -> str | None:
    """The sentence that reports a declared ECCN the parameters contradict, or None."""
    if declared is None:
        return None
    if computed is None:
        if declared.startswith(("3A090", "4A090")):
            return f"declared {declared}, but the parameters do not meet 3A090/4A090"
        return None
    if agrees(declared, computed):
        return None
    return f"declared {declared}, but the parameters give {computed}"


def is_wassenaar_eccn(eccn: str | None) -> bool:
    """Whether ``eccn`` is numbered like a Wassenaar dual-use entry (``3A001``, ``5A002.a`` …).

    The third character ``0`` with a number below 090 marks the multilateral national-security
    entries; ``x9xx`` (anti-terrorism only), ``x090``/``x091`` (US advanced computing) and the
    600 series are not Wassenaar dual-use numbers.
    """
    return eccn is not None and WASSENAAR_ECCN.match(eccn.upper()) is not None
