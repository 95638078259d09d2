"""The nickname table read from the package's ``names.csv`` (without importing the package) is
``nicknames.NickNamer``'s, and nickname families are the same for every name."""

from __future__ import annotations

from collections.abc import Callable

from nicknames import NickNamer

from prosper.names import nicknames


def _old_family(namer: NickNamer, name: str) -> frozenset[str]:
    """The family as computed with ``NickNamer`` before (the former ``_family``)."""
    canon = set(namer.canonicals_of(name)) | {name}
    out = set(canon)
    for c in canon:
        out |= set(namer.nicknames_of(c))
    return frozenset(out)


def test_the_tables_are_nicknamers() -> None:
    path = nicknames._csv_path()
    assert path is not None
    nick, canon = nicknames.read_tables(path)
    namer = NickNamer()
    assert nick == namer.nickname_lookup
    assert canon == namer.canonical_lookup
    assert len(nick) > 500


def test_every_family_is_the_same() -> None:
    namer = NickNamer()
    names = set(namer.nickname_lookup) | set(namer.canonical_lookup) | {"zz", "kim", "jong"}
    for name in sorted(names):
        assert nicknames._family(name) == _old_family(namer, name), name


def test_the_package_is_not_imported(fresh_python: Callable[[str], list[str]]) -> None:
    code = (
        "import sys\n"
        "from prosper.names.nicknames import are_nicknames\n"
        "print(are_nicknames('bob', 'robert'), 'nicknames' in sys.modules,"
        " 'importlib.metadata' in sys.modules)\n"
    )
    out = fresh_python(code)
    assert out == ["True False False"]
