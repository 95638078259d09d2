"""Pairwise name-matching accuracy: Prosper vs nomenklatura ``logic-v2`` and ``ofac``.

Usage::

    bench/.venv/bin/python bench/accuracy.py bench/datasets/pairs.csv [--threshold 0.8]
        [--limit N] [--matchers prosper,prosper-ofac,logic-v2,ofac]
        [--kinds bench/datasets/heldout_name_kinds.csv] [--out bench/results/accuracy.json]

``PAIRS.csv`` (or ``.csv.gz``) has the columns ``name1,name2,is_match`` and optionally
``schema`` (``Person``, ``Organization``, ``LegalEntity``) and ``category``. ``name1`` is the
screened name (query), ``name2`` the list name. For each matcher the harness reports precision,
recall and F1 at the threshold (default: ``prosper.settings.DEFAULT_THRESHOLD``) and at the
threshold that maximises F1, the time per pair, a per-category breakdown when a ``category``
column exists, and the worst errors (to tune against). A pair counts as a predicted match when
``score >= threshold``.

Matchers: ``prosper`` (``prosper.matching.match_names``), ``prosper-ofac`` (its
``ofac_score``), and, when nomenklatura is installed (bench environment only, never a runtime
dependency), ``logic-v2`` and ``ofac``. A matcher that cannot be imported is skipped with a
note.

``--kinds KINDS.csv`` (``name1,name2,kind``, ``#`` comment lines allowed) names the kind of
some positive pairs — ``spelling`` (the same name written otherwise), ``translation`` or
``other_name`` (another name of the same party). The report then adds, per matcher, F1 on each
kind's positives with all the negatives, and on the ``spelling`` subset: every pair except the
positives of another kind (unlabelled positives, e.g. the Korean query forms, stay in).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

Scorer = Callable[[str, str, str | None], float | None]


# --------------------------------------------------------------------------- input


def read_rows(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    """Rows of a ``.csv`` or ``.csv.gz`` file as dicts (first ``limit`` rows when given).

    Raises:
        SystemExit: the file is missing or has no header.
    """
    if not path.exists():
        raise SystemExit(f"{path}: no such file")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    if reader.fieldnames is None:
        raise SystemExit(f"{path}: empty file")
    rows = itertools.islice(reader, limit) if limit is not None else reader
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in rows]


def require_columns(path: Path, rows: Sequence[dict[str, str]], columns: Iterable[str]) -> None:
    """Stop with a clear message when ``rows`` lack one of ``columns``."""
    missing = [c for c in columns if rows and c not in rows[0]]
    if missing:
        raise SystemExit(f"{path}: missing column(s) {', '.join(missing)}")


def read_kinds(path: Path) -> dict[tuple[str, str], str]:
    """``(name1, name2) → kind`` from a kinds file (``#`` lines are comments)."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return {(r["name1"], r["name2"]): r["kind"].strip() for r in rows}


def kind_subsets(
    pairs: Sequence[dict[str, str]], labels: Sequence[bool], kinds: dict[tuple[str, str], str]
) -> dict[str, list[int]]:
    """Pair indexes per subset: ``kind:<k>`` = the positives of kind k + every negative;
    ``spelling subset`` = every pair but the positives labelled with another kind than
    ``spelling``; ``unlabelled positives`` are counted apart."""
    negatives = [i for i, y in enumerate(labels) if not y]
    per_kind: dict[str, list[int]] = {}
    for i, row in enumerate(pairs):
        if labels[i]:
            kind = kinds.get((row["name1"], row["name2"]), "unlabelled")
            per_kind.setdefault(kind, []).append(i)
    out = {f"kind:{k}": sorted(idx + negatives) for k, idx in sorted(per_kind.items())}
    other = {i for k, idx in per_kind.items() if k not in ("spelling", "unlabelled") for i in idx}
    out["spelling subset"] = [i for i in range(len(pairs)) if i not in other]
    return out


def parse_label(value: str) -> bool:
    """``is_match`` cell → bool (1/0, true/false, yes/no)."""
    text = value.strip().lower()
    if text in ("1", "true", "yes", "y", "t"):
        return True
    if text in ("0", "false", "no", "n", "f"):
        return False
    raise ValueError(f"is_match must be 1/0, true/false or yes/no, not {value!r}")


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Confusion:
    """Counts of a binary decision against labels."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP); None when nothing was predicted positive."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN); None when there are no positives."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2·TP / (2·TP + FP + FN); None when there are neither positives nor predictions."""
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else None

    @property
    def accuracy(self) -> float | None:
        """(TP + TN) / all."""
        n = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / n if n else None

    def as_dict(self) -> dict[str, Any]:
        """Counts and rates, rounded, for JSON."""
        out: dict[str, Any] = {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}
        for key in ("precision", "recall", "f1", "accuracy"):
            value = getattr(self, key)
            out[key] = None if value is None else round(value, 4)
        return out


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Confusion:
    """Confusion counts when ``score >= threshold`` predicts a match."""
    tp = fp = fn = tn = 0
    for score, label in zip(scores, labels, strict=True):
        predicted = score >= threshold
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    return Confusion(tp, fp, fn, tn)


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, Confusion]:
    """The threshold (one of the scores) with the highest F1, and its confusion counts.

    Ties go to the higher threshold (fewer alerts for the same F1). With no positive labels
    the best threshold is just above the highest score (F1 undefined, no false positives).
    """
    positives = sum(labels)
    n = len(labels)
    if positives == 0 or n == 0:
        top = max(scores, default=0.0)
        return top + 1e-9, Confusion(0, 0, 0, n)
    order = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    best_t, best = order[0][0], Confusion(0, 0, positives, n - positives)
    best_f1 = -1.0
    tp = fp = 0
    i = 0
    while i < n:
        t = order[i][0]
        while i < n and order[i][0] == t:  # every pair with this score flips together
            tp += order[i][1]
            fp += not order[i][1]
            i += 1
        c = Confusion(tp, fp, positives - tp, n - positives - fp)
        f1 = c.f1 or 0.0
        if f1 > best_f1:
            best_t, best, best_f1 = t, c, f1
    return best_t, best


def timing(seconds: Sequence[float]) -> dict[str, float]:
    """Mean / p50 / p95 / p99 in microseconds."""
    if not seconds:
        return {}
    us = sorted(s * 1e6 for s in seconds)

    def pct(p: float) -> float:
        return us[min(len(us) - 1, int(p * len(us)))]

    return {
        "mean_us": round(statistics.fmean(us), 1),
        "p50_us": round(pct(0.50), 1),
        "p95_us": round(pct(0.95), 1),
        "p99_us": round(pct(0.99), 1),
    }


# --------------------------------------------------------------------------- matchers


def prosper_scorers() -> dict[str, Scorer]:
    """``prosper`` (match_names) and ``prosper-ofac`` (its OFAC-style score) when importable."""
    try:
        from prosper.matching import match_names
        from prosper.model import EntityType
    except ImportError as exc:
        print(f"note: prosper matcher unavailable ({exc}); skipped", file=sys.stderr)
        return {}
    types = {"person": EntityType.PERSON, "organization": EntityType.ORGANIZATION}

    def score(a: str, b: str, schema: str | None) -> float:
        return float(match_names(a, b, types.get((schema or "").lower())).score)

    out: dict[str, Scorer] = {"prosper": score}
    try:
        from prosper.matching import ofac_score
    except ImportError:
        return out

    def ofac(a: str, b: str, schema: str | None) -> float:
        return float(ofac_score(a, b))

    out["prosper-ofac"] = ofac
    return out


def nomenklatura_scorers() -> dict[str, Scorer]:
    """``logic-v2`` and ``ofac`` from nomenklatura (empty when it is not installed)."""
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        print(
            "note: nomenklatura not installed (bench/.venv); logic-v2/ofac skipped", file=sys.stderr
        )
        return {}
    config = ScoringConfig.defaults()
    counter = itertools.count()
    schemata = {"person": "Person", "organization": "Organization", "company": "Company"}

    def entity(name: str, schema: str | None) -> Any:
        ent = model.make_entity(schemata.get((schema or "").lower(), "LegalEntity"))
        # nomenklatura caches comparisons by entity id: every entity needs a fresh one
        ent.id = f"bench-{next(counter)}"
        ent.add("name", name)
        return ent

    out: dict[str, Scorer] = {}
    for name in ("logic-v2", "ofac"):
        algorithm = get_algorithm(name)
        if algorithm is None:
            continue

        def score(a: str, b: str, schema: str | None, algorithm: Any = algorithm) -> float:
            result = algorithm.compare(entity(a, schema), entity(b, schema), config)
            return float(result.score)

        out[name] = score
    return out


def _clear_prosper_memos() -> None:
    """Empty every ``lru_cache`` of Prosper's name and matching modules (a cold scorer)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("prosper.names", "prosper.matching")) or module is None:
            continue
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()


def score_name_cost(pairs: Sequence[dict[str, str]], rounds: int = 3) -> dict[str, float] | None:
    """CPU time of Prosper's pairwise scorer alone (``score_name`` on names prepared beforehand,
    as the screening index calls it per candidate), µs per pair, the best of ``rounds`` passes
    each way: cold (every memo of the name and matching modules emptied before the pass, so
    every token pair is new) and warm (the memos kept from the pass before)."""
    try:
        from prosper.matching.names import score_name
        from prosper.model import EntityType
        from prosper.names.normalize import prepare_name
        from prosper.names.weights import default_weights
    except ImportError:
        return None
    types = {"person": EntityType.PERSON, "organization": EntityType.ORGANIZATION}
    weights = default_weights()
    prepared = []
    for row in pairs:
        kind = types.get((row.get("schema") or "").lower())
        a, b = prepare_name(row["name1"], kind), prepare_name(row["name2"], kind)
        prepared.append((a, b, kind))
    weights.weight("warm")  # load the weights outside the timing

    def one_pass() -> float:
        start = time.process_time()
        for a, b, kind in prepared:
            score_name(a, b, weights, kind)
        return (time.process_time() - start) / len(prepared) * 1e6

    cold, warm = [], []
    for _ in range(rounds):
        _clear_prosper_memos()
        cold.append(one_pass())
        warm.append(one_pass())
    return {"first_pass_cpu_us": round(min(cold), 1), "repeat_cpu_us": round(min(warm), 1)}


# --------------------------------------------------------------------------- run


@dataclass
class MatcherRun:
    """Scores and timings of one matcher over the pairs."""

    name: str
    scores: list[float]
    seconds: list[float]


def run_matcher(name: str, scorer: Scorer, pairs: Sequence[dict[str, str]]) -> MatcherRun | None:
    """Score every pair; None when the matcher gives no score (e.g. no ``ofac_score`` yet)."""
    scores: list[float] = []
    seconds: list[float] = []
    first = pairs[0]
    scorer(first["name1"], first["name2"], first.get("schema") or None)  # warm-up, not timed
    for i, row in enumerate(pairs):
        start = time.perf_counter()
        value = scorer(row["name1"], row["name2"], row.get("schema") or None)
        seconds.append(time.perf_counter() - start)
        if value is None:
            return None
        scores.append(value)
        if (i + 1) % 500 == 0:
            print(f"  {name}: {i + 1}/{len(pairs)}", file=sys.stderr)
    return MatcherRun(name, scores, seconds)


def summarize(
    run: MatcherRun,
    pairs: Sequence[dict[str, str]],
    labels: Sequence[bool],
    threshold: float,
    subsets: dict[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Metrics of one matcher: overall, best threshold, timing, per category, per kind subset,
    worst errors."""
    at = confusion(run.scores, labels, threshold)
    best_t, best = best_threshold(run.scores, labels)
    out: dict[str, Any] = {
        "at_threshold": {"threshold": threshold, **at.as_dict()},
        "best": {"threshold": round(best_t, 4), **best.as_dict()},
        "time": timing(run.seconds),
    }
    if any(row.get("category") for row in pairs):
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(pairs):
            groups.setdefault(row.get("category") or "-", []).append(i)
        out["categories"] = {
            cat: confusion(
                [run.scores[i] for i in idx], [labels[i] for i in idx], threshold
            ).as_dict()
            for cat, idx in sorted(groups.items())
        }
    if subsets:
        out["subsets"] = {
            name: confusion(
                [run.scores[i] for i in idx], [labels[i] for i in idx], threshold
            ).as_dict()
            for name, idx in subsets.items()
        }
    errors = [
        (run.scores[i], labels[i], pairs[i])
        for i in range(len(pairs))
        if (run.scores[i] >= threshold) != labels[i]
    ]
    fps = sorted((e for e in errors if not e[1]), key=lambda e: -e[0])[:25]
    fns = sorted((e for e in errors if e[1]), key=lambda e: e[0])[:25]
    out["worst_false_positives"] = [_error(e) for e in fps]
    out["worst_false_negatives"] = [_error(e) for e in fns]
    return out


def _error(item: tuple[float, bool, dict[str, str]]) -> dict[str, Any]:
    score, _, row = item
    return {
        "score": round(score, 4),
        "name1": row["name1"],
        "name2": row["name2"],
        "category": row.get("category", ""),
    }


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(report: dict[str, Any]) -> str:
    """The stdout tables."""
    lines = [
        f"{report['pairs']} pairs ({report['positives']} matches) from {report['file']}; "
        f"threshold {report['threshold']}",
        "",
        f"{'matcher':<14}{'P':>7}{'R':>7}{'F1':>7}   {'best th':>8}{'P':>7}{'R':>7}{'F1':>7}"
        f"   {'mean µs':>9}{'p95 µs':>9}",
    ]
    for name, m in report["matchers"].items():
        at, best, t = m["at_threshold"], m["best"], m["time"]
        lines.append(
            f"{name:<14}{_fmt(at['precision']):>7}{_fmt(at['recall']):>7}{_fmt(at['f1']):>7}   "
            f"{best['threshold']:>8.3f}{_fmt(best['precision']):>7}{_fmt(best['recall']):>7}"
            f"{_fmt(best['f1']):>7}   {t.get('mean_us', 0):>9.0f}{t.get('p95_us', 0):>9.0f}"
        )
    names = list(report["matchers"])
    first = report["matchers"][names[0]] if names else {}
    if "categories" in first:
        lines += [
            "",
            "per category at the threshold: share of pairs decided right "
            "(= recall for match categories, 1 − FP rate for neg_* categories)",
            f"{'category':<24}{'n':>6}{'match':>7}" + "".join(f"{n:>14}" for n in names),
        ]
        for cat, c in first["categories"].items():
            n = c["tp"] + c["fp"] + c["fn"] + c["tn"]
            pos = c["tp"] + c["fn"]
            cells = "".join(
                f"{_fmt(report['matchers'][m]['categories'][cat]['accuracy']):>14}" for m in names
            )
            lines.append(f"{cat:<24}{n:>6}{pos:>7}{cells}")
    if "subsets" in first:
        lines += [
            "",
            "per name kind at the threshold: F1 (recall) on the kind's positives + all negatives;"
            " 'spelling subset' = all pairs but the translation / other_name positives",
            f"{'subset':<24}{'n':>6}{'match':>7}" + "".join(f"{n:>16}" for n in names),
        ]
        for sub, c in first["subsets"].items():
            n = c["tp"] + c["fp"] + c["fn"] + c["tn"]
            pos = c["tp"] + c["fn"]
            cells = ""
            for m in names:
                x = report["matchers"][m]["subsets"][sub]
                cells += f"{_fmt(x['f1']):>8} ({_fmt(x['recall'])})"
            lines.append(f"{sub:<24}{n:>6}{pos:>7}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the harness; print the tables; write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pairs", type=Path, help="PAIRS.csv or .csv.gz")
    parser.add_argument("--threshold", type=float, default=None, help="default: DEFAULT_THRESHOLD")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--matchers", default="prosper,prosper-ofac,logic-v2,ofac")
    parser.add_argument(
        "--kinds", type=Path, default=None, help="name1,name2,kind file: F1 per kind of positive"
    )
    parser.add_argument(
        "--cost", action="store_true", help="also time Prosper's score_name alone (CPU µs/pair)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "accuracy.json")
    args = parser.parse_args(argv)

    threshold = args.threshold
    if threshold is None:
        try:
            from prosper.settings import DEFAULT_THRESHOLD
        except ImportError:
            DEFAULT_THRESHOLD = 0.8  # noqa: N806 - same name as the setting it stands in for
        threshold = DEFAULT_THRESHOLD

    pairs = read_rows(args.pairs, args.limit)
    if not pairs:
        raise SystemExit(f"{args.pairs}: no pairs")
    require_columns(args.pairs, pairs, ("name1", "name2", "is_match"))
    labels = [parse_label(row["is_match"]) for row in pairs]
    subsets = kind_subsets(pairs, labels, read_kinds(args.kinds)) if args.kinds else None

    wanted = [m.strip() for m in args.matchers.split(",") if m.strip()]
    available: dict[str, Scorer] = {}
    if any(m.startswith("prosper") for m in wanted):
        available.update(prosper_scorers())
    if any(not m.startswith("prosper") for m in wanted):
        available.update(nomenklatura_scorers())

    report: dict[str, Any] = {
        "file": str(args.pairs),
        "pairs": len(pairs),
        "positives": sum(labels),
        "threshold": threshold,
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "matchers": {},
        "skipped": [m for m in wanted if m not in available],
    }
    for name in wanted:
        if name not in available:
            continue
        print(f"scoring with {name} …", file=sys.stderr)
        result = run_matcher(name, available[name], pairs)
        if result is None:
            report["skipped"].append(name)
            continue
        report["matchers"][name] = summarize(result, pairs, labels, threshold, subsets)

    if args.cost:
        report["score_name_cost"] = score_name_cost(pairs)
    print(render(report))
    if report.get("score_name_cost"):
        cost = report["score_name_cost"]
        print(
            f"\nscore_name CPU per pair (prepared names, best of 3): cold memos "
            f"{cost['first_pass_cpu_us']:.0f} µs, warm {cost['repeat_cpu_us']:.0f} µs"
        )
    if report["skipped"]:
        print(f"\nskipped: {', '.join(report['skipped'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON: {args.out}")
    return report


if __name__ == "__main__":
    main()
