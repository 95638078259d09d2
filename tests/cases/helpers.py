"""Small list snapshots and engines for the case-management tests (no embedded lists)."""

from __future__ import annotations

from prosper.engine import Engine
from prosper.lists.snapshot import Snapshot, SourceInfo
from prosper.model import Alias, Entity, EntityType
from prosper.screening.index import ScreeningIndex


def entity(
    uid: str,
    name: str,
    *,
    source: str = "us_ofac_sdn",
    type_: EntityType = EntityType.ORGANIZATION,
    aliases: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    remarks: str | None = None,
) -> Entity:
    """A list entity ``<source>:<uid>``."""
    return Entity(
        id=f"{source}:{uid}",
        source=source,
        list_code="SDN" if source == "us_ofac_sdn" else "EL",
        type=type_,
        name=name,
        aliases=tuple(Alias(a) for a in aliases),
        countries=countries,
        remarks=remarks,
    )


def snapshot(entities: list[Entity], version: str = "v1") -> Snapshot:
    """A snapshot of ``entities`` with one SourceInfo per source."""
    sources = sorted({e.source for e in entities})
    infos = tuple(
        SourceInfo(
            source=s,
            label=s,
            published="2026-12-01",
            version=f"sha256:{s}-{version}",
            entity_count=sum(1 for e in entities if e.source == s),
            name_count=0,
            origin="installed",
            files=(),
        )
        for s in sources
    )
    return Snapshot(sources=infos, entities=tuple(entities))


def engine(entities: list[Entity], version: str = "v1") -> Engine:
    """An engine over ``entities`` (threshold 0.8)."""
    snap = snapshot(entities, version)
    return Engine(snapshot=snap, index=ScreeningIndex.build(snap.entities), threshold=0.8)


BASE = [
    entity("1", "KOREA MINING DEVELOPMENT TRADING CORPORATION", countries=("KP",)),
    entity("2", "RI PYONG CHUL", type_=EntityType.PERSON, countries=("KP",)),
    entity("3", "ROSOBORONEXPORT", countries=("RU",)),
    entity("4", "HUAWEI TECHNOLOGIES CO LTD", source="us_csl", countries=("CN",)),
]
