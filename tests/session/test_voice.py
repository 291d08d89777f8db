"""What the voice says, and how the speakers behave: espeak-ng for real, the bell without it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import ToolId
from psoas.core.session_events import EventKind, SessionEvent, spoken_text
from psoas.core.timeline import Phase, SessionKind, Step, build_timeline
from psoas.session.runner import Runner
from psoas.session.voice import BellSpeaker, EspeakSpeaker, Voice
from tests.clocks import FakeClock

KNOWLEDGE = load_knowledge_base()
SPOKEN = KNOWLEDGE.session.spoken
TIMELINE = build_timeline(
    kind=SessionKind.SELF_RELEASE, minutes=10, tool=ToolId.FOAM_ROLLER, knowledge=KNOWLEDGE
)
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")


def _event(kind: EventKind, phase: Phase) -> SessionEvent:
    step = next(s for s in TIMELINE.steps if s.phase is phase)
    return SessionEvent(kind=kind, step_index=0, step=step, offset=0, due=0, at=0)


def _step(phase: Phase, placement: bool) -> Step:
    return next(
        s for s in TIMELINE.steps if s.phase is phase and (s.placement is not None) == placement
    )


def test_each_step_is_announced_with_its_title_and_cue() -> None:
    event = _event(EventKind.STEP_STARTED, Phase.RELEASE)
    assert spoken_text(event, SPOKEN) == f"{event.step.title}. {event.step.cue}"
    assert "roller" in (spoken_text(event, SPOKEN) or "")


def test_breaths_are_counted_aloud_only_in_the_breathing_phase() -> None:
    assert spoken_text(_event(EventKind.BREATH_IN, Phase.BREATHING), SPOKEN) == SPOKEN.breathe_in
    assert spoken_text(_event(EventKind.BREATH_OUT, Phase.BREATHING), SPOKEN) == SPOKEN.breathe_out
    assert spoken_text(_event(EventKind.BREATH_IN, Phase.RELEASE), SPOKEN) is None


def test_half_way_is_said_during_holds_only() -> None:
    hold = _step(Phase.RELEASE, placement=True)
    shift = _step(Phase.RELEASE, placement=False)
    for step, said in ((hold, SPOKEN.half_way), (shift, None)):
        event = SessionEvent(EventKind.HALF_WAY, 0, step, 0, 0, 0)
        assert spoken_text(event, SPOKEN) == said
    assert spoken_text(_event(EventKind.CHECKPOINT, Phase.RELEASE), SPOKEN) is None


def test_without_espeak_the_bell_rings_once_per_step_and_at_the_end() -> None:
    rings: list[float] = []
    clock = FakeClock()
    bell = BellSpeaker(lambda: rings.append(clock.now()))
    runner = Runner(TIMELINE, clock)
    runner.subscribe(Voice(bell, SPOKEN))
    runner.run()
    step_starts = [clock.time - TIMELINE.total_seconds + step.start for step in TIMELINE.steps]
    assert rings == [*step_starts, clock.time]


@needs_espeak
def test_espeak_really_speaks_a_cue(tmp_path: Path) -> None:
    assert ESPEAK is not None
    wav = tmp_path / "cue.wav"
    speaker = EspeakSpeaker(ESPEAK, extra_args=["-w", str(wav)])
    speaker.say(SPOKEN.breathe_in, interrupt=True)
    speaker.close(drain=True)
    assert speaker.spoken == [SPOKEN.breathe_in]
    audio = wav.read_bytes()
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"
    assert len(audio) > 10_000, "half a second of speech or more"


def _slow_speech(tmp_path: Path, seconds: float) -> tuple[Path, Path]:
    """A stand-in for a sound device that takes its time: it logs each phrase, "speaks" for
    ``seconds``, and logs "cut" when terminated. espeak-ng itself is exercised above."""
    log = tmp_path / "said.log"
    slow = tmp_path / "slow-speech"
    slow.write_text(
        "#!/bin/sh\n"
        f"trap 'echo cut >> \"{log}\"; exit 0' TERM\n"
        f'{{ cat; echo; }} >> "{log}"\n'
        f"sleep {seconds} & wait $!\n"
    )
    slow.chmod(0o755)
    return slow, log


def test_a_new_step_cuts_short_what_is_being_said(tmp_path: Path) -> None:
    slow, log = _slow_speech(tmp_path, 5)
    speaker = EspeakSpeaker(str(slow))
    speaker.say("first step", interrupt=True)
    speaker.say("breathe in", interrupt=False)
    time.sleep(0.3)
    speaker.say("next step", interrupt=True)
    time.sleep(0.3)
    speaker.close(drain=False)
    assert speaker.spoken == ["first step", "next step"]
    assert log.read_text().split()[:3] == ["first", "step", "cut"]


def test_a_breath_prompt_that_would_come_late_is_dropped(tmp_path: Path) -> None:
    slow, _ = _slow_speech(tmp_path, 0.7)
    speaker = EspeakSpeaker(str(slow))
    speaker.say("first step", interrupt=True)
    speaker.say("breathe in", interrupt=False)  # waits 0.7 s: still worth saying
    speaker.say("and out", interrupt=False)  # waits 1.4 s or more: too late
    time.sleep(2.0)
    speaker.say("next step", interrupt=True)
    speaker.close(drain=True)
    assert speaker.spoken[0] == "first step" and speaker.spoken[-1] == "next step"
    assert "and out" not in speaker.spoken
