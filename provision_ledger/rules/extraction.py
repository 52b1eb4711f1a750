"""Reading a provision line out of a plan's wording: how many sessions, how long, how often, by whom.

The rule. From one provision statement, propose the structured terms of a provision line, which a
SENCO confirms or edits before anything enters the ledger. "2 x 30 minute sessions per week of
speech and language therapy delivered by a qualified SALT" proposes 2 sessions of 30 minutes a
week of speech and language therapy, delivered by a speech and language therapist ("salt"),
qualification "qualified SALT", one-to-one.

How the wording is read:

- Numbers may be figures or words ("two", "twice", "three times", "half an hour", "an hour and a
  half", "1.5 hours").
- How often: "N times a week/day/term/year", "twice weekly", "daily", "every morning", "weekly",
  "termly", "N x ...", "N sessions per ...", "every Monday and Thursday" (2 a week), "on 3 days a
  week". A frequency in a review clause ("reviewed termly", "monitored weekly") is not how often
  the provision is delivered, so it is ignored.
- The ledger has four periods: day, week, term and year. Two common frequencies have no period of
  their own, so they are given their exact yearly form, with a note for the SENCO to confirm:
  half-termly is 6 a year (England's school year has six half-terms); fortnightly ("every two
  weeks", "every other week") is 19 a year, half of a 38-week school year (190 school days).
  The ledger spreads a yearly count evenly over the school's own calendar. Monthly has no exact
  form in school time, so it is left for the SENCO to enter.
- How long: "30 minutes", "30-minute", "30 mins", "an hour", "half an hour", "45 minute".
- Time given only as a weekly total of several hours ("15 hours per week of 1:1 support", "12 hours support
  per week") is
  in-class support, recorded as minutes a week (weekly_minutes) with no session count. A single
  hour or less a week ("one hour a week", "60 minutes per week") reads as one session, the way
  therapy is written.
- Hours with no period ("27.5 hours of 1:1 support"), more than a session could last, are not a session's
  length: nothing is proposed for them and a note asks for the hours a week.
- A range ("4-6 fortnightly 45-minute sessions", "20-30 minutes") promises only its least. Extraction never
  proposes its upper bound: it proposes nothing for that term (the count, or the minutes) and says why.
- Whole-timetable cover ("in all lessons", "throughout the school day", "every break and
  lunchtime") says how often and how long by the timetable, but gives no number to propose: a note
  asks for the weekly minutes from the school's timetable.
- Who: the role named as delivering (teaching assistant, HLTA, teacher, specialist teacher, SENCO,
  speech and language therapist, occupational therapist, physiotherapist, educational
  psychologist, or another professional). A role named only as writing, reviewing or monitoring a
  programme is not the one who delivers it. Direct therapy from a named discipline ("45-minute
  occupational therapy session") is delivered by that therapist; a therapy *programme* is not.
- A block ("for 10 weeks", "for one term", "for 2 half-terms") is not all year: it gives the weeks the line
  runs from its start, so the line gets an end date. A term is taken as 12 weeks and a half-term as 6 (38 school
  weeks a year), the shorter reading, with a note to check the end date against the school's term dates.
- Two provisions in one statement ("1:1 support for 20 hours a week and 10 minutes of precision teaching daily")
  are two lines (extract_lines): each part keeps its own amount, and a part that names no one takes the
  statement's deliverer.
- Group size: 1 (one-to-one) unless a group is stated with its size ("in a group of 4", "groups of
  no more than 3 learners", "(maximum 6 pupils)", a 1:4 ratio, "in pairs").

Nothing found for how often or how long: there is no line to propose (None).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from provision_ledger.rules.delivery import Period

# The longest statement read. The work of reading one is bounded by this, so reading a section is linear
# in its length. No provision statement is this long: one that is runs several together.
MAX_STATEMENT = 2000

# A school year in England is 190 school days, 38 weeks: fortnightly is half of that.
FORTNIGHTS_A_YEAR = 19
HALF_TERMS_A_YEAR = 6


class Role(StrEnum):
    """Who delivers a line; the same codes as a provision line's delivered_by."""

    TA = "ta"
    HLTA = "hlta"
    TEACHER = "teacher"
    SPECIALIST_TEACHER = "specialist_teacher"
    SENCO = "senco"
    SALT = "salt"
    OT = "ot"
    PHYSIO = "physio"
    EP = "ep"
    OTHER = "other"


@dataclass(frozen=True)
class Span:
    """Words found in a text: text[start:end] == words."""

    start: int
    end: int
    words: str


@dataclass(frozen=True)
class Frequency:
    """How often, as found in the text. sessions and period are None where there is no exact form."""

    span: Span
    sessions: int | None
    period: Period | None
    note: str = ""
    counted: bool = False  # the count was stated ("twice a week"), not implied ("weekly", "per week")


@dataclass(frozen=True)
class Duration:
    """How long, in minutes. weekly_total: several hours given as a total for the week; no_period: several hours
    given with no period, which cannot be a session's length."""

    span: Span
    minutes: int
    weekly_total: bool = False
    no_period: bool = False


@dataclass(frozen=True)
class RoleMention:
    span: Span
    role: Role
    qualification: str  # the role with its training or qualification, or "" when none is stated
    delivers: bool  # False when named only as writing, reviewing or monitoring the provision
    implied: bool = False  # read from the name of a direct therapy, not from a named person


@dataclass(frozen=True)
class ProposedLine:
    """The proposed terms of a provision line. None means "not found": the SENCO fills it in."""

    description: str | None
    sessions: int | None
    minutes_per_session: int | None
    period: Period | None
    weekly_minutes: int | None
    delivered_by: Role | None
    qualification: str
    group_size: int
    notes: tuple[str, ...] = ()
    weeks: int | None = None  # a block ("for 10 weeks", "for one term"): how many weeks from the start it runs

    @property
    def missing(self) -> tuple[str, ...]:
        """The fields that could not be read from the wording, in form order."""
        gaps = []
        if self.description is None:
            gaps.append("description")
        if self.weekly_minutes is None:
            if self.sessions is None:
                gaps.append("sessions")
            if self.period is None:
                gaps.append("period")
            if self.minutes_per_session is None:
                gaps.append("minutes_per_session")
        if self.delivered_by is None:
            gaps.append("delivered_by")
        return tuple(gaps)

    @property
    def complete(self) -> bool:
        return not self.missing


# Numbers


_NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "once": 1,
    "two": 2,
    "twice": 2,
    "three": 3,
    "thrice": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "twenty five": 25,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "forty five": 45,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
_WORD_NUMBER = (
    r"twenty[- ]five|forty[- ]five|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|ninety"
)
# Figures are ASCII on purpose: a stray superscript or other script's digit is not a quantity here.
NUM = rf"(?:[0-9]{{1,4}}(?:\.[0-9]{{1,2}})?|{_WORD_NUMBER})"
_COUNT = rf"(?:{NUM}|once|twice|thrice)"


def number(words: str) -> float:
    """The value of a number written as figures or in words ("two", "twice", "1.5"); 0 when it is neither."""
    # casefold, not lower: a case-insensitive match can be written with characters such as "ſ".
    key = words.strip().casefold()
    if key in _NUMBER_WORDS:
        return _NUMBER_WORDS[key]
    try:
        return float(key)
    except ValueError:
        return 0.0


def _whole(value: float) -> int | None:
    return int(value) if value == int(value) and value > 0 else None


_FLAGS = re.IGNORECASE


def _span(match: re.Match[str], group: int | str = 0) -> Span:
    return Span(match.start(group), match.end(group), match.group(group))


def _overlaps(span: Span, taken: list[Span]) -> bool:
    return any(span.start < t.end and t.start < span.end for t in taken)


# How long

_HOUR_AND_HALF = re.compile(
    rf"\b(?:(?P<n>{NUM}|an)\s+hours?\s+and\s+a\s+half|(?P<m>{NUM})\s+and\s+a\s+half\s+hours?)\b", _FLAGS
)
_QUARTERS = re.compile(r"\b(?:(?P<three>three[- ])?quarters?\s+of\s+an\s+hour)\b", _FLAGS)
_HALF_HOUR = re.compile(r"\b(?:half\s+an\s+hour|half[- ]hour(?:ly)?)\b", _FLAGS)
_MINUTES = re.compile(rf"\b(?P<n>{NUM})\s*(?:-\s*)?(?:minutes?|mins?)\b\.?", _FLAGS)
_HOURS = re.compile(rf"\b(?P<n>{NUM}|an|a\s+single)\s*(?:-\s*)?(?P<unit>hours?|hrs?)\b\.?", _FLAGS)
_HOUR_LONG = re.compile(r"\bhour[- ]long\b", _FLAGS)
# Matched at the end of an amount of hours (pattern.match(text, pos)), never by copying the rest of the text.
# "15 hours per week", "12 hours support per week", "20 hours of 1:1 support a week", "10 hours weekly".
_PER_WEEK = re.compile(
    r"\s*(?:[^,.;]{0,60}?\s+)?(?:per|a|each|every)\s+week\b|\s*(?:[^,.;]{0,60}?\s+)?weekly\b", _FLAGS
)
# Several hours with no period at all ("27.5 hours of 1:1 support"): a total of something, not a session's length.
LONGEST_SESSION_MINUTES = 120


# A range: two amounts ("20-45 minutes", "2 or 3 times", "4-6 fortnightly 45-minute sessions"), the unit
# up to three words later. The least it promises is the lower amount.
_RANGE_UNIT = (
    r"(?P<unit>minutes?|mins?|hours?|hrs?|sessions?|times?|days?|weeks?|lessons?|pupils|children|learners|students)\b"
)
_RANGE = re.compile(
    rf"\b(?P<a>{NUM})(?:(?<=[0-9])\s*-|\s*(?:–|—|\bto\b|\bor\b))\s*(?P<b>{NUM})\s*(?:x\s+)?(?:[\w-]+\s+){{0,3}}?{_RANGE_UNIT}"
    rf"|\bbetween\s+(?P<c>{NUM})\s+and\s+(?P<d>{NUM})\s*(?:[\w-]+\s+){{0,3}}?(?P<unit2>minutes?|mins?|hours?|hrs?|"
    r"sessions?|times?|days?|weeks?|lessons?|pupils|children|learners|students)?",
    _FLAGS,
)


@dataclass(frozen=True)
class Range:
    """Two amounts where one is needed: span is the whole match, numbers the "4-6" part."""

    span: Span
    numbers: Span
    low: float
    high: float
    unit: str

    @property
    def of_time(self) -> bool:
        return self.unit.casefold().startswith(("min", "hour", "hr"))


def ranges(text: str) -> list[Range]:
    """Every range of amounts, in order ("1-1" is one-to-one, not a range)."""
    found = []
    for m in _RANGE.finditer(text):
        first, second = ("a", "b") if m.group("a") is not None else ("c", "d")
        low, high = number(m.group(first)), number(m.group(second))
        if low == high:
            continue
        numbers = Span(m.start(first), m.end(second), text[m.start(first) : m.end(second)])
        found.append(
            Range(_span(m), numbers, min(low, high), max(low, high), m.group("unit") or m.group("unit2") or "")
        )
    return found


def durations(text: str) -> list[Duration]:
    """Every stated length of time, in minutes, in order of appearance."""
    found: list[Duration] = []
    taken: list[Span] = []

    def add(span: Span, minutes: float, weekly_total: bool = False, no_period: bool = False) -> None:
        whole = _whole(minutes)
        if whole is not None and not _overlaps(span, taken):
            taken.append(span)
            found.append(Duration(span, whole, weekly_total, no_period))

    for m in _HOUR_AND_HALF.finditer(text):
        n = m.group("n") or m.group("m")
        add(_span(m), (number(n) + 0.5) * 60)
    for m in _QUARTERS.finditer(text):
        add(_span(m), 45 if m.group("three") else 15)
    for m in _HALF_HOUR.finditer(text):
        add(_span(m), 30)
    for m in _MINUTES.finditer(text):
        add(_span(m), number(m.group("n")))
    for m in _HOURS.finditer(text):
        n = re.sub(r"\s+", " ", m.group("n").casefold())
        count = 1.0 if n in ("an", "a single") else number(n)
        plural = m.group("unit").casefold() in ("hours", "hrs") and count > 1
        # "15 hours per week" is a weekly total of support, not one 15-hour session.
        weekly = plural and bool(_PER_WEEK.match(text, m.end(), m.end() + 100))
        no_period = plural and not weekly and count * 60 > LONGEST_SESSION_MINUTES
        add(_span(m), count * 60, weekly, no_period)
    for m in _HOUR_LONG.finditer(text):
        add(_span(m), 60)
    return sorted(found, key=lambda d: d.span.start)


# How often

_PERIOD_WORDS = (
    r"day|week|term|year|school\s+year|academic\s+year|half[- ]term|fortnight|month|morning|afternoon|lesson"
)
_ADVERBS = r"daily|weekly|termly|half[- ]termly|fortnightly|annually|yearly|monthly"
_TIMES = re.compile(
    rf"\b(?P<n>{_COUNT})\s*(?:times?\s*|x\s+)?(?:(?:a|per|each|every|in\s+a|in\s+each)\s+(?P<p>{_PERIOD_WORDS})\b"
    rf"|(?P<adv>{_ADVERBS})\b)",
    _FLAGS,
)
_MULTIPLY = re.compile(rf"\b(?P<n>{NUM})\s*(?:x|×|\*)\s*(?=[0-9]|{_WORD_NUMBER}|an?\b|half\b)", _FLAGS)
_UNIT = r"(?:minutes?|mins?|hours?|hrs?)\b"
# "three 20-minute sessions", "two individual speech and language therapy sessions": a count, then up to six
# words that are not a unit, a number of pupils or a linking word that starts another phrase.
_NOT_BETWEEN = rf"(?:{_UNIT}|pupils|children|learners|students|per|a|an|each|every|of|for|in|with|by|from|to)\b"
_SESSIONS = re.compile(
    rf"\b(?P<n>{NUM})(?!\s*[- ]?{_UNIT})\s+(?:(?!{_NOT_BETWEEN})[\w:'’-]+\s+){{0,6}}?"
    r"(?:sessions?|lessons|visits?|breaks)\b",
    _FLAGS,
)
_DAYS_A_WEEK = re.compile(rf"\b(?:on\s+)?(?P<n>{NUM})\s+(?:school\s+)?days\s+(?:a|per|each|every)\s+week\b", _FLAGS)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri)day"
_WEEKDAYS = re.compile(rf"\b(?:every|each|on)\s+(?P<days>{_WEEKDAY}s?(?:\s*(?:,|and|&)\s*(?:{_WEEKDAY}s?))*)", _FLAGS)
_PERIOD_ALONE = re.compile(
    rf"\b(?:(?:per|a|each|every|once\s+a|once\s+per|once\s+every)\s+(?P<p>{_PERIOD_WORDS})\b(?!\s*[0-9])"
    rf"|(?P<adv>{_ADVERBS})\b"
    r"|every\s+(?P<two>two|2|other)\s+weeks?\b"
    r"|every\s+(?P<nth>[0-9]{1,2})\s+weeks\b)",
    _FLAGS,
)
# Whole-timetable cover: how often and how long are the timetable's.
_COVERAGE = re.compile(
    r"\b(?:(?:in|during|for|across|at)\s+)?(?:all|every|each)\s+(?:of\s+(?:his|her|their|the)\s+)?"
    r"(?:core\s+|curriculum\s+|academic\s+|unstructured\s+)?(?:lessons?|subjects?|classes|transitions?|"
    r"(?:morning\s+|afternoon\s+)?(?:break|play|lunch)\s?times?(?:\s+and\s+(?:break|play|lunch)\s?times?)?)\b"
    r"|\bthroughout\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:whole\s+|entire\s+)?(?:school\s+)?(?:day|week|timetable|curriculum)\b"
    r"|\b(?:the\s+)?(?:whole|entire|full)\s+school\s+day\b"
    r"|\bat\s+all\s+times\b"
    r"|\bfull[- ]time\b"
    r"|\b(?:at|during|in)\s+(?:morning\s+)?(?:break|play)(?:\s?time)?\s+and\s+lunch\s?times?\b",
    _FLAGS,
)
# A frequency in one of these clauses is about checking the provision, not delivering it.
_REVIEW_CONTEXT = re.compile(
    r"\b(?:review|monitor|evaluat|assess|updat|revis|report|liais|meeting)\w*(?:\s+[^\s.;:,]+){0,10}\s*$",
    _FLAGS,
)
_PERIODS: dict[str, Period] = {
    "day": Period.DAY,
    "daily": Period.DAY,
    "morning": Period.DAY,
    "afternoon": Period.DAY,
    "week": Period.WEEK,
    "weekly": Period.WEEK,
    "term": Period.TERM,
    "termly": Period.TERM,
    "year": Period.YEAR,
    "school year": Period.YEAR,
    "academic year": Period.YEAR,
    "annually": Period.YEAR,
    "yearly": Period.YEAR,
}


def _in_review_clause(text: str, start: int) -> bool:
    return bool(_REVIEW_CONTEXT.search(text[max(0, start - 90) : start]))


def _normalise(period_word: str) -> str:
    return re.sub(r"[\s-]+", " ", period_word.casefold()).strip()


def _frequency(span: Span, count: int, period_word: str, counted: bool) -> Frequency:
    """count per period_word, in the ledger's periods (see the module docstring)."""
    word = _normalise(period_word)
    if word in ("half term", "half termly"):
        note = f"“{span.words}” read as {HALF_TERMS_A_YEAR} a year for each one a half-term; please confirm."
        return Frequency(span, count * HALF_TERMS_A_YEAR, Period.YEAR, note, counted)
    if word in ("fortnight", "fortnightly"):
        note = (
            f"“{span.words}” read as {FORTNIGHTS_A_YEAR} a year for each one a fortnight (a 38-week school "
            "year); please confirm against the school's calendar."
        )
        return Frequency(span, count * FORTNIGHTS_A_YEAR, Period.YEAR, note, counted)
    if word in ("month", "monthly"):
        return Frequency(span, None, None, f"“{span.words}”: the ledger has no monthly period; enter it per term.")
    if word in _PERIODS:
        return Frequency(span, count, _PERIODS[word], counted=counted)
    return Frequency(span, None, None, f"“{span.words}”: set the count from the school's timetable.")


def frequencies(text: str) -> list[Frequency]:
    """Every stated delivery frequency (not review frequencies), in order of appearance."""
    found: list[Frequency] = []
    taken: list[Span] = []

    def add(frequency: Frequency | None) -> None:
        if (
            frequency is not None
            and not _overlaps(frequency.span, taken)
            and not _in_review_clause(text, frequency.span.start)
        ):
            taken.append(frequency.span)
            found.append(frequency)

    for m in _TIMES.finditer(text):
        count = _whole(number(m.group("n")))
        if count is not None:
            add(_frequency(_span(m), count, m.group("p") or m.group("adv"), counted=True))
    for m in _DAYS_A_WEEK.finditer(text):
        count = _whole(number(m.group("n")))
        if count is not None:
            add(Frequency(_span(m), count, Period.WEEK, counted=True))
    for m in _WEEKDAYS.finditer(text):
        days = {d.casefold().rstrip("s") for d in re.findall(_WEEKDAY, m.group("days"), _FLAGS)}
        add(Frequency(_span(m), len(days), Period.WEEK, counted=True))
    for m in _PERIOD_ALONE.finditer(text):
        if m.group("two"):
            add(_frequency(_span(m), 1, "fortnight", counted=False))
        elif m.group("nth"):
            add(Frequency(_span(m), None, None, f"“{m.group(0)}”: enter it as a count per term or per year."))
        else:
            add(_frequency(_span(m), 1, m.group("p") or m.group("adv"), counted=False))
    return sorted(found, key=lambda f: f.span.start)


def session_counts(text: str) -> list[tuple[Span, int]]:
    """Counts of sessions with no period of their own: "2 x 30 minutes", "three 20-minute sessions"."""
    found: list[tuple[Span, int]] = []
    for pattern in (_MULTIPLY, _SESSIONS):
        for m in pattern.finditer(text):
            count = _whole(number(m.group("n")))
            if count is not None and not _in_review_clause(text, m.start()):
                found.append((_span(m, "n"), count))
    return sorted(found, key=lambda c: c[0].start)


def coverage(text: str) -> list[Span]:
    """Whole-timetable cover: "in all lessons", "throughout the school day", "at all times"."""
    return [_span(m) for m in _COVERAGE.finditer(text) if not _in_review_clause(text, m.start())]


# Who

# (pattern, role); case-sensitive acronyms are marked (?-i:...). Longer names first.
_ROLE_PATTERNS: tuple[tuple[str, Role], ...] = (
    # Acronyms in any case ("with a ta", "an hlta"), as people write them.
    (r"higher[- ]level\s+teaching\s+assistants?|HLTAs?\b", Role.HLTA),
    (
        r"(?:qualified\s+)?teachers?\s+of\s+(?:the\s+)?(?:deaf|visually\s+impaired|vision\s+impaired)|"
        r"(?-i:Q?ToDs?|QTVIs?|QTMSIs?)|specialist\s+(?:\w+\s+){0,2}?teachers?|advisory\s+teachers?|"
        r"(?:dyslexia|SpLD)\s+(?:specialist\s+)?teachers?|specialist\s+teaching\s+service",
        Role.SPECIALIST_TEACHER,
    ),
    (r"SENC?D?Os?\b|special\s+educational\s+needs\s+co-?ordinators?", Role.SENCO),
    (
        r"speech\s+(?:and|&)\s+language\s+therapists?|speech\s+therapists?|"
        r"(?-i:S[Aa]LTs?|SLTs?)(?!\s*[- ]?(?:A\b|assistant))",
        Role.SALT,
    ),
    (
        r"occupational\s+therapists?|(?-i:OTs?)\b(?!\s*(?:programme|strategies|advice|guidance|recommendations))",
        Role.OT,
    ),
    (r"physiotherapists?|physios?\b(?!\s*(?:programme|exercises))", Role.PHYSIO),
    (r"educational\s+psychologists?|(?-i:EPs?)\b|psychologists?", Role.EP),
    (
        r"teaching\s+assistants?|learning\s+support\s+(?:assistants?|team|staff|practitioners?)|classroom\s+assistants?|"
        r"(?:1:1\s+|one[- ]to[- ]one\s+)?support\s+assistants?|emotional\s+literacy\s+support\s+assistants?|"
        # "an ELSA-trained TA": the ELSA is the training, the TA the role; "a TA trained to deliver" is a TA.
        r"(?:TAs?|LSAs?|ELSAs?)\b(?!-trained)",
        Role.TA,
    ),
    (r"(?:class|subject|form|English|maths|qualified)\s+teachers?|\bteachers?\b", Role.TEACHER),
    (
        r"speech\s+(?:and|&)\s+language\s+therapy\s+assistants?|(?-i:SLTAs?)|counsellors?|"
        r"(?:play|music|art|drama)\s+therapists?|learning\s+mentors?|mentors?|rehabilitation\s+workers?|"
        r"habilitation\s+specialists?|nurses?|tutors?|key\s?workers?|communication\s+support\s+workers?|"
        r"(?:early\s+years\s+)?practitioners?|"
        # An adult is who delivers only with the training named: "an adult trained in Lego-based therapy".
        r"adults?(?=\s*,?\s+(?:trained|qualified|accredited|who\s+(?:is|has\s+been|has)\s+(?:fully\s+)?trained))",
        Role.OTHER,
    ),
)
_ROLES = tuple((re.compile(rf"\b(?:{p})", _FLAGS), role) for p, role in _ROLE_PATTERNS)
# Direct therapy names its therapist; "a speech and language therapy programme" does not.
_IMPLIED = (
    (
        re.compile(
            r"\bspeech\s+(?:and|&)\s+language\s+therapy\b(?!\s+(?:programmes?|strategies|targets|advice))", _FLAGS
        ),
        Role.SALT,
    ),
    (re.compile(r"\boccupational\s+therapy\b(?!\s+(?:programmes?|strategies|targets|advice))", _FLAGS), Role.OT),
    (re.compile(r"\bphysiotherapy\b(?!\s+(?:programmes?|exercises|strategies|advice))", _FLAGS), Role.PHYSIO),
)
_QUALIFIER = (
    r"(?:(?:suitably|appropriately|fully|specifically|specially)\s+)?"
    r"(?:(?-i:[A-Z]{2,6})[- ]|[A-Za-z]{2,14}-)?"
    r"(?:qualified|trained|experienced|registered|accredited|specialist|senior|skilled|named|dedicated)"
)
_BEFORE = re.compile(rf"(?:\b{_QUALIFIER}(?:\s*(?:,|and)\s*{_QUALIFIER})*\s+)$", _FLAGS)
_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:who\s+(?:is|has|have|holds?)|trained\s+(?:in|to)|with\s+(?:training|experience|knowledge|expertise|"
    r"a\s+qualification|qualifications?)|holding|qualified\s+(?:in|to))\b[^,.;()]{0,120})",
    _FLAGS,
)
# A role after these words writes, checks or oversees the provision; someone else delivers it.
_NOT_DELIVERING = re.compile(
    r"(?:written|devised|designed|drawn\s+up|set|planned|monitored|reviewed|overseen|advised|"
    r"recommended|agreed|assessed|evaluated)\s+(?:and\s+\w+\s+)?by\s+(?:an?\s+|the\s+)?"
    rf"(?:{_QUALIFIER}\s+)?$|following\s+(?:the\s+)?$|(?:liaise|liaison|consultation)\s+with\s+(?:an?\s+|the\s+)?$",
    _FLAGS,
)


def roles(text: str) -> list[RoleMention]:
    """Every role named or implied, with its qualification, in order of appearance."""
    found: list[RoleMention] = []
    taken: list[Span] = []
    for pattern, role in _ROLES:
        for m in pattern.finditer(text):
            span = _span(m)
            if _overlaps(span, taken):
                continue
            taken.append(span)
            before = _BEFORE.search(text[max(0, m.start() - 80) : m.start()])
            after = _AFTER.match(text[m.end() : m.end() + 200])
            start = m.start() - (len(before.group(0)) if before else 0)
            end = m.end() + (len(after.group(0).rstrip()) if after else 0)
            qualification = text[start:end].strip(" ,") if (before or after) else ""
            lead = text[max(0, start - 40) : start]
            found.append(RoleMention(span, role, qualification, not _NOT_DELIVERING.search(lead)))
    for pattern, role in _IMPLIED:
        for m in pattern.finditer(text):
            span = _span(m)
            if not _overlaps(span, taken):
                taken.append(span)
                lead = text[max(0, m.start() - 40) : m.start()]
                found.append(RoleMention(span, role, "", not _NOT_DELIVERING.search(lead), implied=True))
    return sorted(found, key=lambda r: r.span.start)


def delivering_role(text: str) -> RoleMention | None:
    """The role that delivers the provision: a named delivering role before one implied by a therapy."""
    delivering = [r for r in roles(text) if r.delivers]
    named = [r for r in delivering if not r.implied]
    chosen = named or delivering
    return chosen[0] if chosen else None


# Group size

_GROUP_SIZE = re.compile(
    rf"\bgroups?\s*(?:\(\s*)?(?:of\s+)?(?:no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|maximum(?:\s+of)?|max\.?|"
    rf"at\s+most|up\s+to)?\s*(?P<n>{NUM})\b(?!\s*(?:minutes?|mins?|hours?|hrs?|sessions?|times?|weeks?|days?|x\b|×))",
    _FLAGS,
)
_PUPILS = re.compile(
    rf"\b(?:no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|maximum(?:\s+of)?|max\.?|at\s+most|up\s+to)?\s*"
    rf"(?<!year\s)(?<!years\s)(?P<n>{NUM})\s+(?:other\s+)?(?:pupils|children|learners|students|peers)\b",
    _FLAGS,
)
_RATIO = re.compile(
    rf"\b1\s*:\s*(?P<n>[2-9]|[1-3][0-9])\b|\bratio\s+of\s+(?:1|one)\s+(?:adult|teacher|member\s+of\s+staff|staff)?\s*"
    rf"(?:to|:)\s*(?P<m>{NUM})\b",
    _FLAGS,
)
_PAIRS = re.compile(r"\b(?:in\s+(?:a\s+)?pairs?|paired|with\s+one\s+(?:other\s+)?peer)\b", _FLAGS)
GROUP_WORDS = re.compile(
    r"\b(?:small[- ]|nurture\s+|social\s+skills\s+|intervention\s+|teaching\s+|"
    r"(?:lego|play|music|art|drama)\s+therapy\s+)?groups?\b",
    _FLAGS,
)
_NOT_A_TEACHING_GROUP = re.compile(
    r"\b(?:year|age|peer|tutor|form|friendship|support|parent|steering)\s+groups?\b", _FLAGS
)


def group_sizes(text: str) -> list[tuple[Span, int]]:
    """Stated group sizes (the number of pupils in the group), in order of appearance."""
    found: list[tuple[Span, int]] = []
    for m in _GROUP_SIZE.finditer(text):
        size = _whole(number(m.group("n")))
        if size is not None:
            found.append((_span(m), size))
    for m in _PUPILS.finditer(text):
        size = _whole(number(m.group("n")))
        if size is not None:
            found.append((_span(m), size))
    for m in _RATIO.finditer(text):
        size = _whole(number(m.group("n") or m.group("m")))
        if size is not None:
            found.append((_span(m), size))
    for m in _PAIRS.finditer(text):
        found.append((_span(m), 2))
    return sorted(found, key=lambda g: g[0].start)


def group_mentions(text: str) -> Iterator[Span]:
    """Mentions of a teaching group ("small group", "nurture group"), not "year group" and the like."""
    for m in GROUP_WORDS.finditer(text):
        if not _NOT_A_TEACHING_GROUP.search(text[max(0, m.start() - 12) : m.end()]):
            yield _span(m)


# What

_OF_WHAT = re.compile(
    r"\b(?:sessions?|hours?|hrs?|minutes?|mins?|x)\b(?:\s+(?:per|a|each|every)\s+\w+)?\s+of\s+"
    r"(?:(?:direct|individual|1:1|one[- ]to[- ]one|small[- ]group(?:\s*\([^)]{0,40}\))?|specialist|weekly|daily)\s+)*"
    r"(?P<what>[^,.;()]{3,80}?)"
    r"(?=\s+(?:delivered|provided|led|run|taught|with|by|from|in\s+(?:a|groups?|class|school)|for|per|each|every|on|at|"
    r"during|to|which|that|who|once|twice|three|daily|weekly)\b|\s*[,.;()]|\s*$)",
    _FLAGS,
)
_KNOWN_WHAT = re.compile(
    r"\b(?:speech\s+(?:and|&)\s+language\s+therapy|speech\s+programme|occupational\s+therapy|physiotherapy|"
    r"(?:lego|play|music|art|drama)\s+therapy|touch[- ]typing|precision\s+teaching|phonics|literacy|numeracy|"
    r"maths|reading|spelling|handwriting|social\s+(?:skills|communication)|emotional\s+literacy|ELSA|"
    r"sensory\s+(?:circuits?|diet|breaks?|integration)|motor\s+skills|fine\s+motor|gross\s+motor|"
    r"in[- ]class\s+support|1:1\s+support|one[- ]to[- ]one\s+support|counselling|mentoring|nurture|"
    r"communication|language|vocabulary|attention|zones\s+of\s+regulation|emotional\s+regulation|"
    r"pre[- ]teaching|keyboard\s+skills|mobility|habilitation|audiology|listening)"
    r"(?:\s+(?:therapy|programme|intervention|group|sessions?|support|work|skills|teaching))?\b",
    _FLAGS,
)


def description(text: str) -> str | None:
    """What the provision is: "speech and language therapy", "touch typing", "literacy intervention"."""
    m = _OF_WHAT.search(text)
    if m:
        what = m.group("what").strip()
        if not re.match(rf"^(?:{NUM}|the\s+week|the\s+day)\b", what, _FLAGS):
            return what
    m = _KNOWN_WHAT.search(text)
    return m.group(0).strip() if m else None


# The proposal


def _group_size(text: str) -> int:
    sizes = group_sizes(text)
    return sizes[0][1] if sizes else 1


_BLOCK = re.compile(
    rf"\bfor\s+(?:a\s+(?:block|period|course)\s+of\s+)?(?:the\s+(?:first|next)\s+)?(?P<n>{NUM}|one|a)\s+"
    r"(?P<unit>weeks?|terms?|half[- ]terms?)\b(?!\s+(?:time|dates?))",
    _FLAGS,
)
TERM_WEEKS = 12
HALF_TERM_WEEKS = 6


def block(text: str) -> tuple[Span, int] | None:
    """A block of weeks the provision runs for: "for 10 weeks" is 10, "for one term" 12, "for a half-term" 6."""
    m = _BLOCK.search(text)
    if m is None:
        return None
    count = _whole(number(m.group("n")))
    if count is None:
        return None
    unit = m.group("unit").casefold()
    per = HALF_TERM_WEEKS if unit.startswith("half") else TERM_WEEKS if unit.startswith("term") else 1
    return _span(m), count * per


def extract(text: str) -> ProposedLine | None:
    """Propose a provision line's terms from one statement; None when it says neither how often nor how long."""
    if len(text) > MAX_STATEMENT:
        return None
    found_frequencies = frequencies(text)
    found_durations = durations(text)
    cover = coverage(text)
    if not found_frequencies and not found_durations and not cover:
        return None
    notes: list[str] = []
    # Never the upper bound of a range: a term given as a range is left for the SENCO, with the reason.
    found_ranges = ranges(text)
    time_ranges = [r for r in found_ranges if r.of_time]
    count_ranges = [r for r in found_ranges if not r.of_time]
    for r in found_ranges:
        notes.append(
            f"“{r.span.words}” is a range: nothing is proposed for it, because a range promises only its least "
            f"({r.low:g}). Ask for one amount."
        )
    if time_ranges:
        found_durations = [d for d in found_durations if not any(_overlaps(d.span, [r.span]) for r in time_ranges)]
    if count_ranges:
        found_frequencies = [f for f in found_frequencies if not _overlaps(f.span, [r.numbers for r in count_ranges])]
    untimed = [d for d in found_durations if d.no_period]
    for d in untimed:
        notes.append(f"“{d.span.words}” has no period: enter the hours a week it comes to.")
    found_durations = [d for d in found_durations if not d.no_period]
    weekly = [d for d in found_durations if d.weekly_total]
    session_lengths = [d for d in found_durations if not d.weekly_total]
    sessions: int | None = None
    period: Period | None = None
    weekly_minutes: int | None = None
    minutes: int | None = None
    counts = session_counts(text)
    if weekly and not counts:
        weekly_minutes = weekly[0].minutes
    else:
        # The first frequency with an exact form; a count such as "2 x" or "three sessions" sets the
        # number when the frequency itself is only a period ("per week").
        exact = [f for f in found_frequencies if f.period is not None]
        notes.extend(f.note for f in found_frequencies if f.note)
        if exact:
            first = exact[0]
            period = first.period
            sessions = first.sessions
            if counts and not first.counted and first.sessions is not None:
                # "2 x 30 minutes weekly": 2 a week; "2 x 30 minutes fortnightly": 2 each fortnight.
                sessions = counts[0][1] * first.sessions
        if session_lengths:
            minutes = session_lengths[0].minutes
            if len({d.minutes for d in session_lengths}) > 1:
                notes.append("More than one length of session is stated; the first is proposed.")
        elif weekly:
            minutes = weekly[0].minutes
    if count_ranges:
        sessions = None
    if time_ranges and weekly_minutes is None:
        minutes = None
    if cover and weekly_minutes is None and minutes is None:
        notes.append(f"“{cover[0].words}”: set the weekly minutes from the school's timetable.")
    who = delivering_role(text)
    if who is None and roles(text):
        notes.append("A role is named only as writing or reviewing the provision: who delivers it?")
    runs = block(text)
    if runs is not None and not runs[0].words.casefold().rstrip("s").endswith("week"):
        notes.append(
            f"“{runs[0].words}” is taken as {runs[1]} weeks from the start: check the end date against the "
            "school's term dates."
        )
    return ProposedLine(
        description=description(text),
        sessions=sessions,
        minutes_per_session=minutes,
        period=period,
        weekly_minutes=weekly_minutes,
        delivered_by=who.role if who else None,
        qualification=who.qualification if who else "",
        group_size=_group_size(text),
        notes=tuple(notes),
        weeks=runs[1] if runs else None,
    )


# Where one provision ends and another begins: "... 20 hours a week and 10 minutes of precision teaching daily". The
# second provision starts with its amount ("and 10 minutes", "and a 10-minute check-in"), which also keeps the work
# bounded: at most a few joins are tried, and a statement proposes at most MAX_LINES lines.
_JOIN = re.compile(
    rf"\s*[,;]?\s+(?:and|plus)\s+(?:also\s+)?(?=(?:an?\s+)?(?:{NUM}|once|twice|thrice|half)\b)|\s*;\s*", _FLAGS
)
MAX_LINES = 4
_JOINS_TRIED = 6


def _amount(line: ProposedLine | None) -> bool:
    return line is not None and (line.weekly_minutes is not None or line.minutes_per_session is not None)


def extract_lines(text: str) -> list[ProposedLine]:
    """Every line a statement proposes: one, or one for each provision it joins ("and"), each with its own amount.

    A part that names no one delivering it takes the whole statement's deliverer; a block ("for 10 weeks") stated
    once applies to the part it is in.
    """
    whole = extract(text)
    if whole is None:
        return []
    return [_fill(part, whole) for part in _parts(text, MAX_LINES)]


def _parts(text: str, most: int) -> list[ProposedLine]:
    whole = extract(text)
    if whole is None:
        return []
    if most > 1:
        for m in itertools.islice(_JOIN.finditer(text), _JOINS_TRIED):
            first, second = extract(text[: m.start()]), extract(text[m.end() :])
            if first is not None and second is not None and _amount(first) and _amount(second):
                return [first, *_parts(text[m.end() :], most - 1)]
    return [whole]


def _fill(part: ProposedLine, whole: ProposedLine) -> ProposedLine:
    if part.delivered_by is not None:
        return part
    notes = tuple(n for n in part.notes if not n.startswith("A role is named only"))
    return dataclasses.replace(part, delivered_by=whole.delivered_by, qualification=whole.qualification, notes=notes)
