"""The loaded rulebook: rules, reference tables, cases, version and content digest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from prosper.errors import RulebookError
from prosper.rulebook.evaluate import (
    compiled,
    evaluate_rule,
    match_rule,
    most_restrictive,
    strictest_policy,
)
from prosper.rulebook.grammar import (
    READINGS,
    Case,
    CaseReport,
    CaseResult,
    Rule,
    RuleMatch,
    Table,
)
from prosper.rulebook.guards import GuardedRules

DEFAULT_MANIFEST = Path(__file__).resolve().parent.parent / "rules" / "manifest.yaml"


@dataclass(frozen=True, slots=True)
class Rulebook:
    """Every rule and reference table of one manifest, with its version and digest.

    ``digest`` is ``sha256:`` over the bytes of the rule files and then the table files, in
    manifest order; every decision records it with ``version``.
    """

    id: str
    version: str
    digest: str
    rules: tuple[Rule, ...]
    tables: Mapping[str, Table] = field(default_factory=dict)
    cases: tuple[Case, ...] = ()
    root: Path | None = None
    rule_files: tuple[str, ...] = ()
    _in_force: dict[tuple[date, str | None, str | None], tuple[Rule, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _checks: dict[tuple[date, str, str], GuardedRules] = field(
        default_factory=dict, compare=False, repr=False
    )

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id`` (KeyError when unknown)."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def table(self, name: str) -> Table:
        """The reference table ``name`` (a RulebookError naming it when absent)."""
        try:
            return self.tables[name]
        except KeyError:
            raise RulebookError("no such reference table in the manifest", field=name) from None

    def rules_in_force(
        self, on: date, regime: str | None = None, reading: str | None = None
    ) -> tuple[Rule, ...]:
        """Rules in force on ``on`` (optionally of one regime and one reading), in file order."""
        key = (on, regime, reading)
        found = self._in_force.get(key)
        if found is None:
            found = tuple(
                r
                for r in self.rules
                if r.in_force(on)
                and (regime is None or r.regime == regime)
                and (reading is None or r.applies_to(reading))
            )
            if len(self._in_force) < 4096:  # a memo per date; bounded for long-running servers
                self._in_force[key] = found
        return found

    def _compiled_in_force(self, on: date, regime: str, reading: str) -> GuardedRules:
        """:meth:`rules_in_force`, each rule with its compiled condition, indexed by the facts
        that can settle them false (:mod:`prosper.rulebook.guards`; memo per date)."""
        key = (on, regime, reading)
        found = self._checks.get(key)
        if found is None:
            found = GuardedRules(
                tuple(
                    (r, None if r.when is None else compiled(r.when))
                    for r in self.rules_in_force(on, regime, reading)
                )
            )
            if len(self._checks) < 4096:  # bounded like _in_force
                self._checks[key] = found
        return found

    def evaluate(
        self,
        regime: str,
        facts: Mapping[str, Any],
        on: date,
        reading: str,
        memo: dict[int, RuleMatch | None] | None = None,
        *,
        scan: bool = False,
    ) -> tuple[RuleMatch, ...]:
        """Apply the rules of ``regime`` in force on ``on`` for ``reading`` to ``facts``
        (as :func:`~prosper.rulebook.evaluate.evaluate_rule` on each, in file order).

        Rules that a guard settles false on ``facts`` (:mod:`prosper.rulebook.guards`: e.g. a
        first condition ``kr_data: true`` when ``kr_data`` is false) are not called: they would
        give nothing. ``scan=True`` calls every rule in force: the same result, the reference
        the index is tested against.

        ``memo``: outcomes of rules already applied to these same ``facts`` (by rule), filled
        as rules are applied — for a caller evaluating the two readings of the same facts,
        where a rule in force in both would otherwise be applied twice. Pass a new one for
        other facts.
        """
        if reading not in READINGS:
            raise RulebookError(f"unknown reading {reading!r}", field="reading")
        index = self._compiled_in_force(on, regime, reading)
        found: list[RuleMatch] = []
        for rule, when in index.checks if scan else index.candidates(facts):
            if memo is not None and id(rule) in memo:
                match = memo[id(rule)]
            elif when is None:
                match = evaluate_rule(rule, facts)
            else:
                value, missing = when(facts)
                # most rules are settled (false) by their first condition
                match = None if value is False else match_rule(rule, value, missing, facts)
            if memo is not None:
                memo[id(rule)] = match  # the rulebook holds the rule: its id stays its own
            if match is not None:
                found.append(match)
        return tuple(found)

    def run_cases(self) -> CaseReport:
        """Run every ``*.cases.yaml`` case under each of its readings."""
        return CaseReport(
            results=tuple(run_case(self, c, reading) for c in self.cases for reading in c.readings)
        )


def run_case(book: Rulebook, case: Case, reading: str) -> CaseResult:
    """Evaluate one case under ``reading`` and compare with its expectation."""
    matches = book.evaluate(case.regime, case.facts, case.as_of, reading)
    got_ids = tuple(m.rule.id for m in matches)
    exp = case.expect
    problems: list[str] = []
    if sorted(got_ids) != sorted(exp.rules):
        problems.append(f"rules: expected {sorted(exp.rules)}, got {sorted(got_ids)}")
    verdict = most_restrictive(matches)
    if exp.verdict is not None and verdict != exp.verdict:
        problems.append(f"verdict: expected {exp.verdict.value}, got {verdict}")
    if exp.review_policy is not None:
        policy = strictest_policy(m.review_policy for m in matches)
        if policy != exp.review_policy:
            problems.append(f"review_policy: expected {exp.review_policy.value}, got {policy}")
    if exp.license_exception is not None:
        exceptions = {m.license_exception for m in matches}
        if exp.license_exception not in exceptions:
            problems.append(f"license_exception: expected {exp.license_exception}")
    missing = {f for m in matches for f in m.missing_facts}
    for fact in exp.missing_facts:
        if fact not in missing:
            problems.append(f"missing_facts: expected {fact} to be named, got {sorted(missing)}")
    return CaseResult(
        case=case, reading=reading, passed=not problems, problems=tuple(problems), matched=got_ids
    )


def load_rulebook(path: Path | None = None) -> Rulebook:
    """Load the manifest at ``path`` (default: the package's ``rules/manifest.yaml``).

    Reads every rule file and reference table it lists, every ``<rule file>.cases.yaml`` next
    to a rule file, checks that rule and case ids are unique, and computes the digest.

    Raises:
        RulebookError: a file breaks the grammar (the message names file, id and field).
    """
    return read_rulebook(DEFAULT_MANIFEST if path is None else Path(path))[0]


def read_rulebook(manifest_path: Path) -> tuple[Rulebook, tuple[Path, ...], tuple[Path, ...]]:
    """:func:`load_rulebook` of ``manifest_path``, with every file it read (manifest, rule,
    case and table files, in order) and every case file it looked for and did not find: what
    the result depends on (:mod:`prosper.rulebook.compiled` keeps it by their digests)."""
    # the strict loader (pydantic models, YAML) only when a rulebook is read from its files
    from prosper.rulebook.loader import (
        content_digest,
        load_case_file,
        load_manifest,
        load_rule_file,
        load_table,
    )

    manifest = load_manifest(manifest_path)
    root = manifest_path.parent
    rules: list[Rule] = []
    cases: list[Case] = []
    digest_paths: list[Path] = []
    read: list[Path] = [manifest_path]
    absent: list[Path] = []
    for name in manifest.rule_files:
        rule_path = root / name
        if not rule_path.is_file():
            raise RulebookError("rule file listed in the manifest does not exist", field=name)
        rules.extend(load_rule_file(rule_path))
        digest_paths.append(rule_path)
        read.append(rule_path)
        case_path = rule_path.with_name(rule_path.name.removesuffix(".yaml") + ".cases.yaml")
        if case_path.is_file():
            cases.extend(load_case_file(case_path))
            read.append(case_path)
        else:
            absent.append(case_path)
    tables: dict[str, Table] = {}
    for tname, tfile in manifest.tables.items():
        tpath = root / tfile
        if not tpath.is_file():
            raise RulebookError("table listed in the manifest does not exist", field=tfile)
        tables[tname] = load_table(tpath, tname)
        digest_paths.append(tpath)
        read.append(tpath)
    _check_unique([(r.file, r.id) for r in rules], "rule")
    _check_unique([(c.file, c.id) for c in cases], "case")
    known = {r.id for r in rules}
    for c in cases:
        for rid in c.expect.rules:
            if rid not in known:
                raise RulebookError(f"case {c.id}: expects unknown rule id {rid!r}", field=c.file)
    book = Rulebook(
        id=manifest.id,
        version=manifest.version,
        digest=content_digest(digest_paths),
        rules=tuple(rules),
        tables=tables,
        cases=tuple(cases),
        root=root,
        rule_files=tuple(manifest.rule_files),
    )
    return book, tuple(read), tuple(absent)


def _check_unique(pairs: list[tuple[str, str]], kind: str) -> None:
    seen: dict[str, str] = {}
    for file, ident in pairs:
        if ident in seen:
            raise RulebookError(
                f"duplicate {kind} id {ident!r} (also in {seen[ident]})", field=file
            )
        seen[ident] = file
