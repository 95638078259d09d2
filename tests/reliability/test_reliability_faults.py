"""A list update against a misbehaving server never installs anything bad: every fault leaves
the last good snapshot in force (issue 13: "faults installed 0 of ≥ 40")."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.reliability.conftest import FaultServer, Route, fast_options

from prosper.errors import InputError, ListDataError
from prosper.lists import load_snapshot
from prosper.lists.download import DownloadLimits
from prosper.lists.snapshot import CURRENT, SNAPSHOTS
from prosper.lists.update import UpdateOptions, UpdateResult, update_snapshot

# OFAC's CSVs state no date and the fixtures are smaller than the embedded default
BASELINE = {"allow_older": True, "allow_shrink": True}


def _state(snapshot_dir: Path) -> tuple[str, dict[str, str], list[str]]:
    snapshot = load_snapshot(snapshot_dir)
    folders = sorted(p.name for p in (snapshot_dir / SNAPSHOTS).iterdir())
    return (snapshot_dir / CURRENT).read_text(), snapshot.versions(), folders


def _baseline(snapshot_dir: Path, server: FaultServer) -> UpdateResult:
    result = update_snapshot(snapshot_dir, [], options=fast_options(server.base, **BASELINE))
    assert result.installed
    assert result.failed == ()
    assert result.refused == ()
    return result


def test_official_refresh_from_a_good_server(data_dir: Path, fault_server: FaultServer) -> None:
    snapshot_dir = data_dir / "lists"
    messages: list[str] = []
    result = update_snapshot(
        snapshot_dir, [], messages.append, options=fast_options(fault_server.base, **BASELINE)
    )
    assert result.installed
    assert result.skipped == ()
    served = {"us_ofac_sdn", "us_ofac_cons", "un_sc", "us_bis_dpl", "us_csl"}
    assert served <= set(result.updated)
    assert {"eu_fsf", "au_dfat", "ca_sema"} <= set(result.updated)
    assert any(m.startswith("[1/") and "downloading" in m for m in messages)
    un = load_snapshot(snapshot_dir).source("un_sc")
    assert un is not None
    assert (un.published, un.entity_count) == ("2026-03-01", 2)
    # the same publications again: nothing new, nothing written
    again = update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base, **BASELINE))
    assert not again.installed
    assert again.path == result.path


FAULTS = [
    ("sdn.csv", "truncate", "us_ofac_sdn", "cut short"),
    ("consolidated.xml", "html200", "un_sc", "HTML page"),
    ("dpl.txt", "404", "us_bis_dpl", "HTTP 404"),
    ("sdn_comments.csv", "500", "us_ofac_sdn", "HTTP 500"),
    ("cons_prim.csv", "hang", "us_ofac_cons", "no data for 0.5 s"),
    ("alt.csv", "trickle", "us_ofac_sdn", "deadline"),
    ("sema-lmes.xml", "bad_digest", "ca_sema", "does not match the published one"),
]


@pytest.mark.parametrize(("name", "fault", "source", "reason"), FAULTS)
def test_a_fault_keeps_the_last_good_snapshot(
    data_dir: Path, fault_server: FaultServer, name: str, fault: str, source: str, reason: str
) -> None:
    snapshot_dir = data_dir / "lists"
    _baseline(snapshot_dir, fault_server)
    before = _state(snapshot_dir)
    fault_server.routes[name].fault = fault
    result = update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base, **BASELINE))
    assert not result.installed
    (line,) = result.failed
    assert line.startswith(f"{source}: ")
    assert reason in line
    assert _state(snapshot_dir) == before
    leftovers = [p.name for p in snapshot_dir.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


WRONG_SCHEMA = [
    ("dpl.txt", b'"Name"\t"Street_Address"\n"X"\t"Y"\n', "us_bis_dpl"),
    ("consolidated.json", b'{"results": "not a list"}', "us_csl"),
    ("sdn.csv", b"ent_num,name\r\n1,x\r\n", "us_ofac_sdn"),
]


@pytest.mark.parametrize(("name", "body", "source"), WRONG_SCHEMA)
def test_wrong_schema_keeps_the_last_good_snapshot(
    data_dir: Path, fault_server: FaultServer, name: str, body: bytes, source: str
) -> None:
    snapshot_dir = data_dir / "lists"
    _baseline(snapshot_dir, fault_server)
    before = _state(snapshot_dir)
    fault_server.routes[name] = Route(body)
    result = update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base, **BASELINE))
    assert not result.installed
    assert [line.split(": ", 1)[0] for line in result.failed] == [source]
    assert _state(snapshot_dir) == before


def test_forged_duplicate_is_refused_over_http(data_dir: Path, fault_server: FaultServer) -> None:
    snapshot_dir = data_dir / "lists"
    _baseline(snapshot_dir, fault_server)
    before = _state(snapshot_dir)
    real = fault_server.routes["sdn.csv"].body
    forged = b'20157,"NOBODY, Harmless","individual","DPRK3"' + b",-0- " * 8 + b"\r\n"
    fault_server.routes["sdn.csv"] = Route(forged + real)
    result = update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base, **BASELINE))
    assert not result.installed
    (line,) = result.refused
    # the reader kept the forged first row and reports the real one as the duplicate
    assert line.startswith("us_ofac_sdn: sdn.csv:11: duplicate ent_num 20157")
    assert _state(snapshot_dir) == before
    kim = next(e for e in load_snapshot(snapshot_dir).entities if e.id == "us_ofac_sdn:20157")
    assert kim.name.startswith("KIM, Jong Un")


def test_every_source_failing_changes_nothing(data_dir: Path, fault_server: FaultServer) -> None:
    snapshot_dir = data_dir / "lists"
    _baseline(snapshot_dir, fault_server)
    before = _state(snapshot_dir)
    for route in fault_server.routes.values():
        route.fault = "500"
    with pytest.raises(InputError, match="HTTP 500") as failed:
        update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base, **BASELINE))
    lines = str(failed.value).splitlines()
    assert len(lines) == len({line.split(": ", 1)[0] for line in lines}) >= 8  # one per source
    assert all("HTTP 500" in line for line in lines)
    assert _state(snapshot_dir) == before


@pytest.mark.parametrize("fault", ["truncate", "html200", "404", "500", "hang", "trickle"])
def test_a_fault_on_a_given_url_installs_nothing(
    data_dir: Path, fault_server: FaultServer, fault: str
) -> None:
    """``--from URL`` is all or nothing: the update fails with one error naming the URL."""
    snapshot_dir = data_dir / "lists"
    _baseline(snapshot_dir, fault_server)
    before = _state(snapshot_dir)
    fault_server.routes["consolidated.xml"].fault = fault
    url = f"{fault_server.base}/consolidated.xml"
    with pytest.raises((InputError, ListDataError)) as failed:
        update_snapshot(snapshot_dir, [url], options=fast_options(**BASELINE))
    message = str(failed.value)
    assert "\n" not in message
    assert "consolidated.xml" in message
    assert _state(snapshot_dir) == before


def test_transient_failure_is_retried(data_dir: Path, fault_server: FaultServer) -> None:
    """A 500 on the first attempt and the file on the second: installed, two requests."""
    snapshot_dir = data_dir / "lists"
    route = fault_server.routes["consolidated.xml"]
    route.fault = "500"
    messages: list[str] = []

    def heal(message: str) -> None:
        messages.append(message)
        if message.startswith("retrying"):
            route.fault = "ok"

    url = f"{fault_server.base}/consolidated.xml"
    result = update_snapshot(snapshot_dir, [url], heal, options=fast_options(**BASELINE))
    assert result.installed
    assert fault_server.hits["consolidated.xml"] == 2
    assert any("attempt 2 of 2" in m and "HTTP 500" in m for m in messages)


@pytest.mark.parametrize("fault", ["hang", "trickle"])
def test_overall_deadline_bounds_a_slow_server(
    data_dir: Path, fault_server: FaultServer, fault: str
) -> None:
    """Not only a socket timeout: a server that hangs or sends a byte every 50 ms is cut off
    at the deadline of the whole download (here 1 s, with a 5 s read timeout)."""
    fault_server.routes["consolidated.xml"].fault = fault
    options = UpdateOptions(
        limits=DownloadLimits(deadline=1.0, read_timeout=5.0, attempts=3, retry_wait=0.01),
        lock_wait=0.0,
    )
    started = time.monotonic()
    with pytest.raises(InputError, match=r"not complete within the deadline of 1 s"):
        update_snapshot(
            data_dir / "lists", [f"{fault_server.base}/consolidated.xml"], options=options
        )
    assert time.monotonic() - started < 3.0
    assert not (data_dir / "lists" / CURRENT).exists()
