"""The accuracy harness: metric arithmetic, best-threshold search, input reading, a tiny run."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

from accuracy import (
    Confusion,
    best_threshold,
    confusion,
    main,
    parse_label,
    read_rows,
    timing,
)


def test_confusion_counts_and_rates() -> None:
    scores = [0.95, 0.85, 0.80, 0.79, 0.40, 0.90]
    labels = [True, True, False, True, False, False]
    c = confusion(scores, labels, 0.8)
    # ≥ 0.8: 0.95 (T), 0.85 (T), 0.80 (F), 0.90 (F); below: 0.79 (T), 0.40 (F)
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 2, 1, 1)
    assert c.precision == pytest.approx(0.5)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert c.accuracy == pytest.approx(0.5)


def test_undefined_rates_are_none() -> None:
    nothing_predicted = Confusion(tp=0, fp=0, fn=3, tn=2)
    assert nothing_predicted.precision is None
    assert nothing_predicted.recall == 0.0
    assert nothing_predicted.f1 == 0.0
    no_positives = Confusion(tp=0, fp=1, fn=0, tn=4)
    assert no_positives.recall is None
    assert no_positives.as_dict()["recall"] is None


def test_best_threshold_finds_the_f1_maximum() -> None:
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    labels = [True, True, False, True, False, False]
    t, c = best_threshold(scores, labels)
    # t=0.8 → P 1, R 2/3, F1 0.8; t=0.6 → P 3/4, R 1, F1 6/7 ≈ 0.857 (the best)
    assert t == 0.6
    assert (c.tp, c.fp, c.fn, c.tn) == (3, 1, 0, 2)
    # brute force over every candidate threshold agrees
    brute = max((confusion(scores, labels, x).f1 or 0.0) for x in scores)
    assert c.f1 == pytest.approx(brute)


def test_best_threshold_moves_tied_scores_together_and_prefers_higher() -> None:
    # the two 0.7 pairs (one true, one false) flip together
    scores = [0.7, 0.7, 0.9]
    labels = [True, False, True]
    t, c = best_threshold(scores, labels)
    assert t == 0.7
    assert (c.tp, c.fp) == (2, 1)
    # F1 2/3 at 0.9 (TP 1, FN 1) and at 0.5 (TP 2, FP 2), 0.5 at 0.6: the higher one wins
    scores2 = [0.9, 0.6, 0.5, 0.5]
    labels2 = [True, False, True, False]
    assert confusion(scores2, labels2, 0.5).f1 == pytest.approx(2 / 3)
    t2, c2 = best_threshold(scores2, labels2)
    assert t2 == 0.9
    assert c2.f1 == pytest.approx(2 / 3)


def test_best_threshold_without_positives() -> None:
    t, c = best_threshold([0.3, 0.6], [False, False])
    assert t > 0.6
    assert (c.tp, c.fp, c.tn) == (0, 0, 2)


def test_parse_label() -> None:
    assert all(parse_label(v) for v in ("1", "true", "Yes"))
    assert not any(parse_label(v) for v in ("0", "false", "no"))
    with pytest.raises(ValueError, match="is_match"):
        parse_label("maybe")


def test_read_rows_csv_and_gz_and_limit(tmp_path: Path) -> None:
    text = "name1,name2,is_match\nA,B,1\nC,D,0\nE,F,1\n"
    plain = tmp_path / "p.csv"
    plain.write_text(text, encoding="utf-8")
    packed = tmp_path / "p.csv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    assert read_rows(plain) == read_rows(packed)
    assert [r["name1"] for r in read_rows(plain, limit=2)] == ["A", "C"]


def test_timing_percentiles() -> None:
    t = timing([0.001] * 99 + [0.1])
    assert t["p50_us"] == pytest.approx(1000.0)
    assert t["p99_us"] == pytest.approx(100000.0)
    assert timing([]) == {}


def test_tiny_run_writes_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("prosper.matching")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,is_match,schema,category\n"
        "Vladimir Putin,PUTIN Vladimir,1,Person,reorder\n"
        "George Bush,George HABBASH,0,Person,neg_hand\n",
        encoding="utf-8",
    )
    out = tmp_path / "acc.json"
    report = main([str(pairs), "--matchers", "prosper", "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["pairs"] == 2
    m = report["matchers"]["prosper"]
    assert set(m["categories"]) == {"neg_hand", "reorder"}
    assert m["at_threshold"]["tp"] + m["at_threshold"]["fn"] == 1
    assert "prosper" in capsys.readouterr().out


@pytest.mark.skipif(
    importlib.util.find_spec("nomenklatura") is None, reason="nomenklatura is bench-only"
)
def test_nomenklatura_scorers_use_fresh_entity_ids() -> None:
    # nomenklatura caches by entity id: reusing ids would return the first pair's score
    from accuracy import nomenklatura_scorers

    ofac = nomenklatura_scorers()["ofac"]
    same = ofac("Vladimir Putin", "Vladimir Putin", "Person")
    other = ofac("Vladimir Putin", "Xiang Li", "Person")
    assert same == pytest.approx(1.0)
    assert other is not None
    assert other < 0.8


def test_kind_subsets_keep_negatives_and_drop_other_kinds_from_the_spelling_subset(
    tmp_path: Path,
) -> None:
    from accuracy import kind_subsets, read_kinds

    kinds_file = tmp_path / "kinds.csv"
    kinds_file.write_text(
        "# how it was made\nname1,name2,kind\nA,A2,spelling\nB,B2,translation\nC,C2,other_name\n",
        encoding="utf-8",
    )
    kinds = read_kinds(kinds_file)
    assert kinds[("B", "B2")] == "translation"
    pairs = [
        {"name1": "A", "name2": "A2"},
        {"name1": "B", "name2": "B2"},
        {"name1": "C", "name2": "C2"},
        {"name1": "K", "name2": "K2"},  # a positive nobody labelled
        {"name1": "N", "name2": "M"},  # a negative
    ]
    labels = [True, True, True, True, False]
    subsets = kind_subsets(pairs, labels, kinds)
    assert subsets["kind:spelling"] == [0, 4]
    assert subsets["kind:translation"] == [1, 4]
    assert subsets["kind:unlabelled"] == [3, 4]
    assert subsets["spelling subset"] == [0, 3, 4]


def test_main_reports_kinds(tmp_path: Path) -> None:
    pytest.importorskip("prosper.matching")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,is_match,schema\nKim Jong Un,KIM Jong Un,1,Person\n"
        "Grupo Orion,Burma Steel,1,Organization\nJohn Smith,Ali Hassan,0,Person\n",
        encoding="utf-8",
    )
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("name1,name2,kind\nGrupo Orion,Burma Steel,other_name\n", encoding="utf-8")
    out = str(tmp_path / "out.json")
    args = [str(pairs), "--matchers", "prosper", "--kinds", str(kinds), "--cost", "--out", out]
    report = main(args)
    subsets = report["matchers"]["prosper"]["subsets"]
    assert subsets["spelling subset"]["tp"] + subsets["spelling subset"]["fn"] == 1
    assert subsets["kind:other_name"]["fn"] == 1
    assert report["score_name_cost"]["first_pass_cpu_us"] > 0
