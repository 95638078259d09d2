"""Optional compiled builds of the hot matching and screening modules (mypyc).

The modules in :data:`MODULES` are plain, ``mypy --strict`` clean Python. ``python -m
prosper.native build`` compiles them with mypyc (it ships with mypy; needs a C compiler and
the Python headers) into ``src/prosper/_native/<python tag>/`` with a stamp: the SHA-256 of
every source file the build read for them (the compiled modules and the ``prosper`` modules
they import). ``import prosper`` puts a small finder first on ``sys.meta_path``; when one of
these modules is first imported it reads the stamp once and checks it against the current
source. The compiled modules are used only if the stamp matches the source exactly, the
Python is the one they were built for and every extension file is there — all of them or
none (compiled modules call each other directly). Anything else (no build, a changed source,
another Python, ``PROSPER_NATIVE=0``) imports the pure Python modules, with the same results.

``python -m prosper.native status`` (or :func:`status`) says which is in use and why;
``python -m prosper.native clean`` removes the builds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
from types import ModuleType
from typing import Any

# hashlib, json and importlib.util are imported when first needed: ``import prosper`` (every
# CLI start) only installs the finder

__all__ = ["MODULES", "build", "install", "status"]

# the modules compiled, hottest first (the bound, the scorer, retrieval and the search loop)
MODULES = (
    "prosper.matching.bound",
    "prosper.matching.compact",
    "prosper.matching.names",
    "prosper.matching.tokens",
    "prosper.screening.retrieval",
    "prosper.screening.search",
)
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../prosper
NATIVE_ROOT = os.path.join(PACKAGE_DIR, "_native")
STAMP = "stamp.json"
STAMP_FORMAT = 1


def _tag() -> str:
    """The interpreter the extension files are for (``cpython-311``)."""
    return sys.implementation.cache_tag or "unknown"


def build_dir(root: str = NATIVE_ROOT) -> str:
    """The folder of this interpreter's build under ``root``."""
    return os.path.join(root, _tag())


def _digest(path: str) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


class NativeFinder:
    """A ``sys.meta_path`` finder that serves the compiled :data:`MODULES` from ``directory``
    when its stamp matches the source under ``package_dir``, else nothing (the normal import
    finds the ``.py``). The check runs once, on the first import of one of the modules."""

    def __init__(self, directory: str, package_dir: str = PACKAGE_DIR) -> None:
        self.directory = directory
        self.package_dir = package_dir
        self.reason = "not checked yet"
        self._files: dict[str, str] | None = None

    def files(self) -> dict[str, str]:
        """Module name → extension file, empty when the build may not be used
        (:attr:`reason` says why)."""
        if self._files is None:
            self._files = self._check()
        return self._files

    def _check(self) -> dict[str, str]:
        import json

        try:
            with open(os.path.join(self.directory, STAMP), encoding="utf-8") as fh:
                stamp = json.load(fh)
        except FileNotFoundError:
            self.reason = "not built (python -m prosper.native build)"
            return {}
        except (OSError, ValueError) as exc:
            self.reason = f"unreadable stamp: {exc}"
            return {}
        if not isinstance(stamp, dict) or stamp.get("format") != STAMP_FORMAT:
            self.reason = "stamp of another format: rebuild"
            return {}
        if stamp.get("python") != _tag() or stamp.get("suffix") not in EXTENSION_SUFFIXES:
            built = f"{stamp.get('python')} ({stamp.get('suffix')})"
            self.reason = f"built for {built}, not {_tag()} ({EXTENSION_SUFFIXES[0]}): rebuild"
            return {}
        sources = stamp.get("sources")
        modules = stamp.get("modules")
        if not isinstance(sources, dict) or not isinstance(modules, dict):
            self.reason = "incomplete stamp: rebuild"
            return {}
        if set(modules) != set(MODULES) | {stamp.get("shared")}:
            self.reason = "built for another set of modules: rebuild"
            return {}
        for rel, want in sorted(sources.items()):
            try:
                have = _digest(os.path.join(self.package_dir, rel))
            except OSError:
                have = None
            if have != want:
                self.reason = f"stale: {rel} changed since the build (rebuild)"
                return {}
        files = {name: os.path.join(self.directory, rel) for name, rel in modules.items()}
        missing = [f for f in files.values() if not os.path.isfile(f)]
        if missing:
            self.reason = f"incomplete build: {os.path.basename(missing[0])} missing (rebuild)"
            return {}
        self.reason = "compiled modules match the source"
        return files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The spec of a compiled module, or None (the next finder imports the ``.py``)."""
        if fullname not in MODULES and not fullname.endswith("__mypyc"):
            return None
        file = self.files().get(fullname)
        if file is None:
            return None
        from importlib.util import spec_from_file_location

        return spec_from_file_location(fullname, file, loader=ExtensionFileLoader(fullname, file))


def _finder() -> NativeFinder | None:
    for f in sys.meta_path:
        if isinstance(f, NativeFinder):
            return f
    return None


def install() -> None:
    """Put the finder first on ``sys.meta_path`` unless ``PROSPER_NATIVE=0`` (called by
    ``import prosper``; costs no file access until a compiled module is imported)."""
    if os.environ.get("PROSPER_NATIVE", "").strip().lower() in {"0", "false", "no", "off"}:
        return
    if _finder() is None:
        sys.meta_path.insert(0, NativeFinder(build_dir()))


def status() -> dict[str, Any]:
    """Which implementation the compiled-capable modules use in this process: ``native``
    (True when the compiled ones are, or would be, imported), ``reason``, ``directory`` and,
    per module already imported, whether it is compiled."""
    finder = _finder()
    if finder is None:
        reason = (
            "disabled (PROSPER_NATIVE=0)"
            if os.environ.get("PROSPER_NATIVE", "").strip().lower() in {"0", "false", "no", "off"}
            else "finder not installed"
        )
        usable = False
    else:
        usable = bool(finder.files())
        reason = finder.reason
    loaded = {
        name: not str(getattr(sys.modules[name], "__file__", "")).endswith(".py")
        for name in MODULES
        if name in sys.modules
    }
    return {
        "native": usable and all(loaded.values()),
        "reason": reason,
        "directory": build_dir(),
        "compiled": loaded,
    }


def _imports(path: str) -> set[str]:
    """The ``prosper`` modules a source file imports (absolute imports, as this code base
    writes them)."""
    import ast

    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("prosper."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "prosper":
                found.update(f"prosper.{a.name}" for a in node.names)
            elif node.module.startswith("prosper."):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _source_of(module: str, root: str) -> str | None:
    """The path of ``module``'s source under ``root`` (the folder holding ``prosper/``)."""
    base = os.path.join(root, *module.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


_MYPY_CONFIG = """[mypy]
python_version = {major}.{minor}
strict = True
[mypy-rigour.*,normality.*,pypinyin.*,pycountry.*,pyspark.*,pandas.*]
ignore_missing_imports = True
"""


def build(root: str = NATIVE_ROOT, opt_level: str = "3", quiet: bool = True) -> str:
    """Compile :data:`MODULES` with mypyc into ``build_dir(root)`` with the stamp of the
    sources compiled; the folder replaces the previous build only once complete.

    Returns:
        The build folder.

    Raises:
        RuntimeError: mypyc is missing or the compilation failed (the message has its log's
            tail); the previous build, if any, is left as it was.
    """
    import json
    import shutil
    import subprocess
    import tempfile

    try:
        import mypyc  # noqa: F401
    except ImportError as exc:
        raise RuntimeError("mypyc is not installed (pip install mypy)") from exc
    suffix = EXTENSION_SUFFIXES[0]
    with tempfile.TemporaryDirectory(prefix="prosper-native-") as tmp:
        # a copy of the package's sources: the build reads (and stamps) exactly these bytes
        shutil.copytree(
            PACKAGE_DIR,
            os.path.join(tmp, "prosper"),
            ignore=lambda d, names: [
                n
                for n in names
                if not (n.endswith(".py") or n == "py.typed" or os.path.isdir(os.path.join(d, n)))
                or n in {"_native", "__pycache__"}
            ],
        )
        with open(os.path.join(tmp, "mypy.ini"), "w", encoding="utf-8") as fh:
            fh.write(_MYPY_CONFIG.format(major=sys.version_info[0], minor=sys.version_info[1]))
        paths = [os.path.join("prosper", *m.split(".")[1:]) + ".py" for m in MODULES]
        env = dict(os.environ, MYPYC_OPT_LEVEL=opt_level, PYTHONPATH="")
        proc = subprocess.run(
            [sys.executable, "-m", "mypyc", "--config-file", "mypy.ini", *paths],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise RuntimeError(f"mypyc failed (exit {proc.returncode}):\n{tail}")
        if not quiet:
            print(proc.stdout[-2000:])
        shared = [n for n in os.listdir(tmp) if "__mypyc" in n and n.endswith(suffix)]
        if len(shared) != 1:
            raise RuntimeError(f"expected one shared mypyc library, found {shared}")
        shared_name = shared[0][: -len(suffix)]
        sources: set[str] = set()
        for m in MODULES:
            src = os.path.join(tmp, *m.split(".")) + ".py"
            sources.add(src)
            for dep in _imports(src):
                dep_src = _source_of(dep, tmp)
                if dep_src is not None:
                    sources.add(dep_src)
        os.makedirs(root, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".build-", dir=root)
        modules = {shared_name: shared[0]}
        shutil.copy2(os.path.join(tmp, shared[0]), os.path.join(staging, shared[0]))
        for m in MODULES:
            rel = m.replace(".", "_") + suffix
            shutil.copy2(os.path.join(tmp, *m.split(".")) + suffix, os.path.join(staging, rel))
            modules[m] = rel
        prefix = os.path.join(tmp, "prosper") + os.sep
        stamp = {
            "format": STAMP_FORMAT,
            "python": _tag(),
            "suffix": suffix,
            "shared": shared_name,
            "modules": modules,
            "sources": {
                os.path.relpath(s, prefix).replace(os.sep, "/"): _digest(s) for s in sorted(sources)
            },
        }
        with open(os.path.join(staging, STAMP), "w", encoding="utf-8") as fh:
            json.dump(stamp, fh, indent=1, sort_keys=True)
    target = build_dir(root)
    old = target + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(target):
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m prosper.native build|status|clean``."""
    args = list(sys.argv[1:] if argv is None else argv)
    cmd = args[0] if args else "status"
    if cmd == "build":
        import time

        t0 = time.perf_counter()
        try:
            where = build(quiet="-v" not in args)
        except RuntimeError as exc:
            print(
                f"prosper.native: build failed, the pure Python modules stay in use\n{exc}",
                file=sys.stderr,
            )
            return 1
        print(
            f"prosper.native: built {len(MODULES)} modules into {where} "
            f"in {time.perf_counter() - t0:.0f} s"
        )
        return 0
    if cmd == "status":
        import json

        for name in MODULES:  # import them, so the status says what is in use
            __import__(name)
        print(json.dumps(status(), indent=2))
        return 0
    if cmd == "clean":
        import shutil

        shutil.rmtree(NATIVE_ROOT, ignore_errors=True)
        print(f"prosper.native: removed {NATIVE_ROOT}")
        return 0
    print("usage: python -m prosper.native [build|status|clean]", file=sys.stderr)
    return 2
