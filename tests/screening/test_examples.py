"""The screening golden examples (examples/party_*.yaml) through the whole check.

Each runs ``prosper.service.evaluate`` on the embedded lists: the party screening decides these
(the items alone would not), so they are checked here, not with the items' examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.service import evaluate, reset_engines
from prosper.settings import load_settings

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One data folder (one cached index) for the module."""
    folder = tmp_path_factory.mktemp("prosper-examples")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROSPER_DATA_DIR", str(folder))
        mp.delenv("PROSPER_DB_URL", raising=False)
        yield folder
    reset_engines()


def _example(name: str) -> Any:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def test_every_party_example_is_tested() -> None:
    assert {p.name for p in EXAMPLES.glob("party_*.yaml")} == {"party_us_ear99_to_sophgo.yaml"}


def test_ear99_to_sophgo_needs_a_licence_with_presumption_of_denial(data_dir: Path) -> None:
    doc = evaluate(_example("party_us_ear99_to_sophgo.yaml"), settings=load_settings())
    assert doc["verdict"] == "license_required"
    deciding = [f for f in doc["findings"] if f["verdict"] == "license_required"]
    assert deciding
    assert {f["review_policy"] for f in deciding} == {"presumption_of_denial"}
    assert any("744.11" in f["citation"] for f in deciding)
    sophgo = doc["parties"][1]
    listed = {x["entity_id"] for h in sophgo["hits"] for x in h["listings"]}
    assert any(e.startswith("us_csl:EL-") for e in listed)
    top = sophgo["hits"][0]
    assert top["license_requirement"].startswith("For all items subject to the EAR")
    assert top["license_policy"] == "Presumption of denial"


def test_stale_lists_make_a_clean_party_review(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the packaged limits (no test pin), the embedded SDN of 2026-08-20 is too old for a
    decision as of 2026-11-27: the clean exporter is review, naming the list and its age."""
    monkeypatch.delenv("PROSPER_LISTS_MAX_AGE_DAYS")
    doc = evaluate(_example("party_us_ear99_to_sophgo.yaml"), settings=load_settings())
    exporter = [f for f in doc["findings"] if f["subject"] == "parties[0]"]
    assert [f["verdict"] for f in exporter] == ["review"]
    assert exporter[0]["rule_id"] == "lists.screening.stale-list"
    assert (
        "us_ofac_sdn was published 2026-08-20: 99 days old on 2026-11-27" in exporter[0]["summary"]
    )
    assert doc["verdict"] == "license_required"  # the Entity List hit still decides
    # pinned fresh (as the rest of the suite runs), the exporter is a clean pass again
    monkeypatch.setenv("PROSPER_LISTS_MAX_AGE_DAYS", "36500")
    doc = evaluate(_example("party_us_ear99_to_sophgo.yaml"), settings=load_settings())
    assert [f["verdict"] for f in doc["findings"] if f["subject"] == "parties[0]"] == ["allowed"]


def test_screening_result_says_which_lists_are_derived() -> None:
    from prosper.lists import load_embedded_snapshot
    from prosper.screening.document import result_document
    from prosper.screening.query import Query

    doc = result_document(Query("x"), 0.8, load_embedded_snapshot().sources, ())
    status = {x["source"]: x["status"] for x in doc["lists"]}
    assert status["us_ofac_sdn"] == "derived"  # the 2026-08-20 third-party rendering
    assert status["un_sc"] == "official"
    assert set(status.values()) <= {"official", "derived"}
