"""Fixtures for the HTTP API tests: an app over a fake backend, keys of every role.

The fake screens and decides with tiny fixed rules (so that router behaviour is tested
without loading the lists), but validates transactions with the real schema and records
decisions in a real audit log, so that actors and hash chains are the real thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from prosper.api import ApiLimits, CoreBackend, create_app
from prosper.keys import KeyStore, Role
from prosper.schema import parse_transaction
from prosper.settings import Settings

LISTED = "KOREA KWANGSON BANKING CORP"


class FakeBackend(CoreBackend):
    """Screens against one fixed list entry; audit calls go to the real log."""

    warmed = False

    def warm(self) -> None:
        self.warmed = True

    def screen(
        self, query: dict[str, Any], *, threshold: float | None, limit: int
    ) -> dict[str, Any]:
        used = self.settings.threshold if threshold is None else threshold
        score = 0.97 if query["name"].upper() == LISTED else 0.1
        hits = []
        if score >= used:
            hits.append(
                {
                    "entity_id": "us_ofac_sdn:8876",
                    "source": "us_ofac_sdn",
                    "name": LISTED,
                    "matched_name": LISTED,
                    "score": score,
                    "match": True,
                    "type": "organization",
                    "programs": ["DPRK"],
                    "countries": ["KP"],
                    "explanation": [{"feature": "name_match", "score": score, "detail": "same"}],
                }
            )
        return {
            "query": {"name": query["name"], "type": query.get("type")},
            "threshold": used,
            "lists": [{"source": "us_ofac_sdn", "version": "sha256:x", "published": "2025-01-01"}],
            "hits": hits[:limit],
        }

    def match(self, name1: str, name2: str, *, type: str | None) -> dict[str, Any]:
        score = 1.0 if name1.casefold() == name2.casefold() else 0.25
        return {"score": score, "explanation": [{"feature": "eq", "score": score, "detail": "x"}]}

    def classify(self, item: dict[str, Any], *, as_of: date | None) -> dict[str, Any]:
        return {"tpp": item.get("tpp"), "determinations": []}

    def check(
        self, raw: dict[str, Any], *, mode: str, as_of: date | None, actor: str
    ) -> dict[str, Any]:
        from prosper.audit import AuditLog

        tx = parse_transaction(raw)
        verdict = "prohibited" if any(p.name.upper() == LISTED for p in tx.parties) else "review"
        output: dict[str, Any] = {
            "id": tx.id,
            "verdict": verdict,
            "as_of": (as_of or tx.as_of).isoformat(),
            "mode": mode,
            "findings": [
                {
                    "area": "parties",
                    "regime": "US-OFAC",
                    "verdict": verdict,
                    "subject": "parties[0]",
                    "rule_id": "fake.rule",
                    "citation": "31 CFR 501",
                    "summary": "fake",
                    "conditions": [],
                }
            ],
            "divergence": None,
            "versions": {"engine": "test"},
        }
        with AuditLog.from_settings(self.settings) as log:
            record = log.append(
                kind="check", input=raw, output=output, versions=output["versions"], actor=actor
            )
        return {**output, "audit": {"record_id": record.id, "hash": record.hash}}

    def lists(self) -> list[dict[str, Any]]:
        return [
            {
                "source": "us_ofac_sdn",
                "label": "OFAC SDN",
                "published": "2025-01-01",
                "version": "sha256:x",
                "entity_count": 1,
                "age_days": 10,
            }
        ]

    def rules(self, *, as_of: date | None, regime: str | None) -> dict[str, Any]:
        return {"id": "prosper", "version": "t", "digest": "sha256:y", "rules": []}


@dataclass
class Keys:
    """Plain keys of each role (and the store that made them)."""

    store: KeyStore
    screener: str
    reviewer: str
    admin: str

    def header(self, role: str) -> dict[str, str]:
        return {"X-API-Key": getattr(self, role)}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    return Settings(
        data_dir=data, db_url=f"sqlite:///{data / 'audit.sqlite3'}", threshold=0.8, actor="t"
    )


@pytest.fixture
def keys(settings: Settings) -> Keys:
    store = KeyStore.open(settings.db_url)
    return Keys(
        store=store,
        screener=store.create(Role.SCREENER, "scr").secret,
        reviewer=store.create(Role.REVIEWER, "rev").secret,
        admin=store.create(Role.ADMIN, "adm").secret,
    )


@pytest.fixture
def limits() -> ApiLimits:
    return ApiLimits(max_body_bytes=64 * 1024, max_batch=5, rate_per_minute=6000, burst=1000)


@pytest.fixture
def client(settings: Settings, keys: Keys, limits: ApiLimits) -> Iterator[TestClient]:
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    with TestClient(app) as test_client:
        yield test_client


TX = {
    "id": "PO-1",
    "origin_country": "KR",
    "destination_country": "VN",
    "parties": [{"role": "end_user", "name": LISTED, "country": "KP"}],
}
