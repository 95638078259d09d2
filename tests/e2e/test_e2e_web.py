"""The three jobs of a compliance officer, in a real browser against a real server.

Sign in with a key made by `prosper keys create`, screen a listed name and see it flagged,
upload an example transaction and read the decision, open its audit record and verify the
chain, look at the list snapshots; in English and in Korean. Screenshots go to the test's
temporary folder, and to docs/screenshots/ when PROSPER_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Server

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "kr_to_vn_rngd.yaml"
LISTED_LATIN = "Korea Kwangson Banking Corp"
SCREENSHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 30_000


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page: Any, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if os.environ.get("PROSPER_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, server: Server, role: str, lang: str = "en") -> None:
    page.goto(f"{server.url}/?lang={lang}")
    page.get_by_role("textbox", name=re.compile("^(API key|API 키)$")).fill(server.keys[role])
    page.keyboard.press("Enter")
    page.locator("#who-name").wait_for(state="visible")
    assert page.locator("#who-name").inner_text() == f"e2e-{role}"


def test_bad_key_is_refused(page: Any, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.url}/?lang=en")
    assert page.locator("#who").is_hidden()
    assert page.locator("#app").is_hidden()
    shot(page, "01-sign-in", tmp_path)
    page.fill("#api-key", "psk_00000000_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    page.locator("#login-error").wait_for(state="visible")
    assert "not accepted" in page.locator("#login-error").inner_text()
    assert page.locator("#app").is_hidden()
    assert page.locator("#who").is_hidden()


def test_screen_a_listed_name_and_see_it_flagged(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server, "screener")
    page.get_by_role("textbox", name=re.compile("^Name ")).fill(LISTED_LATIN)
    page.get_by_role("button", name="Screen", exact=True).click()
    flagged = page.locator("#screen-result tr.is-match")
    flagged.first.wait_for()
    row = flagged.first.inner_text()
    assert "MATCH" in row
    assert "KWANGSON" in row.upper()
    assert "us_ofac_sdn" in row
    shot(page, "02-screen", tmp_path)
    # an unlisted name is not flagged
    page.get_by_role("textbox", name=re.compile("^Name ")).fill("Zyxwvut Qponmlk Trading")
    page.get_by_role("button", name="Screen", exact=True).click()
    page.locator("#screen-result p.ok").wait_for()
    assert page.locator("#screen-result tr.is-match").count() == 0


def test_check_an_example_and_open_its_audit_record(
    page: Any, server: Server, tmp_path: Path
) -> None:
    sign_in(page, server, "reviewer")
    page.get_by_role("tab", name="Check a transaction").click()
    page.set_input_files("#tx-file", str(EXAMPLE))
    page.wait_for_function("document.getElementById('tx-document').value.includes('PO-2026-0142')")
    page.get_by_role("button", name="Check", exact=True).click()
    decision = page.locator("#check-result article.decision")
    decision.wait_for()
    text = decision.inner_text()
    assert "PO-2026-0142" in text
    assert re.search(r"prohibited|license_required|review|allowed", text)
    assert page.locator("#check-result table.findings tbody tr").count() >= 1
    assert page.locator("#check-result .citation").first.inner_text().strip()
    assert page.locator("#check-result .divergence").count() == 1
    shot(page, "03-check", tmp_path)

    page.get_by_role("button", name="Open audit record").click()
    record = page.locator("#audit-record article.record")
    record.wait_for()
    record_text = record.inner_text()
    assert "key:" in record_text
    assert "e2e-reviewer" in record_text
    assert re.search(r"sha256:[0-9a-f]{64}", record_text)
    page.get_by_role("button", name="Verify the hash chain").click()
    page.locator("#verify-result p.ok").wait_for()
    assert "verifies" in page.locator("#verify-result").inner_text()
    shot(page, "04-audit", tmp_path)


def test_quick_form_builds_a_transaction(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server, "screener")
    page.get_by_role("tab", name="Check a transaction").click()
    page.click("#quick-form summary")
    page.fill("#tx-id", "PO-FORM-1")
    page.fill("#tx-origin", "kr")
    page.fill("#tx-destination", "kp")
    names = page.locator("#tx-parties input[id^=p-name-]")
    names.nth(0).fill("Samsung Electronics")
    names.nth(1).fill(LISTED_LATIN)
    page.locator("#tx-parties input[id^=p-country-]").nth(1).fill("KP")
    page.locator("#tx-items input[id^=i-desc-]").first.fill("Server GPU board")
    page.click("#fill-document")
    document = page.locator("#tx-document").input_value()
    assert '"destination_country": "KP"' in document
    page.get_by_role("button", name="Check", exact=True).click()
    page.locator("#check-result article.decision").wait_for()
    assert "prohibited" in page.locator("#check-result h3").inner_text()
    shot(page, "07-quick-form", tmp_path)


def test_audit_needs_reviewer_and_lists_show_age(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server, "screener")
    page.get_by_role("tab", name="Audit log").click()
    assert "reviewer" in page.locator("#audit-list").inner_text()
    page.get_by_role("tab", name="Lists").click()
    rows = page.locator("#lists-result tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 2
    assert re.search(r"\d+ days", page.locator("#lists-result").inner_text())
    shot(page, "05-lists", tmp_path)


def test_korean_page_and_keyboard(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server, "screener", lang="ko")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("tab", name="이름 검색").is_visible()
    # tabs move with the arrow keys (WAI-ARIA tabs pattern)
    page.get_by_role("tab", name="이름 검색").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("tab", name="거래 심사").get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowLeft")
    page.get_by_role("textbox", name=re.compile("^이름 ")).fill("김정은")
    page.get_by_role("textbox", name=re.compile("^이름 ")).press("Enter")
    flagged = page.locator("#screen-result tr.is-match")
    flagged.first.wait_for()
    assert "KIM, Jong Un" in flagged.first.inner_text()
    assert "일치" in flagged.first.inner_text()
    shot(page, "06-screen-ko", tmp_path)
    page.get_by_role("tab", name="거래 심사").click()
    page.get_by_role("button", name="심사", exact=True).click()
    verdict = page.locator("#check-result h3 .verdict")
    verdict.wait_for()
    assert re.search(r"[가-힣]", verdict.inner_text())
    assert verdict.get_attribute("title") in {
        "prohibited",
        "license_required",
        "review",
        "allowed_with_conditions",
        "allowed",
        "not_subject",
    }
    shot(page, "08-check-ko", tmp_path)
