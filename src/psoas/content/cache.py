"""The validated knowledge base kept on disk, so that later runs skip validating it again.

Building the pydantic schemas of the knowledge base and checking every entry
against them is most of what a short command such as ``psoas library list``
costs beyond the libraries it needs. The files change only when psoas does, so
the validated object is pickled into the user's cache folder and read back on
later runs, after the listing of its entries (plain lines, which ``psoas
library list`` reads without defining a single model).

It is never served stale: the file starts with every byte the object was made
from (each YAML file with its name, the models and vocabulary that check them,
the reader that parses them, and the pydantic and Python versions), and it is
read only when those bytes are the ones on disk now, compared whole (no hash to
collide, and no hashlib to import). A changed file means a different key, so the
content is validated again and the cache rewritten.

A file that cannot be read or unpickled, or holds something else, counts as no
cache at all, and so does one another user could have written (unpickling runs
code, and the key, being psoas's own public files, is no secret). It is written
to a temporary file beside it and renamed into place, so a process running at
the same time reads the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pydantic

from psoas.content.listing import Listed

if TYPE_CHECKING:
    from psoas.content.models import KnowledgeBase

__all__ = ["FILE_NAME", "cache_key", "default_file", "read", "read_listing", "write"]

FILE_NAME = "knowledge-base.pickle"

_HEADER = b"psoas knowledge base cache 2\n"


def default_file() -> Path:
    """The cache file in the user's cache folder (``$XDG_CACHE_HOME/psoas`` on Linux)."""
    import platformdirs  # a short import, and only for the knowledge base's loader

    return Path(platformdirs.user_cache_dir("psoas", appauthor=False)) / FILE_NAME


def cache_key(sources: Iterable[tuple[str, bytes]]) -> bytes:
    """Every ``(name, content)`` given, each length-prefixed, after the versions that read them."""
    versions = f"pydantic {pydantic.VERSION}; python {sys.version}; {pickle.HIGHEST_PROTOCOL}"
    parts = [versions.encode()]
    for name, content in sources:
        parts += [f"{len(name)}:{name}{len(content)}:".encode(), content]
    return b"".join(parts)


def read(path: Path, key: bytes) -> KnowledgeBase | None:
    """The knowledge base stored under ``key``, or None if there is no such trusted file."""
    from psoas.content.models import KnowledgeBase

    found = _load(path, key, 2)
    return found[1] if found is not None and isinstance(found[1], KnowledgeBase) else None


def read_listing(path: Path, key: bytes) -> list[Listed] | None:
    """The listing stored with the knowledge base under ``key``: plain data, no model defined."""
    found = _load(path, key, 1)
    listing = found[0] if found is not None else None
    if not isinstance(listing, list) or not all(isinstance(line, Listed) for line in listing):
        return None
    return listing


def _load(path: Path, key: bytes, count: int) -> list[Any] | None:
    """The first ``count`` objects pickled after ``key`` (the listing, then the knowledge)."""
    try:
        with path.open("rb") as file:
            if not _only_ours(os.fstat(file.fileno())):
                return None
            if file.read(len(_HEADER)) != _HEADER or file.read(len(key) + 1) != key + b"\n":
                return None
            return [pickle.load(file) for _ in range(count)]
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache, validating again mends it
        return None


def _only_ours(status: os.stat_result) -> bool:
    """Whether only this user could have written the file (unpickling runs what it says).

    The key is public (it is psoas's own files), so it proves nothing about who wrote
    the file; ownership does. Where there are no POSIX owners, any file is taken.
    """
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _dump(value: object, file: IO[bytes]) -> None:
    pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)


def write(path: Path, key: bytes, knowledge: KnowledgeBase) -> None:
    """Store ``knowledge`` under ``key``, atomically; a folder that refuses it is left alone."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(_HEADER + key + b"\n")
            _dump(knowledge.listing(), file)
            _dump(knowledge, file)
        os.replace(temporary, path)
    except OSError:
        pass  # a full disk or a read-only folder: the next run validates again
    finally:
        with contextlib.suppress(OSError):  # nothing left to remove once renamed
            os.unlink(temporary)
