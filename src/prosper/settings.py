"""Settings read once from ``PROSPER_*`` environment variables into a frozen value.

Nothing here runs at import: call :func:`load_settings` at an edge (CLI, API) and pass the
result down. The pure core never reads the environment.

- ``PROSPER_DATA_DIR``: list snapshots, caches and the SQLite audit log
  (default: the per-user data folder from platformdirs).
- ``PROSPER_DB_URL``: any SQLAlchemy URL for the audit log and API keys
  (default: ``sqlite:///<data dir>/audit.sqlite3``).
- ``PROSPER_THRESHOLD``: the default screening match threshold (default ``0.80``).
- ``PROSPER_ACTOR``: who is recorded as making a decision (default: the OS user name).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from prosper.errors import InputError

DEFAULT_THRESHOLD = 0.80


@dataclass(frozen=True, slots=True)
class Settings:
    """Where Prosper keeps its state and how it screens by default."""

    data_dir: Path
    db_url: str
    threshold: float
    actor: str

    @property
    def snapshot_dir(self) -> Path:
        """Folder holding list snapshots installed by ``prosper lists update``."""
        return self.data_dir / "lists"


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("prosper", appauthor=False))


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the ``PROSPER_*`` variables (or ``environ``) into :class:`Settings`."""
    env = os.environ if environ is None else environ
    data_dir = Path(env["PROSPER_DATA_DIR"]) if env.get("PROSPER_DATA_DIR") else _default_data_dir()
    db_url = env.get("PROSPER_DB_URL") or f"sqlite:///{data_dir / 'audit.sqlite3'}"
    raw_threshold = env.get("PROSPER_THRESHOLD")
    threshold = DEFAULT_THRESHOLD
    if raw_threshold:
        try:
            threshold = float(raw_threshold)
        except ValueError:
            raise InputError("must be a number in [0, 1]", field="PROSPER_THRESHOLD") from None
        if not 0.0 <= threshold <= 1.0:
            raise InputError("must be a number in [0, 1]", field="PROSPER_THRESHOLD")
    return Settings(
        data_dir=data_dir,
        db_url=db_url,
        threshold=threshold,
        actor=env.get("PROSPER_ACTOR") or _default_actor(),
    )
