"""Rebuild the embedded default list snapshot (src/prosper/data/lists) from the list files.

Usage: .venv/bin/python scripts/build_snapshot.py --data DIR
(DIR: the folder of list files named below, one sub-folder per list snapshot, each with its
PROVENANCE.md, whose facts are copied into the provenance texts below; docs/lists.md lists them.)

Each list comes from the newest file that carries it (decided per list, 2026-12):

* ``us_ofac_sdn``: the SDN list published 2026-08-20 (a third party's derived rendering:
  names, types, programmes, aliases) joined by uid with OFAC's official aux files of the list
  published 2026-07-29 (addresses, alias kinds, remark fragments). The newest official
  ``sdn.csv`` available is of 2024-07-02, 19 months older; entries designated between
  2026-07-29 and 2026-08-20 have no aux data (the source's notes name them).
* ``us_csl``: the CSL ``consolidated.json`` of 2026-07-31 (derived compact rendering): Entity
  List, MEU, UVL, ISN, DTC, CAP. The only official full CSL available is of 2022-05.
* ``us_bis_dpl``: the DPL rows of that same 2026-07-31 CSL — newer than the dedicated
  ``dpl.txt`` (newest Last_Update 2023-11-28).
* ``us_ofac_cons``: the SSI, NS-MBS, CMIC and PLC rows of the 2026-07-31 CSL — newer than the
  dedicated ``cons_prim.csv`` set (2025-12-19), though without its addresses and remarks.
* ``un_sc``: UN consolidated.xml, dateGenerated 2026-08-01 (official).
* ``eu_fsf``: the EU FSF list as a derived JSON rendering of 2025-04-15 (official XML not
  obtainable here).
* ``au_dfat``: DFAT Consolidated List xlsx of 2026-07-23 (official).
* ``ca_sema``: Canada SEMA XML, listings to 2025-03-20 (official).
* ``jp_meti_eul``: METI End User List of 2025-09-29 (derived from METI's PDF).

Publication dates are those the data states (SourceInfo.published_basis says which field);
never a file's modification time. The embedded form is the normalised entities as
gzip-compressed JSON (see prosper.lists.codec): loading it is several times faster than
re-parsing the files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from prosper.lists.snapshot import SourceInfo
from prosper.lists.sources import SourceData, build_source
from prosper.lists.store import write_snapshot_dir
from prosper.model import Entity

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "src" / "prosper" / "data" / "lists"

CSL_2026 = "us_csl_derived_2026-07-31"
CSL_PROVENANCE = (
    "trade.gov Consolidated Screening List consolidated.json of 2026-07-31 "
    "(sourceGeneratedAt 2026-07-31T13:15:00Z), THIRD-PARTY DERIVED compact rendering "
    "screening-list.json (25,921 rows; all rows, lossy columns: no addresses, dates, remarks, "
    "birth data, nationalities, IDs, row ids); repo seelpeed-debug/export-controls-agent-mcp "
    "path src/data/screening-list.json commit 3a0bf5eb5890c1e6f79796cf89992eb7c974021a; "
    "sha256 4cb2be849d976ae3d72f69c03681d7284663ba7ffd9dbe4c2274c89760bd7c8e"
)
AUX_REPO = "repo zr101/sanctionscreen commit 62c1408f3fe6b7f67296224fd4c6b1248d183199 (2026-08-02)"
AUX_NOTE = (
    "official OFAC legacy CSV of the SDN list published 2026-07-29 (19,181 entries; dated by "
    "its counts, the files carry no date); joined to the 2026-08-20 rendering by uid = "
    "ent_num: entries designated after 2026-07-29 have no row here, rows of entries delisted "
    "since are ignored"
)
# source -> (folder, {role: (file name, provenance)})
SOURCES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "us_ofac_sdn": (
        "us_ofac_sdn_derived_2026-08-20",
        {
            "primary": (
                "ofac-sdn.json",
                "OFAC SDN list published 2026-08-20, THIRD-PARTY DERIVED rendering (19,249 "
                "entries: uid, name, type, programs, alternate names; no Remarks, DOB, "
                "addresses); repo kindrat86/ofac-sdn-json (CC0) path data/ofac-sdn.json commit "
                "3186e895e4ec63122cffece2d127e3f1fbe4c5c4",
            ),
            "metadata": (
                "metadata.json",
                "metadata of that rendering (published 2026-08-20, retrieved 2026-08-22); same "
                "repo and commit, path data/metadata.json",
            ),
            "add": (
                "../us_ofac_sdn_aux_2026-07-29/ofac_add.csv",
                f"OFAC ADD.CSV; {AUX_REPO} path data/cache/ofac_add.csv; {AUX_NOTE}",
            ),
            "alt": (
                "../us_ofac_sdn_aux_2026-07-29/ofac_alt.csv",
                f"OFAC ALT.CSV; {AUX_REPO} path data/cache/ofac_alt.csv; {AUX_NOTE}",
            ),
            "comments": (
                "../us_ofac_sdn_aux_2026-07-29/ofac_sdn_comments.csv",
                f"OFAC SDN_COMMENTS.CSV; {AUX_REPO} path data/cache/ofac_sdn_comments.csv; "
                f"{AUX_NOTE}; the fragments are kept as remarks (the Remarks they continue are "
                "not in the rendering)",
            ),
        },
    ),
    "us_ofac_cons": (
        CSL_2026,
        {
            "primary": (
                "screening-list.json",
                f"SSI, NS-MBS, CMIC and PLC rows of the {CSL_PROVENANCE}; chosen over the "
                "dedicated cons_prim.csv set of 2025-12-19 because it is newer",
            )
        },
    ),
    "un_sc": (
        "un_sc_consolidated_2026-08-01",
        {
            "primary": (
                "un.xml",
                "UN SC consolidated.xml dateGenerated 2026-08-01T23:00:03.110Z (official; 736 "
                "individuals + 275 entities); repo zr101/sanctionscreen path data/cache/un.xml "
                "commit 62c1408f3fe6b7f67296224fd4c6b1248d183199",
            )
        },
    ),
    "us_bis_dpl": (
        CSL_2026,
        {
            "primary": (
                "screening-list.json",
                f"DPL rows of the {CSL_PROVENANCE}; chosen over the dedicated dpl.txt (newest "
                "Last_Update 2023-11-28) because it is newer",
            )
        },
    ),
    "us_csl": (
        CSL_2026,
        {
            "primary": (
                "screening-list.json",
                f"{CSL_PROVENANCE}; its SDN, DPL, SSI, PLC, CMIC and NS-MBS rows are left out "
                "here (they are the us_ofac_sdn, us_bis_dpl and us_ofac_cons sources)",
            )
        },
    ),
    "eu_fsf": (
        "eu_fsf_derived_2025-04-15",
        {
            "primary": (
                "eu_sanctions.json",
                "EU Consolidated Financial Sanctions List (FSF), THIRD-PARTY DERIVED lossy JSON "
                "(meta.timestamp 2025-04-15, 5,307 records; built from the FSF XML of "
                "2025-03-13 … 2025-04-15; no programmes, addresses, nationalities, IDs); repo "
                "jaesu74/SP path docs/data/eu_sanctions.json commit "
                "2f3b17b8a6e1a6b9fdc659efad5643119071034c",
            )
        },
    ),
    "au_dfat": (
        "au_dfat_consolidated_2026-07-23",
        {
            "primary": (
                "dfat.xlsx",
                "Australia DFAT Consolidated List xlsx (official; docProps modified "
                "2026-07-23T04:05:22Z, newest Control Date 2026-07-21, 11,068 rows); repo "
                "zr101/sanctionscreen path data/cache/dfat.xlsx commit "
                "62c1408f3fe6b7f67296224fd4c6b1248d183199",
            )
        },
    ),
    "ca_sema": (
        "ca_sema_2025-05-25",
        {
            "primary": (
                "cannada.xml",
                "Canada Consolidated Autonomous Sanctions List sema-lmes.xml (official; 4,759 "
                "records, newest DateOfListing 2025-03-20); repo kebalkhadka/Sanctionslist path "
                "data/cannada.xml commit 9118555a76f364f138dbe4bb698758b12ef1dec3",
            )
        },
    ),
    "jp_meti_eul": (
        "jp_meti_eul_derived_2025-09-29",
        {
            "primary": (
                "jp.json",
                "Japan METI End User List, revision published 2025-09-29 (effective "
                "2025-10-09), THIRD-PARTY DERIVED JSON parsed from METI's PDF (835 entries); "
                "repo xyna-bpinelab/security-export-control-registry path data/entities/jp.json "
                "commit 87da65c26c1c4f0e27896a461aecf08ad03f5fe8",
            )
        },
    ),
}


WATCHMAN = "moov-io/watchman"
# a dedicated file that also carries a list the 2026 CSL carries: the newer of the two is used
# (compared by the publication date each states; the CSL wins a tie, being one consistent file)
ALTERNATIVES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "us_bis_dpl": (
        "us_bis_dpl_2023-11",
        {
            "primary": (
                "dpl.txt",
                f"BIS dpl.txt, latest Last_Update 2023-11-28; repo {WATCHMAN} path "
                "test/testdata/dpl.txt commit c815c5995ebd1f956027e62efbfb6f020f6425ad",
            )
        },
    ),
    "us_ofac_cons": (
        "us_ofac_non_sdn_2025-12",
        {
            role: (
                name,
                f"OFAC {name} 2025-12; repo {WATCHMAN} path test/testdata/{name} commit "
                "fca231b099c4b4d5022d03f4d36cdc4cae0f329c (2025-12-19)",
            )
            for role, name in (
                ("primary", "cons_prim.csv"),
                ("add", "cons_add.csv"),
                ("alt", "cons_alt.csv"),
                ("comments", "cons_comments.csv"),
            )
        },
    ),
}


def _read(source: str, data: Path, folder: str, roles: dict[str, tuple[str, str]]) -> SourceData:
    files = {role: (data / folder / name).resolve() for role, (name, _) in roles.items()}
    provenance = {files[role].name: text for role, (_, text) in roles.items()}
    return build_source(source, files, origin="embedded", provenance=provenance)


def _newer(first: SourceData, second: SourceData) -> SourceData:
    """The source whose data states the later publication date (``unknown`` is oldest)."""

    def key(data: SourceData) -> str:
        return "" if data.info.published == "unknown" else data.info.published

    return second if key(second) > key(first) else first


def build(data: Path, target: Path) -> list[tuple[SourceInfo, tuple[Entity, ...]]]:
    """Read every source from ``data`` and write the embedded snapshot into ``target``."""
    built: list[tuple[SourceInfo, tuple[Entity, ...]]] = []
    for source, (folder, roles) in SOURCES.items():
        result = _read(source, data, folder, roles)
        if source in ALTERNATIVES:
            other = _read(source, data, *ALTERNATIVES[source])
            chosen = _newer(result, other)
            print(
                f"{source}: {chosen.info.files[0].name} (published {chosen.info.published}) "
                f"chosen over "
                f"{(other if chosen is result else result).info.files[0].name} (published "
                f"{(other if chosen is result else result).info.published})"
            )
            result = chosen
        for problem in result.problems:
            print(f"  {source}: {problem}", file=sys.stderr)
        info = result.info
        print(
            f"{source}: {info.entity_count} entities, {info.name_count} names, published "
            f"{info.published} ({info.published_basis}), {info.status}, "
            f"{len(result.problems)} problems, {info.version[:19]}…"
        )
        built.append((info, result.entities))
    work = Path(tempfile.mkdtemp(prefix="snapshot-", dir=target.parent))
    try:
        write_snapshot_dir(work, built)
        work.chmod(0o755)  # mkdtemp makes it private; the package data is world-readable
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return built


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="folder of the list files (see docs/lists.md)"
    )
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    build(args.data, args.target)


if __name__ == "__main__":
    main()
