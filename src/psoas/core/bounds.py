"""The bounds every document psoas reads keeps, whoever sends it (CLI, web, a file).

One home for them, used by every contract model, so a value the CLI refuses
the web app refuses too, with the same words:

- dates from 1900-01-01 (a typo of a year must not become a baseline, or a chart
  spanning centuries); dates after today are refused where "today" is known, by
  the services (:func:`psoas.core.measures.check_not_in_future`);
- text without control characters (NUL cannot be stored on PostgreSQL, and an
  escape sequence would reach a terminal), on one line for names, and of a
  bounded length;
- numbers that are numbers: strict models never take ``true`` as 1, and every
  model refuses NaN and infinity (``allow_inf_nan=False`` in :data:`CONTRACT_CONFIG`);
  a whole number may be written ``7.0``, as JSON Schema counts it an integer;
- lists of a bounded size, named in the error; a list whose entries must differ
  says so (``uniqueItems``), and a choice of ``none`` stands alone.

Each bound is said in the published JSON Schema the way a validator reads it
(``pattern``, ``uniqueItems``), so the document and the models agree. What no
schema can say (a date after today, an item not in the stored plan) is checked by
the services.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

EARLIEST_DATE = date(1900, 1, 1)
"""No record psoas keeps can be dated before this."""

MAX_BATCH = 1000
"""At most this many measurements or check-ins in one document (about three years daily)."""

MAX_LIST = 50
"""At most this many entries in any other list of a contract (ids, activities, operations)."""

NAME_LENGTH = 120
"""A name: an activity of the functional scale."""

LABEL_LENGTH = 200
"""The label a person's records are kept under (the store's column holds this many)."""

NOTE_LENGTH = 2000
"""Free text: a note."""

ID_LENGTH = 64
"""An id from the knowledge base (technique, flag, tool)."""

LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
"""One line of text: no control character (C0, DEL or C1) at all."""

_LINE_CHARACTER = r"[^\x00-\x1f\x7f-\x9f]"
_SEEN_CHARACTER = r"[^\s\uFEFF\x00-\x1f\x7f-\x9f]"
NAME_PATTERN = (
    f"^{_LINE_CHARACTER}*{_SEEN_CHARACTER}{_LINE_CHARACTER}*{_SEEN_CHARACTER}{_LINE_CHARACTER}*$"
)
"""One line holding at least two characters that are not white space (a name, say).

Written without look-arounds, and with the byte-order mark counted as white space, so that
pydantic (Rust's regex), JSON Schema (ECMAScript's) and Python agree on every text."""

TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
"""Free text: new lines and tabs are fine, other control characters are not."""

CONTRACT_CONFIG = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)
"""What every model of a document psoas reads starts from."""


DATE_PATTERN = r"^(19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"
"""A day as ``YYYY-MM-DD`` from the year 1900 on: :data:`EARLIEST_DATE` as a schema says it."""

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day_as_written(value: object) -> object:
    # Lax pydantic would read 0 as 1970-01-01, and "20250301" or a time stamp as a day.
    if isinstance(value, str):
        if not _DAY.fullmatch(value):
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value[:40]!r}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a real day, got {value}") from None
    if isinstance(value, bool | int | float):
        raise ValueError("expected a date as YYYY-MM-DD (quoted), got a number")
    return value


def _from_earliest(value: date) -> date:
    if value < EARLIEST_DATE:
        raise ValueError(
            f"expected a date from {EARLIEST_DATE.isoformat()} on, got {value.isoformat()}"
        )
    return value


ContractDate = Annotated[
    date,
    Field(
        strict=False,
        description="YYYY-MM-DD, from 1900-01-01 on, and not after today (the server's day)",
        json_schema_extra={"pattern": DATE_PATTERN},
    ),
    BeforeValidator(_day_as_written),
    AfterValidator(_from_earliest),
]
"""A day (``2025-03-01``; YAML's unquoted dates too), from :data:`EARLIEST_DATE` on."""


def _whole_number(value: object) -> object:
    if type(value) is float and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(_whole_number)
"""Put last on an integer field (after its bounds, so the schema keeps them): ``7.0`` is read as
7, as JSON Schema counts it an integer; ``7.5``, ``true`` and ``"7"`` are still refused by the
strict models."""

Rating = Annotated[int, Strict(), Field(ge=0, le=10), WHOLE]
"""A 0..10 numeric rating."""


def distinct_or_none_alone(choices: type[StrEnum], *, none: str = "none") -> WithJsonSchema:
    """The schema of a list of ``choices``: each at most once, or ``none`` on its own.

    The model says the same with a validator; this is how a JSON Schema reader hears it.
    """
    others = [choice.value for choice in choices if choice.value != none]
    schema: dict[str, Any] = {
        "anyOf": [
            {
                "type": "array",
                "items": {"enum": others, "type": "string"},
                "uniqueItems": True,
                "maxItems": len(others),
            },
            {
                "type": "array",
                "items": {"const": none, "type": "string"},
                "minItems": 1,
                "maxItems": 1,
            },
        ]
    }
    return WithJsonSchema(schema, mode="validation")


DISTINCT = Field(json_schema_extra={"uniqueItems": True})
"""On a list whose entries must differ: the schema says so as its validator does."""

Label = Annotated[
    str, StringConstraints(min_length=1, max_length=LABEL_LENGTH, pattern=LINE_PATTERN)
]
"""A person's label, on one line."""

Note = Annotated[str, StringConstraints(max_length=NOTE_LENGTH, pattern=TEXT_PATTERN)]
"""Free text of a few paragraphs."""

TechniqueRef = Annotated[str, StringConstraints(max_length=ID_LENGTH, pattern=r"^[a-z][a-z0-9_]*$")]
"""A technique id as a plan names it (checked against the plan by the service)."""


def control_character_in(text: str, *, lines: bool) -> tuple[int, str] | None:
    """The first character a text field refuses, and its position (1-based); None if none.

    ``lines``: whether new lines and tabs are allowed (free text) or not (a name).
    """
    allowed = "\n\t" if lines else ""
    for position, character in enumerate(text, start=1):
        code = ord(character)
        refused = code < 0x20 or 0x7F <= code <= 0x9F
        if refused and character not in allowed:
            return position, f"U+{code:04X}"
    return None
