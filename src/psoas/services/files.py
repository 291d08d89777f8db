"""Files the product writes for a person (reports, charts, calendars): whole or not at all.

Content goes to a temporary file beside the target, which is moved into place
only when complete; a failure (a full disk, a missing library) never leaves a
half-written file where the last good one was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from psoas.errors import FieldProblem, InvalidValues


def write_file(path: Path, content: bytes, *, field: str) -> None:
    """Write ``content`` to ``path`` whole, or fail naming ``field`` and leave it as it was."""
    folder = path.parent
    if not folder.is_dir():
        problem = FieldProblem(field, f"the folder {str(folder)!r} does not exist")
        raise InvalidValues("the file to write", [problem])
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError as error:
        problem = FieldProblem(field, f"cannot write {str(path)!r}: {error.strerror or error}")
        raise InvalidValues("the file to write", [problem]) from None
