"""The frozen core model from a validated transaction (:func:`to_model`).

Shared by the plain reading of :mod:`prosper.intake` and pydantic's of :mod:`prosper.schema`
(which re-exports it), so both readings build the same :class:`~prosper.model.Transaction`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prosper import model as m


def _ownership(rows: list[Any]) -> tuple[m.Ownership, ...]:
    return tuple(m.Ownership(country=o.country, percent=o.percent) for o in rows)


def _owners(rows: list[Any]) -> tuple[m.Owner, ...]:
    return tuple(
        m.Owner(
            name=o.name,
            percent=o.percent,
            country=o.country,
            type=m.EntityType(o.type),
            owners=_owners(o.owners),
            aliases=tuple(o.aliases),
            identifiers=tuple(o.identifiers),
        )
        for o in rows
    )


def to_model(tx: Any, *, today: date) -> m.Transaction:
    """Convert a validated transaction (:class:`prosper.schema.TransactionIn` or the plain
    reading of :func:`read_plain`) into the frozen core model."""
    return m.Transaction(
        as_of=tx.as_of or today,
        id=tx.id,
        origin_country=tx.origin_country,
        destination_country=tx.destination_country,
        parties=tuple(
            m.Party(
                name=p.name,
                role=m.PartyRole(p.role),
                country=p.country,
                type=m.EntityType(p.type),
                headquarters_country=p.headquarters_country,
                parent_country=p.parent_country,
                ownership=_ownership(p.ownership),
                aliases=tuple(p.aliases),
                dob=p.dob,
                identifiers=tuple(p.identifiers),
                owners=_owners(p.owners),
            )
            for p in tx.parties
        ),
        items=tuple(
            m.Item(
                description=i.description,
                kind=m.ItemKind(i.kind),
                eccn=i.eccn,
                quantity=i.quantity,
                us_origin=i.us_origin,
                us_content_percent=i.us_content_percent,
                made_with_us_technology=i.made_with_us_technology,
                performance=tuple(m.Performance(bits=p.bits, tops=p.tops) for p in i.performance),
                tpp=i.tpp,
                die_area_mm2=i.die_area_mm2,
                datacenter=i.datacenter,
                dram_bandwidth_gbps=i.dram_bandwidth_gbps,
                memory_bandwidth_density=i.memory_bandwidth_density,
                training_ops=i.training_ops,
                published=i.published,
                us_technology_eccns=tuple(e.upper() for e in i.us_technology_eccns),
            )
            for i in tx.items
        ),
        end_use=m.EndUse(description=tx.end_use.description, flags=tuple(tx.end_use.flags)),
        data_transfers=tuple(
            m.DataTransfer(
                from_country=d.from_country,
                to_country=d.to_country,
                categories=tuple(d.categories),
                subjects_country=d.subjects_country,
                subjects_count=d.subjects_count,
                anonymised=d.anonymised,
                pseudonymised=d.pseudonymised,
                purpose=d.purpose,
                transaction_type=d.transaction_type,
                sector=d.sector,
                recipient=None
                if d.recipient is None
                else m.Recipient(
                    name=d.recipient.name,
                    country=d.recipient.country,
                    ownership=_ownership(d.recipient.ownership),
                    certifications=tuple(d.recipient.certifications),
                    owners=_owners(d.recipient.owners),
                ),
                safeguards=tuple(d.safeguards),
                collection=d.collection,
                same_entity=d.same_entity,
                access=d.access,
                exporter_role=d.exporter_role,
                importer_role=d.importer_role,
                onward=tuple(
                    m.OnwardTransfer(country=o.country, name=o.name, role=o.role) for o in d.onward
                ),
            )
            for d in tx.data_transfers
        ),
    )
