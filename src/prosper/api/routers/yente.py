"""A yente-compatible API beside ``/v1``: ``POST /match/{dataset}``, ``GET /search/{dataset}``,
``GET /entities/{entity_id}``, ``GET /catalog`` (role: screener).

A client written for yente (OpenSanctions' matching server) works unchanged: the request
bodies, query parameters and response fields are yente's (checked against yente's
``yente/data/common.py`` models and ``yente/routers/match.py`` / ``search.py``). The key goes in
``X-API-Key``, ``Authorization: Bearer …`` or, as yente clients send it,
``Authorization: ApiKey …``. Scores are Prosper's; ``features`` are Prosper's explanation
features; ``algorithm`` is accepted and ignored (there is one matcher). Errors keep Prosper's
``{"error", "message", "field"}`` body (422 naming the field, 404 for an unknown id).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from prosper.api.auth import api_key_header, bearer, check_key
from prosper.api.deps import AppState, get_state
from prosper.api.errors import ApiError
from prosper.api.models import ErrorBody
from prosper.engine import Engine
from prosper.errors import NotFoundError
from prosper.keys import ApiKey, Role
from prosper.model import Entity, Hit

router = APIRouter(tags=["yente-compatible"])

MAX_BATCH = 100  # queries in one /match request (yente's MAX_BATCH)
MAX_LIMIT = 100
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 422, 429)
}
authorization_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    description="yente clients: `Authorization: ApiKey psk_…` (the same key as X-API-Key).",
)


def require_key(
    request: Request,
    state: AppState = Depends(get_state),
    header_key: str | None = Security(api_key_header),
    bearer_key: HTTPAuthorizationCredentials | None = Security(bearer),
    authorization: str | None = Security(authorization_header),
) -> ApiKey:
    """The /v1 screener check, also reading yente's ``Authorization: ApiKey <key>``."""
    if header_key is None and authorization is not None:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "apikey" and value.strip():
            header_key = value.strip()
    return check_key(Role.SCREENER, request, state, header_key, bearer_key)


def get_engine(state: AppState = Depends(get_state)) -> Engine:
    """The engine the yente and reconciliation routes screen with (override in tests)."""
    from prosper.service import get_engine as service_engine

    return service_engine(state.settings)


class MatchRequest(BaseModel):
    """yente's ``EntityMatchQuery``: ``queries`` of FtM entity fragments by a client's key.

    ``weights`` and ``config`` (yente's scoring tweaks) and ``algorithm`` are accepted and
    ignored; ``threshold``, ``limit`` and ``cutoff`` may come in the body or the query string.
    """

    model_config = ConfigDict(extra="forbid")

    queries: dict[str, Any] = Field(
        ...,
        examples=[
            {
                "entity1": {
                    "schema": "Person",
                    "properties": {
                        "name": ["John Doe"],
                        "birthDate": ["1975-04-21"],
                        "nationality": ["us"],
                    },
                }
            }
        ],
    )
    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int | None = Field(None, ge=1, le=MAX_LIMIT)
    cutoff: float | None = Field(None, ge=0.0, le=1.0)
    algorithm: str | None = None


def screen_names(engine: Engine, names: tuple[str, ...], query: Any, threshold: float) -> list[Hit]:
    hit_lists = [
        engine.screen_hits(replace(query, name=name), threshold=threshold, limit=MAX_LIMIT)
        for name in names
    ]
    from prosper.interop.yente import best_hits

    return best_hits(hit_lists, MAX_LIMIT)


@router.post("/match/{dataset}", responses=_ERRORS)
def match(
    body: MatchRequest,
    response: Response,
    dataset: str = Path(..., description="`default` (every list) or a source id"),
    limit: int | None = Query(None, ge=1, le=MAX_LIMIT, description="results per query (5)"),
    threshold: float | None = Query(None, ge=0.0, le=1.0, description="score of a match"),
    cutoff: float | None = Query(None, ge=0.0, le=1.0, description="lowest score returned"),
    algorithm: str | None = Query(None, description="accepted for yente clients; ignored"),
    include_dataset: list[str] = Query([], description="only these sources"),
    exclude_dataset: list[str] = Query([], description="not these sources"),
    exclude_schema: list[str] = Query([], description="not these FtM schemata"),
    key: ApiKey = Depends(require_key),
    engine: Engine = Depends(get_engine),
) -> dict[str, Any]:
    """Query-by-example matching, as yente's ``POST /match/{dataset}``: each query an FtM
    fragment (``schema`` + ``properties``: name, birthDate, nationality, country,
    registrationNumber, passportNumber …); each response the scored entities."""
    from prosper.interop.yente import dataset_sources, matcher_docs, read_example, scored_response

    del algorithm, key
    if len(body.queries) > MAX_BATCH:
        raise ApiError(422, "invalid", f"at most {MAX_BATCH} queries", field="queries")
    if not body.queries:
        raise ApiError(422, "invalid", "no queries given", field="queries")
    sources = _filter(dataset_sources(dataset, engine.snapshot.sources), include_dataset)
    sources = tuple(s for s in sources if s not in exclude_dataset)
    used = _first(threshold, body.threshold, engine.threshold)
    lowest = _first(cutoff, body.cutoff, min(used, 0.5))
    count = int(_first(limit, body.limit, 5))
    examples = [read_example(k, v) for k, v in body.queries.items()]
    infos = {s.source: s for s in engine.snapshot.sources}
    responses: dict[str, Any] = {}
    features: set[str] = set()
    for example in examples:
        query = replace(example.query, sources=sources)
        hits = [
            h
            for h in screen_names(engine, example.names, query, min(used, lowest))
            if _schema_of(h.entity) not in exclude_schema
        ]
        results = [scored_response(h, infos.get(h.entity.source), used) for h in hits[:count]]
        for result in results:
            features.update(result["features"])
        responses[example.key] = {
            "status": 200,
            "results": results,
            "total": {"value": len(hits), "relation": "eq"},
            "query": example.fragment,
        }
    response.headers["x-batch-size"] = str(len(responses))
    return {"responses": responses, "matcher": matcher_docs(features), "limit": count}


def _first(*values: float | int | None) -> float:
    for value in values:
        if value is not None:
            return float(value)
    raise ValueError("no value")  # pragma: no cover - the last value is never None


def _filter(sources: tuple[str, ...], only: list[str]) -> tuple[str, ...]:
    return sources if not only else tuple(s for s in sources if s in only)


def _schema_of(entity: Entity) -> str:
    from prosper.interop.ftm import SCHEMA_OF

    return SCHEMA_OF[entity.type]


@router.get("/search/{dataset}", responses=_ERRORS)
def search(
    dataset: str = Path(..., description="`default` (every list) or a source id"),
    q: str = Query("", max_length=500, description="the name to look for"),
    schema: str = Query("Thing", description="only entities of this FtM schema"),
    countries: list[str] = Query([], description="only entities of these countries"),
    datasets: list[str] = Query([], description="only these sources"),
    limit: int = Query(10, ge=0, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1000),
    key: ApiKey = Depends(require_key),
    engine: Engine = Depends(get_engine),
) -> dict[str, Any]:
    """Free-text name search, as yente's ``GET /search/{dataset}?q=…``: entities whose names
    resemble ``q`` (score at least 0.5), best first, with country and dataset facets."""
    from followthemoney import model

    from prosper.interop.yente import dataset_sources, entity_response
    from prosper.screening.query import Query as Screen

    del key
    wanted = model.get(schema)
    if wanted is None:
        raise ApiError(422, "invalid", f"unknown FtM schema {schema!r}", field="schema")
    sources = _filter(dataset_sources(dataset, engine.snapshot.sources), datasets)
    infos = {s.source: s for s in engine.snapshot.sources}
    hits: list[Hit] = []
    if q.strip():
        found = screen_names(engine, (q.strip(),), Screen(name=q.strip(), sources=sources), 0.5)
        codes = {c.upper() for c in countries}
        hits = [
            h
            for h in found
            if model.get(_schema_of(h.entity)).is_a(wanted.name)  # type: ignore[union-attr]
            and (not codes or codes & set(h.entity.countries))
        ]
    page = hits[offset : offset + limit]
    return {
        "results": [entity_response(h.entity, infos.get(h.entity.source)) for h in page],
        "facets": _facets(hits),
        "total": {"value": len(hits), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


def _facets(hits: list[Hit]) -> dict[str, Any]:
    countries: dict[str, int] = {}
    datasets: dict[str, int] = {}
    for hit in hits:
        for code in hit.entity.countries:
            countries[code.lower()] = countries.get(code.lower(), 0) + 1
        datasets[hit.entity.source] = datasets.get(hit.entity.source, 0) + 1

    def values(counts: dict[str, int]) -> list[dict[str, Any]]:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"name": k, "label": k, "count": v} for k, v in ranked]

    return {
        "countries": {"label": "Countries", "values": values(countries)},
        "datasets": {"label": "Data sources", "values": values(datasets)},
    }


_ID_LOCK = threading.Lock()
_IDS: dict[int, tuple[Any, dict[str, Entity]]] = {}


def _by_id(engine: Engine) -> dict[str, Entity]:
    """Entities of the engine's snapshot by Prosper id and by FtM id (built once per snapshot)."""
    from prosper.interop.ftm import ftm_id

    snapshot = engine.snapshot
    with _ID_LOCK:
        cached = _IDS.get(id(snapshot))
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        table: dict[str, Entity] = {}
        for entity in snapshot.entities:
            table[entity.id] = entity
            table[ftm_id(entity.id)] = entity
        _IDS.clear()  # one snapshot at a time: a new one replaces the old
        _IDS[id(snapshot)] = (snapshot, table)
        return table


def find_entity(engine: Engine, entity_id: str) -> Entity:
    """The entity with this Prosper or FtM id.

    Raises:
        NotFoundError: none.
    """
    entity = _by_id(engine).get(entity_id)
    if entity is None:
        raise NotFoundError(f"no entity {entity_id!r} in the loaded lists", field="entity_id")
    return entity


@router.get("/entities/{entity_id}", responses=_ERRORS)
def fetch_entity(
    entity_id: str = Path(..., max_length=300, description="FtM id (un-sc.KPi.033) or Prosper id"),
    nested: bool = Query(True, description="include the sanction and identity documents"),
    key: ApiKey = Depends(require_key),
    engine: Engine = Depends(get_engine),
) -> dict[str, Any]:
    """One entity as yente's ``GET /entities/{id}``: its FtM properties, with its sanction and
    identity documents nested (``sanctions``, ``identification``)."""
    from prosper.interop.yente import entity_response

    del key
    entity = find_entity(engine, entity_id)
    return entity_response(entity, engine.snapshot.source(entity.source), nested=nested)


@router.get("/catalog", responses=_ERRORS)
def get_catalog(
    key: ApiKey = Depends(require_key), engine: Engine = Depends(get_engine)
) -> dict[str, Any]:
    """The datasets, as yente's ``GET /catalog``: ``default`` (every loaded list) and each
    source with its content version."""
    from prosper.interop.yente import catalog

    del key
    return catalog(engine.snapshot.sources)
