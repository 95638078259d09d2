"""prosper.packagedata: packaged files read from the package folder are the files
importlib.resources reads; anything else goes through importlib.resources."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import prosper
from prosper import packagedata

FILES = [
    ("prosper.rules", "screening_policy.yaml"),
    ("prosper.names", "data/token_df.tsv"),
    ("prosper.names", "data/pinyin_syllables.txt"),
    ("prosper.data", "lists/manifest.json"),
]


@pytest.mark.parametrize(("package", "name"), FILES)
def test_the_same_file_as_importlib_resources(package: str, name: str) -> None:
    ours = packagedata.package_file(package, name)
    theirs = resources.files(package).joinpath(name)
    assert isinstance(ours, Path)
    assert ours == Path(str(theirs))
    assert packagedata.read_bytes(package, name) == theirs.read_bytes()
    assert packagedata.read_text(package, name) == theirs.read_text("utf-8")


def test_the_namespace_package_rules_is_its_one_folder() -> None:
    import prosper.rules  # type: ignore[import-not-found,unused-ignore]

    assert getattr(prosper.rules, "__file__", None) is None  # a namespace package
    folder = packagedata.package_folder("prosper.rules")
    assert folder == Path(prosper.__file__).parent / "rules"


def test_a_missing_file_goes_through_importlib_resources() -> None:
    missing = packagedata.package_file("prosper.names", "data/no-such-file.tsv")
    assert missing == resources.files("prosper.names").joinpath("data/no-such-file.tsv")
    with pytest.raises(FileNotFoundError):
        packagedata.read_text("prosper.names", "data/no-such-file.tsv")


def test_a_namespace_package_over_two_folders_goes_through_importlib_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for side in ("a", "b"):
        (tmp_path / side / "nsboth").mkdir(parents=True)
        monkeypatch.syspath_prepend(str(tmp_path / side))
    (tmp_path / "b" / "nsboth" / "x.txt").write_text("in b")
    folder = packagedata.package_folder("nsboth")
    assert not isinstance(folder, Path)  # importlib.resources' MultiplexedPath
    assert packagedata.read_text("nsboth", "x.txt") == "in b"


def test_reading_a_packaged_file_imports_no_importlib_resources() -> None:
    code = (
        "import sys\n"
        "from prosper.packagedata import read_text\n"
        "read_text('prosper.names', 'data/token_df.tsv')\n"
        "read_text('prosper.rules', 'screening_policy.yaml')\n"
        "print(sorted(m for m in ('importlib.resources', 'zipfile', 'tempfile') "
        "if m in sys.modules))\n"
    )
    src = str(Path(prosper.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
