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
- lists of a bounded size, named in the error.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

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

TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
"""Free text: new lines and tabs are fine, other control characters are not."""

CONTRACT_CONFIG = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)
"""What every model of a document psoas reads starts from."""


def _from_earliest(value: date) -> date:
    if value < EARLIEST_DATE:
        raise ValueError(
            f"expected a date from {EARLIEST_DATE.isoformat()} on, got {value.isoformat()}"
        )
    return value


ContractDate = Annotated[
    date,
    Field(strict=False, json_schema_extra={"formatMinimum": EARLIEST_DATE.isoformat()}),
    AfterValidator(_from_earliest),
]
"""A day (``2025-03-01``; YAML's unquoted dates too), from :data:`EARLIEST_DATE` on."""

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
