"""docs/interop.md stays honest: its commands exist, its columns and property ids are the
code's, its links stay inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from prosper.cli.lists import lists_app
from prosper.interop.reconcile import PROPERTIES, TYPES
from prosper.lists.custom import COLUMNS

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "interop.md").read_text(encoding="utf-8")


def test_list_commands_in_the_doc_exist() -> None:
    names = {c.name for c in lists_app.registered_commands}
    for command in set(re.findall(r"prosper lists ([a-z-]+)", DOC)):
        assert command in names, command


def test_custom_columns_are_the_readers() -> None:
    table = re.findall(r"^\| `([a-z]+)` \|", DOC, flags=re.MULTILINE)
    assert set(COLUMNS) <= set(table)


def test_reconcile_property_ids_and_types_are_documented() -> None:
    for pid in PROPERTIES:
        assert f"`{pid}`" in DOC, pid
    for schema, _ in TYPES:
        assert f"`{schema}`" in DOC, schema


def test_links_stay_inside_the_repository() -> None:
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", DOC):
        assert not target.startswith(("http:", "https:", "../")), target
        assert (REPO / "docs" / target).exists(), target
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/interop.md" in readme
    for command in ("lists export --format ftm", "lists add-custom NAME FILE"):
        assert command in readme, command
