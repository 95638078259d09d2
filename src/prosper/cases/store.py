"""The case store: register, alerts and events on SQLAlchemy Core (webhooks and runs:
:mod:`prosper.cases.store_hooks`).

Same database as the audit log (``settings.db_url``: SQLite by default, PostgreSQL by URL);
tables from :mod:`prosper.cases.tables`. Writes that must be all-or-nothing (an import, a
re-screening batch) run in one :func:`~prosper.audit.migrations.write_transaction`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from prosper.audit.db import make_engine, reason, safe_url
from prosper.audit.migrations import write_transaction
from prosper.cases.model import Alert, AlertEvent, AlertState, RegisteredParty
from prosper.cases.store_hooks import HookRunStore, dumps, now
from prosper.cases.tables import alert_table, event_table, migrations, party_table
from prosper.errors import AuditError, NotFoundError
from prosper.model import EntityType

PAGE = 1000


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did: rows inserted, updated (screened data or tags changed), unchanged."""

    inserted: int
    updated: int
    unchanged: int
    changed_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Which alerts ``alerts list`` and the queue show."""

    state: AlertState | None = None
    source: str | None = None
    min_score: float | None = None
    older_than: str | None = None  # ISO time: created before
    party_id: str | None = None
    limit: int = 100
    offset: int = 0


def party_row(party: RegisteredParty, keys: str, at: str) -> dict[str, Any]:
    """The ``case_party`` row of ``party``."""
    return {
        "id": party.id,
        "name": party.name,
        "type": party.type.value,
        "aliases": dumps(list(party.aliases)),
        "countries": dumps(list(party.countries)),
        "dob": party.dob,
        "identifiers": dumps(list(party.identifiers)),
        "owners": dumps(list(party.owners)),
        "tags": dumps(list(party.tags)),
        "fingerprint": party.fingerprint,
        "name_keys": keys,
        "created_at": at,
        "updated_at": at,
    }


def decode_party(row: Any) -> RegisteredParty:
    """A ``case_party`` row → :class:`RegisteredParty`."""
    return RegisteredParty(
        id=row.id,
        name=row.name,
        type=EntityType(row.type),
        aliases=tuple(json.loads(row.aliases)),
        countries=tuple(json.loads(row.countries)),
        dob=row.dob,
        identifiers=tuple(json.loads(row.identifiers)),
        owners=tuple(json.loads(row.owners)),
        tags=tuple(json.loads(row.tags)),
    )


def decode_alert(row: Any) -> Alert:
    """A ``case_alert`` row → :class:`Alert`."""
    return Alert(
        id=int(row.id),
        party_id=row.party_id,
        entity_id=row.entity_id,
        source=row.source,
        list_code=row.list_code,
        entity_name=row.entity_name,
        matched_name=row.matched_name,
        list_version=row.list_version,
        score=float(row.score),
        explanation=tuple(json.loads(row.explanation)),
        state=AlertState(row.state),
        party_fingerprint=row.party_fingerprint,
        entity_fingerprint=row.entity_fingerprint,
        opened_because=row.opened_because,
        created_at=row.created_at,
        updated_at=row.updated_at,
        proposed=None if row.proposed is None else AlertState(row.proposed),
        proposed_by=row.proposed_by,
        previous_id=row.previous_id,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        via=row._mapping.get("via"),
    )


class CaseStore(HookRunStore):
    """An open case store; safe to share between threads (one engine, pooled connections)."""

    def __init__(self, engine: sa.Engine) -> None:
        """Wrap a migrated engine (see :meth:`open`)."""
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> CaseStore:
        """Open (creating and migrating if needed) the case tables at ``url``.

        Raises:
            InputError: ``url`` is not a database URL.
            AuditError: the database cannot be reached or migrated.
        """
        engine = make_engine(url)
        try:
            migrations.apply(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise AuditError(
                f"cannot open the case tables at {safe_url(url)}: {reason(exc)}"
            ) from None
        return cls(engine)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ register

    def upsert_parties(self, parties: Sequence[tuple[RegisteredParty, str]]) -> ImportCounts:
        """Insert or update ``(party, name keys)`` by id, all in one transaction."""
        at = now()
        inserted: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        changed: list[str] = []
        unchanged = 0
        with write_transaction(self.engine) as conn:
            known: dict[str, tuple[str, str]] = {}
            ids = [p.id for p, _ in parties]
            for start in range(0, len(ids), PAGE):
                chunk = ids[start : start + PAGE]
                rows = conn.execute(
                    sa.select(
                        party_table.c.id,
                        party_table.c.fingerprint,
                        party_table.c.tags,
                        party_table.c.owners,
                    ).where(party_table.c.id.in_(chunk))
                )
                for r in rows:
                    known[r.id] = (r.fingerprint, r.tags + r.owners)
            for party, keys in parties:
                row = party_row(party, keys, at)
                old = known.get(party.id)
                if old is None:
                    inserted.append(row)
                elif old != (row["fingerprint"], row["tags"] + row["owners"]):
                    del row["created_at"]
                    row["b_id"] = row.pop("id")
                    updated.append(row)
                    if old[0] != row["fingerprint"]:
                        changed.append(party.id)
                else:
                    unchanged += 1
            if inserted:
                conn.execute(sa.insert(party_table), inserted)
            if updated:
                values: dict[str, Any] = {k: sa.bindparam(k) for k in updated[0] if k != "b_id"}
                conn.execute(
                    sa.update(party_table)
                    .where(party_table.c.id == sa.bindparam("b_id"))
                    .values(**values),
                    updated,
                )
        return ImportCounts(len(inserted), len(updated), unchanged, tuple(changed))

    def party(self, party_id: str) -> RegisteredParty:
        """One party by id (NotFoundError naming ``id``)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(party_table).where(party_table.c.id == party_id)).first()
        if row is None:
            raise NotFoundError(f"no party {party_id!r} in the register", field="id")
        return decode_party(row)

    def parties(
        self, *, limit: int = 100, offset: int = 0, tag: str | None = None
    ) -> list[RegisteredParty]:
        """Parties ordered by id (a page)."""
        query = sa.select(party_table).order_by(party_table.c.id)
        if tag is not None:
            query = query.where(party_table.c.tags.contains(json.dumps(tag, ensure_ascii=False)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [decode_party(r) for r in rows]

    def iter_parties(
        self, after: str | None = None, ids: Iterable[str] | None = None
    ) -> Iterator[RegisteredParty]:
        """Every party (or those of ``ids``) ordered by id, after ``after``, page by page."""
        if ids is not None:
            wanted = sorted(set(ids))
            for start in range(0, len(wanted), PAGE):
                chunk = wanted[start : start + PAGE]
                with self.engine.connect() as conn:
                    rows = conn.execute(
                        sa.select(party_table)
                        .where(party_table.c.id.in_(chunk))
                        .order_by(party_table.c.id)
                    ).all()
                yield from (decode_party(r) for r in rows)
            return
        cursor = after
        while True:
            query = sa.select(party_table).order_by(party_table.c.id).limit(PAGE)
            if cursor is not None:
                query = query.where(party_table.c.id > cursor)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            yield from (decode_party(r) for r in rows)
            cursor = rows[-1].id

    def party_count(self) -> int:
        """How many parties the register holds."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(party_table)).scalar_one()
            )

    def name_keys(self) -> Iterator[tuple[str, str, str]]:
        """``(party id, space-separated index keys, names joined by newlines)`` of every party."""
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(
                sa.select(
                    party_table.c.id,
                    party_table.c.name_keys,
                    party_table.c.name,
                    party_table.c.aliases,
                )
            )
            for party_id, keys, name, aliases in result:
                if aliases == "[]":  # most parties: the name alone
                    yield party_id, keys, name
                else:
                    yield party_id, keys, "\n".join(dict.fromkeys((name, *json.loads(aliases))))

    def mark_screened(self, party_ids: Sequence[str], conn: sa.Connection) -> None:
        """Stamp ``screened_at`` on parties (inside the caller's transaction)."""
        at = now()
        for start in range(0, len(party_ids), PAGE):
            chunk = list(party_ids[start : start + PAGE])
            conn.execute(
                sa.update(party_table).where(party_table.c.id.in_(chunk)).values(screened_at=at)
            )

    # ------------------------------------------------------------------ alerts

    def current_alerts(
        self, party_ids: Sequence[str], conn: sa.Connection | None = None
    ) -> dict[tuple[str, str], Alert]:
        """The newest alert of each ``(party, entity)`` pair of ``party_ids``."""
        out: dict[tuple[str, str], Alert] = {}

        def fetch(c: sa.Connection) -> None:
            for start in range(0, len(party_ids), PAGE):
                chunk = list(party_ids[start : start + PAGE])
                rows = c.execute(
                    sa.select(alert_table)
                    .where(alert_table.c.party_id.in_(chunk))
                    .order_by(alert_table.c.id)
                )
                for r in rows:
                    out[(r.party_id, r.entity_id)] = decode_alert(r)

        if conn is not None:
            fetch(conn)
        else:
            with self.engine.connect() as c:
                fetch(c)
        return out

    def alerts_on_entities(self, entity_ids: Iterable[str]) -> list[Alert]:
        """Every alert on any of ``entity_ids`` (oldest first)."""
        wanted = sorted(set(entity_ids))
        out: list[Alert] = []
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), PAGE):
                chunk = wanted[start : start + PAGE]
                rows = conn.execute(
                    sa.select(alert_table)
                    .where(alert_table.c.entity_id.in_(chunk))
                    .order_by(alert_table.c.id)
                )
                out.extend(decode_alert(r) for r in rows)
        return out

    def alert(self, alert_id: int) -> Alert:
        """One alert by id (NotFoundError naming ``id``)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(alert_table).where(alert_table.c.id == alert_id)).first()
        if row is None:
            raise NotFoundError(f"no alert {alert_id}", field="id")
        return decode_alert(row)

    def alerts(self, where: AlertFilter | None = None) -> list[Alert]:
        """Alerts newest first, filtered."""
        f = where or AlertFilter()
        query = sa.select(alert_table).order_by(alert_table.c.id.desc())
        if f.state is not None:
            query = query.where(alert_table.c.state == f.state.value)
        if f.source is not None:
            query = query.where(alert_table.c.source == f.source)
        if f.min_score is not None:
            query = query.where(alert_table.c.score >= f.min_score)
        if f.older_than is not None:
            query = query.where(alert_table.c.created_at < f.older_than)
        if f.party_id is not None:
            query = query.where(alert_table.c.party_id == f.party_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(f.limit).offset(f.offset)).all()
        return [decode_alert(r) for r in rows]

    def all_alerts(self) -> list[Alert]:
        """Every alert, oldest first (reports)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(alert_table).order_by(alert_table.c.id)).all()
        return [decode_alert(r) for r in rows]

    def insert_alert(self, conn: sa.Connection, values: dict[str, Any]) -> int:
        """Insert an alert row; its id."""
        result = conn.execute(sa.insert(alert_table).values(**values).returning(alert_table.c.id))
        return int(result.scalar_one())

    def insert_alerts(self, conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert alert rows (the same columns each) in one statement; their ids, in the rows'
        order (``RETURNING`` sorted by parameter order, SQLite and PostgreSQL alike)."""
        if not rows:
            return []
        stmt = sa.insert(alert_table).returning(alert_table.c.id, sort_by_parameter_order=True)
        return [int(r[0]) for r in conn.execute(stmt, list(rows))]

    def update_alerts(self, conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Update alert rows in one statement: each row's ``alert_id`` and the new ``score``,
        ``list_version`` and ``updated_at`` (what a re-screen that finds a hit again sets)."""
        if not rows:
            return
        stmt = (
            sa.update(alert_table)
            .where(alert_table.c.id == sa.bindparam("alert_id"))
            .values(
                score=sa.bindparam("score"),
                list_version=sa.bindparam("list_version"),
                updated_at=sa.bindparam("updated_at"),
            )
        )
        conn.execute(stmt, list(rows))

    def add_events(self, conn: sa.Connection, events: Sequence[dict[str, Any]]) -> None:
        """Append event rows (the same columns each) in one statement."""
        if events:
            conn.execute(sa.insert(event_table), list(events))

    def update_alert(self, conn: sa.Connection, alert_id: int, values: dict[str, Any]) -> None:
        """Update an alert row."""
        conn.execute(sa.update(alert_table).where(alert_table.c.id == alert_id).values(**values))

    def add_event(self, conn: sa.Connection, event: dict[str, Any]) -> None:
        """Append an event row."""
        conn.execute(sa.insert(event_table).values(**event))

    def events(self, alert_id: int | None = None) -> list[AlertEvent]:
        """Events of one alert (or all), oldest first."""
        query = sa.select(event_table).order_by(event_table.c.id)
        if alert_id is not None:
            query = query.where(event_table.c.alert_id == alert_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AlertEvent(
                id=int(r.id),
                alert_id=int(r.alert_id),
                at=r.at,
                actor=r.actor,
                action=r.action,
                from_state=r.from_state,
                to_state=r.to_state,
                reason=r.reason,
                audit_id=None if r.audit_id is None else int(r.audit_id),
            )
            for r in rows
        ]
