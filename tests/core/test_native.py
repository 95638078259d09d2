"""The optional compiled modules (``prosper.native``): a build is used only when its stamp
matches the source exactly, ``PROSPER_NATIVE=0`` keeps the pure Python modules, and the
compiled and pure modules give the same scores on the golden cases."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from prosper import native
from prosper.native import MODULES, STAMP, NativeFinder
from prosper.native import build as native_build

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = EXTENSION_SUFFIXES[0]


def _fake_build(tmp_path: Path, **overrides: object) -> tuple[Path, Path]:
    """A package folder with one source and a build folder whose stamp matches it (the
    extension files are empty: the finder only checks they exist, it does not load them)."""
    package = tmp_path / "prosper"
    (package / "matching").mkdir(parents=True)
    source = package / "matching" / "bound.py"
    source.write_text("X = 1\n", "utf-8")
    build = tmp_path / "build"
    build.mkdir()
    modules = {"abc__mypyc": "abc__mypyc" + SUFFIX}
    for name in MODULES:
        modules[name] = name.replace(".", "_") + SUFFIX
    for rel in modules.values():
        (build / rel).write_bytes(b"")
    stamp: dict[str, object] = {
        "format": native.STAMP_FORMAT,
        "python": sys.implementation.cache_tag,
        "suffix": SUFFIX,
        "shared": "abc__mypyc",
        "modules": modules,
        "sources": {"matching/bound.py": hashlib.sha256(source.read_bytes()).hexdigest()},
    }
    stamp.update(overrides)
    (build / STAMP).write_text(json.dumps(stamp), "utf-8")
    return package, build


def test_a_fresh_build_is_served(tmp_path: Path) -> None:
    package, build = _fake_build(tmp_path)
    finder = NativeFinder(str(build), str(package))
    spec = finder.find_spec("prosper.matching.bound")
    assert spec is not None
    assert spec.origin == str(build / ("prosper_matching_bound" + SUFFIX))
    assert finder.find_spec("abc__mypyc") is not None  # the shared library the modules load
    assert finder.reason == "compiled modules match the source"


def test_a_changed_source_makes_the_build_stale(tmp_path: Path) -> None:
    package, build = _fake_build(tmp_path)
    (package / "matching" / "bound.py").write_text("X = 2\n", "utf-8")
    finder = NativeFinder(str(build), str(package))
    assert finder.find_spec("prosper.matching.bound") is None
    assert finder.find_spec("abc__mypyc") is None
    assert finder.reason.startswith("stale: matching/bound.py changed")


def test_a_deleted_source_makes_the_build_stale(tmp_path: Path) -> None:
    package, build = _fake_build(tmp_path)
    (package / "matching" / "bound.py").unlink()
    finder = NativeFinder(str(build), str(package))
    assert finder.files() == {}
    assert finder.reason.startswith("stale")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"python": "cpython-99"}, "built for cpython-99"),
        ({"suffix": ".cpython-99-x.so"}, "built for"),
        ({"format": 0}, "stamp of another format"),
        ({"modules": {"prosper.matching.bound": "x.so"}}, "built for another set of modules"),
        ({"sources": None}, "incomplete stamp"),
    ],
)
def test_a_build_for_something_else_is_refused(
    tmp_path: Path, overrides: dict[str, object], reason: str
) -> None:
    package, build = _fake_build(tmp_path, **overrides)
    finder = NativeFinder(str(build), str(package))
    assert finder.find_spec("prosper.matching.names") is None
    assert finder.reason.startswith(reason), finder.reason


def test_a_missing_extension_file_refuses_all(tmp_path: Path) -> None:
    package, build = _fake_build(tmp_path)
    (build / ("prosper_screening_search" + SUFFIX)).unlink()
    finder = NativeFinder(str(build), str(package))
    assert finder.find_spec("prosper.matching.bound") is None  # all of them or none
    assert finder.reason.startswith("incomplete build")


def test_no_build_and_a_broken_stamp(tmp_path: Path) -> None:
    finder = NativeFinder(str(tmp_path / "nothing"), str(tmp_path))
    assert finder.find_spec("prosper.matching.bound") is None
    assert finder.reason.startswith("not built")
    package, build = _fake_build(tmp_path)
    (build / STAMP).write_text("{not json", "utf-8")
    broken = NativeFinder(str(build), str(package))
    assert broken.find_spec("prosper.matching.bound") is None
    assert broken.reason.startswith("unreadable stamp")


def test_other_modules_cost_no_check(tmp_path: Path) -> None:
    package, build = _fake_build(tmp_path)
    finder = NativeFinder(str(build), str(package))
    assert finder.find_spec("json") is None
    assert finder.find_spec("prosper.matching.config") is None
    assert finder.reason == "not checked yet"  # the stamp was not even read


def test_a_failed_build_says_pure_python_stays(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(**_: object) -> str:
        raise RuntimeError("mypyc failed (exit 1):\nerror: no compiler")

    monkeypatch.setattr(native_build, "build", fail)
    assert native_build.main(["build"]) == 1
    err = capsys.readouterr().err
    assert "pure Python modules stay in use" in err
    assert "no compiler" in err


def _run(code: str, mode: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PROSPER_NATIVE=mode)
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


_STATUS = "import json, prosper.matching.names, prosper.native as n; print(json.dumps(n.status()))"


def test_prosper_native_0_keeps_pure_python() -> None:
    status = json.loads(_run(_STATUS, "0"))
    assert status["native"] is False
    assert status["reason"] == "disabled (PROSPER_NATIVE=0)"
    assert status["compiled"]["prosper.matching.names"] is False
    assert not any(status["compiled"].values())


# every pair of the golden case files scored in full (score, explanation)
_SCORES = """
import json, sys, yaml
from pathlib import Path
from prosper.matching import match_names
from prosper.model import EntityType
import prosper.native
out = []
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for cls in doc["classes"].values():
        t = EntityType(cls["type"]) if cls.get("type") else None
        for key in ("positives", "negatives"):
            for a, b in cls.get(key, []):
                r = match_names(a, b, t)
                out.append([a, b, r.score, r.ofac_score, repr(r.explanation)])
print(json.dumps({"status": prosper.native.status(), "scores": out}))
"""


def test_compiled_and_pure_modules_agree_on_the_golden_cases() -> None:
    if not NativeFinder(native.build_dir()).files():
        pytest.skip("no compiled build matching this source (python -m prosper.native build)")
    code = _SCORES.replace("sys.argv[1]", repr(str(ROOT / "tests" / "matching" / "cases")))
    compiled = json.loads(_run(code, "1"))
    pure = json.loads(_run(code, "0"))
    assert compiled["status"]["native"] is True
    assert all(compiled["status"]["compiled"].values())
    assert pure["status"]["native"] is False
    assert len(compiled["scores"]) > 100
    assert compiled["scores"] == pure["scores"]
