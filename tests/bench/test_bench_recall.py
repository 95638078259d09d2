"""The recall and false-positive harnesses: top-k arithmetic and alert summaries."""

from __future__ import annotations

import pytest

from false_positives import Screened, alert_summary
from recall import first_rank, parse_expected, topk_recall


def test_first_rank_takes_any_expected_id() -> None:
    hits = ["a", "b", "c", "d"]
    assert first_rank(hits, ["c"]) == 3
    assert first_rank(hits, ["d", "b"]) == 2
    assert first_rank(hits, ["z"]) is None
    assert first_rank([], ["a"]) is None


def test_topk_recall() -> None:
    ranks = [1, 2, 10, 11, 50, None]
    rec = topk_recall(ranks, (1, 10, 50))
    assert rec == {"top1": round(1 / 6, 4), "top10": 0.5, "top50": round(5 / 6, 4)}
    assert topk_recall([], (1,)) == {"top1": None}


def test_parse_expected() -> None:
    assert parse_expected("un_sc:KPi.076; us_ofac_sdn:23215;") == [
        "un_sc:KPi.076",
        "us_ofac_sdn:23215",
    ]


def test_alert_summary() -> None:
    results = [
        Screened("Ann Lee", "US", None, None, None),
        Screened("Kim Il", "KR", 0.91, "x:1", "KIM, Il", (("x:1", "KIM, Il"), ("x:2", "KIM"))),
        Screened("Kim Ok", "KR", 0.85, "x:1", "KIM, Il", (("x:1", "KIM, Il"),)),
        Screened("Bo Li", "CN", None, None, None),
    ]
    s = alert_summary(results, top=5)
    assert s["rows"] == 4
    assert s["alerts"] == 2
    assert s["alert_rate"] == pytest.approx(0.5)
    assert s["groups"]["KR"] == {"rows": 2, "alerts": 2, "alert_rate": 1.0}
    assert s["groups"]["US"]["alert_rate"] == 0.0
    assert [n["name"] for n in s["top_names"]] == ["Kim Il", "Kim Ok"]
    assert s["top_entities"][0] == {"entity": "x:1", "name": "KIM, Il", "alerts": 2}
    assert s["top_entities"][1]["name"] == "KIM"


def test_false_positive_row_halves_are_disjoint_and_complete() -> None:
    from false_positives import select_rows

    rows = [{"name": str(i)} for i in range(5)]
    even, odd = select_rows(rows, "even"), select_rows(rows, "odd")
    assert [r["name"] for r in even] == ["0", "2", "4"]
    assert [r["name"] for r in odd] == ["1", "3"]
    assert select_rows(rows, "all") == rows
