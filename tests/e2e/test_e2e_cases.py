"""The alert queue, one alert and the register in a real browser against a real server.

A reviewer imports a register file on the page (a bad file first: its row errors are shown and
nothing is imported), sees the alerts its screening opened, opens one — the party beside the
list entry, the feature table, the history — and proposes clearing it; a screener sees no
decision buttons; a second reviewer (the admin key) confirms. In English and in Korean.
Screenshots go to docs/screenshots/ when PROSPER_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import Server
from .test_e2e_web import TIMEOUT_MS, shot

pytestmark = pytest.mark.slow

GOOD = (
    "id;name;type;countries\n"
    "E2E-1;Korea Kwangson Banking Corp;organization;KP\n"
    "E2E-2;Acme Widgets GmbH;organization;DE\n"
    "E2E-3;이병철;person;KR\n"
)
BAD = "id,name,countries\nX-1,Fine,KR\nX-2,,KR\nX-3,Bad,XX\n"


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page: Any, server: Server, role: str, lang: str = "en") -> None:
    page.goto(f"{server.url}/cases?lang={lang}")
    page.locator("#api-key").fill(server.keys[role])
    page.keyboard.press("Enter")
    page.locator("#who-name").wait_for(state="visible")


def upload(page: Any, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    page.locator("#import-file").set_input_files(str(path))
    page.locator("#import-form button[type=submit]").click()


def test_queue_alert_and_register(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server, "reviewer")
    upload(page, tmp_path, "bad.csv", BAD)
    page.locator("#import-errors").wait_for()
    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 2
    assert "XX" in rows.nth(1).inner_text()
    upload(page, tmp_path, "register.csv", GOOD)
    page.locator("#import-ok").wait_for()
    page.locator("#queue-table").wait_for()
    assert "E2E-1" in page.locator("#queue-table").inner_text()
    assert "E2E-1" in page.locator("#register-table").inner_text()
    shot(page, "09-alert-queue", tmp_path)

    page.locator("#queue-table tbody tr", has_text="E2E-1").first.click()
    page.locator("#side").wait_for()
    side = page.locator("#side").inner_text()
    assert "Korea Kwangson Banking Corp" in side
    assert "KOREA KWANGSON BANKING CORP" in side.upper()
    assert page.locator("#explanation tbody tr").count() >= 1
    page.locator("#reason").fill("Different bank: registered in Seoul, no DPRK link")
    page.locator("#btn-false").click()
    page.locator("text=Four-eyes").wait_for()  # a sanctions list: a second reviewer must confirm
    shot(page, "10-alert", tmp_path)
    alert_url = page.url

    # a screener reads the alert but is offered no decision
    viewer = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    other = viewer.new_page()
    sign_in(other, server, "screener")
    other.goto(alert_url)
    other.locator("#viewer-only").wait_for()
    assert other.locator("#btn-true").count() == 0
    viewer.close()

    # a second reviewer confirms
    admin = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    second = admin.new_page()
    sign_in(second, server, "admin")
    second.goto(alert_url)
    second.locator("#reason").fill("Agree: not the listed bank")
    second.locator("#btn-false").click()
    second.locator("#history").get_by_text("confirmed").wait_for()
    assert "false positive" in second.locator("#alert-h").inner_text()
    admin.close()

    alert_id = int(re.findall(r"alert/(\d+)", alert_url)[0])
    r = httpx.get(
        f"{server.url}/v1/alerts/{alert_id}",
        headers={"X-API-Key": server.keys["screener"]},
        timeout=10,
    )
    assert r.json()["state"] == "false_positive"
    assert [e["action"] for e in r.json()["events"]] == ["opened", "proposed", "confirmed"]


def test_queue_in_korean(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server, "reviewer", lang="ko")
    page.locator("#queue-h").wait_for()
    assert page.locator("#queue-h").inner_text() == "경보 대기열"
    page.locator("#report").wait_for()
    shot(page, "11-alert-queue-ko", tmp_path)
