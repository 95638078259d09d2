"""Classification: TPP and density arithmetic, 3A090 thresholds, 4A090 per chip, .z, HBM, 4E091."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prosper.controls.classify import (
    classify_item,
    compute_tpp,
    paragraph_3a090,
    performance_density,
)
from prosper.controls.declared import is_wassenaar_eccn
from prosper.controls.thresholds import Thresholds
from prosper.model import Item, ItemKind, Performance
from prosper.rulebook import load_rulebook

T = Thresholds.from_table(load_rulebook().table("ear_advanced_computing"))
ON = date(2026, 11, 27)


def chip(**kw: Any) -> Item:
    base: dict[str, Any] = {"description": "chip", "kind": ItemKind.INTEGRATED_CIRCUIT}
    base.update(kw)
    return Item(**base)


def test_thresholds_come_from_the_table() -> None:
    assert (T.a1_tpp, T.a2_tpp, T.a2_pd) == (4800, 1600, 5.92)
    assert T.b1_tpp == (2400, 4800)
    assert T.b1_pd == (1.6, 5.92)
    assert T.b2_pd == (3.2, 5.92)
    assert T.hbm_density_gt == 2.0
    assert T.weights_ops_gte == 1e26


@pytest.mark.parametrize(
    ("perf", "area", "tpp", "pd"),
    [
        # research notes §2.1 worked examples (datasheet dense peaks)
        ([Performance(8, 1979)], 814, 15832, 19.45),  # H100/H200 SXM
        ([Performance(8, 1513)], 814, 12104, 14.87),  # H100 PCIe
        ([Performance(8, 624)], 826, 4992, 6.04),  # A100 (INT8)
        ([Performance(8, 296)], 814, 2368, 2.91),  # H20
        ([Performance(16, 181)], 790, 2896, 3.67),  # MI210
        ([Performance(8, 600), Performance(16, 300)], None, 4800, None),  # BIS example
    ],
)
def test_worked_examples(
    perf: list[Performance], area: float | None, tpp: float, pd: float | None
) -> None:
    got = compute_tpp(perf)
    assert got == pytest.approx(tpp)
    density = performance_density(got, area)
    if pd is None:
        assert density is None
    else:
        assert density == pytest.approx(pd, abs=0.01)


@pytest.mark.parametrize(
    ("tpp", "pd", "dc", "expected"),
    [
        (15832, 19.45, True, "a.1"),
        (4800, 1.0, True, "a.1"),  # 4800 exactly is .a.1
        (4799.9, 5.92, True, "a.2"),
        (1936, 6.56, True, "a.2"),  # L4 (density prong)
        (2896, 3.67, True, "b.1"),  # MI210
        (2400, 1.6, True, "b.1"),
        (2399, 3.2, True, "b.2"),
        (2368, 2.91, True, None),  # H20: not 3A090 by the numbers
        (1599, 10.0, True, None),
        (5285, 8.7, False, "a.1"),  # gaming GPU: .a, NAC/ACA eligible
        (4750, 6.3, False, None),  # datacenter note: not datacenter and TPP < 4800
    ],
)
def test_paragraph_thresholds(tpp: float, pd: float, dc: bool, expected: str | None) -> None:
    assert paragraph_3a090(tpp, pd, dc, T) == (expected, ())


def test_missing_die_area_near_thresholds_is_named() -> None:
    assert paragraph_3a090(3000, None, True, T) == (None, ("die_area_mm2",))
    assert paragraph_3a090(3000, None, None, T) == (None, ("die_area_mm2", "datacenter"))
    assert paragraph_3a090(6000, None, None, T) == ("a.1", ())  # TPP alone decides
    assert paragraph_3a090(1000, None, None, T) == (None, ())


tops = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)
bits = st.sampled_from([4, 6, 8, 16, 32, 64])


@given(st.lists(st.tuples(bits, tops), min_size=1, max_size=6))
def test_tpp_is_the_highest_bits_times_tops(entries: list[tuple[int, float]]) -> None:
    perf = [Performance(b, t) for b, t in entries]
    tpp = compute_tpp(perf)
    assert tpp is not None
    assert tpp >= 0
    assert all(tpp >= b * t for b, t in entries)
    assert any(math.isclose(tpp, b * t) for b, t in entries)


@given(tops, st.floats(min_value=1, max_value=5000, allow_nan=False))
def test_density_times_area_is_tpp(tpp: float, area: float) -> None:
    pd = performance_density(tpp, area)
    assert pd is not None
    assert math.isclose(pd * area, tpp, rel_tol=1e-9, abs_tol=1e-9)


@given(
    st.floats(min_value=0, max_value=60000, allow_nan=False),
    st.floats(min_value=0, max_value=60, allow_nan=False),
    st.sampled_from([True, False]),
)
def test_paragraphs_are_monotonic_in_tpp(tpp: float, pd: float, dc: bool) -> None:
    """More TPP at the same density never makes an .a chip leave .a."""
    par, needed = paragraph_3a090(tpp, pd, dc, T)
    assert needed == ()
    more, _ = paragraph_3a090(tpp * 1.5 + 1, pd, dc, T)
    if par is not None and par.startswith("a"):
        assert more is not None
        assert more.startswith("a")
    if tpp >= 4800:
        assert par == "a.1"
    if par is not None and par.startswith("b"):
        assert 1600 <= tpp < 4800
        assert pd < 5.92


def test_computer_is_judged_per_chip() -> None:
    server = Item(
        description="8x sub-threshold server",
        kind=ItemKind.COMPUTER,
        performance=(Performance(8, 150),),  # TPP 1200 for the most capable chip
        die_area_mm2=400,
        datacenter=True,
    )
    got = classify_item(server, ON, T)
    assert got.classification == "not 3A090/4A090"
    assert got.ac_level == "none"
    big = Item(
        description="8x H100 server",
        kind=ItemKind.COMPUTER,
        performance=(Performance(8, 1979),),
        die_area_mm2=814,
        datacenter=True,
    )
    assert classify_item(big, ON, T).classification == "4A090.a"


@pytest.mark.parametrize(
    ("eccn", "expected"),
    [
        ("5A992.c", "5A992.z.1"),
        ("4A004", "4A004.z.1"),
        ("5A002.a", "5A002.z (meets 3A090.a/4A090.a)"),
        ("3A001.a.1", "3A001.z (meets 3A090.a/4A090.a)"),
    ],
)
def test_z_paragraphs(eccn: str, expected: str) -> None:
    got = classify_item(chip(eccn=eccn, tpp=15832, die_area_mm2=814, datacenter=True), ON, T)
    assert got.classification == expected
    assert got.disagreement is None


def test_declared_eccn_disagreement_is_reported_not_replaced() -> None:
    got = classify_item(chip(eccn="EAR99", tpp=15832, die_area_mm2=814, datacenter=True), ON, T)
    assert got.classification == "3A090.a.1"
    assert got.declared_eccn == "EAR99"
    assert got.disagreement is not None
    assert "EAR99" in got.disagreement
    low = classify_item(chip(eccn="3A090.a", tpp=1000, datacenter=True), ON, T)
    assert low.disagreement is not None
    same = classify_item(chip(eccn="3A090.a", tpp=15832, datacenter=True), ON, T)
    assert same.disagreement is None


def test_datacenter_unknown_leaves_nac_undecided() -> None:
    got = classify_item(chip(tpp=15832), ON, T)
    assert got.classification == "3A090.a.1"
    assert got.nac_aca_eligible is None
    assert got.missing == ("datacenter",)


def test_hbm() -> None:
    hbm = Item(description="HBM3E", kind=ItemKind.HBM, memory_bandwidth_density=9.7)
    assert classify_item(hbm, ON, T).classification == "3A090.c"
    assert classify_item(hbm, date(2024, 11, 30), T).ac_level == "none"
    low = Item(description="HBM", kind=ItemKind.HBM, memory_bandwidth_density=2.0)
    assert classify_item(low, ON, T).ac_level == "none"  # "> 2", not ">= 2"
    unknown = Item(description="HBM", kind=ItemKind.HBM)
    assert classify_item(unknown, ON, T).missing == ("memory_bandwidth_density",)


def test_model_weights() -> None:
    big = Item(description="w", kind=ItemKind.MODEL_WEIGHTS, training_ops=1e26, published=False)
    assert classify_item(big, ON, T).classification == "4E091"
    small = Item(description="w", kind=ItemKind.MODEL_WEIGHTS, training_ops=9e25, published=False)
    assert classify_item(small, ON, T).ac_level == "none"
    open_w = Item(description="w", kind=ItemKind.MODEL_WEIGHTS, training_ops=1e27, published=True)
    got = classify_item(open_w, ON, T)
    assert got.published
    assert got.ac_level == "none"
    unknown = Item(description="w", kind=ItemKind.MODEL_WEIGHTS)
    assert classify_item(unknown, ON, T).missing == ("training_ops", "published")
    assert classify_item(big, date(2024, 6, 1), T).ac_level == "none"


def test_before_the_2023_thresholds_the_chip_is_unclassified() -> None:
    got = classify_item(chip(tpp=15832, datacenter=True), date(2023, 1, 1), T)
    assert got.ac_level is None


def test_software_and_other() -> None:
    tech = Item(description="t", kind=ItemKind.TECHNOLOGY, eccn="3E001")
    assert classify_item(tech, ON, T).ac_level == "tech"
    other = Item(description="cable", kind=ItemKind.OTHER)
    got = classify_item(other, ON, T)
    assert got.unclassified
    assert got.missing == ("eccn",)


@pytest.mark.parametrize(
    ("eccn", "expected"),
    [
        ("3A001.a.1", True),
        ("5A002.a", True),
        ("5A992.c", False),
        ("3A090.a", False),
        ("4E091", False),
        ("EAR99", False),
        ("0A501", False),
        (None, False),
    ],
)
def test_wassenaar_numbering(eccn: str | None, expected: bool) -> None:
    assert is_wassenaar_eccn(eccn) is expected


def test_declared_classification_is_used_when_nothing_can_verify_it() -> None:
    server = Item(description="server", kind=ItemKind.COMPUTER, eccn="4A090.a", datacenter=True)
    got = classify_item(server, ON, T)
    assert (got.classification, got.ac_level, got.nac_aca_eligible) == ("4A090.a", "a", False)
    assert any("used as given" in n for n in got.notes)
    z = classify_item(chip(eccn="5A992.z.2"), ON, T)
    assert (z.ac_level, z.nac_aca_eligible) == ("b", True)
    hbm = classify_item(Item(description="h", kind=ItemKind.HBM, eccn="3A090.c"), ON, T)
    assert hbm.ac_level == "c"
    w = classify_item(Item(description="w", kind=ItemKind.MODEL_WEIGHTS, eccn="4E091"), ON, T)
    assert w.ac_level == "weights"
    # a declared ECCN outside advanced computing does not stand in for missing parameters
    assert classify_item(chip(eccn="3A001.a.1"), ON, T).ac_level is None
