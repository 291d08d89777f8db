"""The one error hierarchy of psoas.

Every failure a person can cause, or that the program must report without a
traceback, is one of these. Library errors are translated into them where
they enter (file parsing, validation, the database); the CLI turns them into
exit codes in one place (``psoas.cli.main``), and the web app will turn them
into HTTP responses in one place too.

    PsoasError                       exit 1: something went wrong, no traceback
    ├── InputError                   exit 2: the person gave something we can't use
    │   ├── InvalidDocument          a file or value broke its contract (names the fields)
    │   │   ├── ConflictsWithRecord  it keeps its contract, but not with what is stored
    │   │   ├── InvalidValues        values given one by one (options, form fields), not a file
    │   │   └── UnconfirmedDay       a day long ago or before the start of care, not confirmed
    │   ├── UnreadableFile           missing, unreadable, or not JSON/YAML
    │   └── UnknownId                an id that the knowledge base or store doesn't hold
    ├── SafetyStop                   exit 3: psoas will not guide this now, for safety's sake
    ├── StoreError                   the database could not be reached or written
    ├── DrawingError                 the process drawing charts and PDFs stopped or was stuck
    └── ContentError                 the shipped knowledge base is broken (a bug in psoas)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


class PsoasError(Exception):
    """Base of every error psoas reports to a person."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(PsoasError):
    """The person gave input we cannot use; nothing has been stored."""

    exit_code = 2


@dataclass(frozen=True)
class FieldProblem:
    """One field of a document and what was wrong with it."""

    field: str
    """Dotted path to the field, e.g. ``red_flags.hernia`` or ``lifestyle.activities.0.kind``."""
    problem: str
    """What was wrong and what was expected, in plain words."""

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


class InvalidDocument(InputError):
    """A document broke its contract; ``problems`` names every offending field."""

    def __init__(self, source: str, problems: Sequence[FieldProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{source} is not valid ({count} {noun}):\n{lines}")


class ConflictsWithRecord(InvalidDocument):
    """A document that keeps its contract but does not fit what is stored, naming the fields.

    A plan item marked done that is not in the stored plan; a checkpoint past the end
    of the session's own timeline. The same document may be right for another record,
    so no schema of the document alone can refuse it (the web app answers 409, not 422).
    """


class InvalidValues(InvalidDocument):
    """Values given one by one (a name, working hours, a file to write) broke their contract.

    Not a document: each value came from a command-line option, a query parameter or a
    form field. ``problems`` name the fields in the contract's terms (``days``,
    ``timezone``, ``person``), and each face words them for its own inputs: the CLI as
    the option that was typed, the web API as its parameter, a page beside its field.
    """


class UnconfirmedDay(InvalidDocument):
    """A record dated long ago or before the start of care, sent without its confirmation.

    Such a date is more often a typo than a diary copied in, so it is stored only when the
    person confirms it. ``days`` holds each day that needs it; each face says how to
    confirm in its own terms (an option, a tick box, the document's ``backfill`` field).
    """

    def __init__(self, source: str, problems: Sequence[FieldProblem], days: Sequence[date]) -> None:
        super().__init__(source, problems)
        self.days = tuple(days)


class UnreadableFile(InputError):
    """A file is missing, unreadable, or not well-formed JSON or YAML."""


class UnknownId(InputError):
    """An id that is not in the knowledge base or the store."""

    def __init__(
        self, what: str, given: str, suggestions: Sequence[str] = (), *, otherwise: str = ""
    ) -> None:
        """``otherwise``: what to do instead, said when there is no suggestion."""
        self.what = what
        self.given = given
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        hint = hint or (f"; {otherwise}" if otherwise else "")
        super().__init__(f"{what}: no entry with id {given!r}{hint}")


class SafetyStop(PsoasError):
    """A request psoas understood but refuses for safety: say why and what to do instead.

    For example, a release session when the latest safety screen rules out
    pressure on the belly, or when no screen has been done yet.
    """

    exit_code = 3


class StoreError(PsoasError):
    """The local or clinic database could not be opened, migrated or written."""


class DrawingError(PsoasError):
    """A chart or PDF could not be made now: the worker process drawing it died or was stuck.

    Nothing is wrong with the request, and nothing was changed; the next try gets
    a fresh worker (:mod:`psoas.services.drawing`).
    """


class ContentError(PsoasError):
    """The knowledge base shipped with psoas failed its own checks."""
