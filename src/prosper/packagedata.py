"""Files shipped inside Prosper's packages (``names/data``, ``rules``, ``data/lists``), read
without :mod:`importlib.resources` where the package is a folder on disk.

``importlib.resources.files`` imports ``importlib.resources`` with ``tempfile``, ``shutil``
and, on its first call, ``importlib.readers`` with ``zipfile`` (~0.03 s of CPU at start-up of
a warm ``prosper screen``). For a package that is a folder (every install Prosper supports:
a wheel or an editable install) the file is the package's ``__file__`` folder joined with the
name, the same path ``files()`` returns; for a namespace package in one folder
(``prosper.rules``) that folder. Anything else (a zip import, a namespace package over several
folders) or a name not found there goes through ``importlib.resources`` as before.
Standard library only (the lean command-line paths import it).
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from typing import Any


def package_folder(package: str) -> Any:
    """The folder of ``package`` (imported if it is not yet): a :class:`~pathlib.Path` where
    the package is a folder on disk, else ``importlib.resources.files(package)`` (a
    ``Traversable``: ``joinpath``, ``read_bytes``, ``read_text`` as a path has them)."""
    module = sys.modules.get(package) or import_module(package)
    file = getattr(module, "__file__", None)
    paths = list(getattr(module, "__path__", None) or ())
    if file is not None and paths:
        folder = Path(file).parent  # a regular package: files() is this folder
    elif file is None and len(paths) == 1:
        folder = Path(paths[0])  # a namespace package (``prosper.rules``) in one folder
    else:
        folder = None
    if folder is not None and folder.is_dir():
        return folder
    from importlib import resources

    return resources.files(package)


def package_file(package: str, name: str) -> Any:
    """``name`` (``/``-separated) inside ``package``'s folder (see :func:`package_folder`)."""
    folder = package_folder(package)
    path = folder.joinpath(*name.split("/"))
    if isinstance(folder, Path) and not path.is_file():
        from importlib import resources

        return resources.files(package).joinpath(name)  # what files() makes of it, as before
    return path


def read_text(package: str, name: str, encoding: str | None = "utf-8") -> str:
    """The text of ``name`` inside ``package`` (``encoding`` None: the locale's, as
    ``read_text()`` of a path or of ``files()`` reads it)."""
    text: str = package_file(package, name).read_text(encoding=encoding)
    return text


def read_bytes(package: str, name: str) -> bytes:
    """The bytes of ``name`` inside ``package``."""
    data: bytes = package_file(package, name).read_bytes()
    return data
