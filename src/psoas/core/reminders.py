"""When to remind a person of their plan: working hours, reminders, and their concrete times.

Everything here is pure: the plan and the working hours go in, a list of
weekly reminders comes out, and :func:`occurrences` turns them into aware
datetimes between two instants the caller passes in. Nothing reads the clock.

How a plan becomes reminders:

* a movement break on every whole hour of sitting strictly inside working
  hours (09:00-17:00 gives 10:00 … 16:00), on the working days, when the plan
  holds an item done hourly while sitting; the plan's other movement-break
  items (a standing desk) belong to the working day, so they are mentioned there;
* the program at ``practice_at``: daily items every day, weekly items on fixed
  weekday patterns (:data:`WEEKLY_PATTERNS`), the items sharing a set of days
  grouped into one reminder; what is done with every release (preparation,
  after-care) is told in the release reminder; ``once`` items get no reminder.

Times are local wall-clock times in the person's zone: a 10:00 break stays at
10:00 across a daylight-saving change, and its instant in UTC moves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from psoas.content.models import Dose
from psoas.content.vocabulary import Cadence
from psoas.core.bounds import ID_LENGTH, LINE_PATTERN
from psoas.core.planning import Plan, PlanItem, PlanItemKind
from psoas.core.validation import validate_document

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Short names of the weekdays, Monday first (``date.weekday()`` order)."""

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)

WEEKLY_PATTERNS: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (1, 4),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: EVERY_DAY,
}
"""The days a weekly item falls on, by times a week: spread out, with rest days between."""

BREAK_MINUTES = 5
"""A movement break: stand up, walk, a stretch; short enough to actually take."""

SETUP_SECONDS = 60
"""Per item of a program reminder: getting into position, reading the steps."""

SECONDS_PER_REP = 3
"""The movement of one repetition, on top of any hold."""

REST_BETWEEN_SETS_SECONDS = 30


TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
"""A time of day as a form sends it, ``HH:MM`` (what the web API reads)."""

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORTER = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
"""Abbreviations people write besides the first three letters."""

_DAY_WORDS: dict[str, int] = {
    **{word: day for day, name in enumerate(_DAY_NAMES) for word in (name[:3], name, name + "s")},
    **_SHORTER,
}
"""Every way of writing one day: ``mon``, ``monday``, ``mondays``, ``tues``."""

_GROUP_WORDS: dict[str, tuple[int, ...]] = {
    "weekdays": (0, 1, 2, 3, 4),
    "weekday": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
    "weekend": (5, 6),
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "everyday": (0, 1, 2, 3, 4, 5, 6),
    "every day": (0, 1, 2, 3, 4, 5, 6),
    "all week": (0, 1, 2, 3, 4, 5, 6),
}
"""Words for several days at once."""

_RANGE_WORDS = ("to", "through", "thru", "until", "till")
_RANGE_MARKS = frozenset({*_RANGE_WORDS, "-", "\u2013"})


def _any_case(word: str) -> str:
    return "".join(f"[{letter}{letter.upper()}]" if letter.isalpha() else letter for letter in word)


def _either(words: Iterable[str]) -> str:
    return "(" + "|".join(_any_case(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"


_DAY = _either(_DAY_WORDS)
_GROUP = _either(word.replace(" ", " +") for word in _GROUP_WORDS)
_TO = f"( *[-–] *| +{_either(_RANGE_WORDS)} +)"
_AND = f"( *, *({_any_case('and')} +)?| +{_any_case('and')} +| *[&/;+] *| +)"
_ITEM = f"({_GROUP}|{_DAY}({_TO}{_DAY})?)"
WORK_DAYS_PATTERN = f"^ *{_ITEM}({_AND}{_ITEM})* *$"
"""Working days as typed, in any case: ``mon-fri``, ``weekdays``, ``monday to friday``,
``mon,tue,thu``, ``Mon Wed and Fri``, ``weekends``, ``every day``."""

_TOKEN = re.compile(
    "|".join(sorted((*_GROUP_WORDS, *_DAY_WORDS), key=lambda w: (-len(w), w))).replace(" ", " +")
    + "|[-–]|"
    + "|".join(_RANGE_WORDS)
)


def weekdays_from_text(text: str) -> list[int] | None:
    """Days typed as :data:`WORK_DAYS_PATTERN` says, as weekday numbers; None if not so typed.

    A range runs forward through the week (``fri-mon`` is Friday to Monday); days named
    twice, or in overlapping ranges, are counted once. Anything else (``funday``, a
    range with one end) is None, never a guess.
    """
    if not re.fullmatch(WORK_DAYS_PATTERN, text):
        return None
    tokens = [" ".join(t.split()) for t in _TOKEN.findall(text.lower())]
    chosen: set[int] = set()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in _GROUP_WORDS:
            chosen.update(_GROUP_WORDS[token])
            index += 1
            continue
        low = high = _DAY_WORDS[token]
        if index + 1 < len(tokens) and tokens[index + 1] in _RANGE_MARKS:
            high = _DAY_WORDS[tokens[index + 2]]
            index += 2
        index += 1
        chosen.update(day % 7 for day in range(low, high + 1 if high >= low else high + 8))
    return sorted(chosen)


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA zone names this machine knows: the only ones a reminder may be set in."""
    return frozenset(available_timezones())


def _time_not_number(value: object) -> object:
    # YAML reads an unquoted 9:00 as the number 540; pydantic would take it as seconds.
    if isinstance(value, bool | int | float):
        raise ValueError("expected a time like '09:00' (quote it in YAML)")
    return value


def _without_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("expected a local time without an offset; the zone is 'timezone'")
    return value


LocalTime = Annotated[time, BeforeValidator(_time_not_number), AfterValidator(_without_offset)]
Weekday = Annotated[StrictInt, Field(ge=0, le=6)]


class WorkHours(BaseModel):
    """When a person works (and sits), in which zone, and when they do their program."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: LocalTime = time(9, 0)
    end: LocalTime = time(17, 0)
    """Must be after ``start``, on the same day."""
    days: list[Weekday] = Field(default=[0, 1, 2, 3, 4], min_length=1, max_length=7)
    """Working days, 0 = Monday … 6 = Sunday."""
    timezone: Annotated[str, StringConstraints(max_length=ID_LENGTH, pattern=LINE_PATTERN)]
    """An IANA zone name, e.g. ``Europe/Paris``."""
    practice_at: LocalTime = time(18, 0)
    """When the day's program is done."""

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        if isinstance(start, time) and end <= start:
            raise ValueError(f"expected a time after start ({start:%H:%M}), got {end:%H:%M}")
        return end

    @field_validator("days")
    @classmethod
    def _days_unique(cls, days: list[int]) -> list[int]:
        repeated = sorted({day for day in days if days.count(day) > 1})
        if repeated:
            raise ValueError(f"each day once; repeated: {', '.join(map(str, repeated))}")
        return sorted(days)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        if name not in known_time_zones():
            raise ValueError(
                f"unknown time zone {name!r}; expected an IANA name like 'Europe/Paris'"
            )
        return name

    @property
    def zone(self) -> ZoneInfo:
        """The zone every reminder time is read in."""
        return ZoneInfo(self.timezone)


def parse_work_hours(data: object, source: str = "work hours") -> WorkHours:
    """Validate working hours, raising :class:`~psoas.errors.InvalidDocument` naming the field."""
    return validate_document(WorkHours, data, source=source)


class Reminder(BaseModel):
    """Something to do at a local time on some weekdays, every week."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    """Stable across plan versions: the same slot keeps its id (and calendar UID)."""
    kind: Literal["movement_break", "program"]
    title: str
    description: str
    """What to do, item by item, with the dose and how often in words."""
    weekdays: list[Weekday] = Field(min_length=1)
    at: time
    minutes: int = Field(ge=1)
    techniques: list[str]

    @property
    def days_in_words(self) -> str:
        """``every day``, ``Mon-Fri`` or ``Tue, Fri``."""
        return days_in_words(self.weekdays)


def days_in_words(weekdays: Iterable[int]) -> str:
    """A set of weekdays the way a person says it."""
    days = tuple(sorted(set(weekdays)))
    if days == EVERY_DAY:
        return "every day"
    if len(days) > 2 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{WEEKDAY_NAMES[days[0]]}-{WEEKDAY_NAMES[days[-1]]}"
    return ", ".join(WEEKDAY_NAMES[day] for day in days)


def reminders_for(plan: Plan, hours: WorkHours) -> list[Reminder]:
    """The weekly reminders of a plan: movement breaks first, by time, then the program."""
    items = list(plan.items)
    hourly = [item for item in items if item.schedule.cadence is Cadence.HOURLY_WHILE_SITTING]
    reminders = _movement_breaks(items, hours) if hourly else []
    in_breaks = {technique for reminder in reminders for technique in reminder.techniques}
    groups: dict[tuple[int, ...], list[PlanItem]] = {}
    for item in items:
        if item.technique in in_breaks:
            continue
        days = _days_of(item)
        if days:
            groups.setdefault(days, []).append(item)
    with_release = [item for item in items if item.schedule.cadence is Cadence.WITH_RELEASE]
    for days in sorted(groups, key=lambda days: (-len(days), days)):
        reminders.append(_program(days, groups[days], with_release, hours))
    return reminders


def _days_of(item: PlanItem) -> tuple[int, ...]:
    schedule = item.schedule
    if schedule.cadence is Cadence.DAILY:
        return EVERY_DAY
    if schedule.cadence is Cadence.WEEKLY and schedule.times_per_week:
        return WEEKLY_PATTERNS[schedule.times_per_week]
    # hourly (without working hours to put it in), with_release and once: no slot of their own
    return ()


def _movement_breaks(items: list[PlanItem], hours: WorkHours) -> list[Reminder]:
    in_the_day = [item for item in items if item.kind is PlanItemKind.MOVEMENT_BREAK]
    hourly = [item for item in items if item.schedule.cadence is Cadence.HOURLY_WHILE_SITTING]
    chosen = hourly + [item for item in in_the_day if item not in hourly]
    description = "\n".join(f"- {_line(item)}" for item in chosen)
    day = date(2000, 1, 3)  # any date: only the wall-clock hours matter
    start = datetime.combine(day, hours.start)
    end = datetime.combine(day, hours.end)
    reminders = []
    at = start + timedelta(hours=1)
    while at < end:
        reminders.append(
            Reminder(
                id=f"movement-break-{at:%H%M}",
                kind="movement_break",
                title="Movement break",
                description=f"Stand up and move for a few minutes.\n{description}",
                weekdays=list(hours.days),
                at=at.time(),
                minutes=BREAK_MINUTES,
                techniques=[item.technique for item in chosen],
            )
        )
        at += timedelta(hours=1)
    return reminders


def _program(
    days: tuple[int, ...], items: list[PlanItem], with_release: list[PlanItem], hours: WorkHours
) -> Reminder:
    releases = any(item.kind is PlanItemKind.SELF_RELEASE for item in items)
    before = [item for item in with_release if item.kind is PlanItemKind.PREPARATION]
    after = [item for item in with_release if item not in before]
    lines = [f"- {_line(item)}" for item in items]
    everything = list(items)
    if releases:
        lines = (
            [f"Prepare first: {_line(item)}" for item in before]
            + lines
            + [f"After-care: {_line(item)}" for item in after]
        )
        everything = before + items + after
    if releases:
        title = "Psoas release session"
    elif days == EVERY_DAY:
        title = "Daily psoas program"
    else:
        title = f"Psoas program ({days_in_words(days)})"
    slug = "daily" if days == EVERY_DAY else "-".join(WEEKDAY_NAMES[day].lower() for day in days)
    return Reminder(
        id=f"program-{slug}",
        kind="program",
        title=title,
        description="\n".join(lines),
        weekdays=list(days),
        at=hours.practice_at,
        minutes=_minutes(everything),
        techniques=[item.technique for item in everything],
    )


def _line(item: PlanItem) -> str:
    dose = _dose(item)
    amount = f" ({dose.describe()})" if dose is not None and dose.describe() else ""
    return f"{item.title}{amount}: {item.frequency}"


def _dose(item: PlanItem) -> Dose | None:
    try:
        return Dose.model_validate(item.dose)
    except ValidationError:
        return None  # a stored plan with an odd dose still gets its reminder, without the amount


def _minutes(items: Sequence[PlanItem]) -> int:
    """The program's length, estimated from the doses and rounded up to 5 minutes.

    An item with its own minutes counts them; an exercise counts sets × reps ×
    (hold + a few seconds a rep), on each side, with rests between sets and a
    minute to get into position.
    """
    seconds = sum(_seconds(_dose(item)) for item in items)
    return max(5, 5 * math.ceil(seconds / 300))


def _seconds(dose: Dose | None) -> int:
    if dose is None:
        return 5 * 60
    if dose.duration_minutes:
        return dose.duration_minutes * 60
    sets = dose.sets or 1
    per_rep = (dose.hold_seconds or 0) + (SECONDS_PER_REP if dose.reps else 0)
    work = sets * (dose.reps or 1) * per_rep * (2 if dose.per_side else 1)
    return SETUP_SECONDS + work + (sets - 1) * REST_BETWEEN_SETS_SECONDS


def occurrences(
    reminders: Sequence[Reminder], hours: WorkHours, start: datetime, end: datetime
) -> list[tuple[datetime, Reminder]]:
    """Every reminder time in ``[start, end)``, in order, as aware datetimes in the person's zone.

    A time that does not exist on a day (skipped by a daylight-saving change)
    is moved forward by the gap, as iCalendar does; a time that happens twice
    is the first of the two.
    """
    for name, instant in (("start", start), ("end", end)):
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime")
    zone = hours.zone
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found: list[tuple[datetime, int, Reminder]] = []
    day = first
    while day <= last:
        for order, reminder in enumerate(reminders):
            if day.weekday() in reminder.weekdays:
                when = local_datetime(day, reminder.at, zone)
                if start <= when < end:
                    found.append((when, order, reminder))
        day += timedelta(days=1)
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [(when, reminder) for when, _, reminder in found]


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone``, normalised so a skipped time moves past the gap."""
    wall = datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)
