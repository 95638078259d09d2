"""Request bodies of ``POST /v1/check`` and ``POST /v1/classify``: bytes → a mapping.

JSON or (by ``Content-Type``) YAML, read by :mod:`prosper.reader` — the reader of the CLI too
(YAML 1.2, no aliases, depth and size limits; a ``charset`` in the ``Content-Type`` names a body
that is not UTF-8). No web framework here: the check workers (:mod:`prosper.api.workers`) read
the bodies they are sent with it, so that a 1 MiB document is not parsed in the server process.
"""

from __future__ import annotations

from typing import Any

from prosper.errors import InputError
from prosper.reader import InputLimits, parse_document

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def parse_body(raw: bytes, content_type: str, what: str, limits: InputLimits) -> dict[str, Any]:
    """The body ``raw`` as a mapping, from JSON or (by ``content_type``) YAML.

    Raises:
        InputError: an empty body, a document the reader refuses, or one that is not a mapping.
    """
    if not raw.strip():
        raise InputError(f"empty body: send the {what} as JSON or YAML", field="body")
    is_yaml = content_type.split(";")[0].strip().lower() in YAML_TYPES
    doc = parse_document(
        raw,
        syntax="yaml" if is_yaml else "json",
        field="body",
        encoding=charset(content_type),
        limits=limits,
        name_with="a charset in Content-Type",
    )
    if not isinstance(doc, dict):
        raise InputError(f"the {what} must be a JSON object / YAML mapping", field="body")
    return doc
