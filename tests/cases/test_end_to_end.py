"""End to end: 1,000 parties imported, screened, decided; a newer list snapshot installs →
exactly the expected alerts open, the webhook receiver gets signed events, the audit log
verifies. The lists are small (tests/cases/helpers.py); the path is the real one: CSV import
through the service, the list install hook of lists/update.py, delta re-screening, webhooks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from prosper import casework, service
from prosper.cases.model import AlertState
from prosper.lists.delta import diff_snapshots
from prosper.lists.hooks import remove_install_hook, run_install_hooks
from prosper.lists.update import UpdateResult
from prosper.settings import load_settings

from .helpers import BASE, engine, entity
from .receiver import Receiver

SECRET = "whsec_test"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PROSPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PROSPER_DB_URL", raising=False)
    yield tmp_path
    from prosper.casework import _hook

    remove_install_hook(_hook)
    casework.reset_stores()
    service.reset_engines()


def _register_csv(path: Path) -> None:
    rows = ["id,name,countries"]
    rows.append("K-1,Korea Mining Development Trading Corporation,KP")
    rows.append("H-1,Huawei Technologies Co. Ltd.,CN")
    rows.append("N-1,Nova Quantum Optics Ltd,SG")  # matches nothing yet; the update adds it
    rows += [f"F-{i:04},Filler {i} Trading Company,DE" for i in range(997)]
    path.write_text("\n".join(rows) + "\n", "utf-8")


def test_import_screen_decide_update(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = engine(BASE)
    monkeypatch.setattr(service, "get_engine", lambda settings=None: old)
    settings = load_settings()
    path = env / "register.csv"
    _register_csv(path)
    with Receiver() as receiver:
        store = casework.case_store(settings)
        store.add_webhook(receiver.url, ["alert.opened", "alert.decided", "lists.updated"], SECRET)
        out = casework.import_parties(path, settings=settings, actor="alice")
        assert (out["inserted"], out["screening"]["screened"]) == (1000, 1000)
        assert out["screening"]["opened"] == 2  # KOMID on the SDN, Huawei on the CSL
        alerts = {a.party_id: a for a in store.alerts()}
        # Huawei: cleared (not a sanctions list: one reviewer); KOMID: a four-eyes true match
        casework.decide_alert(
            alerts["H-1"].id,
            decision="false_positive",
            reason="other",
            actor="alice",
            settings=settings,
        )
        casework.decide_alert(
            alerts["K-1"].id, decision="true_match", reason="same", actor="alice", settings=settings
        )
        casework.decide_alert(
            alerts["K-1"].id, decision="true_match", reason="agree", actor="bob", settings=settings
        )

        new_entities = [
            *BASE[:3],
            replace(BASE[3], aliases=(*BASE[3].aliases,), remarks="footnote 4"),  # changed
            entity("77", "NOVA QUANTUM OPTICS LTD", countries=("SG",)),  # added
        ]
        new = engine(new_entities, "v2")
        monkeypatch.setattr(service, "get_engine", lambda settings=None: new)
        result = UpdateResult(
            path=None,
            snapshot=new.snapshot,
            updated=("us_ofac_sdn", "us_csl"),
            deltas=diff_snapshots(old.snapshot, new.snapshot),
            problems={},
        )
        casework.enable_rescreen_on_update()
        messages: list[str] = []
        run_install_hooks(result, messages.append)
        assert messages == []  # the hook did not fail

        after = store.alerts()
        opened = [a for a in after if a.state is AlertState.OPEN]
        assert sorted((a.party_id, a.opened_because) for a in opened) == [
            ("H-1", "reopened: list entry changed: remarks"),
            ("N-1", "screened: new hit"),
        ]
        assert store.alert(alerts["K-1"].id).state is AlertState.TRUE_MATCH
        casework.drainer(settings).drain_now()  # the outbox: delivered off the decision's path
        events = [json.loads(body)["event"] for _, body in receiver.received]
        for headers, body in receiver.received:
            from prosper.cases.webhooks import verify

            assert verify(
                SECRET, headers["X-Prosper-Timestamp"], body, headers["X-Prosper-Signature"]
            )
    assert events.count("alert.opened") == 4  # 2 at import, 2 after the update
    assert events.count("alert.decided") == 2  # Huawei cleared, KOMID confirmed
    assert events[-1] == "lists.updated"
    update_event = json.loads(receiver.received[-1][1])["data"]
    assert update_event["rescreen"]["screened"] == 2
    assert service.audit_log(settings).verify().ok
