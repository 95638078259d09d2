"""The validated, compiled rulebook kept in the data folder, so a warm start neither parses
nor validates it.

Loading the packaged rulebook means parsing ~30 YAML files and validating every rule, case and
table with the strict loader's pydantic models (:mod:`prosper.rulebook.loader`); importing those
models alone costs about as much CPU as a whole ``prosper check`` should. The result is a tree
of frozen values (:class:`~prosper.rulebook.book.Rulebook`), which
:func:`load_compiled_rulebook` keeps as plain values (dicts, lists, text, numbers: what
:func:`encode_rulebook` returns) in ``<cache>/rulebook-<hash of the manifest path>.marshal``
and rebuilds from there without YAML or pydantic.

The file is a magic line, the SHA-256 of its payload, and the payload: the standard
library's :mod:`marshal` form of a dict that records what the rulebook was compiled from. It
is read only when the payload's SHA-256 holds (a file damaged or cut short is never decoded),
and used only when all of this still holds:

* ``code`` — the SHA-256 of the source of the modules that define the grammar and the loader
  (and of this one): a changed loader or grammar compiles the rulebook again;
* ``files`` — the SHA-256 of every file the loader read (manifest, rule, case and table
  files): a changed rule file compiles it again;
* ``absent`` — every ``<rule file>.cases.yaml`` the loader looked for and did not find: one
  that appears compiles it again.

A file that cannot be read, does not check out, or does not decode into a rulebook (a damaged
or foreign file) is ignored and overwritten; a data folder that cannot be written only costs
the load. The payload is data only (no pickle, nothing in it is run): it is decoded field by
field into the rulebook's frozen values, and a value of another shape fails the decoding, so
the rulebook is compiled again. A rulebook
whose values do not come back unchanged (``decode(encode(book)) != book`` after the round
trip through the file's form) is not kept. (Format 1 kept the same values as JSON text,
``rulebook-….json``; reading them took ~3 times as long. A folder with such a file builds the
new one once and leaves the old one alone.)
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from prosper.model import ReviewPolicy, Verdict
from prosper.rulebook.book import DEFAULT_MANIFEST, Rulebook, read_rulebook
from prosper.rulebook.grammar import (
    AllOf,
    AnyOf,
    Case,
    CaseExpectation,
    Citation,
    Condition,
    Leaf,
    NotOf,
    Outcome,
    Rule,
    Table,
)
from prosper.rulebook.yamlcache import yaml_cache

#: Bumped when the layout of the file changes (2: marshal, was JSON).
FORMAT = 2
#: The first line of a kept file.
MAGIC = b"prosper-rulebook-2\n"
_HERE = Path(__file__).resolve().parent
#: The modules whose code decides what a rule file compiles to.
_CODE = (
    _HERE / "book.py",
    _HERE / "compiled.py",
    _HERE / "grammar.py",
    _HERE / "loader.py",
    _HERE.parent / "model.py",
)


#: marshal's format is that of one Python version: a file written by another is compiled again.
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]} marshal {marshal.version}"


def code_digest() -> str:
    """SHA-256 over the source of the grammar, loader, book, this module and the model."""
    h = hashlib.sha256(str(FORMAT).encode())
    for path in _CODE:
        h.update(path.read_bytes())
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_path(directory: Path, manifest: Path) -> Path:
    """Where the compiled rulebook of ``manifest`` is kept in ``directory``."""
    key = hashlib.sha256(str(manifest.resolve()).encode("utf-8")).hexdigest()[:24]
    return directory / f"rulebook-{key}.marshal"


def load_compiled_rulebook(directory: Path | None, path: Path | None = None) -> Rulebook:
    """The rulebook of the manifest at ``path`` (default: the packaged one), as
    :func:`~prosper.rulebook.book.load_rulebook` loads it, read from its compiled form in
    ``directory`` when that is current; else loaded (the YAML through
    :mod:`~prosper.rulebook.yamlcache` in the same folder) and kept there. ``directory`` None:
    nothing is kept.

    Raises:
        RulebookError: a file breaks the grammar (as :func:`load_rulebook`; never cached).
    """
    manifest = DEFAULT_MANIFEST if path is None else Path(path)
    if directory is None:
        return read_rulebook(manifest)[0]
    target = cache_path(directory, manifest)
    code = code_digest()
    book = _read(target, code)
    if book is not None:
        return book
    with yaml_cache(directory):
        book, read, absent = read_rulebook(manifest)
    _write(target, code, book, read, absent)
    return book


def _payload(target: Path) -> Any:
    """The value kept in ``target``; None when there is none or it does not check out."""
    try:
        data = target.read_bytes()
    except OSError:
        return None
    head = len(MAGIC)
    if not data.startswith(MAGIC) or len(data) < head + 32:
        return None
    payload = data[head + 32 :]
    if hashlib.sha256(payload).digest() != data[head : head + 32]:
        return None  # damaged or cut short: never decoded
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def _read(target: Path, code: str) -> Rulebook | None:
    """The rulebook kept at ``target`` when its code and every file it came from are
    unchanged; None when missing, stale or not readable as one."""
    doc = _payload(target)
    if type(doc) is not dict:
        return None
    try:
        if doc["format"] != FORMAT or doc["code"] != code or doc["python"] != _PYTHON:
            return None
        for name, digest in doc["files"]:
            if _file_digest(Path(name)) != digest:
                return None
        if any(Path(name).exists() for name in doc["absent"]):
            return None
        return decode_rulebook(doc["book"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None  # foreign or stale: compiled again


def _write(
    target: Path, code: str, book: Rulebook, read: tuple[Path, ...], absent: tuple[Path, ...]
) -> None:
    try:
        raw = encode_rulebook(book)
        if decode_rulebook(marshal.loads(marshal.dumps(raw))) != book:
            return  # a value the file's form does not give back unchanged: not kept
        payload = marshal.dumps(
            {
                "format": FORMAT,
                "code": code,
                "python": _PYTHON,
                "files": [[str(p.resolve()), _file_digest(p)] for p in read],
                "absent": [str(p.resolve()) for p in absent],
                "book": raw,
            }
        )
    except (OSError, ValueError, TypeError):
        return
    # best effort: a read-only data folder only costs the load again
    temp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _undate(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _condition(cond: Condition) -> Any:
    if isinstance(cond, Leaf):
        is_tuple = isinstance(cond.value, tuple)
        return {
            "leaf": [cond.fact, cond.op, list(cond.value) if is_tuple else cond.value, is_tuple]
        }
    if isinstance(cond, AllOf):
        return {"all": [_condition(c) for c in cond.items]}
    if isinstance(cond, AnyOf):
        return {"any": [_condition(c) for c in cond.items]}
    return {"not": _condition(cond.item)}


def _uncondition(raw: Any) -> Condition:
    ((kind, body),) = raw.items()
    if kind == "leaf":
        fact, op, value, is_tuple = body
        return Leaf(fact=fact, op=op, value=tuple(value) if is_tuple else value)
    if kind == "all":
        return AllOf(tuple(_uncondition(c) for c in body))
    if kind == "any":
        return AnyOf(tuple(_uncondition(c) for c in body))
    if kind == "not":
        return NotOf(_uncondition(body))
    raise ValueError(f"not a condition: {kind!r}")


def _policy(value: ReviewPolicy | None) -> str | None:
    return None if value is None else value.value


def _unpolicy(value: str | None) -> ReviewPolicy | None:
    return None if value is None else ReviewPolicy(value)


def _rule(rule: Rule) -> dict[str, Any]:
    out = rule.then
    return {
        "id": rule.id,
        "title": rule.title,
        "regime": rule.regime,
        "citation": [rule.citation.source, rule.citation.section, rule.citation.url],
        "effective_from": _day(rule.effective_from),
        "effective_to": _day(rule.effective_to),
        "status": rule.status,
        "when": None if rule.when is None else _condition(rule.when),
        "requires": list(rule.requires),
        "on_unknown": rule.on_unknown,
        "then": {
            "verdict": out.verdict.value,
            "summary": out.summary,
            "review_policy": _policy(out.review_policy),
            "license_exception": out.license_exception,
            "conditions": list(out.conditions),
            "basis": out.basis,
            "missing_facts": list(out.missing_facts),
        },
        "rationale": rule.rationale,
        "evidence": rule.evidence,
        "file": rule.file,
    }


def _unrule(raw: dict[str, Any]) -> Rule:
    out = raw["then"]
    start = _undate(raw["effective_from"])
    if start is None:
        raise ValueError("a rule without effective_from")
    return Rule(
        id=raw["id"],
        title=raw["title"],
        regime=raw["regime"],
        citation=Citation(*raw["citation"]),
        effective_from=start,
        effective_to=_undate(raw["effective_to"]),
        status=raw["status"],
        when=None if raw["when"] is None else _uncondition(raw["when"]),
        requires=tuple(raw["requires"]),
        on_unknown=raw["on_unknown"],
        then=Outcome(
            verdict=Verdict(out["verdict"]),
            summary=out["summary"],
            review_policy=_unpolicy(out["review_policy"]),
            license_exception=out["license_exception"],
            conditions=tuple(out["conditions"]),
            basis=out["basis"],
            missing_facts=tuple(out["missing_facts"]),
        ),
        rationale=raw["rationale"],
        evidence=raw["evidence"],
        file=raw["file"],
    )


def _case(case: Case) -> dict[str, Any]:
    exp = case.expect
    return {
        "id": case.id,
        "regime": case.regime,
        "as_of": _day(case.as_of),
        "readings": list(case.readings),
        "facts": case.facts,
        "expect": {
            "rules": list(exp.rules),
            "verdict": None if exp.verdict is None else exp.verdict.value,
            "review_policy": _policy(exp.review_policy),
            "license_exception": exp.license_exception,
            "missing_facts": list(exp.missing_facts),
        },
        "description": case.description,
        "file": case.file,
    }


def _uncase(raw: dict[str, Any]) -> Case:
    exp = raw["expect"]
    as_of = _undate(raw["as_of"])
    if as_of is None:
        raise ValueError("a case without as_of")
    return Case(
        id=raw["id"],
        regime=raw["regime"],
        as_of=as_of,
        readings=tuple(raw["readings"]),
        facts=dict(raw["facts"]),
        expect=CaseExpectation(
            rules=tuple(exp["rules"]),
            verdict=None if exp["verdict"] is None else Verdict(exp["verdict"]),
            review_policy=_unpolicy(exp["review_policy"]),
            license_exception=exp["license_exception"],
            missing_facts=tuple(exp["missing_facts"]),
        ),
        description=raw["description"],
        file=raw["file"],
    )


def encode_rulebook(book: Rulebook) -> dict[str, Any]:
    """``book`` as JSON-ready values (:func:`decode_rulebook` reads them back)."""
    return {
        "id": book.id,
        "version": book.version,
        "digest": book.digest,
        "rules": [_rule(r) for r in book.rules],
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "provenance": t.provenance,
                "data": t.data,
                "file": t.file,
                "key": key,
            }
            for key, t in book.tables.items()
        ],
        "cases": [_case(c) for c in book.cases],
        "root": None if book.root is None else str(book.root),
        "rule_files": list(book.rule_files),
    }


def decode_rulebook(raw: dict[str, Any]) -> Rulebook:
    """The rulebook :func:`encode_rulebook` wrote (ValueError, KeyError or TypeError when
    ``raw`` is not one)."""
    return Rulebook(
        id=raw["id"],
        version=raw["version"],
        digest=raw["digest"],
        rules=tuple(_unrule(r) for r in raw["rules"]),
        tables={
            t["key"]: Table(
                name=t["name"],
                title=t["title"],
                provenance=t["provenance"],
                data=t["data"],
                file=t["file"],
            )
            for t in raw["tables"]
        },
        cases=tuple(_uncase(c) for c in raw["cases"]),
        root=None if raw["root"] is None else Path(raw["root"]),
        rule_files=tuple(raw["rule_files"]),
    )
