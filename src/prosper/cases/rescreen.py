"""Re-screening the register: on a list delta (only the parties it could affect) or in full.

On a delta (:func:`rescreen_delta`): the added and changed list entities retrieve candidate
parties from the register index (:mod:`prosper.cases.register_index`), and parties with an
alert on a changed entity are added (a suppressed false positive reopens when its entry
changed). Only those parties are screened, and only against a small index of the added and
changed entities (the same pairwise scoring and qualifiers as the full index: a party's hits
on the other entities cannot have changed); alerts on removed entities close with the reason.

In full (:func:`rescreen_full`): every party, in batches committed with the run's cursor, so
an interrupted run resumes after the last committed batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prosper.audit import AuditLog
from prosper.audit.migrations import write_transaction
from prosper.cases.alerts import Notify, Screener, SyncRequest, _quiet, close_delisted, sync_hits
from prosper.cases.model import RegisteredParty, SyncCounts
from prosper.cases.owners import Results, Via, screen_with_owners
from prosper.cases.register_index import (
    _ARABIC,
    RegisterIndex,
    delta_forms,
    delta_links,
    party_names,
)
from prosper.cases.store import CaseStore
from prosper.cases.token_keys import TokenKeys
from prosper.cases.token_keys import load as load_token_keys
from prosper.cases.token_links import TokenLinks
from prosper.cases.workers import fork_map, screen_batch, screen_batches
from prosper.lists.delta import SourceDelta
from prosper.matching import config as cfg
from prosper.matching.bound import ListTokens, QueryBound
from prosper.matching.names import score_name
from prosper.model import Entity, EntityType, Hit
from prosper.names.normalize import NameForm, prepare_name
from prosper.names.readings import name_readings
from prosper.names.weights import TokenWeights, default_weights
from prosper.screening.index import ScreeningIndex, gc_paused
from prosper.screening.query import Query

BATCH = 200
"""Parties screened and committed together in a full run (the resume granularity)."""
CHUNKS_PER_WORKER = 4
"""A delta re-screen's candidate parties are screened in this many chunks per worker."""
BOUND_MARGIN = 1e-6
"""Float slack of the bound test in :func:`could_hit` (as the screening index allows)."""
Progress = Callable[[int, int], None]
KeysOf = Callable[[list[str]], Mapping[str, TokenKeys]]


def _no_progress(_done: int, _total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class RescreenContext:
    """Who re-screens against what, and where the outcomes go."""

    store: CaseStore
    screener: Screener | None
    versions: dict[str, str]
    actor: str
    audit: AuditLog | None = None
    notify: Notify = _quiet
    threshold: float | None = None  # the delta path needs only this (default: the screener's)
    workers: int = 1  # processes of a delta re-screen (a full one takes its own argument)

    def engine(self) -> Screener:
        """The screener of full re-screens (a delta re-screen needs none)."""
        if self.screener is None:
            raise ValueError("this re-screening context has no screening engine")
        return self.screener

    def match_threshold(self) -> float:
        """The threshold a hit must reach."""
        if self.threshold is not None:
            return self.threshold
        return self.engine().threshold


@dataclass(frozen=True, slots=True)
class DeltaOutcome:
    """What a delta re-screen did, with its timings (seconds)."""

    entities: int
    candidates: int
    screened: int
    counts: SyncCounts
    closed: int
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process and workers

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "entities": self.entities,
            "candidates": self.candidates,
            **self.counts.to_dict(),
            "screened": self.screened,
            "closed": self.closed,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "cpu_seconds": {k: round(v, 3) for k, v in self.cpu_seconds.items()},
        }


def screen_parties(
    ctx: RescreenContext,
    parties: Sequence[RegisteredParty],
    changed: dict[str, tuple[str, ...]] | None = None,
) -> SyncCounts:
    """Screen ``parties`` against the lists and sync their alerts (one transaction)."""
    results, via = screen_batch(ctx.engine(), parties)
    request = SyncRequest(results, ctx.versions, ctx.actor, changed, via)
    return sync_hits(ctx.store, request, ctx.audit, ctx.notify)


def screen_against(
    index: ScreeningIndex, party: RegisteredParty, threshold: float
) -> tuple[Hit, ...]:
    """A registered party's hits in ``index`` — each name and alias screened with the party's
    qualifiers, best hit per entity, listings merged: what :meth:`prosper.engine.Engine.
    screen_party` does on the full index (the engine is a service-layer object this domain
    may not import)."""
    p = party.to_party()
    countries = tuple(c for c in (p.country, p.headquarters_country) if c)
    best: dict[str, Hit] = {}
    for name in (p.name, *p.aliases):
        query = Query(
            name=name, type=p.type, countries=countries, dob=p.dob, identifiers=p.identifiers
        )
        for hit in index.screen(query, threshold=threshold, limit=10):
            known = best.get(hit.entity.id)
            if known is None or hit.score > known.score:
                best[hit.entity.id] = hit
    return index.merge_listings(best.values())


def name_floor(threshold: float) -> float:
    """The least name score that can still become a hit: the threshold less the most the
    qualifiers can add (a country and a full date of birth), as the screening index reckons."""
    return threshold - (cfg.COUNTRY_MATCH + cfg.DOB_DAY_MATCH)


def prepared_names(entities: Sequence[Entity]) -> dict[str, list[NameForm]]:
    """Entity id → its prepared list names (primary and aliases)."""
    out: dict[str, list[NameForm]] = {}
    for entity in entities:
        forms = [prepare_name(n, entity.type) for n, _strong in entity.all_names()]
        out[entity.id] = [f for f in forms if f.tokens]
    return out


def could_hit(
    party: RegisteredParty,
    entity_ids: Iterable[str],
    names: dict[str, list[NameForm]],
    threshold: float,
) -> bool:
    """Whether one of the party's names (each reading, as the index reads it) scores, with
    :func:`~prosper.matching.names.score_name` itself, within reach of ``threshold`` against a
    list name of ``entity_ids`` — the index's own cut (``score + reach ≥ threshold``) before
    it builds a hit. A party with identifiers or an Arabic-script name is screened anyway."""
    if party.identifiers or _ARABIC.search(" ".join(party_names(party))):
        return True
    wanted = [f for e in entity_ids for f in names.get(e, ())]
    if not wanted:
        return False
    floor, weights = name_floor(threshold), default_weights()
    typed = [(n, party.type) for n in (party.name, *party.aliases)]
    typed += [(str(o["name"]), EntityType.ORGANIZATION) for o in party.owners]
    for name, type_ in typed:
        for reading in name_readings(name):
            form = prepare_name(reading, type_)
            if not form.tokens:
                continue
            # the admissible bound first (never below the score): a pair it rules out cannot
            # reach ``floor``; the others are scored, with one memo of token agreements
            bound = QueryBound(form, weights, type_, _LIST_TOKENS.get(weights))
            memo: dict[tuple[str, bool], list[tuple[float, str]]] = {}
            for cand in wanted:
                if bound.bound(cand, floor) + BOUND_MARGIN < floor:
                    continue
                if score_name(form, cand, weights, type_, memo).score >= floor:
                    return True
    return False


class _ListTokenMemo:
    """One :class:`~prosper.matching.bound.ListTokens` per weights (the delta's list tokens'
    features, kept across the parties of a run)."""

    def __init__(self) -> None:
        self._tokens: ListTokens | None = None

    def get(self, weights: TokenWeights) -> ListTokens:
        if self._tokens is None or self._tokens.weights is not weights:
            self._tokens = ListTokens(weights)
        return self._tokens


_LIST_TOKENS = _ListTokenMemo()


def register_candidates(
    rows: Sequence[tuple[str, str, str]],
    touched: Sequence[Entity],
    floor: float,
    workers: int = 1,
    keys_of: KeysOf | None = None,
) -> dict[str, set[str]]:
    """Party id → the ids of the ``touched`` entities it could hit
    (:meth:`RegisterIndex.candidates_for` over the register ``rows``); ``keys_of`` gives the
    register tokens' keys worked out before (:func:`prosper.cases.token_keys.load`; without
    it, they are computed). With ``workers`` > 1 the work is split over that many processes
    twice: the token links over parts of the register's tokens (a token's links do not
    depend on the others; merged here), then the parties over contiguous ranges of rows, each
    process reading the one index and links it inherits, with a pair bound over its range's
    tokens (a party's candidates depend only on its own names and keys and on the delta, so
    the ranges' union is what the whole register gives)."""
    if not touched or not rows:
        return {}
    default_weights()  # loaded once, before a fork
    index = RegisterIndex(rows)
    tokens = index.tokens()
    known = keys_of(tokens) if keys_of is not None else None
    forms = delta_forms(touched)
    count = max(1, min(workers, len(rows)))
    parts = fork_map(lambda i: delta_links(forms, tokens[i::count], known), count, workers)
    links = TokenLinks.combine(parts) if count > 1 else parts[0]
    edges = [len(rows) * i // count for i in range(count + 1)]

    def range_part(i: int) -> dict[str, set[str]]:
        lo, hi = edges[i], edges[i + 1]
        plan = index.plan(touched, floor, links, forms, index.tokens(lo, hi))
        return index.candidates_in(plan, lo, hi)

    found: dict[str, set[str]] = {}
    for part in fork_map(range_part, count, workers):
        found.update(part)
    return found


def rescreen_delta(ctx: RescreenContext, deltas: Sequence[SourceDelta]) -> DeltaOutcome:
    """Re-screen only the register parties the ``deltas`` could affect (module docstring),
    on ``ctx.workers`` processes (the candidates on shards of the register, then the
    candidate parties' screening in chunks); this process syncs the alerts.

    The cyclic garbage collector is paused for the run (:func:`~prosper.screening.index.
    gc_paused`; the workers fork with it paused): the run creates millions of small
    containers (the register index's lists, the link and bound tables, the candidate sets)
    that hold no reference cycles and live until it ends, so the collector's passes over them
    free nothing — yet cost 11–17 % of the run's CPU (bench/README, section ``s8-delta``),
    and in a worker each pass also writes to the inherited objects, copying their pages.
    Memory is still freed by reference counting; the collector resumes after the run."""
    with gc_paused():
        return _rescreen_delta(ctx, deltas)


def _rescreen_delta(ctx: RescreenContext, deltas: Sequence[SourceDelta]) -> DeltaOutcome:
    """:func:`rescreen_delta` with the collector paused."""
    phases = _Phases()
    touched: list[Entity] = [e for d in deltas for e in d.added]
    changed: dict[str, tuple[str, ...]] = {}
    for d in deltas:
        for change in d.changed:
            touched.append(change.new)
            changed[change.new.id] = change.fields
    removed = [e for d in deltas for e in d.removed]
    rows = list(ctx.store.name_keys()) if touched else []
    delta_index = ScreeningIndex.build(touched)
    phases.mark("index")
    threshold = ctx.match_threshold()
    found = register_candidates(
        rows,
        touched,
        name_floor(threshold),
        ctx.workers,
        lambda tokens: load_token_keys(ctx.store.engine, tokens),
    )
    candidates = sum(len(v) for v in found.values())
    wanted: set[str] = set(found)
    # parties with an alert on a changed entity: their suppression may end
    must = {a.party_id for a in ctx.store.alerts_on_entities(changed)}
    wanted |= must
    phases.mark("candidates")
    names = prepared_names(touched)
    pool = list(ctx.store.iter_parties(ids=wanted))
    chunks = max(1, min(len(pool), CHUNKS_PER_WORKER * ctx.workers))
    edges = [len(pool) * i // chunks for i in range(chunks + 1)]

    def screen_chunk(i: int) -> tuple[Results, Via]:
        kept = [
            p
            for p in pool[edges[i] : edges[i + 1]]
            if p.id in must or could_hit(p, found.get(p.id, ()), names, threshold)
        ]
        return screen_with_owners(lambda p: screen_against(delta_index, p, threshold), kept)

    results: Results = []
    via: Via = {}
    for part_results, part_via in fork_map(screen_chunk, chunks, ctx.workers):
        results += part_results
        via.update(part_via)
    request = SyncRequest(results, ctx.versions, ctx.actor, changed, via)
    counts = sync_hits(ctx.store, request, ctx.audit, ctx.notify) if results else SyncCounts()
    phases.mark("screen")
    closed = close_delisted(ctx.store, removed, ctx.actor, ctx.audit) if removed else 0
    phases.mark("close")
    wall, cpu = phases.totals()
    return DeltaOutcome(len(touched), candidates, len(results), counts, closed, wall, cpu)


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class _Phases:
    """Wall and CPU seconds of each phase of a run, and their totals."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._start = self._last = (time.perf_counter(), _cpu())

    def mark(self, name: str) -> None:
        now = (time.perf_counter(), _cpu())
        self.wall[name] = now[0] - self._last[0]
        self.cpu[name] = now[1] - self._last[1]
        self._last = now

    def totals(self) -> tuple[dict[str, float], dict[str, float]]:
        self.wall["total"] = self._last[0] - self._start[0]
        self.cpu["total"] = self._last[1] - self._start[1]
        return self.wall, self.cpu


def rescreen_full(
    ctx: RescreenContext,
    *,
    resume: bool = True,
    progress: Progress = _no_progress,
    workers: int = 1,
) -> dict[str, Any]:
    """Screen every party; with ``resume``, an unfinished run on the same lists continues.
    ``workers`` processes screen the batches (:mod:`prosper.cases.workers`); this process
    syncs and commits them in order, so a resumed run never repeats or skips a batch."""
    total = ctx.store.party_count()
    run = ctx.store.unfinished_run("full", ctx.versions) if resume else None
    if run is None:
        run_id, cursor, done, opened = ctx.store.start_run("full", total, ctx.versions), None, 0, 0
        resumed = False
    else:
        run_id, cursor = int(run["id"]), run["cursor"]
        done, opened, resumed = int(run["done"]), int(run["opened"]), True
    progress(done, total)
    totals = {"opened": 0, "reopened": 0, "suppressed": 0, "unchanged": 0}

    def batches() -> Iterator[list[RegisteredParty]]:
        batch: list[RegisteredParty] = []
        for party in ctx.store.iter_parties(after=cursor):
            batch.append(party)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    for results, via in screen_batches(ctx.engine(), batches(), workers):
        request = SyncRequest(results, ctx.versions, ctx.actor, via=via)
        with write_transaction(ctx.store.engine) as conn:
            counts = sync_hits(ctx.store, request, None, _quiet, conn)
            done += len(results)
            opened += counts.opened + counts.reopened
            ctx.store.advance_run(conn, run_id, results[-1][0].id, done, opened)
        _after_commit(ctx, counts)
        for key in totals:
            totals[key] += getattr(counts, key)
        progress(done, total)
    ctx.store.finish_run(run_id)
    return {"run": run_id, "resumed": resumed, "total": total, "screened": done, **totals}


def _after_commit(ctx: RescreenContext, counts: SyncCounts) -> None:
    """Audit records and webhooks of the alerts a committed batch opened."""
    if not counts.opened_ids:
        return
    from prosper.cases.alerts import _audit, _event_body

    for alert_id in counts.opened_ids:
        alert = ctx.store.alert(alert_id).to_dict()
        if ctx.audit is not None:
            _audit(
                ctx.audit,
                ctx.actor,
                "opened",
                alert,
                {"reason": alert["opened_because"], "to": "open"},
            )
        ctx.notify("alert.opened", _event_body(alert))
