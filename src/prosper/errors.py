"""One exception tree for Prosper; each class carries its CLI exit code and HTTP status.

    ProsperError                 exit 1, HTTP 500  internal error (a bug, a broken install)
    ├── InputError               exit 2, HTTP 422  bad input or usage; names the field
    │   ├── NotFoundError        exit 2, HTTP 404  an id or file that does not exist
    │   └── ConflictError        exit 2, HTTP 409  refused by the current state (the last admin key)
    ├── ListDataError            exit 2, HTTP 422  a list file that cannot be read as a whole
    ├── RulebookError            exit 2, HTTP 500  a rule file that breaks the grammar
    └── AuditError               exit 1, HTTP 500  the audit log cannot be written or read
        └── AuditIntegrityError  exit 1, HTTP 409  the hash chain is broken (edit, deletion)

The CLI maps an exception to ``exit_code`` and prints one line; the API maps it to
``http_status``. A ``--fail-on`` verdict is not an error: the CLI exits 3 for it.
"""

from __future__ import annotations


class ProsperError(Exception):
    """Base of every error Prosper raises on purpose."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field is None:
            return self.message
        return f"{self.field}: {self.message}"


class InputError(ProsperError):
    """Bad input or usage: a wrong type, an unknown code, an impossible value."""

    exit_code = 2
    http_status = 422


class NotFoundError(InputError):
    """A record, file or snapshot that does not exist."""

    http_status = 404


class ConflictError(InputError):
    """A request the current state refuses, e.g. revoking the last active admin key."""

    http_status = 409


class ListDataError(ProsperError):
    """An official list file that is malformed as a whole (rejected, nothing swapped)."""

    exit_code = 2
    http_status = 422


class RulebookError(ProsperError):
    """A rule or case file that breaks the rule grammar."""

    exit_code = 2


class AuditError(ProsperError):
    """The audit log cannot be opened, written or read."""


class AuditIntegrityError(AuditError):
    """The audit hash chain does not verify: a record was edited, inserted or deleted."""

    http_status = 409
