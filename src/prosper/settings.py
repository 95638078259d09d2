"""Settings read once from ``PROSPER_*`` environment variables into a frozen value.

Nothing here runs at import: call :func:`load_settings` at an edge (CLI, API) and pass the
result down. The pure core never reads the environment.

- ``PROSPER_DATA_DIR``: list snapshots, caches and the SQLite audit log
  (default: the per-user data folder from platformdirs).
- ``PROSPER_DB_URL``: any SQLAlchemy URL for the audit log and API keys
  (default: ``sqlite:///<data dir>/audit.sqlite3``).
- ``PROSPER_THRESHOLD``: the default screening match threshold (default ``0.80``).
- ``PROSPER_ACTOR``: a name the caller claims to act as. The CLI records the OS login as the
  actor of every record and this value only beside it, as ``claimed_actor`` (anyone who can
  set a variable can name anyone); on the server the actor is the API key's holder.
- ``PROSPER_LISTS_MAX_DROP``: share of a source's installed entities a list update may drop
  before it is refused (``0.10`` or ``10%``; default 10 %).
- ``PROSPER_LISTS_REFRESH``: how often ``prosper serve`` refreshes the lists from their
  official URLs: ``daily`` (default), ``hourly``, ``off``, or an interval like ``6h``, ``90m``,
  ``3600`` (seconds).
- ``PROSPER_LISTS_MIRROR``: a base URL serving every official list file under its own name
  (instead of the built-in official URLs).
- ``PROSPER_LISTS_URLS``: a JSON file of official file name → URL (or ``{url, sha256}``).
- ``PROSPER_LISTS_DEADLINE``: seconds one list download may take, retries included (300).
- ``PROSPER_LISTS_LOCK_WAIT``: seconds a list update waits for another one to finish (60).
- ``PROSPER_AFFILIATES_RULE``: how to read the BIS Affiliates rule after its stay ended on
  2026-11-09 (``in_force`` or ``stayed``; unset: ``review`` saying the status is unsettled).
  Recorded in every decision's ``versions.settings``.
- ``PROSPER_MAX_PARTIES``, ``PROSPER_MAX_ITEMS``, ``PROSPER_MAX_TRANSFERS``: most parties,
  items and data transfers in one transaction (1,000 each).
- ``PROSPER_MAX_DOCUMENT_BYTES``: largest transaction or item document read (1048576, 1 MiB).
- ``PROSPER_MAX_DEPTH``: deepest nesting of a document (32).
- ``PROSPER_LISTS_MAX_AGE_DAYS``: how old a list may be (days since its publication date, on a
  decision's ``as_of`` / today) before screening against it is no longer a clean pass: one
  number for every list (``45``) or per source (``us_ofac_sdn=30,jp_meti_eul=400``), on top of
  the packaged defaults (``rules/screening_policy.yaml`` → ``freshness``: 30 days, METI 400).
- ``PROSPER_AUDIT_KEY``: the key that signs audit records (at least 32 characters, e.g. from a
  secrets manager); else ``PROSPER_AUDIT_KEY_FILE`` (default ``<data dir>/audit.key``, created
  0600 on first use).
- ``PROSPER_AUDIT_ANCHOR``: the anchor file witnessing the audit log's head (default in the
  data folder); ``PROSPER_AUDIT_ANCHOR_URL``: where ``prosper audit anchor --post`` sends it.
- ``PROSPER_METRICS_PUBLIC``: ``1`` serves ``/metrics`` without a key, without business data
  (default ``0``: a reviewer key is needed).
- ``PROSPER_AUTH_FAILURES``: failed authentications one client may make in
  ``PROSPER_AUTH_WINDOW`` seconds before it gets 429 (default 10 in 60 s).
- ``PROSPER_FOUR_EYES``: ``1`` (default) — a true match and the clearing of a sanctions-list
  alert need a second reviewer; ``0`` turns it off.
- ``PROSPER_CHECK_WORKERS``: processes ``prosper serve`` decides ``POST /v1/check`` in, beside
  the one serving requests (default ``auto``: the cores this process may use, at most 4;
  ``0`` decides in the server process).
- ``PROSPER_API_MAX_PARTIES``: most names one ``POST /v1/check`` may ask to screen — parties
  and owners at any depth, each name and alias counted (default 500; more is 413).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from prosper.errors import InputError
from prosper.limits import InputLimits

DEFAULT_THRESHOLD = 0.80
DAY = 86_400.0
_INTERVALS = {"off": None, "never": None, "daily": DAY, "hourly": 3_600.0, "weekly": 7 * DAY}
_UNITS = {"s": 1.0, "m": 60.0, "h": 3_600.0, "d": DAY}


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """The audit key and anchor, and the access rules of the HTTP API."""

    audit_key: str | None = field(default=None, repr=False)
    audit_key_file: Path | None = None
    audit_anchor: Path | None = None
    audit_anchor_url: str | None = None
    metrics_public: bool = False
    auth_failures: int = 10
    auth_window: float = 60.0


@dataclass(frozen=True, slots=True)
class CaseSettings:
    """Case management: four-eyes review and who the CLI names as the reviewer."""

    four_eyes: bool = True
    os_user: str = "unknown"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where Prosper keeps its state and how it screens by default."""

    data_dir: Path
    db_url: str
    threshold: float
    actor: str
    actor_claim: str | None = None  # PROSPER_ACTOR when it names someone else than ``actor``
    lists_max_drop: float = 0.10
    lists_refresh: float | None = DAY
    lists_mirror: str | None = None
    lists_urls: Path | None = None
    lists_deadline: float = 300.0
    lists_lock_wait: float = 60.0
    input_limits: InputLimits = field(default_factory=InputLimits)
    lists_max_age: tuple[tuple[str, int], ...] = ()
    security: SecuritySettings = SecuritySettings()
    affiliates_rule: str | None = None
    cases: CaseSettings = CaseSettings()
    check_workers: int = 0
    """Check worker processes of the server (0: decide in the server process)."""
    api_max_parties: int = 500
    """Most names (parties, owners, aliases) one ``POST /v1/check`` may screen."""

    @property
    def snapshot_dir(self) -> Path:
        """Folder holding list snapshots installed by ``prosper lists update``."""
        return self.data_dir / "lists"


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("prosper", appauthor=False))


def _default_actor() -> str:
    """The OS login of this process (its passwd entry, not the LOGNAME/USER variables)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):  # no passwd entry in some containers
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"


def _claim(raw: str | None, actor: str) -> str | None:
    claimed = (raw or "").strip()
    return claimed if claimed and claimed != actor else None


def _share(raw: str, field: str) -> float:
    text = raw.strip()
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise InputError("must be a share like 0.10 or 10%", field=field) from None
    if not 0.0 <= value <= 1.0:
        raise InputError("must be a share between 0 and 1 (0 % and 100 %)", field=field)
    return value


def _seconds(raw: str, field: str) -> float:
    text = raw.strip().lower()
    unit = _UNITS.get(text[-1:]) if text else None
    try:
        value = float(text[:-1]) * unit if unit is not None else float(text)
    except ValueError:
        raise InputError("must be a number of seconds (or like 90m, 6h)", field=field) from None
    if value <= 0:
        raise InputError("must be more than 0 seconds", field=field)
    return value


def _max_ages(raw: str, field: str) -> tuple[tuple[str, int], ...]:
    """``45`` → ``(("*", 45),)``; ``us_ofac_sdn=30,eu_fsf=60`` → per-source limits."""
    out: list[tuple[str, int]] = []
    for part in raw.split(","):
        key, _, days = part.strip().rpartition("=")
        try:
            value = int(days)
        except ValueError:
            raise InputError(
                "must be a number of days (45) or source=days pairs (us_ofac_sdn=30,eu_fsf=60)",
                field=field,
            ) from None
        if value < 0:
            raise InputError("must be 0 or more days", field=field)
        out.append((key.strip() or "*", value))
    return tuple(out)


def _interval(raw: str, field: str) -> float | None:
    text = raw.strip().lower()
    if text in _INTERVALS:
        return _INTERVALS[text]
    return _seconds(text, field)


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip().replace("_", "").replace(",", "")
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 12 or int(raw) < 1:
        raise InputError("must be a whole number of at least 1", field=name)
    return int(raw)


def _input_limits(env: Mapping[str, str]) -> InputLimits:
    base = InputLimits()
    return InputLimits(
        max_bytes=_count(env, "PROSPER_MAX_DOCUMENT_BYTES", base.max_bytes),
        max_depth=_count(env, "PROSPER_MAX_DEPTH", base.max_depth),
        max_parties=_count(env, "PROSPER_MAX_PARTIES", base.max_parties),
        max_items=_count(env, "PROSPER_MAX_ITEMS", base.max_items),
        max_transfers=_count(env, "PROSPER_MAX_TRANSFERS", base.max_transfers),
    )


def _security(env: Mapping[str, str]) -> SecuritySettings:
    public = (env.get("PROSPER_METRICS_PUBLIC") or "0").strip().lower()
    if public not in {"0", "1", "true", "false", "yes", "no"}:
        raise InputError("must be 1 or 0", field="PROSPER_METRICS_PUBLIC")
    raw_window = env.get("PROSPER_AUTH_WINDOW")
    return SecuritySettings(
        audit_key=env.get("PROSPER_AUDIT_KEY") or None,
        audit_key_file=Path(env["PROSPER_AUDIT_KEY_FILE"])
        if env.get("PROSPER_AUDIT_KEY_FILE")
        else None,
        audit_anchor=Path(env["PROSPER_AUDIT_ANCHOR"]) if env.get("PROSPER_AUDIT_ANCHOR") else None,
        audit_anchor_url=env.get("PROSPER_AUDIT_ANCHOR_URL") or None,
        metrics_public=public in {"1", "true", "yes"},
        auth_failures=_count(env, "PROSPER_AUTH_FAILURES", 10),
        auth_window=_seconds(raw_window, "PROSPER_AUTH_WINDOW") if raw_window else 60.0,
    )


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
    raw_drop = env.get("PROSPER_LISTS_MAX_DROP")
    raw_refresh = env.get("PROSPER_LISTS_REFRESH")
    raw_deadline = env.get("PROSPER_LISTS_DEADLINE")
    raw_wait = env.get("PROSPER_LISTS_LOCK_WAIT")
    raw_age = env.get("PROSPER_LISTS_MAX_AGE_DAYS")
    return Settings(
        data_dir=data_dir,
        db_url=db_url,
        threshold=threshold,
        actor=_default_actor(),
        actor_claim=_claim(env.get("PROSPER_ACTOR"), _default_actor()),
        lists_max_drop=_share(raw_drop, "PROSPER_LISTS_MAX_DROP") if raw_drop else 0.10,
        lists_refresh=_interval(raw_refresh, "PROSPER_LISTS_REFRESH") if raw_refresh else DAY,
        lists_mirror=env.get("PROSPER_LISTS_MIRROR") or None,
        lists_urls=Path(env["PROSPER_LISTS_URLS"]) if env.get("PROSPER_LISTS_URLS") else None,
        lists_deadline=_seconds(raw_deadline, "PROSPER_LISTS_DEADLINE") if raw_deadline else 300.0,
        lists_lock_wait=(
            float(_seconds(raw_wait, "PROSPER_LISTS_LOCK_WAIT")) if raw_wait else 60.0
        ),
        input_limits=_input_limits(env),
        lists_max_age=_max_ages(raw_age, "PROSPER_LISTS_MAX_AGE_DAYS") if raw_age else (),
        security=_security(env),
        affiliates_rule=_affiliates(env.get("PROSPER_AFFILIATES_RULE")),
        cases=CaseSettings(
            four_eyes=_flag(env, "PROSPER_FOUR_EYES", True),
            os_user=_default_actor(),
        ),
        check_workers=_workers(env.get("PROSPER_CHECK_WORKERS")),
        api_max_parties=_count(env, "PROSPER_API_MAX_PARTIES", 500),
    )


MAX_AUTO_WORKERS = 4


def _workers(raw: str | None) -> int:
    """``PROSPER_CHECK_WORKERS``: ``auto`` (default) → the usable cores, at most 4; else 0–64."""
    text = (raw or "auto").strip().lower()
    if text == "auto":
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(1, min(MAX_AUTO_WORKERS, cores))
    if not text.isdigit() or int(text) > 64:
        raise InputError(
            "must be auto or a whole number from 0 to 64", field="PROSPER_CHECK_WORKERS"
        )
    return int(text)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in {"1", "0", "true", "false"}:
        raise InputError("must be 1 or 0", field=name)
    return raw in {"1", "true"}


AFFILIATES_READINGS = ("in_force", "stayed")


def _affiliates(raw: str | None) -> str | None:
    if not raw:
        return None
    value = raw.strip().lower()
    if value not in AFFILIATES_READINGS:
        raise InputError(
            f"must be one of {', '.join(AFFILIATES_READINGS)} (or unset)",
            field="PROSPER_AFFILIATES_RULE",
        )
    return value
