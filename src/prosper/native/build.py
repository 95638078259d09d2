"""The mypyc build of :data:`prosper.native.MODULES` and ``python -m prosper.native``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

from prosper.native import (
    MODULES,
    NATIVE_ROOT,
    PACKAGE_DIR,
    STAMP,
    STAMP_FORMAT,
    _digest,
    _tag,
    build_dir,
    status,
)

__all__ = ["build", "main"]


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
    import shutil
    import subprocess
    import tempfile
    from importlib.machinery import EXTENSION_SUFFIXES

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
