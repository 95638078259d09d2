"""The register index: which registered parties could match a changed list entity.

Re-screening after a list update must not screen the whole register, yet it must find every
hit a full re-screen would find on the added and changed entities. A pair (party name, list
name) is a hit only when its name score plus the most the qualifiers can add reaches the
threshold. A pair is a candidate when the upper bound of its name score reaches that floor
(:mod:`prosper.cases.name_bound`), over the tokens that **could agree**
(:mod:`prosper.cases.token_links`: every way :func:`~prosper.matching.names.token_agreement`
can be non-zero — equal, Korean or variant key, stem, spelling skeleton, nickname, particle,
initial, same metaphone and first letter, edits within the fuzzy budget). Names sharing a
merged-token key ("Jongun" / "JONG UN") and parties sharing an identifier (4+ characters) are
candidates too; a party with an Arabic-script name always is.

Each party's name tokens are stored at import with its keys (``n:`` keys); a party imported
before they were stored has its names prepared when the index loads.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from prosper.cases.model import RegisteredParty
from prosper.cases.name_bound import PairBound, list_side, party_side
from prosper.cases.token_keys import TokenKeys
from prosper.cases.token_links import TokenLinks
from prosper.matching import config as cfg
from prosper.model import Entity, EntityType
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
ORG_FLAG = "x:org"
"""Not a person: its names agree as an organization's (no nicknames, no initials); a row
without the flag is taken as a person's, the more permissive."""
"""An Arabic-script name: compared by consonant skeletons, so always a candidate."""
MIN_ID = 4  # shorter numbers ("12") say nothing; the list index skips them too
UNALIGNED = cfg.EXTRA_TOKEN_PERSON  # the least an unaligned token costs, × its weight
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_READ_KEYS = re.compile(r"(?:^|\s)([nji]:|x:)(\S*)")
"""The keys the index reads (names, joined tokens, identifiers, flags) out of a party's stored
keys, found in one scan of the text (most of the text is keys it does not read)."""


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
    if party.type is not EntityType.PERSON:
        extra.add(ORG_FLAG)
    query = Query(name=party.name, identifiers=party.identifiers)
    for ident in query_identifiers(query):
        key = _id_key(ident.value)
        if key is not None:
            keys.add(key)
    kept = {k for k in keys if " " not in k and k[0] in KEPT_KINDS}
    return " ".join(sorted(kept | {k for k in extra if " " not in k}))


def _joins(form: NameForm) -> set[str]:
    """Merged-token forms of a list name (its ``j:`` keys without the prefix)."""
    return {k[2:] for k in name_keys(form) if k.startswith("j:")}


@dataclass(frozen=True, slots=True)
class DeltaPlan:
    """One delta as every part of the register reads it (:meth:`RegisterIndex.plan`)."""

    entities: Sequence[Entity]
    forms: list[tuple[int, NameForm]]  # (entity index, one of its prepared names)
    links: TokenLinks
    bound: PairBound


def delta_forms(entities: Sequence[Entity]) -> list[tuple[int, NameForm]]:
    """The prepared names of the delta's entities, with each entity's index."""
    forms: list[tuple[int, NameForm]] = []
    for e_idx, entity in enumerate(entities):
        for name, _strong in entity.all_names():
            form = prepare_name(name, entity.type)
            if form.tokens:
                forms.append((e_idx, form))
    return forms


def delta_links(
    forms: Sequence[tuple[int, NameForm]],
    register_tokens: Iterable[str],
    known: Mapping[str, TokenKeys] | None = None,
) -> TokenLinks:
    """:class:`TokenLinks` of the delta names ``forms`` over ``register_tokens`` (all of the
    register's or one part of them: the links of a token do not depend on the others);
    ``known``: register tokens' keys read from the store (:mod:`prosper.cases.token_keys`)."""
    return TokenLinks(
        [t for _, f in forms for t in f.tokens],
        register_tokens,
        [t for _, f in forms if "arabic" in f.scripts for t in f.tokens],
        known,
    )


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
        self._org: list[bool] = []
        for party_id, keys, names_text in rows:
            self._add(party_id, keys, names_text)

    def _add(self, party_id: str, keys: str, names_text: str) -> None:
        idx = len(self.ids)
        self.ids.append(party_id)
        names: list[tuple[str, ...]] = []
        abjad = org = False
        for kind, value in _READ_KEYS.findall(keys):
            if kind == NAME_KEY:
                names.append(tuple(value.split("|")))
            elif kind == "j:":
                self._join_parties[value].append(idx)
            elif kind == ID_KEY:
                self._id_parties[kind + value].append(idx)
            elif value == ORG_FLAG[2:]:
                org = True
            elif value == ABJAD_FLAG[2:]:
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
        self._org.append(org)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates_for(self, entities: Sequence[Entity], floor: float) -> dict[str, set[str]]:
        """Party id → the ids of the ``entities`` it could hit at a name score of ``floor``
        (the threshold less what qualifiers can add) or through a shared identifier."""
        return self.candidates_in(self.plan(entities, floor), 0, len(self.ids))

    def tokens(self, lo: int = 0, hi: int | None = None) -> list[str]:
        """The register's distinct name tokens, sorted (those of the parties ``lo`` …
        ``hi - 1`` when given)."""
        if lo == 0 and (hi is None or hi >= len(self.ids)):
            return sorted(self._token_parties)
        return sorted({t for names in self._names[lo:hi] for name in names for t in name})

    def plan(
        self,
        entities: Sequence[Entity],
        floor: float,
        links: TokenLinks | None = None,
        forms: list[tuple[int, NameForm]] | None = None,
        register_tokens: Iterable[str] | None = None,
    ) -> DeltaPlan:
        """What every part of the register shares for one delta: its names, the token links
        (``links``: built over :meth:`tokens` by the caller, e.g. in parts on several
        processes — see :func:`delta_links` — or here; ``forms``: :func:`delta_forms` of
        ``entities`` when the caller has them) and the pair bound (over ``register_tokens``: the
        tokens of the parties a part reads, or all)."""
        if forms is None:
            forms = delta_forms(entities)
        if links is None:
            links = delta_links(forms, self.tokens())
        if register_tokens is None:
            register_tokens = list(self._token_parties)
        bound = PairBound([f for _, f in forms], links, register_tokens, self.weights, floor)
        return DeltaPlan(entities, forms, links, bound)

    def candidates_in(self, plan: DeltaPlan, lo: int, hi: int) -> dict[str, set[str]]:
        """:meth:`candidates_for` of the parties ``lo`` … ``hi - 1`` (in row order): the
        parts of a split register together give what the whole gives."""
        entities, forms, links, bound = plan.entities, plan.forms, plan.links, plan.bound
        by_token: dict[str, set[int]] = defaultdict(set)  # delta token → entities naming it
        by_joined: dict[str, set[int]] = defaultdict(set)  # joined tokens → entities
        by_whole: dict[str, set[int]] = defaultdict(set)  # the whole name without spaces
        found: dict[int, set[int]] = defaultdict(set)
        for e_idx, form in forms:
            for token in form.tokens:
                by_token[token].add(e_idx)
            for joined in _joins(form):
                by_joined[joined].add(e_idx)
            for whole in (form.tokens, form.full, form.tokens[::-1]):
                by_whole["".join(whole)].add(e_idx)
        form_entity = [e for e, _ in forms]
        # the list name's side carries the score: a party token links to a required token
        linked_parties: dict[str, set[int]] = {}
        whole_range = lo == 0 and hi >= len(self.ids)

        def in_range(parties: list[int]) -> list[int]:
            # a token's parties are in row order: the range is one slice
            if whole_range:
                return parties
            return parties[bisect_left(parties, lo) : bisect_left(parties, hi)]

        def parties_of(token: str) -> set[int]:
            found_set = linked_parties.get(token)
            if found_set is None:
                found_set = set()
                for party_token in links.register_side(token):
                    found_set.update(in_range(self._token_parties.get(party_token, [])))
                linked_parties[token] = found_set
            return found_set

        from_list = list_side(bound, len(forms), parties_of)
        # a party name reaches a delta name only through a linked token or ``from_list``
        rows = range(lo, min(hi, len(self.ids)))
        for p_idx, f_set in party_side(bound, self._names, self._org, rows, from_list).items():
            found[p_idx].update(form_entity[f_idx] for f_idx in f_set)
        # merged tokens: the party's two tokens joined are one list token ("Jong Un" /
        # "JONGUN"), a party token is two list tokens joined ("Jongun" / "JONG UN"), or the
        # whole names without spaces are equal (the compact score, exact)
        for joined, parties in self._join_parties.items():
            hit = by_token.get(joined)
            if hit:
                for p_idx in in_range(parties):
                    found[p_idx].update(hit)
        for joined, e_set in by_joined.items():
            for p_idx in in_range(self._token_parties.get(joined, [])):
                found[p_idx].update(e_set)
        for p_idx in range(lo, min(hi, len(self.ids))):
            for tokens in self._names[p_idx]:
                hit = by_whole.get("".join(tokens))
                if hit:
                    found[p_idx].update(hit)
        for e_idx, entity in enumerate(entities):
            for ident in entity.identifiers:
                id_key = _id_key(ident.value)
                for p_idx in in_range([] if id_key is None else self._id_parties.get(id_key, [])):
                    found[p_idx].add(e_idx)
        for p_idx in in_range(self._always):
            found[p_idx].update(range(len(entities)))
        ids = [e.id for e in entities]
        return {self.ids[p]: {ids[e] for e in es} for p, es in found.items() if es}

    def candidates(self, entity: Entity, floor: float = 0.68) -> list[str]:
        """Ids of the parties that could hit ``entity`` (see :meth:`candidates_for`)."""
        return sorted(self.candidates_for([entity], floor))
