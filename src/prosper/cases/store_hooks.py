"""The case store's webhook subscriptions, delivery log and re-screening runs (a mixin of
:class:`prosper.cases.store.CaseStore`, which owns the engine)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from prosper.audit.migrations import write_transaction
from prosper.cases.tables import delivery_table, run_table, webhook_table
from prosper.errors import NotFoundError


def now() -> str:
    """The current UTC time as ISO text (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON (stored columns compare as text)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class HookRunStore:
    """Webhooks, deliveries and runs over ``self.engine``."""

    engine: sa.Engine

    # ------------------------------------------------------------------ webhooks

    def add_webhook(self, url: str, events: Sequence[str], secret: str) -> int:
        """Subscribe ``url`` to ``events``; its id."""
        with write_transaction(self.engine) as conn:
            result = conn.execute(
                sa.insert(webhook_table)
                .values(
                    url=url,
                    events=dumps(list(events)),
                    secret=secret,
                    created_at=now(),
                    active=True,
                )
                .returning(webhook_table.c.id)
            )
            return int(result.scalar_one())

    def webhooks(self, event: str | None = None) -> list[dict[str, Any]]:
        """Active subscriptions (to ``event`` when given), with their secrets."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(webhook_table)
                .where(webhook_table.c.active.is_(True))
                .order_by(webhook_table.c.id)
            ).all()
        out = []
        for r in rows:
            events = json.loads(r.events)
            if event is None or event in events:
                out.append(
                    {
                        "id": int(r.id),
                        "url": r.url,
                        "events": events,
                        "secret": r.secret,
                        "created_at": r.created_at,
                    }
                )
        return out

    def remove_webhook(self, webhook_id: int) -> None:
        """Deactivate a subscription (NotFoundError naming ``id``)."""
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sa.update(webhook_table)
                .where(webhook_table.c.id == webhook_id)
                .values(active=False)
            )
            if done.rowcount == 0:
                raise NotFoundError(f"no webhook {webhook_id}", field="id")

    def log_delivery(self, values: dict[str, Any]) -> None:
        """Append one delivery outcome."""
        with write_transaction(self.engine) as conn:
            conn.execute(sa.insert(delivery_table).values(**values))

    def deliveries(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest delivery outcomes."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(delivery_table).order_by(delivery_table.c.id.desc()).limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------------ runs

    def start_run(self, kind: str, total: int, versions: dict[str, str]) -> int:
        """Record a new re-screening run; its id."""
        with write_transaction(self.engine) as conn:
            result = conn.execute(
                sa.insert(run_table)
                .values(
                    kind=kind,
                    started_at=now(),
                    total=total,
                    done=0,
                    opened=0,
                    list_versions=dumps(versions),
                )
                .returning(run_table.c.id)
            )
            return int(result.scalar_one())

    def unfinished_run(self, kind: str, versions: dict[str, str]) -> dict[str, Any] | None:
        """The newest unfinished run of ``kind`` on the same list versions (to resume)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(run_table)
                .where(
                    run_table.c.kind == kind,
                    run_table.c.finished_at.is_(None),
                    run_table.c.list_versions == dumps(versions),
                )
                .order_by(run_table.c.id.desc())
            ).first()
        return None if row is None else dict(row._mapping)

    def advance_run(
        self, conn: sa.Connection, run_id: int, cursor: str, done: int, opened: int
    ) -> None:
        """Move a run's cursor (inside the batch's transaction: resume never repeats a batch)."""
        conn.execute(
            sa.update(run_table)
            .where(run_table.c.id == run_id)
            .values(cursor=cursor, done=done, opened=opened)
        )

    def finish_run(self, run_id: int) -> None:
        """Mark a run finished."""
        with write_transaction(self.engine) as conn:
            conn.execute(
                sa.update(run_table).where(run_table.c.id == run_id).values(finished_at=now())
            )
