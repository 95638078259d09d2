"""The register index: which registered parties could match a changed list entity.

Re-screening after a list update must not screen the whole register. Each party's names are
prepared once, at import, into the same index keys the list index uses
(:func:`prosper.screening.index.name_keys`: tokens, romanization keys, variants, merged
tokens, metaphones, prefixes …) and stored with the party. On an update the keys of every
party are loaded into an inverted index (key → parties); each added or changed list entity's
names retrieve the parties sharing the most key evidence (IDF-weighted, as the list index
does); only those are screened (:func:`prosper.cases.rescreen.rescreen_delta`).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from prosper.cases.model import RegisteredParty
from prosper.model import Entity
from prosper.names.normalize import prepare_name
from prosper.screening.index import KEY_WEIGHTS, name_keys
from prosper.screening.query import Query, normalize_identifier, query_identifiers

CANDIDATES_PER_NAME = 64
"""At most this many parties are scored for each name of a changed entity (by key evidence)."""
COMMON_KEY = 0.01
"""A key shared by more than this share of the register (e.g. "t:kim") does not retrieve alone…"""
MAX_POSTINGS = 2000
"""… nor one shared by more than this many parties, however large the register."""
MIN_SHARE = 0.3
"""A party needs at least 30 % of the key evidence a party sharing every key of the name would
have: one common word of a four-word name is not enough ("trading" of "KOREA MINING TRADING");
a reordered or re-romanised name is (이병철 for "RI PYONG CHUL"). No floor relative to the best
party: an exact namesake in the register must not push out the re-romanised one."""
KEPT_KINDS = frozenset("tkvjpazi")
"""Key kinds stored for a party: tokens, Korean keys, variants, joined tokens, metaphones,
prefixes and suffixes of long tokens (typos), identifiers (not the Arabic consonant skeletons)."""
FUZZY_MIN = 80.0
"""A retrieved party below :data:`MIN_SHARE` is still a candidate when one of its names and one
of the entity's are this similar (rapidfuzz token-sort ratio, 0–100): "Yoon Chenlu" for
"YOON CHENLI", where the surname is too common to count and the given name differs by a letter."""


def party_names(party: RegisteredParty) -> tuple[str, ...]:
    """The party's name and aliases, de-duplicated."""
    return tuple(dict.fromkeys((party.name, *party.aliases)))


ID_KEY = "i:"
"""Prefix of identifier keys: a party whose passport or registration number a changed entity
carries is a candidate even when no name key is shared."""
MIN_ID = 4  # shorter numbers ("12") say nothing; the list index skips them too


def _id_key(value: str) -> str | None:
    norm = normalize_identifier(value)
    return ID_KEY + norm if len(norm) >= MIN_ID else None


def register_row(party: RegisteredParty) -> tuple[str, str, str]:
    """``(id, keys, names)``: what :class:`RegisterIndex` is built from."""
    return party.id, party_keys(party), "\n".join(party_names(party))


def party_keys(party: RegisteredParty) -> str:
    """The space-separated index keys of a party's names and identifiers (stored with it)."""
    keys: set[str] = set()
    for name in party_names(party):
        form = prepare_name(name, party.type)
        if form.tokens:
            keys |= name_keys(form)
    query = Query(name=party.name, identifiers=party.identifiers)
    for ident in query_identifiers(query):
        key = _id_key(ident.value)
        if key is not None:
            keys.add(key)
    return " ".join(sorted(k for k in keys if " " not in k and k[0] in KEPT_KINDS))


class RegisterIndex:
    """An in-memory inverted index over the register's stored keys."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Build from ``(party id, keys, names)`` rows (``CaseStore.name_keys``; names joined
        by newlines, see :func:`register_row`)."""
        postings: dict[str, list[int]] = defaultdict(list)
        ids: list[str] = []
        names: list[str] = []
        for party_id, keys, party_names_text in rows:
            idx = len(ids)
            ids.append(party_id)
            names.append(party_names_text)
            for key in keys.split():
                postings[key].append(idx)
        self.ids = ids
        self._names = names
        self._postings = postings
        self._total = max(1, len(ids))

    def __len__(self) -> int:
        return len(self.ids)

    def _similar(self, name: str, idx: int) -> bool:
        return any(
            fuzz.token_sort_ratio(name, other, processor=default_process) >= FUZZY_MIN
            for other in self._names[idx].split("\n")
        )

    def candidates(self, entity: Entity) -> list[str]:
        """Ids of the parties sharing the most key evidence with any name of ``entity``."""
        out: set[int] = set()
        limit = min(MAX_POSTINGS, max(50, int(self._total * COMMON_KEY)))
        for name, _strong in entity.all_names():
            form = prepare_name(name, entity.type)
            if not form.tokens:
                continue
            acc: dict[int, float] = defaultdict(float)
            whole = 0.0  # the evidence of a party sharing every retrievable key of this name
            for key in name_keys(form):
                if key[0] not in KEPT_KINDS:
                    continue
                posting = self._postings.get(key)
                count = 0 if posting is None else len(posting)
                if count > limit:
                    continue  # too common to retrieve on, and not held against anyone
                weight = KEY_WEIGHTS.get(key[0], 0.4) * math.log((self._total + 1) / (count or 1))
                whole += weight
                for idx in posting or ():
                    acc[idx] += weight
            floor = whole * MIN_SHARE
            for i in heapq.nlargest(CANDIDATES_PER_NAME, acc, key=acc.__getitem__):
                if acc[i] >= floor or self._similar(name, i):
                    out.add(i)
        for ident in entity.identifiers:
            id_key = _id_key(ident.value)
            found = None if id_key is None else self._postings.get(id_key)
            if found is not None and len(found) <= CANDIDATES_PER_NAME:
                out.update(found)
        return [self.ids[i] for i in sorted(out)]
