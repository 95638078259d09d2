"""The import rules of docs/ARCHITECTURE.md, checked on the source (every import, also local ones).

Layers, from the outside in: faces (cli, api, web) → service (service, engine, keys) → domains →
core. A package may import its own layer's allowed neighbours and anything further in, never
outwards; the pure packages import no I/O module at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "prosper"

FACES = {"cli", "api", "web", "__main__"}
SERVICE = {"service", "engine", "keys", "casework"}
CORE = {
    "model",
    "transactions",
    "schema",
    "intake",
    "intake_model",
    "limits",
    "errors",
    "settings",
    "decide",
    "render",
    "reader",
    "charsets",
    "values",
    "entities",
    "__version__",
    "native",
    "cachefile",
    "memo",
    "heap",
    "packagedata",
}
# what each domain package may import besides the core (and itself)
DOMAINS: dict[str, set[str]] = {
    "names": set(),
    "matching": {"names"},
    "lists": {"names"},
    "rulebook": set(),
    "audit": set(),
    "screening": {"names", "matching", "lists", "rulebook"},
    "controls": {"rulebook"},
    "transfers": {"rulebook"},
    "rules": {"rulebook"},
    "data": set(),
    "cases": {"screening", "lists", "audit", "names", "matching"},
    "spark": {"screening", "lists", "names", "matching"},
    "interop": {"screening", "lists", "names", "matching"},
}
CORE_ALLOWED: dict[str, set[str]] = {
    # model loads the transaction and decision classes on first use (a module __getattr__)
    "model": {"entities", "transactions"},
    "transactions": {"entities", "model"},
    "entities": set(),
    "errors": set(),
    "settings": {"errors", "reader", "limits"},
    "limits": set(),
    "schema": {"errors", "model", "reader", "values", "intake", "intake_model"},
    # intake hands a document it doubts to schema (imported then)
    "intake": {"errors", "model", "reader", "values", "schema", "limits", "intake_model"},
    "intake_model": {"model"},
    "values": {"errors"},
    "reader": {"errors", "charsets", "limits"},
    "charsets": {"errors"},
    "decide": {"model", "errors"},
    "render": {"model", "errors"},
    "native": set(),
    "cachefile": set(),
    "memo": set(),
    "heap": set(),
    "packagedata": set(),
}
# modules that must stay pure: no database, network, process or file-system library
PURE = (
    "model",
    "transactions",
    "intake",
    "intake_model",
    "limits",
    "entities",
    "values",
    "decide",
    "render",
    "reader",
    "charsets",
    "names",
    "matching",
    "controls",
    "transfers",
)
PURE_MODULES = (
    "screening/index.py",
    "screening/query.py",
    "screening/qualifiers.py",
    "screening/document.py",
    "screening/parties.py",
    "screening/rows.py",
    "screening/merge.py",
    "screening/freshness.py",
    "screening/retrieval.py",
    "screening/key_memo.py",
    "screening/hits.py",
)
IO_MODULES = {
    "sqlite3",
    "sqlalchemy",
    "socket",
    "subprocess",
    "shutil",
    "tempfile",
    "urllib",
    "http",
    "httpx",
    "requests",
    "fastapi",
    "uvicorn",
    "typer",
    "rich",
    "pyspark",
    "psycopg",
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every import in a file; ``from prosper import x`` gives prosper.x."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            if node.module == "prosper":
                found.extend((node.lineno, f"prosper.{a.name}") for a in node.names)
            else:
                found.append((node.lineno, node.module))
    return found


def _package(path: Path, root: Path = SRC) -> str:
    rel = path.relative_to(root)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def _allowed(source: str, target: str) -> bool:
    if source == target or source in FACES or (target in CORE and source not in CORE):
        return True
    if source in SERVICE:
        return target not in FACES
    if source in CORE:
        return target in CORE_ALLOWED.get(source, set())
    if source in DOMAINS:
        return target in DOMAINS[source]
    return False


def layer_violations(root: Path = SRC) -> list[str]:
    """Every import that breaks the layer rules, as ``file:line: a -> b``."""
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        source = _package(path, root)
        for line, module in _imports(path):
            if not module.startswith("prosper."):
                continue
            target = module.split(".")[1]
            if not _allowed(source, target):
                out.append(f"{path.relative_to(root)}:{line}: {source} -> {target}")
    return out


def io_violations(root: Path = SRC) -> list[str]:
    """Every I/O import in a pure package or module."""
    files = [p for name in PURE for p in (root / name).rglob("*.py")]
    files += [root / f"{name}.py" for name in PURE if (root / f"{name}.py").exists()]
    files += [root / m for m in PURE_MODULES if (root / m).exists()]
    out: list[str] = []
    for path in sorted(set(files)):
        for line, module in _imports(path):
            if module.split(".")[0] in IO_MODULES:
                out.append(f"{path.relative_to(root)}:{line}: imports {module}")
    return out


def test_every_package_has_a_layer() -> None:
    known = FACES | SERVICE | CORE | set(DOMAINS) | {"__init__"}
    packages = {_package(p) for p in SRC.rglob("*.py")}
    assert packages <= known, f"add {sorted(packages - known)} to a layer in docs/ARCHITECTURE.md"


def test_no_import_points_outwards() -> None:
    assert layer_violations() == []


def test_pure_packages_import_no_io() -> None:
    assert io_violations() == []


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        ("matching/bad.py", "from prosper.cli import app\n", "matching -> cli"),
        ("model.py", "from prosper.lists import store\n", "model -> lists"),
        ("controls/bad.py", "from prosper.service import Service\n", "controls -> service"),
        ("names/bad.py", "import sqlite3\n", "imports sqlite3"),
    ],
)
def test_the_rules_catch_a_bad_import(
    tmp_path: Path, module: str, text: str, expected: str
) -> None:
    """The checks are not vacuous: a planted bad import in a copy of the tree is reported."""
    root = tmp_path / "prosper"
    for path in SRC.rglob("*.py"):
        target = root / path.relative_to(SRC)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text("utf-8"), "utf-8")
    bad = root / module
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text((bad.read_text("utf-8") if bad.exists() else "") + text, "utf-8")
    found = layer_violations(root) + io_violations(root)
    assert any(expected in v for v in found), found
