"""Files the product writes for a person (reports, charts, calendars): whole or not at all.

Content goes to a temporary file beside the target, which is moved into place
only when complete; a failure (a full disk, a missing library) never leaves a
half-written file where the last good one was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from psoas.errors import FieldProblem, InvalidDocument


def write_file(path: Path, content: bytes, *, option: str) -> None:
    """Write ``content`` to ``path`` whole, or fail naming ``option`` and leave it as it was."""
    folder = path.parent
    if not folder.is_dir():
        problem = FieldProblem(option, f"the folder {str(folder)!r} does not exist")
        raise InvalidDocument(option, [problem])
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError as error:
        problem = FieldProblem(option, f"cannot write {str(path)!r}: {error.strerror or error}")
        raise InvalidDocument(option, [problem]) from None
