"""The pure core imports no edge library: no web framework, database, CLI or cluster code."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

CORE = [
    "prosper.model",
    "prosper.entities",
    "prosper.values",
    "prosper.errors",
    "prosper.settings",
    "prosper.decide",
    "prosper.screening.parties",
    "prosper.render",
    "prosper.names",
    "prosper.matching",
    "prosper.screening.index",
    "prosper.rulebook",
    "prosper.controls.classify",
    "prosper.controls.licence",
    "prosper.transfers",
]
EDGE_LIBRARIES = [
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "typer",
    "click",
    "rich",
    "pyspark",
    "httpx",
    "psycopg",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_edge_library(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is part of the documented core and must exist")
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert not loaded & set(EDGE_LIBRARIES), (
        f"{module} pulls in {sorted(loaded & set(EDGE_LIBRARIES))}"
    )


def test_cli_help_does_not_load_the_lists() -> None:
    """`prosper --help` stays fast: no list snapshot or index is loaded to print help."""
    code = (
        "import sys; from prosper.cli import app; "
        "print(int('prosper.screening.index' in sys.modules"
        " or 'prosper.lists.snapshot' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


@pytest.mark.parametrize("module", ["prosper.values", "prosper.screening.rows"])
def test_value_checks_do_not_import_pydantic(module: str) -> None:
    """A screen with --country/--dob, a batch row or a register import checks its values
    without the transaction schema's pydantic models (start-up time)."""
    code = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        "print(int('pydantic' in sys.modules or 'prosper.schema' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
