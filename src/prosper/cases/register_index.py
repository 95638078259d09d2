"""The register index: which registered parties could match a changed list entity.

Re-screening after a list update must not screen the whole register, yet it must find every
hit a full re-screen would find on the added and changed entities. A pair (party name, list
name) is a hit only when its name score plus the most the qualifiers can add reaches the
threshold; the name score (:func:`prosper.matching.names.score_name`) is a weighted share of
aligned tokens, an unaligned token costing at least half its weight
(:data:`~prosper.matching.config.EXTRA_TOKEN_PERSON`, a particle 0.3 of that). So one of the two
names must have a set of tokens that agree with the other name heavy enough against the cost
of its other tokens: a pair is a candidate when one name's **required tokens** (the smallest set
of its costliest tokens without which the rest cannot outweigh it, :func:`required`) contains
a token that **could agree** with a token of the other name (:mod:`prosper.cases.token_links`:
every way :func:`~prosper.matching.names.token_agreement` can be non-zero — equal, Korean or
variant key, stem, spelling skeleton, nickname, particle, initial, and an edit distance within
the phonetic and fuzzy limits). Names sharing a merged-token key ("Jongun" / "JONG UN") and
parties sharing an identifier (4+ characters) are candidates too.

Each party's name tokens are stored at import with its keys (``n:`` keys); a party imported
before they were stored has its names prepared when the index loads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from prosper.cases.model import RegisteredParty
from prosper.cases.token_links import TokenLinks
from prosper.matching import config as cfg
from prosper.model import Entity
from prosper.names.normalize import NameForm, prepare_name
from prosper.names.weights import TokenWeights, default_weights
from prosper.screening.index import name_keys
from prosper.screening.query import Query, normalize_identifier, query_identifiers

KEPT_KINDS = frozenset("tkvjpazi")
"""Key kinds stored for a party (tokens, Korean keys, variants, joined tokens, metaphones,
prefixes and suffixes, identifiers); ``n:`` (a name's tokens) and ``x:`` (flags) come with them."""
ID_KEY = "i:"
NAME_KEY = "n:"
ABJAD_FLAG = "x:abjad"
"""An Arabic-script name: compared by consonant skeletons, so always a candidate."""
MIN_ID = 4  # shorter numbers ("12") say nothing; the list index skips them too
UNALIGNED = cfg.EXTRA_TOKEN_PERSON  # the least an unaligned token costs, × its weight
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def party_names(party: RegisteredParty) -> tuple[str, ...]:
    """The party's name, aliases and owners' names (each owner is screened too), de-duplicated."""
    owners = (str(o["name"]) for o in party.owners)
    return tuple(dict.fromkeys((party.name, *party.aliases, *owners)))


def _id_key(value: str) -> str | None:
    norm = normalize_identifier(value)
    return ID_KEY + norm if len(norm) >= MIN_ID else None


def register_row(party: RegisteredParty) -> tuple[str, str, str]:
    """``(id, keys, names)``: what :class:`RegisterIndex` is built from."""
    return party.id, party_keys(party), "\n".join(party_names(party))


def party_keys(party: RegisteredParty) -> str:
    """The space-separated keys of a party's names and identifiers (stored with it)."""
    keys: set[str] = set()
    extra: set[str] = set()
    for name in party_names(party):
        form = prepare_name(name, party.type)
        if form.tokens:
            keys |= name_keys(form)
            extra.add(NAME_KEY + "|".join(form.tokens))
            if "arabic" in form.scripts:
                extra.add(ABJAD_FLAG)
    query = Query(name=party.name, identifiers=party.identifiers)
    for ident in query_identifiers(query):
        key = _id_key(ident.value)
        if key is not None:
            keys.add(key)
    kept = {k for k in keys if " " not in k and k[0] in KEPT_KINDS}
    return " ".join(sorted(kept | {k for k in extra if " " not in k}))


def required(tokens: Sequence[str], weights: TokenWeights, floor: float) -> set[str]:
    """The tokens of a name one of which must agree with the other name for the pair to reach
    ``floor`` by this side's share: with ``k = floor / (1 - floor)``, a side whose agreeing
    tokens weigh less than ``k`` times the cost of its others cannot be the side that carries
    the score (if neither side can, the sum cannot either). Costliest first; the rest, all
    agreeing, must fall short of ``k`` × the cost of those taken."""
    k = floor / (1.0 - floor)
    costs = sorted(((weights.weight(t) * _factor(t), t) for t in set(tokens)), reverse=True)
    rest = sum(weights.weight(t) for t in set(tokens))
    taken_cost = 0.0
    out: set[str] = set()
    for cost, token in costs:
        if rest < k * taken_cost:
            break
        out.add(token)
        taken_cost += cost
        rest -= weights.weight(token)
    return out


_PARTICLES = frozenset(cfg.PARTICLES.split())
_PATRONYMIC = re.compile(cfg.PATRONYMIC_ENDINGS)


def could_reach(
    party: Sequence[str],
    listed: Sequence[str],
    links: TokenLinks,
    weights: TokenWeights,
    floor: float,
) -> bool:
    """Whether a party name and a list name could score ``floor``: the upper bound of the
    token score. Each token ``t`` either aligns, adding ``s·w`` to the numerator and ``w`` to
    the denominator (``s`` its best agreement with any token of the other name), or not,
    adding its cost ``c`` (:func:`_factor` × ``w``) to the denominator; the best choice of
    aligned tokens reaches ``floor`` exactly when ``Σ max(0, (s − floor)·w + floor·c) ≥
    floor·Σ c``. The brand rule's fixed score (every party token agreeing at ``PHONETIC``
    or better) is allowed for as well."""
    best: dict[str, float] = {}
    listed_set = set(listed)
    party_scores = []
    for token in set(party):
        linked = links.delta_side(token)
        s = 0.0
        for other in listed_set.intersection(linked):
            s = max(s, linked[other])
            best[other] = max(best.get(other, 0.0), linked[other])
        party_scores.append((token, s))
    if floor <= cfg.BRAND_SCORE and all(s >= cfg.PHONETIC for _, s in party_scores):
        return True
    gain = cost = 0.0
    for token, s in [*party_scores, *((t, best.get(t, 0.0)) for t in listed_set)]:
        w = weights.weight(token)
        c = w * _factor(token)
        cost += c
        gain += max(0.0, (s - floor) * w + floor * c)
    return gain >= floor * cost


def _factor(token: str) -> float:
    # a particle or patronymic missing from the other name costs MINOR_TOKEN of its weight
    minor = token in _PARTICLES or (len(token) >= 7 and _PATRONYMIC.search(token) is not None)
    return UNALIGNED * (cfg.MINOR_TOKEN if minor else 1.0)


def _joins(form: NameForm) -> set[str]:
    """Merged-token forms of a list name (its ``j:`` keys without the prefix)."""
    return {k[2:] for k in name_keys(form) if k.startswith("j:")}


class RegisterIndex:
    """The register's names and keys, in memory, for one delta."""

    def __init__(
        self, rows: Iterable[tuple[str, str, str]], weights: TokenWeights | None = None
    ) -> None:
        """Build from ``(party id, keys, names)`` rows (``CaseStore.name_keys``; names joined
        by newlines, see :func:`register_row`)."""
        self.weights = default_weights() if weights is None else weights
        self.ids: list[str] = []
        self._names: list[list[tuple[str, ...]]] = []
        self._token_parties: dict[str, list[int]] = defaultdict(list)
        self._join_parties: dict[str, list[int]] = defaultdict(list)
        self._id_parties: dict[str, list[int]] = defaultdict(list)
        self._always: list[int] = []
        for party_id, keys, names_text in rows:
            self._add(party_id, keys, names_text)

    def _add(self, party_id: str, keys: str, names_text: str) -> None:
        idx = len(self.ids)
        self.ids.append(party_id)
        names: list[tuple[str, ...]] = []
        abjad = False
        for key in keys.split():
            kind = key[:2]
            if kind == NAME_KEY:
                names.append(tuple(key[2:].split("|")))
            elif kind == "j:":
                self._join_parties[key[2:]].append(idx)
            elif kind == ID_KEY:
                self._id_parties[key].append(idx)
            elif key == ABJAD_FLAG:
                abjad = True
        if not names:  # stored before the name tokens were: prepare them now
            for name in names_text.split("\n"):
                form = prepare_name(name)
                if form.tokens:
                    names.append(form.tokens)
                    abjad = abjad or "arabic" in form.scripts
            abjad = abjad or _ARABIC.search(names_text) is not None
        if abjad:
            self._always.append(idx)
        for token in {t for name in names for t in name}:
            self._token_parties[token].append(idx)
        self._names.append(names)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates_for(self, entities: Sequence[Entity], floor: float) -> dict[str, set[str]]:
        """Party id → the ids of the ``entities`` it could hit at a name score of ``floor``
        (the threshold less what qualifiers can add) or through a shared identifier."""
        forms: list[tuple[int, NameForm]] = []
        for e_idx, entity in enumerate(entities):
            for name, _strong in entity.all_names():
                form = prepare_name(name, entity.type)
                if form.tokens:
                    forms.append((e_idx, form))
        links = TokenLinks(
            [t for _, f in forms for t in f.tokens],
            self._token_parties,
            [t for _, f in forms if "arabic" in f.scripts for t in f.tokens],
        )
        by_token: dict[str, set[int]] = defaultdict(set)  # delta token → entities naming it
        by_join: dict[str, set[int]] = defaultdict(set)  # merged form / token → entities
        by_joined_only: dict[str, set[int]] = defaultdict(set)  # merged form → entities
        found: dict[int, set[int]] = defaultdict(set)
        for e_idx, form in forms:
            for token in form.tokens:
                by_token[token].add(e_idx)
                by_join[token].add(e_idx)
            for joined in _joins(form):
                by_join[joined].add(e_idx)
                by_joined_only[joined].add(e_idx)
            # the list name's side carries the score: a party token agreeing with a required one
            for token in required(form.tokens, self.weights, floor):
                for party_token in links.register_side(token):
                    for p_idx in self._token_parties.get(party_token, ()):
                        found[p_idx].add(e_idx)
        for p_idx, names in enumerate(self._names):
            for tokens in names:  # the party's side carries the score
                for token in required(tokens, self.weights, floor):
                    for delta_token in links.delta_side(token):
                        found[p_idx].update(by_token[delta_token])
        ent_forms: dict[int, list[NameForm]] = defaultdict(list)
        for e_idx, form in forms:
            ent_forms[e_idx].append(form)
        for p_idx, e_set in found.items():  # both sides together (:func:`could_reach`)
            names = self._names[p_idx]
            e_set.intersection_update(
                [
                    e
                    for e in e_set
                    if any(
                        could_reach(tokens, form.tokens, links, self.weights, floor)
                        for tokens in names
                        for form in ent_forms[e]
                    )
                ]
            )
        # merged tokens ("Jongun" / "JONG UN"): the party's two tokens joined equal a list
        # token or joined pair, or a party token equals a list name's joined pair
        for joined, parties in self._join_parties.items():
            hit = by_join.get(joined)
            if hit:
                for p_idx in parties:
                    found[p_idx].update(hit)
        for joined, e_set in by_joined_only.items():
            for p_idx in self._token_parties.get(joined, ()):
                found[p_idx].update(e_set)
        for e_idx, entity in enumerate(entities):
            for ident in entity.identifiers:
                id_key = _id_key(ident.value)
                for p_idx in () if id_key is None else self._id_parties.get(id_key, ()):
                    found[p_idx].add(e_idx)
        for p_idx in self._always:
            found[p_idx].update(range(len(entities)))
        ids = [e.id for e in entities]
        return {self.ids[p]: {ids[e] for e in es} for p, es in found.items() if es}

    def candidates(self, entity: Entity, floor: float = 0.68) -> list[str]:
        """Ids of the parties that could hit ``entity`` (see :meth:`candidates_for`)."""
        return sorted(self.candidates_for([entity], floor))
