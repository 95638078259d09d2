"""What a list update refuses: data that is older, much smaller, duplicated, partial or cut.

Every check returns the refusal lines it found (one line per source: the source, both
publication dates and both entity counts) instead of raising, so that an update reports every
reason at once; :class:`UpdateRefusedError` carries them. Nothing here writes anything.

| refusal                                             | override            |
|-----------------------------------------------------|---------------------|
| publication date older than the installed one        | ``--allow-older``   |
| publication date ``unknown`` (cannot prove newer)     | ``--allow-older``   |
| drops more than ``max_drop_share`` of the entities    | ``--allow-shrink``  |
| the same id twice in a file (first would shadow)      | ``--allow-duplicates`` |
| a multi-file source given without all its files       | ``--allow-partial`` |
| a text file cut short (no final newline, open quote)  | none                |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prosper.errors import ListDataError
from prosper.lists.common import Problem
from prosper.lists.snapshot import SourceInfo

# default share of a source's installed entities an update may drop (delistings happen, but a
# weekly OFAC update removes well under 1 %; 42 % — the 2021 SDN over the 2024 one — is not news)
MAX_DROP_SHARE = 0.10

# files of a multi-file source that must come together: OFAC's legacy CSV set
COMPLETE_SETS: dict[str, dict[str, tuple[str, ...]]] = {
    "us_ofac_sdn": {"sdn.csv": ("add", "alt", "comments")},
    "us_ofac_cons": {"cons_prim.csv": ("add", "alt", "comments")},
}
_ROLE_FILES = {
    "us_ofac_sdn": {"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "us_ofac_cons": {"add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"},
}
# text formats whose last row must be complete
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class UpdatePolicy:
    """What an update may override (command-line flags) and the shrink threshold (setting)."""

    allow_older: bool = False
    allow_shrink: bool = False
    allow_duplicates: bool = False
    allow_partial: bool = False
    max_drop_share: float = MAX_DROP_SHARE


class UpdateRefusedError(ListDataError):
    """An update refused: one line per reason; nothing was installed."""

    def __init__(self, refusals: Sequence[str]) -> None:
        """Carry the refusal lines (the message is the lines joined by newlines)."""
        super().__init__("\n".join(refusals))
        self.refusals = tuple(refusals)


def published_day(text: str | None) -> date | None:
    """The date of an ISO ``published`` value, or None when it states none (``unknown``)."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _describe(info: SourceInfo) -> str:
    return f"{info.published}, {info.entity_count:,} entities"


def date_refusal(old: SourceInfo | None, new: SourceInfo) -> str | None:
    """Refusal line when ``new`` is older than ``old`` or states no date, else None."""
    if old is None:
        return None
    before, after = published_day(old.published), published_day(new.published)
    if after is None:
        return (
            f"{new.source}: the new data states no publication date ({_describe(new)}; installed "
            f"{_describe(old)}) so it cannot be shown not to be older; nothing was installed "
            "(use --allow-older to install it anyway)"
        )
    if before is not None and after < before:
        return (
            f"{new.source}: the new data ({_describe(new)}) is older than the installed data "
            f"({_describe(old)}); nothing was installed (use --allow-older to install it anyway)"
        )
    return None


def drop_refusal(
    old: SourceInfo | None, new: SourceInfo, removed: int, max_share: float
) -> str | None:
    """Refusal line when ``new`` drops more than ``max_share`` of ``old``'s entities."""
    if old is None or old.entity_count == 0:
        return None
    share = removed / old.entity_count
    if share <= max_share:
        return None
    return (
        f"{new.source}: the new data ({_describe(new)}) drops {removed:,} of the "
        f"{old.entity_count:,} installed entities ({share:.1%} > {max_share:.0%} allowed; "
        f"installed {old.published}) — a truncated or wrong file? Nothing was installed "
        "(use --allow-shrink to install it anyway)"
    )


def duplicate_refusals(source: str, problems: Iterable[Problem]) -> list[str]:
    """One line per file in which a reader found the same id twice.

    Readers keep the first row of an id, so a forged row put before the real one would
    replace it: such a file is refused as a whole.
    """
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.reason.startswith("duplicate"):
            found.setdefault(problem.file, []).append(problem)
    lines = []
    for name, dups in found.items():
        first = dups[0]
        more = f" and {len(dups) - 1:,} more" if len(dups) > 1 else ""
        lines.append(
            f"{source}: {name}:{first.line}: {first.reason}{more} — a row put before the real "
            "one would shadow it; nothing was installed (use --allow-duplicates to keep the "
            "first row of each id)"
        )
    return lines


def partial_refusals(source: str, files: Mapping[str, Path]) -> list[str]:
    """One line when a multi-file source comes without some of its files."""
    primary = files.get("primary")
    sets = COMPLETE_SETS.get(source)
    if primary is None or sets is None or primary.name.lower() not in sets:
        return []
    needed = sets[primary.name.lower()]
    missing = [_ROLE_FILES[source][role] for role in needed if role not in files]
    if not missing:
        return []
    return [
        f"{source}: {primary.name} given without {', '.join(missing)} (its aliases, addresses "
        "or remarks would be lost); nothing was installed (use --allow-partial to install it "
        "anyway)"
    ]


def incomplete_reason(data: bytes) -> str | None:
    """Why the bytes of a CSV/TSV/text list file look cut short, or None.

    Every official text list ends its last row with a line break (OFAC adds a DOS EOF byte
    after it), and quotes come in pairs; a download cut inside a row — say inside an OFAC
    Remarks field — fails one or the other.
    """
    body = data.rstrip(b"\x1a")
    if not body:
        return "empty file"
    if body.count(b'"') % 2:
        return "a quoted field is never closed (cut short?)"
    if not body.endswith((b"\n", b"\r")):
        return "the last row has no line break (cut short?)"
    return None


def check_complete(path: Path) -> None:
    """Refuse a text list file whose last row is cut.

    Raises:
        ListDataError: the file is cut short.
    """
    if not path.name.lower().endswith(_TEXT_SUFFIXES):
        return  # XML, JSON and xlsx readers fail on a cut file by themselves
    reason = incomplete_reason(path.read_bytes())
    if reason is not None:
        raise ListDataError(f"{path.name}: {reason}; nothing was installed")
