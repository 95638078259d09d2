"""The web page renders in both languages, offline, with labelled controls."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from prosper.web.i18n import STRINGS


def test_both_languages_have_the_same_words() -> None:
    assert set(STRINGS["en"]) == set(STRINGS["ko"])
    assert all(v.strip() for lang in STRINGS.values() for v in lang.values())


def test_page_renders_in_english_and_korean(client: TestClient) -> None:
    en = client.get("/?lang=en")
    assert en.status_code == 200
    assert '<html lang="en">' in en.text
    assert "Screen a name" in en.text
    ko = client.get("/?lang=ko")
    assert '<html lang="ko">' in ko.text
    assert "이름 검색" in ko.text
    assert ko.cookies.get("prosper_lang") == "ko"
    # the cookie keeps the choice; Accept-Language is the fallback
    assert '<html lang="ko">' in client.get("/").text
    client.cookies.clear()
    assert '<html lang="ko">' in client.get("/", headers={"Accept-Language": "ko-KR"}).text


def test_page_has_no_external_resources_and_labels_every_control(client: TestClient) -> None:
    html = client.get("/?lang=en").text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids
    assert ids <= labelled
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_page_sends_a_strict_content_security_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_every_word_of_the_template_is_rendered(client: TestClient) -> None:
    # a key named like a dict method (t.items) would render the method, not the word
    for lang in ("en", "ko"):
        html = client.get(f"/?lang={lang}").text
        assert "built-in method" not in html
        assert STRINGS[lang]["items"] in html
