"""API keys with roles, stored hashed next to the audit log.

A key looks like ``psk_<id>_<secret>``: ``id`` is 8 public hex characters (what ``prosper
keys list`` shows and ``prosper keys revoke`` takes), ``secret`` is 256 random bits. Only
the SHA-256 digest of the whole key is stored; the plain key is shown once, when it is
created. Checking a presented key looks the row up by its public id and compares digests
with :func:`hmac.compare_digest`, so the comparison takes the same time whatever the key.

Roles nest: ``screener`` (screen, match, classify, check) < ``reviewer`` (+ read the audit
log) < ``admin`` (+ update lists, manage keys).

The table ``prosper_api_keys`` lives in the database of ``settings.db_url`` (SQLite by
default, PostgreSQL by URL) and is created on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa

from prosper.errors import ConflictError, InputError, NotFoundError

KEY_PREFIX = "psk"
_ID_BYTES = 4  # 8 hex characters: e.g. "3f9a1c2b"
_SECRET_BYTES = 32  # 256 bits of secret


class Role(StrEnum):
    """What a key may do; each role includes the ones below it."""

    SCREENER = "screener"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Higher ranks include lower ones: screener 1, reviewer 2, admin 3."""
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """True when a key of this role may do what ``needed`` may do."""
        return self.rank >= needed.rank


_RANK = {Role.SCREENER: 1, Role.REVIEWER: 2, Role.ADMIN: 3}


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key (never its secret)."""

    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """False once the key has been revoked."""
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """How decisions made with this key name their maker in the audit log."""
        return f"key:{self.id}:{self.name}"


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly created key: ``secret`` is the full key, shown once and never stored."""

    key: ApiKey
    secret: str


_metadata = sa.MetaData()
_keys_table = sa.Table(
    "prosper_api_keys",
    _metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)


def digest_key(key: str) -> str:
    """SHA-256 hex digest of a full key string (what the table stores)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_role(value: str) -> Role:
    """``value`` as a :class:`Role`, or an :class:`InputError` naming ``role``."""
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InputError(f"unknown role {value!r} (one of {choices})", field="role") from None


def _split_key(key: str) -> str | None:
    """The public id of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 2 * _ID_BYTES:
        return None
    return parts[1]


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns; they were stored as UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class KeyStore:
    """The API-key table of one database."""

    def __init__(self, engine: sa.Engine) -> None:
        """Wrap ``engine``; the table is created on the first call that needs it."""
        self._engine = engine
        self._ready = False
        self._lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> KeyStore:
        """Open the key store of the database at SQLAlchemy ``url`` (its folder is created)."""
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError:
            raise InputError(f"not a database URL: {url!r}", field="PROSPER_DB_URL") from None
        if parsed.drivername in ("postgresql", "postgres"):
            # the same driver as the audit log: psycopg 3 (extra [postgres])
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            return cls(sa.create_engine(parsed, connect_args={"timeout": 60.0}))
        return cls(sa.create_engine(parsed, pool_pre_ping=True))

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine behind the store."""
        return self._engine

    def _ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                _metadata.create_all(self._engine, checkfirst=True)
                self._ready = True

    def create(self, role: Role | str, name: str | None = None) -> NewKey:
        """Create a key of ``role``; the returned :class:`NewKey` holds the only plain copy."""
        role = role if isinstance(role, Role) else parse_role(role)
        self._ensure()
        key_id = secrets.token_hex(_ID_BYTES)
        secret = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        label = (name or "").strip() or f"{role.value}-{key_id}"
        if len(label) > 200:
            raise InputError("at most 200 characters", field="name")
        now = datetime.now(UTC)
        with self._engine.begin() as conn:
            conn.execute(
                _keys_table.insert().values(
                    id=key_id,
                    name=label,
                    role=role.value,
                    digest=digest_key(secret),
                    created_at=now,
                    revoked_at=None,
                )
            )
        return NewKey(ApiKey(key_id, label, role, now), secret)

    def list(self, *, include_revoked: bool = True) -> list[ApiKey]:
        """Every key, oldest first."""
        self._ensure()
        query = sa.select(_keys_table).order_by(_keys_table.c.created_at, _keys_table.c.id)
        if not include_revoked:
            query = query.where(_keys_table.c.revoked_at.is_(None))
        with self._engine.connect() as conn:
            return [_row_to_key(row) for row in conn.execute(query)]

    def get(self, key_id: str) -> ApiKey:
        """The key with public id ``key_id``, or :class:`NotFoundError`."""
        self._ensure()
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(_keys_table).where(_keys_table.c.id == key_id)).first()
        if row is None:
            raise NotFoundError(f"no API key {key_id!r}", field="id")
        return _row_to_key(row)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke ``key_id`` (idempotent); a revoked key never authenticates again.

        Raises:
            NotFoundError: no such key.
            ConflictError: it is the last active admin key (nobody could manage keys after).
        """
        current = self.get(key_id)
        if current.revoked_at is not None:
            return current
        now = datetime.now(UTC)
        table = _keys_table
        with self._engine.begin() as conn:
            active_admins = sa.select(table.c.id).where(
                table.c.role == Role.ADMIN.value, table.c.revoked_at.is_(None)
            )
            # PostgreSQL: lock the active admin rows, so two admins revoking each other at
            # once cannot both pass the check. SQLite runs the one UPDATE below atomically.
            conn.execute(active_admins.with_for_update()).all()
            update = table.update().where(table.c.id == key_id, table.c.revoked_at.is_(None))
            if current.role is Role.ADMIN:
                others = (
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(
                        table.c.role == Role.ADMIN.value,
                        table.c.revoked_at.is_(None),
                        table.c.id != key_id,
                    )
                    .scalar_subquery()
                )
                update = update.where(others > 0)
            changed = conn.execute(update.values(revoked_at=now)).rowcount
        revoked = self.get(key_id)
        if changed == 0 and revoked.active:  # the UPDATE's admin condition held it back
            raise ConflictError(
                f"key {key_id} is the last active admin key: create another admin key first",
                field="id",
            )
        return revoked

    def authenticate(self, presented: str) -> ApiKey | None:
        """The active key matching ``presented``, or None (unknown, malformed or revoked)."""
        key_id = _split_key(presented)
        if key_id is None:
            return None
        self._ensure()
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(_keys_table).where(_keys_table.c.id == key_id)).first()
        # Compare against a dummy digest when the id is unknown so both paths do the same work.
        stored = row.digest if row is not None else "0" * 64
        if not hmac.compare_digest(digest_key(presented), stored) or row is None:
            return None
        key = _row_to_key(row)
        return key if key.active else None


def _row_to_key(row: sa.Row[tuple[object, ...]]) -> ApiKey:
    created = _aware(row.created_at)
    assert created is not None  # NOT NULL column
    return ApiKey(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        created_at=created,
        revoked_at=_aware(row.revoked_at),
    )
