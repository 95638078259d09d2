"""The one document reader of every edge: bytes in, plain JSON-like data out (or InputError).

The CLI (``check``, ``classify``), the HTTP API and the web page (which posts to the API) read
transaction and item documents here, so the same text means the same thing everywhere:

* **YAML 1.2 core schema**, not PyYAML's YAML 1.1: ``NO``, ``yes``, ``on`` and ``2026-02-30``
  stay strings (the strict model then names the field), ``012`` is twelve, only ``true`` /
  ``false`` are booleans. No anchors or aliases (an alias bomb is refused at its first
  ``*``), no tags beyond the core ones, no duplicate or non-text keys.
* **JSON** (RFC 8259): no ``NaN`` / ``Infinity``, no duplicate keys.
* **Limits** (:class:`InputLimits`, from ``PROSPER_MAX_*``): document size, nesting depth; an
  integer of more than :data:`MAX_INT_DIGITS` digits, a number that is not finite, a control
  character or a lone surrogate in text is refused naming its field.
* **Encoding**: UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read; other bytes are
  refused with the encoding charset-normalizer guesses named in the error, unless the caller
  names the encoding (``--encoding``, an HTTP ``charset``): :mod:`prosper.charsets`.

PyYAML's pure-Python loader is used (its C loader composes nodes in C, where depth and aliases
cannot be checked). Hand-written only where no library does it: PyYAML ships YAML 1.1 only.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from prosper.charsets import decode_text
from prosper.errors import InputError
from prosper.limits import InputLimits as InputLimits

MAX_INT_DIGITS = 40
"""An integer written with more digits is refused (10^40 is beyond any count or figure the
contract has; Python refuses 4,300 digits with a traceback)."""

Syntax = Literal["json", "yaml"]

# C0 controls other than tab, line feed and carriage return; DEL; lone surrogates.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# In a key (it becomes part of a field name in an error line) no control character at all.
_BAD_KEY = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
MAX_KEY_LENGTH = 100


class _RefusedError(Exception):
    """A document the reader refuses; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class _TooLarge:
    """Stands in for an integer with too many digits until its field is known."""

    digits: int


# --------------------------------------------------------------------------- YAML 1.2 core


_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_STR = "tag:yaml.org,2002:str"
_SCALARS = ("str", "null", "bool", "int", "float")


class _CoreResolver(Resolver):
    """The YAML 1.2 core schema's implicit types (null, bool, int, float; the rest is text)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012  (PyYAML's per-class registry)


_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _integer(text: str) -> int | _TooLarge:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body.startswith(("0x", "0o")):
        base, body = (16 if body[1] == "x" else 8), body[2:]
    else:
        base = 10
    if len(body.lstrip("0")) > MAX_INT_DIGITS:
        return _TooLarge(len(body))
    return sign * int(body, base)


class _CoreConstructor(SafeConstructor):
    """Builds only str, int, float, bool, null, lists and mappings with text keys."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {}  # PyYAML's per-class registry
    yaml_multi_constructors: ClassVar[dict[Any, Any]] = {}

    def construct_core_scalar(self, node: Node) -> Any:
        assert isinstance(node, ScalarNode)
        text = str(node.value)
        if node.tag == _STR:
            return text
        if node.tag == "tag:yaml.org,2002:null":
            return None
        if node.tag == "tag:yaml.org,2002:bool":
            if not _BOOL.match(text):
                raise _RefusedError(f"{text!r} is not a boolean (true or false)", _line(node))
            return text.lower() == "true"
        if node.tag == "tag:yaml.org,2002:int":
            if not _INT.match(text):
                raise _RefusedError(f"{text!r} is not an integer", _line(node))
            return _integer(text)
        if not _FLOAT.match(text) and not _INT.match(text):
            raise _RefusedError(f"{text!r} is not a number", _line(node))
        lowered = text.lower()
        if lowered.endswith((".inf", ".nan")):
            return float(lowered.replace(".", ""))
        return float(text) if not _INT.match(text) else float(_as_int(_integer(text)))

    def construct_core_sequence(self, node: Node) -> list[Any]:
        assert isinstance(node, SequenceNode)
        return [self.construct_object(child, deep=True) for child in node.value]

    def construct_core_mapping(self, node: Node) -> dict[str, Any]:
        assert isinstance(node, MappingNode)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _RefusedError(
                    f"a mapping key must be text, not {type(key).__name__}", _line(key_node)
                )
            if key in out:
                raise _RefusedError(f"duplicate key {key!r}", _line(key_node))
            out[key] = self.construct_object(value_node, deep=True)
        return out

    def construct_unknown(self, node: Node) -> Any:
        raise _RefusedError(f"unsupported YAML tag {node.tag}", _line(node))


def _as_int(value: int | _TooLarge) -> int:
    if isinstance(value, _TooLarge):
        raise _RefusedError(f"a number of {value.digits} digits is too large")
    return value


_CoreConstructor.yaml_constructors.update(
    {f"tag:yaml.org,2002:{t}": _CoreConstructor.construct_core_scalar for t in _SCALARS}
    | {
        "tag:yaml.org,2002:seq": _CoreConstructor.construct_core_sequence,
        "tag:yaml.org,2002:map": _CoreConstructor.construct_core_mapping,
        None: _CoreConstructor.construct_unknown,
    }
)


class _CoreLoader(Reader, Scanner, Parser, Composer, _CoreConstructor, _CoreResolver):
    """PyYAML's pure-Python pipeline with the core schema, no aliases and a depth limit."""

    def __init__(self, stream: str, max_depth: int) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreConstructor.__init__(self)
        _CoreResolver.__init__(self)
        self.max_depth = max_depth
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _RefusedError(
                "anchors and aliases (&name, *name) are not accepted; write the value out",
                int(event.start_mark.line) + 1,
            )
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise _RefusedError(
                    f"nested deeper than {self.max_depth} levels", int(event.start_mark.line) + 1
                )
            node: Node | None = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1


def _load_yaml(text: str, max_depth: int) -> Any:
    loader = _CoreLoader(text, max_depth)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


# --------------------------------------------------------------------------- JSON


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RefusedError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _json_constant(name: str) -> Any:
    raise _RefusedError(f"{name} is not JSON (numbers must be finite)")


def _json_int(text: str) -> int | _TooLarge:
    return _integer(text)


def _load_json(text: str) -> Any:
    return json.loads(
        text,
        object_pairs_hook=_json_pairs,
        parse_constant=_json_constant,
        parse_int=_json_int,
    )


# --------------------------------------------------------------------------- the tree


def join_path(path: str, key: str | int) -> str:
    """``parties`` + 0 → ``parties[0]``; ``parties[0]`` + ``name`` → ``parties[0].name``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _short(path: str) -> str:
    return path if len(path) <= 80 else path[:77] + "…"


Trail = tuple[Any, str | int] | None
"""Where a node is: ``(the parent's trail, the node's key)``; None for the root. The path text
is made from it only when a node is refused (:func:`trail_path`)."""


def trail_path(trail: Trail) -> str:
    """The path of ``trail``, as :func:`join_path` builds it from the root down."""
    keys: list[str | int] = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    path = ""
    for key in reversed(keys):
        path = join_path(path, key)
    return path


def _walk(value: Any) -> Iterator[tuple[Trail, int, Any]]:
    """``(trail, depth, node)`` of every node, in document order, without recursion."""
    stack: list[tuple[Trail, int, Any]] = [(None, 0, value)]
    while stack:
        trail, depth, node = stack.pop()
        yield trail, depth, node
        if isinstance(node, dict):
            children = [((trail, k), depth + 1, v) for k, v in node.items()]
        elif isinstance(node, list):
            children = [((trail, i), depth + 1, v) for i, v in enumerate(node)]
        else:
            continue
        stack.extend(reversed(children))


def check_tree(value: Any, *, field: str, max_depth: int) -> None:
    """Refuse what no field of the contract can hold, naming the first place it occurs.

    Raises:
        InputError: nesting deeper than ``max_depth``, an integer of more than
            :data:`MAX_INT_DIGITS` digits, a number that is not finite, a control character
            or a lone surrogate in a text, a key with any control character or longer than
            :data:`MAX_KEY_LENGTH`.
    """
    for trail, depth, node in _walk(value):
        if depth > max_depth:
            raise InputError(f"nested deeper than {max_depth} levels", field=_where(trail, field))
        if isinstance(node, _TooLarge):
            raise InputError(
                f"a number of {node.digits} digits is too large (at most {MAX_INT_DIGITS})",
                field=_where(trail, field),
            )
        if isinstance(node, float) and not math.isfinite(node):
            raise InputError("not a finite number", field=_where(trail, field))
        for key in node if isinstance(node, dict) else ():
            bad = _BAD_KEY.search(key)
            if bad is not None or len(key) > MAX_KEY_LENGTH:
                what = f"U+{ord(bad.group()):04X}" if bad else f"over {MAX_KEY_LENGTH} characters"
                raise InputError(f"a key with {what}", field=_where(trail, field))
        bad = _BAD_TEXT.search(node) if isinstance(node, str) else None
        if bad is not None:
            raise InputError(
                f"control character or lone surrogate U+{ord(bad.group()):04X} in text",
                field=_where(trail, field),
            )


def _where(trail: Trail, field: str) -> str:
    """The field an error names: the node's path (shortened), or ``field`` for the root."""
    return _short(trail_path(trail)) or field


# --------------------------------------------------------------------------- the reader


def parse_document(
    data: bytes | str,
    *,
    syntax: Syntax,
    field: str,
    encoding: str | None = None,
    limits: InputLimits | None = None,
    name_with: str = "its encoding",
) -> Any:
    """Read one YAML or JSON document into plain data (dicts, lists, str, int, float, bool, None).

    Args:
        data: the document's bytes (or text already decoded).
        syntax: ``json`` or ``yaml``.
        field: what names the document as a whole in errors (``TRANSACTION``, ``body``).
        encoding: the document's encoding when the caller knows it; default UTF-8 / BOM.
        limits: size and depth limits (default :class:`InputLimits`).
        name_with: how the user names an encoding, for the error on non-UTF-8 bytes.

    Raises:
        InputError: one line naming the field (or ``field`` and a line number) for anything
            the reader refuses (see the module docstring).
    """
    limits = limits or InputLimits()
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limits.max_bytes:
        raise InputError(
            f"document of {size:,} bytes is larger than the limit of {limits.max_bytes:,}",
            field=field,
        )
    if isinstance(data, str):
        text = data
    else:
        text = decode_text(data, field=field, encoding=encoding, name_with=name_with)
    if not text.strip():
        raise InputError("empty document", field=field)
    try:
        value = _load_json(text) if syntax == "json" else _load_yaml(text, limits.max_depth)
    except _RefusedError as exc:
        where = f" (line {exc.line})" if exc.line is not None else ""
        raise InputError(f"{exc.message}{where}", field=field) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", field=field
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = "" if mark is None else f" (line {mark.line + 1}, column {mark.column + 1})"
        problem = exc.problem or exc.context
        raise InputError(f"invalid YAML: {problem}{where}", field=field) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise InputError(f"invalid YAML: {first}", field=field) from None
    except RecursionError:
        raise InputError(f"nested deeper than {limits.max_depth} levels", field=field) from None
    except ValueError as exc:  # e.g. a number the parser itself cannot convert
        raise InputError(f"invalid {syntax.upper()}: {exc}", field=field) from None
    check_tree(value, field=field, max_depth=limits.max_depth)
    return value
