"""Text encodings of input files: byte-order marks, detection, decoding with a useful error.

Used by the document reader (:mod:`prosper.reader`) and the batch-file reader
(:mod:`prosper.screening.files`). Detection is charset-normalizer's; on a tie between code
pages that decode a short text equally well, the one a Prosper user most likely has wins
(Korean Excel saves CP949).
"""

from __future__ import annotations

import codecs

from prosper.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PREFERRED = ("cp949", "cp1252", "shift_jis", "gb18030", "big5")


def detect_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer finds most likely for ``data`` (None if none fits).

    >>> detect_encoding("거래처 이름,국가\\n김정은,KP\\n".encode("cp949")) in {"cp949", "euc_kr"}
    True
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    # A short text often decodes equally well in several CJK code pages: prefer the one a
    # user of Prosper most likely has (Korean Excel saves CP949).
    least = min(m.chaos for m in matches)
    tied = {str(m.encoding) for m in matches if m.chaos == least}
    for name in _PREFERRED:
        if name in tied:
            return name
    return str(next(m for m in matches if m.chaos == least).encoding)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` announces, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def decode_text(
    data: bytes, *, field: str, encoding: str | None = None, name_with: str = "its encoding"
) -> str:
    """``data`` as text: in ``encoding`` if given, else UTF-8 (or what a BOM says).

    ``name_with`` tells the user how to name an encoding (``--encoding``, a ``charset``).

    Raises:
        InputError: unknown encoding, or bytes that are not text in it; without ``encoding``
            the message names the encoding the bytes look like.
    """
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", field=field) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding} text (byte {exc.start} cannot be decoded)", field=field
            ) from None
    try:
        return data.decode(bom_encoding(data) or "utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        guess = detect_encoding(data)
        hint = (
            f"it looks like {guess}: convert it to UTF-8 or give {name_with}"
            if guess is not None
            else f"convert it to UTF-8 or give {name_with}"
        )
        raise InputError(
            f"not UTF-8 text (byte {exc.start} cannot be decoded); {hint}", field=field
        ) from None
