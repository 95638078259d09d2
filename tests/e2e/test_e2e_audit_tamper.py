"""The web page shows a tampered audit record under a red banner, never as if it were fine.

Checks a transaction through the page, edits the stored verdict in the database behind the
server's back, and reads the audit tab: a red banner over the list with the record flagged,
and a banner instead of the record when it is opened (the API answered 409). The edit is undone
at the end, so the session's shared server keeps an intact log for the other tests.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import Server

pytestmark = pytest.mark.slow

TX = {
    "id": "PO-TAMPER-1",
    "origin_country": "KR",
    "destination_country": "VN",
    "parties": [{"role": "end_user", "name": "Hanoi Robotics JSC", "country": "VN"}],
}


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_a_tampered_record_gets_a_red_banner(page: Any, server: Server) -> None:
    checked = httpx.post(
        f"{server.url}/v1/check",
        json=TX,
        headers={"X-API-Key": server.keys["screener"]},
        timeout=60,
    )
    assert checked.status_code == 200, checked.text
    record_id = checked.json()["audit"]["record_id"]
    database = server.data_dir / "audit.sqlite3"
    with sqlite3.connect(database) as conn:
        (original,) = conn.execute(
            "SELECT actor FROM audit_record WHERE id = ?", (record_id,)
        ).fetchone()
        conn.execute("UPDATE audit_record SET actor = 'mallory' WHERE id = ?", (record_id,))
    try:
        page.goto(f"{server.url}/?lang=en")
        page.get_by_role("textbox", name="API key").fill(server.keys["reviewer"])
        page.keyboard.press("Enter")
        page.locator("#who-name").wait_for(state="visible")
        page.get_by_role("tab", name="Audit log").click()
        banner = page.locator("#audit-list .tamper-banner")
        banner.wait_for()
        text = banner.inner_text()
        assert "tampered with" in text
        assert f"record {record_id}: hash mismatch (edited)" in text
        assert page.locator("#audit-list tr.tampered").count() == 1
        page.locator(f"button.open-record[data-id='{record_id}']").click()
        opened = page.locator("#audit-record .tamper-banner")
        opened.wait_for()
        assert re.search(rf"record {record_id}: hash mismatch", opened.inner_text())
        assert page.locator("#audit-record article.record").count() == 0
    finally:
        with sqlite3.connect(database) as conn:
            conn.execute("UPDATE audit_record SET actor = ? WHERE id = ?", (original, record_id))
