"""Evidence for the generic organisation-word glossary (``names/data/org_glossary.tsv``) from
the lists' own paired names.

For every organisation entry of DFAT (its original-script names with its Latin names and
aliases), the EU FSF (aliases in the EU's languages), SEMA and the Entity List, every two names
of the one entry are a *paired name*. A glossary word ``w`` of concept ``c`` is *attested* by a
paired name when one name writes ``w`` and the other writes another word of ``c`` (or ``c``
itself) and not ``w``: the two lists' names of one organisation translate ``w`` as ``c``.
Prints the counts and, with ``--check``, every glossary row whose words no pair attests (the
rows marked ``dict`` in the file). Uses no matcher.

    PYTHONPATH=src bench/.venv/bin/python bench/mine_org_glossary.py [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from make_heldout import (
    AU_FILE,
    CA_FILE,
    CSL_FILE,
    DEFAULT_LISTS,
    EU_FILE,
    read_au,
    read_ca,
    read_entity_list,
    read_eu,
)
from prosper.names import glossary
from prosper.names.normalize import fold_text


def _words_of(name: str, words: dict[str, str]) -> set[str]:
    """The glossary words (and concept words) a name writes."""
    folded = f" {fold_text(name)} "
    found = {
        w
        for w in words
        if not glossary._NATIVE_SCRIPTS.search(w)
        and not glossary._ARABIC.search(w)
        and f" {w} " in folded
    }
    found |= {w for w in words if glossary._NATIVE_SCRIPTS.search(w) and w in name}
    tokens = set(re.split(r"\s+", name))
    found |= {w for w in words if glossary._ARABIC.search(w) and w in tokens}
    return found


def propose(orgs: list, top: int) -> None:
    """Candidate translations: for each concept, the words of one organisation's other names
    written opposite a name that has the concept's English word (and the other name has no
    word of the concept), counted once per organisation and ranked by how much more often than
    across all names (words of at least four letters seen with at least three organisations)."""
    concepts = set(glossary.glossary().values())
    overall: Counter[str] = Counter()
    opposite: dict[str, Counter[str]] = {c: Counter() for c in concepts}
    for e in orgs:
        names = list(dict.fromkeys([e.name, *e.aliases, *e.original]))
        tokens = [set(fold_text(n).split()) for n in names]
        seen: set[tuple[str, str]] = set()
        for t in set().union(*tokens):
            overall[t] += 1
        for c in concepts:
            english = set(c.split())
            for i, a in enumerate(tokens):
                if not english <= a:
                    continue
                for j, b in enumerate(tokens):
                    if i != j and not english & b:
                        seen.update((c, w) for w in b - a if len(w) >= 4 and w.isalpha())
        for c, w in seen:
            opposite[c][w] += 1
    n = len(orgs)
    for c in sorted(concepts):
        ranked = sorted(
            ((k / (overall[w] / n + 1e-9), k, w) for w, k in opposite[c].items() if k >= 3),
            reverse=True,
        )
        print(c, ": ", ", ".join(f"{w} {k}" for _, k, w in ranked[:top]), sep="")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--check", action="store_true", help="list rows no pair attests")
    parser.add_argument(
        "--propose",
        type=int,
        default=0,
        metavar="N",
        help="for each concept, the N words most often written opposite its English word",
    )
    args = parser.parse_args(argv)
    words = dict(glossary.glossary())
    for concept in set(words.values()):
        words.setdefault(concept, concept)  # the English word of a concept counts too
    entries = (
        read_au(args.lists / AU_FILE)
        + read_eu(args.lists / EU_FILE)
        + read_ca(args.lists / CA_FILE)
        + read_entity_list(args.lists / CSL_FILE)
    )
    orgs = [e for e in entries if e.kind == "organization"]
    pairs = attesting = 0
    attested: Counter[str] = Counter()
    for e in orgs:
        names = list(dict.fromkeys([e.name, *e.aliases, *e.original]))
        found = [_words_of(n, words) for n in names]
        for i, j in combinations(range(len(names)), 2):
            pairs += 1
            hit = False
            for x, y in ((found[i], found[j]), (found[j], found[i])):
                for w in x - y:
                    if any(words[v] == words[w] and v != w for v in y):
                        attested[w] += 1
                        hit = True
            attesting += hit
    print(f"organisation entries {len(orgs)}, paired names {pairs}, attesting pairs {attesting}")
    listed = glossary.glossary()
    print(f"glossary words {len(listed)}, attested {sum(1 for w in listed if attested[w])}")
    if args.propose:
        propose(orgs, args.propose)
    if args.check:
        for concept, lang, row in glossary._rows():
            n = sum(attested[w] for w in row)
            print(f"{'mined' if n else 'dict '}\t{n}\t{concept}\t{lang}\t{'|'.join(row)}")


if __name__ == "__main__":
    main()
