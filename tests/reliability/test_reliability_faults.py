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


def _ofac_xml(published: str, count: int) -> bytes:
    """The start of an OFAC XML export (its header, then entries: longer than the header)."""
    year, month, day = published.split("-")
    head = (
        '<?xml version="1.0" standalone="yes"?>\n<sdnList xmlns="https://tempuri.org/sdnList.xsd">\n'
        f"  <publshInformation><Publish_Date>{month}/{day}/{year}</Publish_Date>"
        f"<Record_Count>{count}</Record_Count></publshInformation>\n"
    )
    return head.encode() + b"  <sdnEntry><uid>36</uid></sdnEntry>\n" * 2_000


def test_ofac_date_from_its_xml_header(data_dir: Path, fault_server: FaultServer) -> None:
    """OFAC's CSVs state no date; the same publication's XML does. Its Publish_Date is used when
    its Record_Count equals the entities read — then an older OFAC file is refused without
    any --allow-older, and a newer one installs without it."""
    snapshot_dir = data_dir / "lists"
    routes = fault_server.routes
    routes["SDN.XML"] = Route(_ofac_xml("2026-07-29", 20))
    routes["CONSOLIDATED.XML"] = Route(_ofac_xml("2026-07-29", 20))
    _baseline(snapshot_dir, fault_server)
    sdn = load_snapshot(snapshot_dir).source("us_ofac_sdn")
    assert sdn is not None
    assert sdn.published == "2026-07-29"
    assert sdn.published_basis.startswith("Publish_Date of OFAC's SDN.XML (Record_Count 20")
    assert fault_server.hits["SDN.XML"] == 1
    # a newer publication: installed with no flag at all
    routes["SDN.XML"] = Route(_ofac_xml("2026-08-05", 20))
    newer = update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base))
    assert newer.installed
    assert newer.refused == newer.failed == ()
    installed = load_snapshot(snapshot_dir).source("us_ofac_sdn")
    assert installed is not None
    assert installed.published == "2026-08-05"
    before = _state(snapshot_dir)
    # an older one: refused, one line, nothing replaced
    routes["SDN.XML"] = Route(_ofac_xml("2026-07-01", 20))
    older = update_snapshot(snapshot_dir, [], options=fast_options(fault_server.base))
    assert not older.installed
    (line,) = older.refused
    assert line.startswith(
        "us_ofac_sdn: the new data (2026-07-01, 20 entities) is older than the installed data "
        "(2026-08-05, 20 entities)"
    )
    assert _state(snapshot_dir) == before
    # a header of another publication (other count): its date is not used → unknown → refused
    routes["SDN.XML"] = Route(_ofac_xml("2026-08-09", 19_181))
    messages: list[str] = []
    other = update_snapshot(
        snapshot_dir, [], messages.append, options=fast_options(fault_server.base)
    )
    (line,) = other.refused
    assert "states no publication date" in line
    assert any("not the same publication" in m for m in messages)
    assert _state(snapshot_dir) == before
