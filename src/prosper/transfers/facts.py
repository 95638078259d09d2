"""From one :class:`~prosper.model.DataTransfer` to the flat *facts* the transfer rules test.

The rules (``src/prosper/rules/kr_pipa.yaml`` …) never look at the input directly: they test
the facts computed here. This module knows the vocabulary of the input and a few legal sets
(countries of concern, foreign adversaries, EU/EEA, the DSP category map) read from the
rulebook's reference tables (:mod:`prosper.transfers.reference`); it decides nothing. A fact
that cannot be computed from the input is ``None`` — the rules turn that into ``review`` naming
the input field (:data:`FACT_FIELDS`).

Interpretations that the facts encode (each is documented in ``docs/data_transfers.md``):

* ``kr_transfer_kind`` — PIPA 28-8(1)3 covers *entrustment* (processing on the exporter's
  behalf) and *storage*, never *provision* to a recipient for its own use (own model training,
  resale, an affiliate acting as its own controller).
* ``dsp_categories`` — the contract's categories mapped to 28 CFR 202.249 sensitive personal
  data: ``emr`` → health, ``credit_info`` → financial, ``identifiers`` (listed identifiers
  combined with each other, §202.212) and ``resident_registration_number`` → covered personal
  identifiers. ``contact`` alone is *not* a covered personal identifier (§202.212 excludes
  demographic / contact data linked only to other demographic / contact data).
* ``collection`` / ``same_entity`` / ``access`` / roles / ``onward`` — the transfer test
  (EDPB Guidelines 05/2021; PIPA 28-8; APPI Art. 28). Absent, they keep the engine's earlier
  reading: the recipient is another party that receives the data from the exporter.
  ``collection``, ``access`` and the roles default to ``unspecified``; ``same_entity`` stays
  None (unknown) so that a rule which needs it can name it.
* ``dsp_count_12m_*`` — the bulk test aggregates the subjects of every transfer of the same
  transaction to the same recipient (§202.205: "in one transaction or aggregated across
  transactions between the same U.S. person and the same foreign person"). ``subjects_count``
  must itself be the 12-month figure with that counterparty; for precise geolocation it counts
  devices.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from prosper.model import DataTransfer, Ownership, Party, PartyRole, Recipient, Transaction
from prosper.transfers.reference import (
    CountrySet,
    Reference,
    load_reference,
    reference_from,
)
from prosper.transfers.vocabulary import (
    CATEGORIES,
    CERTIFICATIONS,
    FACT_FIELDS,
    PIPA_ENTRUSTMENT_PURPOSES,
    PIPA_PROVISION_TYPES,
    SAFEGUARDS,
)

__all__ = ["CATEGORIES", "FACT_FIELDS", "SAFEGUARDS", "compute_facts", "reference_from"]

Facts = Mapping[str, Any]

# --------------------------------------------------------------------------- helpers


def _matching_party(tx: Transaction, recipient: Recipient | None) -> Party | None:
    """The transaction party with the recipient's name (for HQ / parent / ownership facts)."""
    if recipient is None or recipient.name is None:
        return None
    wanted = recipient.name.casefold().strip()
    for party in tx.parties:
        if party.name.casefold().strip() == wanted:
            return party
    return None


def _ownership(recipient: Recipient | None, party: Party | None) -> tuple[Ownership, ...]:
    if recipient is not None and recipient.ownership:
        return recipient.ownership
    if party is not None:
        return party.ownership
    return ()


def _share(ownership: tuple[Ownership, ...], countries: CountrySet, as_of: date) -> float:
    return sum(o.percent for o in ownership if countries.contains(o.country, as_of))


def _subjects_country(dt: DataTransfer) -> str | None:
    """Whose data it is: ``subjects_country``, else the exporting country."""
    return dt.subjects_country if dt.subjects_country is not None else dt.from_country


def _kr_transfer_kind(dt: DataTransfer) -> str | None:
    """``provision`` / ``entrustment`` / ``storage``; None when the input cannot tell.

    A declared ``importer_role`` decides first: a controller receives a provision, a processor
    an entrustment (or storage when that is the purpose).
    """
    purpose, ttype = dt.purpose, dt.transaction_type
    if dt.importer_role == "controller":
        return "provision"
    if dt.importer_role == "processor":
        return "storage" if purpose == "storage" else "entrustment"
    if ttype in PIPA_PROVISION_TYPES or purpose in {"sale", "marketing"}:
        return "provision"
    if purpose == "storage":
        return "storage"
    if purpose in {"model_training", "research", "model_weights"}:
        # a vendor trains the exporter's model on its behalf; anyone else trains its own
        if ttype == "vendor":
            return "entrustment"
        return "provision" if ttype is not None else None
    if purpose in PIPA_ENTRUSTMENT_PURPOSES or ttype in {"vendor", "employment"}:
        return "entrustment"
    if ttype == "intra_group":
        return "provision"
    return None


def _dsp_categories(categories: tuple[str, ...], ref: Reference) -> tuple[str, ...]:
    found = {ref.dsp_category_of[c] for c in categories if c in ref.dsp_category_of}
    return tuple(sorted(found))


def _recipient_key(dt: DataTransfer) -> tuple[str, str]:
    name = "" if dt.recipient is None or dt.recipient.name is None else dt.recipient.name
    country = dt.recipient.country if dt.recipient and dt.recipient.country else dt.to_country
    return (name.casefold().strip(), country)


def _aggregate_counts(tx: Transaction, index: int, ref: Reference) -> dict[str, int | None]:
    """Per DSP category: the subjects of every US transfer of ``tx`` to the same recipient."""
    this = tx.data_transfers[index]
    key = _recipient_key(this)
    same = [
        dt
        for i, dt in enumerate(tx.data_transfers)
        if i == index
        or (
            key[0] != ""
            and _recipient_key(dt) == key
            and _subjects_country(dt) == _subjects_country(this)
        )
    ]
    counts: dict[str, int | None] = {}
    for cat in _dsp_categories(this.categories, ref):
        total: int | None = 0
        for dt in same:
            if cat not in _dsp_categories(dt.categories, ref):
                continue
            if dt.subjects_count is None or total is None:
                total = None
            else:
                total += dt.subjects_count
        counts[cat] = total
    return counts


def _bulk(counts: Mapping[str, int | None], ref: Reference) -> tuple[bool | None, list[str]]:
    """(bulk?, categories over their threshold); None when a needed count is missing."""
    over = [c for c, n in counts.items() if n is not None and n > ref.bulk_more_than[c]]
    if over:
        return True, over
    if any(n is None for n in counts.values()):
        return None, []
    return False, []


@cache
def _us_states() -> frozenset[str]:
    import pycountry

    return frozenset(
        str(sd.code).removeprefix("US-") for sd in pycountry.subdivisions if sd.country_code == "US"
    )


def _us_state(token: str) -> str | None:
    """``subjects_state:TX`` → ``TX``; None for other tokens and for unknown state codes."""
    prefix, _, code = token.partition(":")
    if prefix != "subjects_state":
        return None
    code = code.strip().upper()
    return code if code in _us_states() else None


def _tri_state(known: bool, value: bool) -> bool | None:
    return value if known else None


# --------------------------------------------------------------------------- the facts


def compute_facts(tx: Transaction, index: int, ref: Reference | None = None) -> dict[str, Any]:
    """The flat facts of ``tx.data_transfers[index]`` that the transfer rules test.

    Args:
        tx: the transaction (its ``as_of`` dates the reference sets; its parties supply the
            recipient's headquarters and ownership when ``recipient.name`` names a party).
        index: which data transfer.
        ref: the reference data; read from the package when None.

    Returns:
        A mapping of fact name to a bool, number, string, tuple or None (unknown).
    """
    ref = ref or load_reference()
    dt = tx.data_transfers[index]
    as_of = tx.as_of
    recipient = dt.recipient
    party = _matching_party(tx, recipient)
    recipient_country = (
        recipient.country if recipient is not None and recipient.country else dt.to_country
    )
    hq = party.headquarters_country if party is not None else None
    ownership = _ownership(recipient, party)
    ownership_known = bool(ownership)
    subjects = _subjects_country(dt)
    safeguards = set(dt.safeguards)
    certifications = set(recipient.certifications) if recipient is not None else set()
    cats = set(dt.categories)

    facts: dict[str, Any] = {
        "as_of": as_of,
        "from_country": dt.from_country,
        "to_country": dt.to_country,
        "recipient_country": recipient_country,
        "recipient_hq_country": hq,
        "recipient_label": recipient.name
        if recipient is not None and recipient.name
        else f"a recipient in {recipient_country}",
        "subjects_country": subjects,
        "subjects_count": dt.subjects_count,
        "categories": tuple(dt.categories),
        "anonymised": dt.anonymised,
        "pseudonymised": dt.pseudonymised,
        "purpose": dt.purpose or "unspecified",
        "transaction_type": dt.transaction_type,
        "sector": dt.sector or "unspecified",
        "safeguards": tuple(sorted(safeguards)),
        "certifications": tuple(sorted(certifications)),
        "cross_border": recipient_country != dt.from_country or dt.to_country != dt.from_country,
        "model_weights": dt.purpose == "model_weights",
        "unknown_safeguards": tuple(
            sorted(s for s in safeguards if s not in SAFEGUARDS and _us_state(s) is None)
        ),
        "ownership_known": ownership_known,
    }
    for cat in CATEGORIES:
        facts[f"has_{cat}"] = cat in cats
    for token in SAFEGUARDS:
        facts[f"sg_{token}"] = token in safeguards
    for cert in CERTIFICATIONS:
        facts[f"cert_{cert}"] = cert in certifications or cert in safeguards
    facts["only_nonpersonal"] = cats <= {"map_survey"}

    # ---- who exports to whom (the transfer test); see the module docstring
    onward = tuple(o.country for o in dt.onward)
    facts["collection"] = dt.collection or "unspecified"
    facts["same_entity"] = dt.same_entity
    facts["access"] = dt.access or "unspecified"
    facts["exporter_role"] = dt.exporter_role or "unspecified"
    facts["importer_role"] = dt.importer_role or "unspecified"
    facts["onward_countries"] = tuple(sorted(set(onward)))
    facts["onward_count"] = len(dt.onward)

    # ---- Korea
    facts["kr_data"] = subjects == "KR" or dt.from_country == "KR"
    facts["from_kr"] = dt.from_country == "KR"
    facts["kr_onward"] = subjects == "KR" and dt.from_country != "KR"
    facts["kr_transfer_kind"] = _kr_transfer_kind(dt)
    facts["to_eu_eea"] = ref.eu_eea.contains(recipient_country, as_of)
    recognition = next(
        (
            r
            for r in ref.kr_recognitions
            if recipient_country in r.countries and as_of >= r.effective_from
        ),
        None,
    )
    facts["kr_recognised_destination"] = recognition is not None
    facts["kr_recognition_excluded_data"] = recognition is not None and bool(
        cats & recognition.excluded_categories
    )
    facts["kr_designated_certification"] = bool(certifications & ref.kr_designated_certifications)
    facts["kr_onward_abroad"] = any(c != "KR" for c in onward)

    # ---- United States: DOJ Data Security Program (28 CFR 202)
    coc = ref.countries_of_concern
    coc_share = _share(ownership, coc, as_of)
    in_coc = coc.contains(recipient_country, as_of) or coc.contains(hq, as_of)
    us_person_recipient = recipient_country == "US" and not coc.contains(hq, as_of)
    facts["us_data"] = subjects == "US"
    exporter = next((p for p in tx.parties if p.role == PartyRole.EXPORTER), None)
    if dt.from_country == "US":
        facts["us_person_exporter"] = True
    elif exporter is not None and exporter.country is not None:
        facts["us_person_exporter"] = exporter.country == "US"
    else:
        facts["us_person_exporter"] = None
    facts["recipient_in_coc"] = in_coc
    facts["recipient_us_person"] = us_person_recipient
    facts["coc_ownership_percent"] = coc_share if ownership_known else None
    if in_coc or coc_share >= ref.covered_person_percent:
        facts["covered_person"] = True
    elif us_person_recipient:
        facts["covered_person"] = False
    else:
        facts["covered_person"] = _tri_state(ownership_known, False)
    dsp_cats = _dsp_categories(dt.categories, ref)
    counts = _aggregate_counts(tx, index, ref)
    bulk, over = _bulk(counts, ref)
    facts["dsp_categories"] = dsp_cats
    facts["dsp_sensitive"] = bool(dsp_cats)
    for cat, n in counts.items():
        facts[f"dsp_count_12m_{cat}"] = n
    facts["dsp_bulk"] = bulk if dsp_cats else False
    facts["dsp_bulk_categories"] = tuple(over)
    facts["dsp_omic_bulk"] = "genomic" in over
    facts["dsp_government_related"] = "government_related" in cats
    facts["dsp_in_force"] = as_of >= ref.dsp_effective_from

    # ---- United States: PADFA (15 U.S.C. 9901)
    fa = ref.foreign_adversaries

    def adversary(code: str | None) -> bool:
        code = ref.adversary_aliases.get(code or "", code)
        return fa.contains(code, as_of)

    fa_share = sum(o.percent for o in ownership if adversary(o.country))
    fa_located = adversary(recipient_country) or adversary(hq)
    facts["padfa_control_percent"] = fa_share if ownership_known else None
    if fa_located or fa_share >= ref.padfa_control_percent:
        facts["padfa_controlled"] = True
    elif us_person_recipient and not ownership_known:
        facts["padfa_controlled"] = None
    else:
        facts["padfa_controlled"] = _tri_state(ownership_known, False)
    facts["data_broker"] = (
        None if dt.transaction_type is None else dt.transaction_type == "data_brokerage"
    )

    # ---- US states: health-record localisation (state of the patients)
    states = sorted({st for st in map(_us_state, safeguards) if st is not None})
    facts["us_states"] = tuple(states)
    facts["us_state"] = states[0] if len(states) == 1 else ("multiple" if states else None)

    # ---- EU / EEA and Japan
    # Chapter V / Art. 28 bind the exporter as well: data leaving the EU/EEA or Japan is theirs
    facts["eu_data"] = ref.eu_eea.contains(subjects, as_of) or ref.eu_eea.contains(
        dt.from_country, as_of
    )
    facts["jp_data"] = subjects == "JP" or dt.from_country == "JP"
    facts["eu_onward_third_country"] = any(not ref.eu_eea.contains(c, as_of) for c in onward)
    facts["jp_onward_foreign"] = any(c != "JP" for c in onward)
    return facts
