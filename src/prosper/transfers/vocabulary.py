"""The input vocabulary the transfer facts read: categories, safeguards, certifications.

Each safeguard token is explained in ``docs/data_transfers.md``; unknown tokens are reported,
never counted. :data:`FACT_FIELDS` names the input field behind each fact, so that a ``review``
finding for an unknown fact says what to fill in.
"""

from __future__ import annotations

from prosper.intake import DATA_CATEGORIES

# The data categories of the contract (``data_transfers[].categories``), one vocabulary.
CATEGORIES = DATA_CATEGORIES

# Safeguards / legal facts a transfer may declare (``data_transfers[].safeguards``).
# Each token is explained in docs/data_transfers.md; unknown tokens are reported, never counted.
SAFEGUARDS = {
    "consent_separate": "separate consent to the overseas transfer after the PIPA 28-8(2) notice",
    "contract_disclosed": "entrustment / storage disclosed in the privacy policy or notified",
    "statute_or_treaty": "a statute or treaty provision on the transfer (PIPA 28-8(1)2)",
    "statutory_basis": "a statute or regulation that specifically requires or permits it",
    "pipc_certification": "recipient holds a certification the PIPC notified under 28-8(1)4",
    "protective_measures": "PIPA 28-8(4) / Decree 29-10 protective measures in the contract",
    "publicly_available": "the personal data is publicly available (PIPA 15(1)6 guide)",
    "molit_permit": "MOLIT permission to take basic survey results abroad",
    "certified_cloud_kr": "CSAP / NIS-verified cloud located in Korea",
    "fsc_sandbox": "FSC regulatory-sandbox designation for offshore processing",
    "scc": "EU standard contractual clauses (2021/914)",
    "tia": "transfer impact assessment documented",
    "bcr": "binding corporate rules approved under GDPR Art. 47",
    "dpf": "recipient self-certified under the EU-US Data Privacy Framework",
    "cbpr": "recipient holds a (Global) CBPR certification",
    "appi_consent": "consent to the foreign transfer after the APPI information",
    "appi_contract": "contract / internal rules giving APPI-equivalent measures",
    "cisa_security": "CISA security requirements for restricted transactions implemented",
    "compliance_program": "DSP data compliance programme, audit and records (Subparts J, K)",
    "onward_transfer_clause": "contract bars re-brokering to countries of concern (202.302)",
    "us_storage": "records physically stored in the US (or its territories)",
}

# Certifications a recipient may list that the rules understand (``recipient.certifications``).
CERTIFICATIONS = ("dpf", "dpf_hr", "cbpr", "prp", "isms_p", "iso27001")

PIPA_PROVISION_TYPES = frozenset({"data_brokerage", "investment"})
PIPA_ENTRUSTMENT_PURPOSES = frozenset(
    {
        "processing_for_contract",
        "hosting",
        "customer_support",
        "payroll",
        "hr",
        "analytics",
        "fulfilment",
        "delivery",
    }
)

# The input field each fact is computed from; a ``review`` finding names these when the fact is
# None. ``{i}`` is the index of the data transfer.
FACT_FIELDS = {
    "subjects_count": "data_transfers[{i}].subjects_count",
    "dsp_bulk": "data_transfers[{i}].subjects_count",
    "covered_person": "data_transfers[{i}].recipient.ownership",
    "padfa_controlled": "data_transfers[{i}].recipient.ownership",
    "kr_transfer_kind": "data_transfers[{i}].transaction_type",
    "subjects_country": "data_transfers[{i}].subjects_country",
    "us_state": "data_transfers[{i}].safeguards (subjects_state:TX|FL|other)",
    "us_person_exporter": "parties[role=exporter].country",
    "data_broker": "data_transfers[{i}].transaction_type",
    "transaction_type": "data_transfers[{i}].transaction_type",
    "sector": "data_transfers[{i}].sector",
    "collection": "data_transfers[{i}].collection",
    "same_entity": "data_transfers[{i}].same_entity",
    "access": "data_transfers[{i}].access",
    "exporter_role": "data_transfers[{i}].exporter_role",
    "importer_role": "data_transfers[{i}].importer_role",
}
