"""The words a person reads in messages, labels and prompts, kept once for every face.

Each YAML file in this folder is one topic (``history.yaml``, ``checkin.yaml``, ...)
mapping a key to a sentence. A sentence may hold ``{placeholders}``; one that depends on
a count is a mapping of ``one`` and ``other``, chosen by the ``count`` value::

    days:
      one: "{count} day"
      other: "{count} days"

:func:`say` looks a sentence up by ``"topic.key"`` and fills it in. A topic's file is read
the first time one of its sentences is asked for, so a command that needs none of them
reads none. The CLI and the web app both call :func:`say`; neither writes a sentence of
its own for something the other also says.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from psoas.documents import parse_text
from psoas.errors import ContentError

HERE = Path(__file__).parent

PLURAL_FORMS = frozenset({"one", "other"})


def say(key: str, /, **values: Any) -> str:
    """The sentence ``key`` (``"topic.name"``), its placeholders filled from ``values``.

    A sentence with ``one`` and ``other`` forms takes the ``one`` form when ``count`` is 1.
    """
    sentence = entry(key)
    if isinstance(sentence, dict):
        if "count" not in values:
            raise ContentError(f"words: {key!r} depends on a count, and none was given")
        sentence = sentence["one"] if values["count"] == 1 else sentence["other"]
    try:
        return str(sentence).format(**values)
    except (KeyError, IndexError) as error:
        raise ContentError(f"words: {key!r} needs a value for {error}") from None


def entry(key: str) -> str | dict[str, str]:
    """The raw sentence (or its ``one``/``other`` forms) for ``key``."""
    topic, _, name = key.partition(".")
    sentences = topic_words(topic)
    if name not in sentences:
        raise ContentError(f"words: {topic}.yaml has no {name!r}")
    return sentences[name]


@functools.cache
def topic_words(topic: str) -> dict[str, str | dict[str, str]]:
    """Every sentence of one topic's file, checked for shape."""
    path = HERE / f"{topic}.yaml"
    if not topic.isidentifier() or not path.is_file():
        raise ContentError(f"words: there is no topic {topic!r}")
    document = parse_text(path.read_text("utf-8"), source=path.name, fmt="yaml")
    if not isinstance(document, dict):
        raise ContentError(f"{path.name}: expected a mapping of keys to sentences")
    for name, sentence in document.items():
        plural = isinstance(sentence, dict) and set(sentence) == PLURAL_FORMS
        if not (isinstance(sentence, str) or plural):
            raise ContentError(f"{path.name}: {name!r} is neither a sentence nor one/other forms")
    return document


def topics() -> list[str]:
    """The name of every topic file, for tests that check every sentence."""
    return sorted(path.stem for path in HERE.glob("*.yaml"))
