"""A tiny migration registry on SQLAlchemy Core.

Idea from ``simonw/sqlite-utils`` (``sqlite_utils/migrations.py``): migrations are plain
functions registered in order under a component name; a ``schema_version`` table remembers
which ones ran. Here each migration runs in its own transaction together with the row that
records it, so a failed migration leaves nothing half done, and the transaction first takes
a lock (SQLite ``BEGIN IMMEDIATE`` through :func:`write_transaction`, PostgreSQL an advisory
transaction lock) so that several processes opening a fresh database at once apply each
migration exactly once.

A migration must never change once released: add a new one instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

SCHEMA_VERSION_TABLE = "schema_version"

_schema_version = sa.table(
    SCHEMA_VERSION_TABLE,
    sa.column("component", sa.String),
    sa.column("version", sa.Integer),
    sa.column("name", sa.String),
    sa.column("applied_at", sa.String),
)

# Option read by the SQLite "begin" hook in prosper.audit.log: BEGIN IMMEDIATE instead of BEGIN.
WRITE_OPTION = "prosper_write"


@contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that holds the database's write lock from its first statement.

    On SQLite the engine's ``begin`` hook turns this into ``BEGIN IMMEDIATE`` (other writers
    wait, up to the busy timeout); other backends lock rows or advisory locks explicitly.
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


def _lock_migrations(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        key = zlib.crc32(b"prosper.schema_version")
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _ensure_version_table(conn: sa.Connection) -> None:
    metadata = sa.MetaData()
    sa.Table(
        SCHEMA_VERSION_TABLE,
        metadata,
        sa.Column("component", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("applied_at", sa.String(40), nullable=False),
    )
    metadata.create_all(conn, checkfirst=True)


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: ``apply`` runs inside the transaction that records it."""

    version: int
    name: str
    apply: Callable[[sa.Connection], None]


class MigrationSet:
    """The ordered migrations of one component (``audit``, …)."""

    def __init__(self, component: str) -> None:
        self.component = component
        self._migrations: list[Migration] = []

    def __call__(
        self, version: int, name: str
    ) -> Callable[[Callable[[sa.Connection], None]], Callable[[sa.Connection], None]]:
        """Register the decorated function as migration ``version`` (strictly increasing)."""

        def register(fn: Callable[[sa.Connection], None]) -> Callable[[sa.Connection], None]:
            if self._migrations and version <= self._migrations[-1].version:
                raise ValueError(f"migration {version} must come after the last one")
            self._migrations.append(Migration(version, name, fn))
            return fn

        return register

    @property
    def migrations(self) -> tuple[Migration, ...]:
        """Every registered migration, in order."""
        return tuple(self._migrations)

    def applied(self, engine: sa.Engine) -> list[int]:
        """Versions already applied to the database behind ``engine`` (sorted)."""
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(SCHEMA_VERSION_TABLE):
                return []
            rows = conn.execute(
                sa.select(_schema_version.c.version)
                .where(_schema_version.c.component == self.component)
                .order_by(_schema_version.c.version)
            )
            return [int(v) for v in rows.scalars()]

    def pending(self, engine: sa.Engine) -> list[Migration]:
        """Registered migrations not yet applied."""
        done = set(self.applied(engine))
        return [m for m in self._migrations if m.version not in done]

    def apply(self, engine: sa.Engine) -> list[int]:
        """Apply every pending migration, each in its own locked transaction.

        Safe to call again and from several processes at once: a migration that another
        process applied while this one waited for the lock is skipped. Returns the versions
        this call applied.
        """
        done: list[int] = []
        if not self.pending(engine):  # the common case: no lock needed
            return done
        for migration in self._migrations:
            with write_transaction(engine) as conn:
                _lock_migrations(conn)
                _ensure_version_table(conn)
                exists = conn.execute(
                    sa.select(_schema_version.c.version).where(
                        _schema_version.c.component == self.component,
                        _schema_version.c.version == migration.version,
                    )
                ).first()
                if exists is not None:
                    continue
                migration.apply(conn)
                conn.execute(
                    sa.insert(_schema_version).values(
                        component=self.component,
                        version=migration.version,
                        name=migration.name,
                        applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    )
                )
                done.append(migration.version)
        return done
