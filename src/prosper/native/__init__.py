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
``python -m prosper.native clean`` removes the builds. The build itself is
:mod:`prosper.native.build` (imported only to build).
"""

from __future__ import annotations

import os
import sys

# ``import prosper`` (every CLI start) only installs the finder: nothing else is imported here
# (not even typing); hashlib, json and importlib's loaders when first needed
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

__all__ = ["MODULES", "NativeFinder", "build_dir", "install", "status"]

# the modules compiled, hottest first (the bound, the scorer, retrieval and the search loop)
MODULES = (
    "prosper.matching.bound",
    "prosper.matching.bound_tokens",
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
        from importlib.machinery import EXTENSION_SUFFIXES

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
        from importlib.machinery import ExtensionFileLoader
        from importlib.util import spec_from_file_location

        return spec_from_file_location(fullname, file, loader=ExtensionFileLoader(fullname, file))


def _finder() -> NativeFinder | None:
    for f in sys.meta_path:
        if isinstance(f, NativeFinder):
            return f
    return None


def _disabled() -> bool:
    """``PROSPER_NATIVE`` says no (``0``, ``false``, ``no``, ``off``)."""
    return os.environ.get("PROSPER_NATIVE", "").strip().lower() in {"0", "false", "no", "off"}


def install() -> None:
    """Put the finder first on ``sys.meta_path`` unless ``PROSPER_NATIVE=0`` (called by
    ``import prosper``; costs no file access until a compiled module is imported)."""
    if not _disabled() and _finder() is None:
        sys.meta_path.insert(0, NativeFinder(build_dir()))


def status() -> dict[str, Any]:
    """Which implementation the compiled-capable modules use in this process: ``native``
    (True when the compiled ones are, or would be, imported), ``reason``, ``directory`` and,
    per module already imported, whether it is compiled."""
    finder = _finder()
    if finder is None:
        reason = "disabled (PROSPER_NATIVE=0)" if _disabled() else "finder not installed"
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
