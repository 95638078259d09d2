"""What runs after ``prosper lists update`` installs a new snapshot (e.g. the register's re-screen).

Hooks are called in process, once per installed snapshot, after the swap: a failing hook is
reported and never undoes the installed lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prosper.lists.download import Progress
    from prosper.lists.update import UpdateResult

InstallHook = Callable[["UpdateResult"], None]
_INSTALL_HOOKS: list[InstallHook] = []


def add_install_hook(hook: InstallHook) -> None:
    """Call ``hook`` with the result of every update that installs a new snapshot (once per
    hook; e.g. the re-screening of the counterparty register, :mod:`prosper.cases`)."""
    if hook not in _INSTALL_HOOKS:
        _INSTALL_HOOKS.append(hook)


def remove_install_hook(hook: InstallHook) -> None:
    """Stop calling ``hook`` (tests)."""
    if hook in _INSTALL_HOOKS:
        _INSTALL_HOOKS.remove(hook)


def run_install_hooks(result: UpdateResult, progress: Progress) -> None:
    """Run the install hooks; a failing hook is reported, never undoes the installed lists."""
    for hook in list(_INSTALL_HOOKS):
        try:
            hook(result)
        except Exception as exc:  # the lists are installed whatever a hook does
            progress(f"after the update: {type(exc).__name__}: {exc}")
