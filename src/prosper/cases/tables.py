"""The case-management tables and their migrations (component ``cases``).

They live in the database of ``settings.db_url`` beside the audit log (SQLite by default,
PostgreSQL by URL) and are created through the same migration registry
(:mod:`prosper.audit.migrations`): each migration in its own locked transaction.

* ``case_party`` — the counterparty register: one row per party, keyed by the user's stable id;
  list-valued fields as JSON text; ``fingerprint`` is the digest of the screened data (a
  changed fingerprint reopens a suppressed alert); ``name_keys`` the register index keys.
* ``case_alert`` — one row per alert: party, list entity, list version, score, explanation,
  state, the pending four-eyes proposal, and the fingerprints of both sides when opened.
* ``case_event`` — every state change of an alert, by whom, why, and its audit record id.
* ``case_webhook`` / ``case_delivery`` — webhook subscriptions and the delivery log.
* ``case_run`` — re-screening runs (full runs resume from ``cursor``).
* ``case_token_keys`` — each register name token's features and look-up keys, with the
  digest of the code that derived them (:mod:`prosper.cases.token_keys`).
* ``case_outbox`` — webhook events waiting for delivery (one row per subscription and event,
  the signed body fixed when the event happened): the decision commits without the network.
"""

from __future__ import annotations

import sqlalchemy as sa

from prosper.audit.migrations import MigrationSet

migrations = MigrationSet("cases")
metadata = sa.MetaData()

party_table = sa.Table(
    "case_party",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("aliases", sa.Text, nullable=False),
    sa.Column("countries", sa.Text, nullable=False),
    sa.Column("dob", sa.String(20)),
    sa.Column("identifiers", sa.Text, nullable=False),
    sa.Column("owners", sa.Text, nullable=False),
    sa.Column("tags", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.String(80), nullable=False),
    sa.Column("name_keys", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("screened_at", sa.String(40)),
)

alert_table = sa.Table(
    "case_alert",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("party_id", sa.String(200), nullable=False),
    sa.Column("entity_id", sa.String(300), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("list_code", sa.String(40), nullable=False),
    sa.Column("entity_name", sa.Text, nullable=False),
    sa.Column("matched_name", sa.Text, nullable=False),
    sa.Column("list_version", sa.String(100), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("proposed", sa.String(20)),
    sa.Column("proposed_by", sa.String(200)),
    sa.Column("party_fingerprint", sa.String(80), nullable=False),
    sa.Column("entity_fingerprint", sa.String(80), nullable=False),
    sa.Column("opened_because", sa.Text, nullable=False),
    sa.Column("previous_id", sa.Integer),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("decided_at", sa.String(40)),
    sa.Column("decided_by", sa.String(200)),
    sa.Column("via", sa.Text),  # the owner whose name hit (None: the party itself)
    sa.Index("ix_case_alert_pair", "party_id", "entity_id", "id"),
    sa.Index("ix_case_alert_entity", "entity_id"),
    sa.Index("ix_case_alert_state", "state", "id"),
)

event_table = sa.Table(
    "case_event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_state", sa.String(20)),
    sa.Column("to_state", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("audit_id", sa.BigInteger),
    sa.Index("ix_case_event_alert", "alert_id", "id"),
)

webhook_table = sa.Table(
    "case_webhook",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.Text, nullable=False),
    sa.Column("secret", sa.String(100), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

delivery_table = sa.Table(
    "case_delivery",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("webhook_id", sa.Integer, nullable=False),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("event_id", sa.String(80), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.Text),
)

run_table = sa.Table(
    "case_run",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("cursor", sa.String(200)),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("done", sa.Integer, nullable=False),
    sa.Column("opened", sa.Integer, nullable=False),
    sa.Column("list_versions", sa.Text, nullable=False),
)


outbox_table = sa.Table(
    "case_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("webhook_id", sa.Integer, nullable=False),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("event_id", sa.String(80), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending | sending | delivered | failed
    sa.Column("claimed_at", sa.Float),  # Unix seconds a drain took it (stale after a crash)
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Index("ix_case_outbox_status", "status", "id"),
)

token_keys_table = sa.Table(
    "case_token_keys",
    metadata,
    sa.Column("token", sa.Text, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # JSON: metaphone, Korean, variant, keys…
    sa.Column("version", sa.String(40), nullable=False),
)


@migrations(1, "create the register, alerts, events, webhooks, deliveries and runs")
def _create(conn: sa.Connection) -> None:
    metadata.create_all(conn)


@migrations(2, "the webhook outbox")
def _outbox(conn: sa.Connection) -> None:
    outbox_table.create(conn, checkfirst=True)


@migrations(3, "alerts name the owner whose name hit")
def _via(conn: sa.Connection) -> None:
    columns = {c["name"] for c in sa.inspect(conn).get_columns("case_alert")}
    if "via" not in columns:
        conn.execute(sa.text("ALTER TABLE case_alert ADD COLUMN via TEXT"))


@migrations(4, "the register's per-token keys")
def _token_keys(conn: sa.Connection) -> None:
    token_keys_table.create(conn, checkfirst=True)
