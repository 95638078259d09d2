"""Rebuild the embedded default list snapshot (src/prosper/data/lists) from the official files.

Usage: .venv/bin/python scripts/build_snapshot.py [--data DIR]
(DIR defaults to ../shared/data/lists next to the repository.)

Each file's provenance below is copied from that folder's SOURCES.md. The embedded form is
the normalised entities as gzip-compressed JSON (see prosper.lists.codec) rather than the
official files themselves: loading it takes about 0.5 s where re-parsing the files takes about
5 s, at about the same size (1.9 MB against 2.2 MB for the gzip-compressed official files).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from prosper.lists.snapshot import SourceInfo
from prosper.lists.sources import build_source
from prosper.lists.store import write_snapshot_dir
from prosper.model import Entity

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "src" / "prosper" / "data" / "lists"

WATCHMAN = "moov-io/watchman"
AUX_NOTE = (
    "joined to sdn.csv 2024-07-02 by ent_num, only for ent_nums present in that sdn.csv "
    "(the aux file is from a later date; rows of entries designated after 2024-07-02 are "
    "ignored, and entries delisted by 2025-12 have no row)"
)
# source -> (folder, published date, {role: (file name, provenance)})
SOURCES: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "us_ofac_sdn": (
        "us_ofac_sdn_2024-07-02",
        "2024-07-02",
        {
            "primary": (
                "sdn.csv",
                "OFAC sdn.csv fetched 2024-07-02T08:24:03Z; repo markschaver/SDN path data.csv "
                "commit 2b9a783f6f5345b491d3c74211d2f7743817c220 (the newest full SDN file "
                "available)",
            ),
            "add": (
                "../us_ofac_sdn_aux_2025-12/add.csv",
                f"OFAC add.csv 2025-12; repo {WATCHMAN} path internal/tfidf/testdata/add.csv "
                f"commit 2928c9496384fa9fad4e21bddd144c8fd42587b1; {AUX_NOTE}",
            ),
            "alt": (
                "../us_ofac_sdn_aux_2025-12/alt.csv",
                f"OFAC alt.csv 2025-12; repo {WATCHMAN} path internal/tfidf/testdata/alt.csv "
                f"commit 2928c9496384fa9fad4e21bddd144c8fd42587b1; {AUX_NOTE}",
            ),
            "comments": (
                "../us_ofac_sdn_aux_2025-12/sdn_comments.csv",
                f"OFAC sdn_comments.csv 2025-12; repo {WATCHMAN} path "
                f"internal/tfidf/testdata/sdn_comments.csv commit "
                f"2928c9496384fa9fad4e21bddd144c8fd42587b1; {AUX_NOTE}; appended only to Remarks "
                "cut at OFAC's 1,000-character width",
            ),
        },
    ),
    "us_ofac_cons": (
        "us_ofac_non_sdn_2025-12",
        "2025-12-19",
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
    "un_sc": (
        "un_sc_consolidated_2026-02-27",
        "2026-02-27",
        {
            "primary": (
                "UN_consolidated.xml",
                f"UN SC consolidated.xml dateGenerated 2026-02-27T00:00:09.554Z; repo {WATCHMAN} "
                "path test/testdata/UN_consolidated.xml commit "
                "612b2174c7753aaf7166f59bbefcdfecbb1681de",
            )
        },
    ),
    "us_bis_dpl": (
        "us_bis_dpl_2023-11",
        "2023-11-28",
        {
            "primary": (
                "dpl.txt",
                f"BIS dpl.txt, latest Last_Update 2023-11-28; repo {WATCHMAN} path "
                "test/testdata/dpl.txt commit c815c5995ebd1f956027e62efbfb6f020f6425ad",
            )
        },
    ),
    "us_csl": (
        "us_csl_sample_2023-11",
        "2023-11-16",
        {
            "primary": (
                "csl.csv",
                f"trade.gov consolidated.csv PARTIAL extract (4,227 of the CSL's records; latest "
                f"start_date 2023-11-16); repo {WATCHMAN} path test/testdata/csl.csv commit "
                "c815c5995ebd1f956027e62efbfb6f020f6425ad; its SDN, DPL, SSI, PLC, CMIC and "
                "NS-MBS rows are left out (they come from the dedicated OFAC and DPL files)",
            )
        },
    ),
}


def build(data: Path, target: Path) -> list[tuple[SourceInfo, tuple[Entity, ...]]]:
    """Read every source from ``data`` and write the embedded snapshot into ``target``."""
    built: list[tuple[SourceInfo, tuple[Entity, ...]]] = []
    for source, (folder, published, roles) in SOURCES.items():
        files = {role: (data / folder / name).resolve() for role, (name, _) in roles.items()}
        provenance = {files[role].name: text for role, (_, text) in roles.items()}
        result = build_source(
            source, files, origin="embedded", published=published, provenance=provenance
        )
        for problem in result.problems:
            print(f"  {source}: {problem}", file=sys.stderr)
        info = result.info
        print(
            f"{source}: {info.entity_count} entities, {info.name_count} names, "
            f"{len(result.problems)} problems, {info.version[:19]}…"
        )
        built.append((info, result.entities))
    work = Path(tempfile.mkdtemp(prefix="snapshot-", dir=target.parent))
    try:
        write_snapshot_dir(work, built)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return built


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "lists")
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    build(args.data, args.target)


if __name__ == "__main__":
    main()
