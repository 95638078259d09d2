"""The lean routes (:mod:`prosper.api.lean`) answer exactly as FastAPI does.

Two apps over two fresh data folders with the same keys: one with the lean routes, one
without (``create_app(lean_routes=False)``). The same requests go to both; status, headers and
body must be the same (for a check, every field but the audit record's hash, which covers its
time), and so must the records stored in the audit log. The lean layer must answer the ordinary
requests itself (``LeanRoutes.answered``) and hand every other one to FastAPI.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from tests.api.conftest import LISTED, TX, FakeBackend

from prosper.api import ApiLimits, create_app
from prosper.api.lean import LeanRoutes
from prosper.errors import InputError
from prosper.keys import KeyStore, Role
from prosper.settings import Settings

BOOM = "RAISE AN INPUT ERROR"
CACHE_S = 3600.0
"""Keys stay checked for the whole test: the lean routes take only a key checked a moment
ago, and a test on a loaded machine may take longer than the default 2 s between requests."""


class Backend(FakeBackend):
    """The tests' fake, failing like the engine for one name."""

    def screen(
        self, query: dict[str, Any], *, threshold: float | None, limit: int
    ) -> dict[str, Any]:
        if query["name"] == BOOM:
            raise InputError("the engine refused this query", field="name")
        return super().screen(query, threshold=threshold, limit=limit)


@dataclass
class Side:
    client: TestClient
    settings: Settings
    lean: LeanRoutes | None


@dataclass
class Pair:
    lean: Side
    plain: Side
    keys: dict[str, str]

    def both(
        self, method: str, url: str, role: str | None = "screener", **kw: Any
    ) -> tuple[Any, Any]:
        headers = dict(kw.pop("headers", {}))
        if role is not None:
            headers["X-API-Key"] = self.keys[role]
        a = self.lean.client.request(method, url, headers=headers, **kw)
        b = self.plain.client.request(method, url, headers=headers, **kw)
        return a, b


def _lean_layer(client: TestClient) -> LeanRoutes | None:
    layer: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while layer is not None:
        if isinstance(layer, LeanRoutes):
            return layer
        layer = getattr(layer, "app", None)
    return None


def _settings(root: Path) -> Settings:
    data = root / "data"
    return Settings(
        data_dir=data, db_url=f"sqlite:///{data / 'audit.sqlite3'}", threshold=0.8, actor="t"
    )


def make_pair(tmp_path: Path, limits: ApiLimits) -> Iterator[Pair]:
    """Both apps (lean first) over fresh data folders, with one key table for both."""
    store = KeyStore.open(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
    keys = {role.value: store.create(role, role.value).secret for role in Role}
    sides = []
    for name, lean in (("lean", True), ("plain", False)):
        settings = _settings(tmp_path / name)
        app = create_app(
            settings, backend=Backend(settings), key_store=store, limits=limits, lean_routes=lean
        )
        sides.append(Side(TestClient(app), settings, None))
    with sides[0].client, sides[1].client:
        for side in sides:
            side.lean = _lean_layer(side.client)
            for secret in keys.values():  # each key checked once: the lean routes take
                r = side.client.get("/v1/whoami", headers={"X-API-Key": secret})  # cached keys
                assert r.status_code == 200, r.text
        assert sides[0].lean is not None
        assert sides[1].lean is None
        yield Pair(sides[0], sides[1], keys)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    limits = ApiLimits(
        max_body_bytes=16 * 1024,
        max_batch=5,
        rate_per_minute=6000,
        burst=1000,
        key_cache_seconds=CACHE_S,
    )
    yield from make_pair(tmp_path, limits)


def _records(settings: Settings) -> list[dict[str, Any]]:
    """The stored records' contents (not their times or hashes)."""
    from prosper.audit import AuditLog

    with AuditLog.from_settings(settings) as log:
        page = log.browse(limit=1000, offset=0)
    assert page.ok
    out = []
    for checked in page.records:
        assert checked.record is not None
        record = checked.record.to_dict()
        out.append({k: record[k] for k in ("id", "kind", "actor", "input", "output", "versions")})
    return out


def _same(a: Any, b: Any) -> None:
    """The two answers agree: status, headers and body (a check's audit hash aside)."""
    assert a.status_code == b.status_code, (a.text, b.text)
    assert a.headers.items() == b.headers.items()
    if a.content == b.content:
        return
    left, right = json.loads(a.content), json.loads(b.content)
    assert left["audit"]["hash"] != right["audit"]["hash"]  # the only difference allowed
    left["audit"].pop("hash")
    right["audit"].pop("hash")
    assert left == right


def _counted(pair: Pair) -> int:
    assert pair.lean.lean is not None
    return pair.lean.lean.answered


SCREENS: list[tuple[str, dict[str, Any]]] = [
    ("/v1/screen", {"name": LISTED}),
    ("/v1/screen", {"name": "Nobody In Particular"}),
    ("/v1/screen", {"name": LISTED, "type": "organization", "countries": ["KP"], "limit": 1}),
    ("/v1/screen", {"name": LISTED, "threshold": 0.99}),
    ("/v1/screen", {"name": "김정은", "dob": "1984-01-08", "gender": "male"}),
    ("/v1/screen?dry_run=true", {"name": LISTED}),
    ("/v1/screen?dry_run=false", {"name": LISTED}),
    ("/v1/screen", {"name": BOOM}),  # the engine's refusal, rendered as FastAPI renders it
]


@pytest.mark.parametrize(("url", "body"), SCREENS)
def test_ordinary_screens_are_answered_lean_and_alike(
    pair: Pair, url: str, body: dict[str, Any]
) -> None:
    before = _counted(pair)
    _same(*pair.both("POST", url, json=body))
    _same(*pair.both("POST", url, json=body, role="admin"))  # a higher role may screen too
    assert _counted(pair) == before + 2
    assert _records(pair.lean.settings) == _records(pair.plain.settings)


YAML_TX = b"""id: PO-Y
origin_country: KR
destination_country: VN
parties:
  - role: end_user
    name: Nobody In Particular
    country: VN
"""

CHECKS: list[tuple[str, dict[str, Any]]] = [
    ("/v1/check", {"json": TX}),
    ("/v1/check?mode=literal&as_of=2025-01-01", {"json": TX}),
    ("/v1/check?as_of=2025-06-30&mode=enforced", {"json": TX}),
    ("/v1/check", {"content": YAML_TX, "headers": {"Content-Type": "application/yaml"}}),
    ("/v1/check", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
    ("/v1/check", {"content": b""}),  # refused by the body reader (422) either way
    ("/v1/check", {"json": {**TX, "parties": "nobody"}}),  # the schema's 422
    ("/v1/check", {"json": [1, 2]}),
]


@pytest.mark.parametrize(("url", "kw"), CHECKS)
def test_ordinary_checks_are_answered_lean_and_alike(
    pair: Pair, url: str, kw: dict[str, Any]
) -> None:
    before = _counted(pair)
    _same(*pair.both("POST", url, **kw))
    assert _counted(pair) == before + 1
    assert _records(pair.lean.settings) == _records(pair.plain.settings)


OTHERS: list[tuple[str, str | None, dict[str, Any]]] = [
    ("/v1/screen", None, {"json": {"name": LISTED}}),  # no key
    ("/v1/screen", None, {"json": {"name": LISTED}, "headers": {"X-API-Key": "psk_x.y"}}),
    ("/v1/screen", None, {"json": {"name": LISTED}, "headers": {"X-API-Key": ""}}),
    (
        "/v1/screen",
        "screener",
        {"content": b"{bad json", "headers": {"Content-Type": "application/json"}},
    ),
    ("/v1/screen", "screener", {"json": {"name": LISTED, "nickname": "x"}}),  # unknown field
    ("/v1/screen", "screener", {"json": {"name": LISTED, "threshold": 2}}),
    ("/v1/screen", "screener", {"json": {"name": ""}}),
    ("/v1/screen", "screener", {"json": {"name": LISTED, "limit": "5"}}),  # strict: not an int
    ("/v1/screen", "screener", {"json": [LISTED]}),
    ("/v1/screen", "screener", {"content": b""}),
    (
        "/v1/screen",
        "screener",
        {"content": b'{"name": "x"}', "headers": {"Content-Type": "text/plain"}},
    ),
    ("/v1/screen?dry_run=1", "screener", {"json": {"name": LISTED}}),
    ("/v1/screen?dry_run=maybe", "screener", {"json": {"name": LISTED}}),
    ("/v1/screen?limit=3", "screener", {"json": {"name": LISTED}}),
    ("/v1/check?mode=bogus", "screener", {"json": TX}),
    ("/v1/check?as_of=2025-13-01", "screener", {"json": TX}),
    ("/v1/check?as_of=2025-01-01T00:00", "screener", {"json": TX}),
    ("/v1/check?as_of=", "screener", {"json": TX}),
    ("/v1/check?mode=literal&mode=enforced", "screener", {"json": TX}),
    ("/v1/check?verbose=1", "screener", {"json": TX}),
    ("/v1/check", None, {"json": TX}),
    ("/v1/check", None, {"json": TX, "headers": {"X-API-Key": "psk_x.y"}}),
]


@pytest.mark.parametrize(("url", "role", "kw"), OTHERS)
def test_other_requests_go_to_fastapi_and_are_alike(
    pair: Pair, url: str, role: str | None, kw: dict[str, Any]
) -> None:
    before = _counted(pair)
    _same(*pair.both("POST", url, role=role, **kw))
    assert _counted(pair) == before
    assert _records(pair.lean.settings) == _records(pair.plain.settings)


def test_a_bearer_token_goes_to_fastapi(pair: Pair) -> None:
    bearer = {"Authorization": f"Bearer {pair.keys['screener']}"}
    before = _counted(pair)
    _same(*pair.both("POST", "/v1/screen", role=None, json={"name": LISTED}, headers=bearer))
    assert _counted(pair) == before


def test_too_large_a_body_is_413_either_way(pair: Pair) -> None:
    body = {"name": LISTED, "ids": ["x" * 200] * 20, "sources": ["y" * 200] * 20}
    big = json.dumps({**body, "pad": "z" * 20_000}).encode()
    before = _counted(pair)
    _same(*pair.both("POST", "/v1/screen", content=big))
    _same(*pair.both("POST", "/v1/check", content=big))
    assert _counted(pair) == before


def test_the_rate_limit_is_spent_once_and_refused_alike(tmp_path: Path) -> None:
    limits = ApiLimits(
        max_body_bytes=16 * 1024, rate_per_minute=1, burst=3, key_cache_seconds=CACHE_S
    )
    for p in make_pair(tmp_path, limits):  # each key spent one request on /v1/whoami
        # an invalid body spends one (FastAPI's dependency), then one ordinary screen
        _same(*p.both("POST", "/v1/screen", json={"name": ""}))
        _same(*p.both("POST", "/v1/screen", json={"name": LISTED}))
        before = _counted(p)
        a, b = p.both("POST", "/v1/screen", json={"name": LISTED})
        assert _counted(p) == before + 1  # refused by the lean layer itself
        assert a.status_code == b.status_code == 429
        # the wait counts down: the two apps' answers came a moment apart
        assert 1 <= int(a.headers["Retry-After"]) <= 60
        assert 1 <= int(b.headers["Retry-After"]) <= 60
        assert a.json()["error"] == b.json()["error"] == "rate_limited"
        assert a.json()["field"] is None
        assert _records(p.lean.settings) == _records(p.plain.settings)


def test_the_access_log_names_route_and_key(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="prosper.access"):
        pair.both("POST", "/v1/screen", json={"name": LISTED})
        pair.both("POST", "/v1/check", json=TX)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "prosper.access"]
    assert len(lines) == 4
    for lean, plain in ((lines[0], lines[1]), (lines[2], lines[3])):
        for line in (lean, plain):
            line.pop("ts")
            line.pop("duration_ms")
        assert lean == plain
    assert lines[0]["route"] == "/v1/screen"
    assert lines[0]["key"].endswith(":screener")
    metrics = pair.lean.client.get("/metrics", headers={"X-API-Key": pair.keys["admin"]}).text
    assert 'route="/v1/screen"' in metrics
    assert 'route="/v1/check"' in metrics


def test_dependency_overrides_turn_the_lean_routes_off(pair: Pair) -> None:
    from prosper.api.deps import get_backend

    app: Any = pair.lean.client.app
    app.dependency_overrides[get_backend] = lambda: Backend(pair.lean.settings)
    before = _counted(pair)
    r = pair.lean.client.post(
        "/v1/screen", json={"name": LISTED}, headers={"X-API-Key": pair.keys["screener"]}
    )
    assert r.status_code == 200
    assert _counted(pair) == before
