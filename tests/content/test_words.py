"""The words of messages and prompts: every sentence loads, fills in and counts right."""

from __future__ import annotations

import string

import pytest

from psoas.content import words
from psoas.errors import ContentError


@pytest.mark.parametrize("topic", words.topics())
def test_every_sentence_of_every_topic_is_a_sentence_or_one_and_other(topic: str) -> None:
    for name, sentence in words.topic_words(topic).items():
        forms = sentence.values() if isinstance(sentence, dict) else [sentence]
        for form in forms:
            assert form.strip(), f"{topic}.{name} is empty"
            fields = [field for _, field, _, _ in string.Formatter().parse(form) if field]
            assert all(field.isidentifier() for field in fields), f"{topic}.{name}: {fields}"


def test_a_count_chooses_one_or_other() -> None:
    assert words.say("common.days", count=1) == "1 day"
    assert words.say("common.days", count=2) == "2 days"
    assert words.say("common.items", count=0) == "0 items"


def test_an_unknown_key_or_a_missing_value_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="no 'nothing'"):
        words.say("common.nothing")
    with pytest.raises(ContentError, match="no topic"):
        words.say("nowhere.days", count=1)
    with pytest.raises(ContentError, match="count"):
        words.say("common.days")
