"""Is a provision statement specified and quantified? The Section F wording checker.

The rule (domain sheet §3; tags such as [P7] are the sheet's sources). Provision "must be
detailed and specific and should normally be quantified, for example, in terms of the type, hours
and frequency of support and level of expertise" (SEND Code of Practice 9.69 [K7][K8]), so
specific and so clear as to leave no room for doubt (L v Clarke and Somerset CC [1998] ELR 129).
A statement is **specific** when it has none of these findings, and **vague** when it has any:

- hedge: wording advisers and the Tribunal reject because it commits to nothing: "access to",
  "regular", "as appropriate", "as required", "would benefit from", "opportunities", "support
  with", "where possible", "e.g.", "such as", "etc.", "or equivalent", "key adult", "frequent",
  "input", "encouraged to", "subject to review", "a level of" [K7][P1][P2][P3][P5][P6][P7][P9],
  Worcestershire CC v SE [2020] UKUT 217, [2025] UKUT 187 (AAC); and wording that makes the
  provision conditional, approximate or optional ("if available", "about", "may", "flexible").
- range: two amounts or an upper bound ("20–45 mins", "2 or 3 times", "up to 3 sessions") [P5][P7].
  A maximum group size ("a group of no more than 3") is a size, not a range: this follows [P5],
  whose good example is "small group (maximum 6 pupils)" and whose list of wording to avoid
  includes "up to".
- delegation: the decision left to the school ("to be determined by the setting", "at the
  discretion of", "within the school's resources") (C v SENT & Greenwich [1999] ELR 5) [P6].
- money: a sum or funding band in place of provision (R v Cumbria CC ex p P [1994] ELR 337).
  Money is a finding only when the statement does not also say how often and how long: a plan
  may mention funding alongside provision that is specified.
- group without size: a group with no number of pupils and no staff:pupil ratio [P7]
  (SB v Herefordshire CC [2018] UKUT 141: specify size or ratio where the evidence shows it
  matters; the checker asks for it every time, so the SENCO can decide).
- expertise left open: two roles offered as alternatives ("by a TA or an HLTA"): the level of expertise is
  part of what Code 9.69 asks a plan to state, and an alternative lets the less qualified one deliver it.
- no content: a statement whose only content is a generic noun ("support", "help", "input", "intervention"),
  with no programme, approach or activity, says how much and from whom but not what is provided (LB Redbridge
  v HO [2020] UKUT 323). In-class support given as hours a week, or across the timetable, is itself the
  provision, so it is not asked this.
- too long: a "statement" of more than 2,000 characters runs several together; it is named and not read, which
  also bounds the work of reading any text.
- missing frequency, missing duration, missing who: the statement does not say how often, how
  long, or who delivers it; where such detail can reasonably be given it must be (LB Redbridge v
  HO [2020] UKUT 323). Whole-timetable cover ("in all lessons", "throughout the school day")
  says how often and how long. A named role is taken as its level of expertise; a role named only
  as writing or reviewing a programme is not who delivers it [P5]. Structured fields, when given,
  answer these questions in place of the wording.

Decisions on hard cases, applied the same way everywhere: "e.g." and "such as" make a statement
vague even inside a description, because what follows is an example, not the provision [P7];
"small group of 4" is specific about size; "up to 3 sessions" is vague.

A plan's score is the share of its statements that are specific, as a whole percentage rounded
down, so 100 means every statement is specific; a plan with no statements scores 0.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from provision_ledger.rules import extraction
from provision_ledger.rules.delivery import Period
from provision_ledger.rules.extraction import MAX_STATEMENT, NUM


class FindingKind(StrEnum):
    HEDGE = "hedge"
    MISSING_FREQUENCY = "missing_frequency"
    MISSING_DURATION = "missing_duration"
    MISSING_WHO = "missing_who"
    GROUP_WITHOUT_SIZE = "group_without_size"
    RANGE = "range"
    DELEGATION = "delegation"
    MONEY = "money"
    TOO_LONG = "too_long"
    EXPERTISE_OPEN = "expertise_open"
    NO_CONTENT = "no_content"
    MISSING_HOURS = "missing_hours"
    MISSING_WHEN = "missing_when"
    MISSING_MAINTAINER = "missing_maintainer"
    MISSING_EXACTLY = "missing_exactly"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def missing(self) -> bool:
        """Something the statement leaves out, rather than words in it."""
        return self in MISSING_KINDS


_KIND_LABELS: dict[FindingKind, str] = {
    FindingKind.HEDGE: "Vague wording",
    FindingKind.MISSING_FREQUENCY: "Does not say how often",
    FindingKind.MISSING_DURATION: "Does not say how long",
    FindingKind.MISSING_WHO: "Does not say who delivers it",
    FindingKind.GROUP_WITHOUT_SIZE: "Group without a size",
    FindingKind.RANGE: "A range, not an amount",
    FindingKind.DELEGATION: "Left to the school to decide",
    FindingKind.MONEY: "Money instead of provision",
    FindingKind.TOO_LONG: "Too long to be one statement",
    FindingKind.EXPERTISE_OPEN: "Leaves the level of expertise open",
    FindingKind.NO_CONTENT: "Does not say what is provided",
    FindingKind.MISSING_HOURS: "Does not say the hours a week",
    FindingKind.MISSING_WHEN: "Does not say when it is used",
    FindingKind.MISSING_MAINTAINER: "Does not say who maintains it",
    FindingKind.MISSING_EXACTLY: "Does not say exactly what is arranged",
}


class StatementKind(StrEnum):
    """What sort of provision a statement makes, which decides what it must say (Code of Practice 9.69 asks
    for "the type, hours and frequency of support and level of expertise" where they apply: a writing slope
    has no frequency, a radio aid no session length)."""

    STAFF = "staff"
    IN_CLASS_HOURS = "in_class_hours"
    EQUIPMENT = "equipment"
    ACCESS = "access"

    @property
    def label(self) -> str:
        return _STATEMENT_KIND_LABELS[self]

    @property
    def asks(self) -> str:
        return _STATEMENT_KIND_ASKS[self]


_STATEMENT_KIND_LABELS: dict[StatementKind, str] = {
    StatementKind.STAFF: "Sessions delivered by staff",
    StatementKind.IN_CLASS_HOURS: "In-class support in hours",
    StatementKind.EQUIPMENT: "Equipment or an adaptation",
    StatementKind.ACCESS: "An access arrangement or the environment",
}
_STATEMENT_KIND_ASKS: dict[StatementKind, str] = {
    StatementKind.STAFF: "how often, how long, who delivers it and the group",
    StatementKind.IN_CLASS_HOURS: "the hours a week and who gives them",
    StatementKind.EQUIPMENT: "what it is, when it is used and who maintains it",
    StatementKind.ACCESS: "when it applies and exactly what is arranged",
}


# The order findings on the same words are listed in: how often, how long, who, then the rest.
_KIND_ORDER = (
    FindingKind.MISSING_FREQUENCY,
    FindingKind.MISSING_DURATION,
    FindingKind.MISSING_WHO,
    FindingKind.HEDGE,
    FindingKind.RANGE,
    FindingKind.GROUP_WITHOUT_SIZE,
    FindingKind.DELEGATION,
    FindingKind.MONEY,
    FindingKind.TOO_LONG,
    FindingKind.EXPERTISE_OPEN,
    FindingKind.NO_CONTENT,
    FindingKind.MISSING_HOURS,
    FindingKind.MISSING_WHEN,
    FindingKind.MISSING_MAINTAINER,
    FindingKind.MISSING_EXACTLY,
)


MISSING_KINDS = frozenset(
    {
        FindingKind.MISSING_FREQUENCY,
        FindingKind.MISSING_DURATION,
        FindingKind.MISSING_WHO,
        FindingKind.MISSING_HOURS,
        FindingKind.MISSING_WHEN,
        FindingKind.MISSING_MAINTAINER,
        FindingKind.MISSING_EXACTLY,
    }
)


class Verdict(StrEnum):
    SPECIFIC = "specific"
    VAGUE = "vague"


@dataclass(frozen=True)
class Finding:
    """One fault in a statement: text[start:end] == words (for a missing item, the whole statement)."""

    kind: FindingKind
    start: int
    end: int
    words: str
    why: str
    source: str
    fix: str


@dataclass(frozen=True)
class StatementCheck:
    text: str
    findings: tuple[Finding, ...]
    kind: StatementKind = StatementKind.STAFF

    @property
    def verdict(self) -> Verdict:
        return Verdict.VAGUE if self.findings else Verdict.SPECIFIC

    @property
    def specific(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class ProvisionFields:
    """Structured terms already known for a statement (from a provision line form); None means not given."""

    sessions: int | None = None
    period: Period | None = None
    minutes_per_session: int | None = None
    weekly_minutes: int | None = None
    weekdays: frozenset[int] = frozenset()
    delivered_by: str | None = None
    qualification: str = ""
    group_size: int | None = None


@dataclass(frozen=True)
class Statement:
    """One provision statement found in a pasted Section F: text == section[start:end]."""

    start: int
    end: int
    text: str


# Sources, as the domain sheet gives them (§3 and its source list).
CODE_9_69 = "SEND Code of Practice 9.69"
CLARKE = "L v Clarke and Somerset CC [1998] ELR 129"
GREENWICH = "C v SENT & Greenwich [1999] ELR 5"
CUMBRIA = "R v Cumbria CC ex p P [1994] ELR 337"
WORCESTERSHIRE = "Worcestershire CC v SE [2020] UKUT 217"
HEREFORDSHIRE = "SB v Herefordshire CC [2018] UKUT 141"
REDBRIDGE = "LB Redbridge v HO [2020] UKUT 323"
EAST_SUSSEX = "East Sussex CC v TW [2016] UKUT 528"
UKUT_187 = "[2025] UKUT 187 (AAC)"
ADVISERS = {
    "K7": "sendadvocacy.com/post/why-specify-and-quantify",
    "P1": "aubis.co.uk/ehcp/guides/section-f-specificity",
    "P2": "aubis.co.uk/ehcp/guides/vague-wording",
    "P3": "senkind.com/?p=2706",
    "P5": 'SEND Family Voices, "Quality Criteria for EHCPs" (issuu.com/familyvoice)',
    "P6": 'empoweringsendfamilies.co.uk, "Top Ten Phrases and Words you don\'t Want in your EHCP"',
    "P7": 'Mumsnet, "EHCP support thread no 4"',
    "P9": 'Mumsnet (2010), "Got proposed statement through for ds today"',
}


def _cite(*sources: str) -> str:
    """Cases and the Code by name, and advisers by name: a page shows whom it relies on, never a reference code."""
    return "; ".join(ADVISERS.get(s, s) for s in sources)


@dataclass(frozen=True)
class _Rule:
    kind: FindingKind
    pattern: re.Pattern[str]
    why: str
    source: str
    fix: str


_I = re.IGNORECASE
_HOW_OFTEN = "State how often, as a number of sessions a day, a week, a term or a year (for example “twice a week”)."
_EXACT = "Say exactly what will be provided, how much, how often and by whom, with no condition attached."
_ROLE_AFTER = (
    r"(?!\s+(?:a|an|the|his|her|their|one|two)?\s*(?:qualified\s+|trained\s+|specialist\s+)?"
    r"(?:teach|TA\b|HLTA|LSA|ELSA|SENC|SENDC|speech|SALT|SLT|occupational|OT\b|physio|psycholog|EP\b|"
    r"learning\s+support|emotional\s+literacy|[\w-]*\s*(?:assistant|therapist|counsellor|mentor|specialist|nurse)s?\b))"
)

_HEDGES: tuple[_Rule, ...] = (
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\baccess(?:es|ing)?\s+to\b", _I),
        "“Access to” says the child may use something, not that it will be provided, how often or by whom.",
        _cite(CODE_9_69, "K7", "P5", "P7", "P9"),
        "Replace “access to” with the provision itself: the sessions, how long each lasts, how often and who "
        "delivers them.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\bregular(?:ly)?\b", _I),
        "“Regular” could mean daily or once a term: it does not say how often.",
        _cite(CODE_9_69, "K7", "P5", "P7"),
        _HOW_OFTEN,
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?:frequent(?:ly)?|often|occasional(?:ly)?|periodic(?:ally)?|from\s+time\s+to\s+time|sometimes|"
            r"ongoing|little\s+and\s+often|intermittent(?:ly)?)\b",
            _I,
        ),
        "Words such as “frequent” or “occasional” do not say how often.",
        _cite(CODE_9_69, CLARKE, "P3"),
        _HOW_OFTEN,
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\b(?:as|where|when|if)\s+appropriate\b|\bappropriate(?:ly)?\b", _I),
        "“Appropriate” leaves it to whoever reads the plan to decide what is enough.",
        _cite(CODE_9_69, "P1", "P2", "P5", "P7"),
        _EXACT,
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?:as|when|if|where|whenever)\s+(?:required|needed|necessary|advised|directed)\b|\bas\s+and\s+when\b",
            _I,
        ),
        "Who decides when it is needed? Provision given “as required” may never be given.",
        _cite(CODE_9_69, "P1", "P2", "P3", "P7"),
        "Replace with a fixed amount; if some help is on demand, also state the minimum that is guaranteed.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?:where|if|when|wherever|whenever)\s+(?:possible|practicable|feasible|available)\b|"
            r"\bas\s+far\s+as\s+(?:is\s+)?(?:possible|practicable)\b|\b(?:is|are|be)\s+(?:made\s+)?available\b|"
            r"\bsubject\s+to\s+(?:availability|resources|capacity|funding)\b|\bresources\s+permitting\b",
            _I,
        ),
        "A condition such as “where possible” means the provision need not be made.",
        _cite(CODE_9_69, "P3"),
        "Remove the condition: provision in Section F must be made.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?:would|will|may|might|could|should|to)\s+benefit\s+from\b|\bbenefits?\s+from\b|"
            r"\bwould\s+be\s+(?:useful|helpful|beneficial)\b",
            _I,
        ),
        "“Would benefit from” describes a need, not provision that will be made.",
        _cite("K7", "P5", "P7"),
        "State the provision the child will receive, how much, how often and by whom.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\bopportunit(?:y|ies)(?:\s+(?:for|to)\b)?", _I),
        "An opportunity is not provision: nothing says it will happen.",
        _cite(WORCESTERSHIRE, "K7", "P7", "P9"),
        "Replace the opportunity with the provision: what is taught or done, how often, how long and by whom.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(rf"\bsupport(?:ed)?\s+with\b{_ROLE_AFTER}", _I),
        "“Support with” says neither what the support is, how much there is, nor who gives it.",
        _cite(WORCESTERSHIRE, "P1", "P2"),
        "Name the support (the programme or task), how long and how often, and who gives it.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"(?<![\w.])e\.?\s?g\b\.?|\bfor\s+example\b|\bsuch\s+as\b|\betc\b\.?|\band\s+so\s+on\b|"
            r"\bor\s+(?:equivalent|similar|the\s+like|alternative)\b",
            _I,
        ),
        "An example or “or equivalent” leaves open what must actually be provided.",
        _cite(CODE_9_69, "P7"),
        "Name exactly what will be provided and remove the examples.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?:key|familiar|trusted|named|identified|consistent)\s+adults?\b|"
            r"\b(?:an|the)\s+adult\b(?!\s*:|\s*,?\s+(?:trained|qualified|accredited|who\s+(?:is|has)))|"
            r"\bmembers?\s+of\s+staff\b|\b(?:school|setting|class)\s+staff\b|\bthe\s+setting\s+will\b",
            _I,
        ),
        "“A key adult” or “the setting” does not say who delivers the provision or their expertise.",
        _cite(CODE_9_69, "P6", "P7"),
        "Name the role and its training or qualification (for example “a teaching assistant trained in Makaton”).",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\binputs?\b", _I),
        "“Input” is unlikely to be sufficient: it does not say what is done, how much or by whom.",
        _cite(WORCESTERSHIRE, "P3"),
        "Replace “input” with the sessions themselves: what, how long, how often and who delivers them.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\bencourag(?:ed|e|es|ing)\b(?:\s+to\b)?", _I),
        "“Encouraged to” says what the child should do, not what provision will be made.",
        _cite(CODE_9_69, "P3"),
        "State what adults will provide or teach, how often and for how long.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\bsubject\s+to\s+(?:review|change|assessment|agreement)\b", _I),
        "“Subject to review” lets the provision change without the plan being amended; it does not say who reviews.",
        _cite(CODE_9_69, "P6"),
        "Say who reviews the provision and when; the provision itself stays as written until the plan is amended.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?:a|an|some|high|higher|significant|increased|reduced|appropriate|adequate|sufficient)\s+levels?\s+of\b|"
            r"\bhigh\s+(?:adult|staff)\s*(?::|to)\s*(?:child|pupil|student)\s+ratio\b",
            _I,
        ),
        "“A level of” support lacked specificity: a minimum level could have been set.",
        _cite(UKUT_187),
        "State the minimum amount, for example the hours a week of one-to-one support.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            rf"\b(?:approximately|approx\.?|roughly|circa|about|around|or\s+so)\s+(?={NUM})|\b(?:approximately|roughly)\b",
            _I,
        ),
        "An approximate amount is not an amount.",
        _cite(CODE_9_69, CLARKE),
        "State the exact amount, or a guaranteed minimum.",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(r"\bflexib(?:le|ly|ility)\b|\btailored\s+to\s+(?:\w+\s+)?needs?\b", _I),
        "Flexibility is no excuse for a lack of detail where detail could reasonably be given.",
        _cite(EAST_SUSSEX, CODE_9_69),
        _EXACT,
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(
            r"\b(?-i:may|might|could)\b(?!\s+(?:benefit|be\s+(?:useful|helpful)))|"
            r"\bsome\s+(?:support|help|time|1:1|one[- ]to[- ]one|adult|additional|extra|input|sessions?)\b",
            _I,
        ),
        "“May” or “some” says the provision might happen, or happen in some amount, not that it will.",
        _cite(CODE_9_69, CLARKE),
        _EXACT,
    ),
)

_UNIT = r"(?:minutes?|mins?|hours?|hrs?|sessions?|times?|days?|weeks?|lessons?|pupils|children|learners|students)\b"
_RANGES: tuple[_Rule, ...] = (
    _Rule(
        FindingKind.RANGE,
        # The same ranges extraction refuses to propose from (rules/extraction.py), the unit anywhere up to three
        # words after the amounts: "4-6 fortnightly 45-minute sessions".
        re.compile(
            rf"\b(?P<a>{NUM})(?:(?<=[0-9])\s*-|\s*(?:–|—|\bto\b|\bor\b))\s*(?P<b>{NUM})\s*(?:x\s+)?(?:[\w-]+\s+){{0,3}}?{_UNIT}"
            rf"|\bbetween\s+{NUM}\s+and\s+{NUM}\b",
            _I,
        ),
        "A range such as “20–45 minutes” lets the least be given.",
        _cite(CLARKE, "P7"),
        "State one amount (or a guaranteed minimum) instead of a range.",
    ),
    _Rule(
        FindingKind.RANGE,
        re.compile(rf"\bup\s+to\b(?=\s+(?:{NUM}|an?\s+(?:hour|half)|half))", _I),
        "“Up to” is a ceiling, not an amount: nothing at all would satisfy it.",
        _cite("P5", "P7"),
        "State the amount that will be provided, or a guaranteed minimum (“at least”).",
    ),
    _Rule(
        FindingKind.HEDGE,
        re.compile(rf"\bup\s+to\b(?!\s+(?:{NUM}|an?\s+(?:hour|half)|half|date)\b)", _I),
        "“Up to” sets a ceiling, not an amount.",
        _cite("P5", "P7"),
        "State the amount that will be provided, or a guaranteed minimum (“at least”).",
    ),
)

_DELEGATION = _Rule(
    FindingKind.DELEGATION,
    re.compile(
        r"\b(?:to\s+be\s+|as\s+|will\s+be\s+|is\s+)?(?:determined|decided|agreed|set|allocated|arranged|deployed|"
        r"organised|managed|prioritised)\s+by\s+(?:the\s+)?(?:setting|school|college|provider|nursery|academy|"
        r"head(?:\s*teacher)?|SENC?D?Co|staff)\b"
        r"|\bat\s+the\s+(?:[\w’']+\s+)?discretion\b|\b(?:school|setting|college|provider)(?:['’]s)?\s+discretion\b"
        r"|\b(?:the\s+)?(?:setting|school|college|provider|nursery|staff)\s+(?:will|shall|can|may|to)\s+"
        r"(?:decide|determine|choose|judge)\b"
        r"|\b(?:within|from|in\s+conjunction\s+with)\s+(?:the\s+)?(?:school|setting)(?:['’]s|s)?\s+"
        r"(?:existing\s+|own\s+|available\s+|delegated\s+)?(?:resources|budget)\b"
        r"|\bup\s+to\s+the\s+(?:school|setting|staff)\b"
        r"|\bas\s+(?:the\s+)?(?:school|setting)\s+(?:sees?|deems?|thinks?|considers?)\s+fit\b",
        _I,
    ),
    "The local authority cannot leave the school to decide what provision to make.",
    _cite(GREENWICH, "P6"),
    "Decide the provision in the plan: state the amount, how often and who delivers it.",
)

_MONEY = _Rule(
    FindingKind.MONEY,
    re.compile(
        r"£\s?[0-9][0-9,]*(?:\.[0-9]{1,2})?(?:\s?k\b)?|\b(?:funding\s+)?band(?:ing)?\s+(?-i:[A-Z]|[0-9]{1,2})\b"
        r"|\bbanding\b|\btop[- ]?up\b|\belement\s+(?:2|3|two|three)\b|\bfund(?:ing|ed)\b|\bhigh\s+needs\s+block\b"
        r"|\bnotional\s+SEN\s+budget\b|\bper\s+annum\b",
        _I,
    ),
    "A sum of money or a funding band is not a specification of provision.",
    _cite(CUMBRIA),
    "Replace the money with the provision it buys: the sessions, how long, how often and who delivers them.",
)


def _matches(rule: _Rule, text: str) -> list[Finding]:
    found = []
    for m in rule.pattern.finditer(text):
        if m.end() == m.start():
            continue
        low, high = m.groupdict().get("a"), m.groupdict().get("b")
        if low is not None and high is not None and extraction.number(low) == extraction.number(high):
            continue  # "1-1 sessions" is one-to-one, not a range
        found.append(Finding(rule.kind, m.start(), m.end(), m.group(0), rule.why, rule.source, rule.fix))
    return found


def _whole_statement(text: str) -> tuple[int, int]:
    stripped = text.strip()
    if not stripped:
        return 0, 0
    start = text.index(stripped)
    return start, start + len(stripped)


def _missing(kind: FindingKind, text: str, why: str, source: str, fix: str) -> Finding:
    start, end = _whole_statement(text)
    return Finding(kind, start, end, text[start:end], why, source, fix)


def _too_long(text: str) -> Finding:
    return _missing(
        FindingKind.TOO_LONG,
        text,
        f"This is longer than {MAX_STATEMENT:,} characters with no line break or bullet: it is several statements "
        "run together, so it was not read.",
        _cite(CODE_9_69),
        "Put each provision on its own line or bullet, then check it again.",
    )


# What a statement provides decides what it must say. Code of Practice 9.69 asks for provision "quantified, for
# example, in terms of the type, hours and frequency of support and level of expertise": a session has a frequency
# and a length, a writing slope has neither, and asking for them would call every piece of equipment vague.
# Equipment and adaptations (Code of Practice 9.69: the plan specifies provision, including equipment, to meet each
# need) must still say what, and when it is used; kit that is worn, powered or personal must say who keeps it working,
# so that it is not left broken or flat (L v Clarke and Somerset CC [1998] ELR 129: no room for doubt).
_EQUIPMENT = re.compile(
    r"\b(?:sloped?\s+(?:writing\s+)?(?:boards?|desks?|surfaces?)|writing\s+(?:slopes?|boards?)|"
    r"(?:wobble|move\s*(?:'?n'?|and)\s*sit|seat|sensory|air|wedge)\s+cushions?|cushions?|wedges?|"
    r"(?:pencil|pen)\s+grips?|(?:triangular|chunky|weighted|handwriting)\s+(?:pencils?|pens?)|"
    r"coloured\s+overlays?|overlays?|reading\s+rulers?|ear\s+defenders|(?:noise[- ]cancelling\s+)?headphones|"
    r"fidget\s+(?:toys?|tools?)|fiddle\s+toys?|weighted\s+(?:blankets?|lap\s+pads?|vests?)|lap\s+pads?|"
    r"(?:sand\s+|visual\s+)?timers?|writing\s+frames?|word\s+mats?|"
    r"(?:adapted|special|ergonomic|supportive)\s+(?:chairs?|seats?|seating|scissors|cutlery)|chairs?|foot\s?rests?|"
    r"radio\s+aids?|hearing\s+aids?|FM\s+systems?|sound\s?field\s+systems?|laptops?|tablets?|iPads?|computers?|"
    r"keyboards?|word\s+processors?|(?:speech[- ]to[- ]text|text[- ]to[- ]speech|assistive|dictation)\s+software|"
    r"software|magnifiers?|CCTV|braille\s+(?:machines?|embossers?|displays?)|wheelchairs?|walking\s+frames?|"
    r"standing\s+frames?|hoists?|changing\s+benches|(?:AAC|communication)\s+(?:devices?|aids?|books?)|"
    r"PODD\s+books?|switch(?:es)?|equipment)\b",
    re.IGNORECASE,
)
# Only named as a kind of thing: "equipment" says nothing about what is provided.
_GENERIC_EQUIPMENT = re.compile(r"^(?:equipment)$", re.IGNORECASE)
# Kit that must be kept working: worn, powered or personal technology.
_NEEDS_UPKEEP = re.compile(
    r"\b(?:radio\s+aids?|hearing\s+aids?|FM\s+systems?|sound\s?field|laptops?|tablets?|iPads?|computers?|"
    r"word\s+processors?|software|CCTV|braille\s+(?:machines?|embossers?|displays?)|wheelchairs?|walking\s+frames?|"
    r"standing\s+frames?|hoists?|changing\s+benches|(?:AAC|communication)\s+devices?|switch(?:es)?)\b",
    re.IGNORECASE,
)
_UPKEEP = re.compile(
    r"\b(?:maintain\w*|maintenance|check(?:s|ed|ing)?|charg(?:e|es|ed|ing)|servic\w*|set\s+up|calibrat\w*|"
    r"repair\w*|look(?:s|ed)?\s+after|kept\s+(?:in\s+working\s+order|charged|working)|responsib\w+)\b",
    re.IGNORECASE,
)
# Equipment named for its use says when it is used: a writing slope for writing.
_NAMED_FOR_USE = re.compile(
    r"\b(?:writing\s+(?:slopes?|boards?|frames?)|sloped\s+writing|reading\s+rulers?|(?:pencil|pen)\s+grips?|"
    r"handwriting\s+pens?|hearing\s+aids?)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\b(?:worn|used|in\s+use)\b(?:\s+\w+){0,3}\s+(?:in|for|during|at|when)\b|"
    r"\b(?:for|during|in|at|when|whenever|while|before|throughout)\s+(?:all\s+|every\s+|each\s+|the\s+|his\s+|"
    r"her\s+|their\s+|any\s+)?(?:[\w-]+\s+){0,2}?(?:carpet\s+time|lessons?|writing|recording|reading|tasks?|"
    r"work|activities|assembl(?:y|ies)|lunch\s?times?|lunch|breaks?|break\s?times?|play\s?times?|tests?|exams?|"
    r"examinations?|assessments?|PE|transitions?|class|classroom|circle\s+time|story\s+time|the\s+day|"
    r"school\s+day|day|journeys?|trips?|corridors?|mealtimes?|meals?|toileting|changes?|group\s+work)\b|"
    r"\bat\s+all\s+times\b|\bat\s+(?:home\s+and\s+)?school\b|\bwhen\s+\w+",
    re.IGNORECASE,
)
# Access arrangements and the environment (Code of Practice 9.69; JCQ access arrangements are made in exams).
_ACCESS = re.compile(
    r"\b(?:(?:extra|additional)\s+time|rest\s+breaks?|movement\s+breaks?|sensory\s+breaks?|readers?|scribes?|"
    r"prompters?|amanuensis|separate\s+(?:room|invigilation)|(?:smaller|quiet|separate|calm|low[- ]arousal|"
    r"distraction[- ]free)\s+(?:room|space|area|workstation|venue|corner|place|environment)|workstation|"
    r"safe\s+space|time[- ]out\s+cards?|exit\s+cards?|(?:leave|leaving|dismissed|released)\s+(?:\w+\s+){0,4}early|"
    r"seated?\s+(?:at|near|towards|in)\s+(?:the\s+)?front|seating\s+(?:plan|position)|"
    r"sit(?:s|ting)?\s+(?:at|near|towards)\s+the\s+front|front\s+of\s+the\s+class(?:room)?|"
    r"access\s+arrangements|exam(?:ination)?\s+arrangements|visual\s+timetables?|now\s+and\s+next\s+boards?|"
    r"modified\s+(?:papers?|texts?)|enlarged\s+(?:print|papers?|texts?)|large\s+print|reasonable\s+adjustments|"
    r"adjustments|own\s+(?:desk|workstation)|lift\s+pass|uniform\s+pass)\b",
    re.IGNORECASE,
)
# Named only as a kind of arrangement, or as extra time with no amount: not exactly what is arranged.
_INEXACT_ACCESS = re.compile(
    r"^(?:(?:reasonable\s+)?adjustments|access\s+arrangements|exam(?:ination)?\s+arrangements)$", re.IGNORECASE
)
_EXTRA_TIME = re.compile(r"\b(?:extra|additional)\s+time\b", re.IGNORECASE)
_TIME_AMOUNT = re.compile(rf"\b{NUM}\s*(?:%|per\s?cent|minutes?|mins?)", re.IGNORECASE)
_SESSION_WORD = re.compile(
    r"\b(?:sessions?|lessons\s+of|programme|intervention|therapy|tuition|teaching(?!\s+assistants?))\b", re.IGNORECASE
)


def statement_kind(text: str, fields: ProvisionFields | None = None) -> StatementKind:
    """What a statement provides: sessions by staff, in-class support in hours, equipment, or an access arrangement.

    Structured terms decide it when given. Otherwise hours a week (or hours with no period) are in-class support;
    equipment or an arrangement with no sessions, and no session length or no one delivering it, is that; a person
    across the timetable is in-class support; anything else is sessions delivered by staff.
    """
    fields = fields or ProvisionFields()
    if fields.weekly_minutes:
        return StatementKind.IN_CLASS_HOURS
    if fields.sessions or fields.minutes_per_session:
        return StatementKind.STAFF
    found = extraction.durations(text)
    if any(d.weekly_total or d.no_period for d in found):
        return StatementKind.IN_CLASS_HOURS
    sessions = bool(extraction.session_counts(text) or _SESSION_WORD.search(text))
    delivered = extraction.delivering_role(text) is not None
    if not sessions and not (found and delivered):
        if _EQUIPMENT.search(text):
            return StatementKind.EQUIPMENT
        if _ACCESS.search(text):
            return StatementKind.ACCESS
    if extraction.coverage(text) and not sessions and not found:
        return StatementKind.IN_CLASS_HOURS
    return StatementKind.STAFF


def check_statement(text: str, fields: ProvisionFields | None = None) -> StatementCheck:
    """Check one provision statement; structured fields, when given, answer how often, how long and who.

    Each kind of statement is asked only what it needs (statement_kind): the wording rules apply to every kind.
    """
    fields = fields or ProvisionFields()
    if len(text) > MAX_STATEMENT:
        return StatementCheck(text, (_too_long(text),))
    findings: list[Finding] = []
    for rule in (*_HEDGES, *_RANGES, _DELEGATION):
        findings.extend(_matches(rule, text))
    kind = statement_kind(text, fields)
    if kind is StatementKind.STAFF:
        findings.extend(_staff_gaps(text, fields))
    elif kind is StatementKind.IN_CLASS_HOURS:
        findings.extend(_hours_gaps(text, fields))
    elif kind is StatementKind.EQUIPMENT:
        findings.extend(_equipment_gaps(text))
    else:
        findings.extend(_access_gaps(text))
    findings.extend(_expertise_open(text))
    findings.sort(key=lambda f: (f.start, f.end, _KIND_ORDER.index(f.kind)))
    return StatementCheck(text, tuple(findings), kind)


def _read_as(kind: StatementKind, why: str) -> str:
    return f"Read as {kind.label.lower()}, which must say {kind.asks}: {why}"


def _who_missing(text: str, kind: StatementKind) -> Finding:
    why = "The statement does not say who delivers the provision or their level of expertise."
    return _missing(
        FindingKind.MISSING_WHO,
        text,
        why if kind is StatementKind.STAFF else _read_as(kind, why[0].lower() + why[1:]),
        _cite(CODE_9_69, "P5"),
        "Name who delivers it and their training or qualification (for example “a qualified speech and "
        "language therapist”).",
    )


def _hours_gaps(text: str, fields: ProvisionFields) -> list[Finding]:
    """In-class support in hours: the hours a week (or the whole timetable) and who gives them (Code 9.69)."""
    kind = StatementKind.IN_CLASS_HOURS
    found: list[Finding] = []
    has_hours = bool(
        fields.weekly_minutes or extraction.coverage(text) or any(d.weekly_total for d in extraction.durations(text))
    )
    if not has_hours:
        found.extend(_matches(_MONEY, text))
        found.append(
            _missing(
                FindingKind.MISSING_HOURS,
                text,
                _read_as(kind, "it gives hours but not the hours each week."),
                _cite(CODE_9_69, CLARKE),
                "Say how many hours a week (for example “20 hours a week”).",
            )
        )
    if not (fields.delivered_by or extraction.delivering_role(text)):
        found.append(_who_missing(text, kind))
    return found


def _equipment_gaps(text: str) -> list[Finding]:
    """Equipment or an adaptation: what it is, when it is used, and who keeps worn or powered kit working."""
    kind = StatementKind.EQUIPMENT
    found: list[Finding] = []
    named = [m.group(0) for m in _EQUIPMENT.finditer(text)]
    if all(_GENERIC_EQUIPMENT.match(n) for n in named):
        found.append(
            _missing(
                FindingKind.MISSING_EXACTLY,
                text,
                _read_as(kind, "“equipment” does not say what is provided."),
                _cite(CODE_9_69, CLARKE),
                "Name the equipment (for example “a sloped writing board”).",
            )
        )
    when = (
        extraction.coverage(text) or extraction.frequencies(text) or _WHEN.search(text) or _NAMED_FOR_USE.search(text)
    )
    if not when:
        found.append(
            _missing(
                FindingKind.MISSING_WHEN,
                text,
                _read_as(kind, "it does not say when it is used."),
                _cite(CODE_9_69, CLARKE),
                "Say when it is used (for example “in all lessons” or “for carpet time”).",
            )
        )
    if _NEEDS_UPKEEP.search(text) and not _UPKEEP.search(text):
        found.append(
            _missing(
                FindingKind.MISSING_MAINTAINER,
                text,
                _read_as(kind, "it does not say who keeps it working."),
                _cite(CODE_9_69, CLARKE),
                "Say who checks and maintains it, and how often (for example “checked daily by the Teacher of the "
                "Deaf”).",
            )
        )
    return found


def _access_gaps(text: str) -> list[Finding]:
    """An access arrangement or the environment: when it applies, and exactly what is arranged."""
    kind = StatementKind.ACCESS
    found: list[Finding] = []
    named = [m.group(0) for m in _ACCESS.finditer(text)]
    extra_time_unstated = _EXTRA_TIME.search(text) and not _TIME_AMOUNT.search(text)
    if all(_INEXACT_ACCESS.match(n) for n in named) or extra_time_unstated:
        found.append(
            _missing(
                FindingKind.MISSING_EXACTLY,
                text,
                _read_as(
                    kind,
                    "extra time with no amount." if extra_time_unstated else "it names a kind of arrangement only.",
                ),
                _cite(CODE_9_69, CLARKE),
                "Say exactly what is arranged (for example “25% extra time” or “a seat at the front of the class”).",
            )
        )
    if not (extraction.coverage(text) or extraction.frequencies(text) or _WHEN.search(text)):
        found.append(
            _missing(
                FindingKind.MISSING_WHEN,
                text,
                _read_as(kind, "it does not say when it applies."),
                _cite(CODE_9_69, CLARKE),
                "Say when it applies (for example “in all tests and examinations” or “in every lesson”).",
            )
        )
    return found


def _staff_gaps(text: str, fields: ProvisionFields) -> list[Finding]:
    """Sessions delivered by staff: how often, how long, who, the group, and what is done in them."""
    findings: list[Finding] = []
    cover = extraction.coverage(text)
    has_frequency = bool(
        extraction.frequencies(text)
        or cover
        or (fields.sessions and fields.period)
        or fields.weekdays
        or fields.weekly_minutes
    )
    has_duration = bool(extraction.durations(text) or cover or fields.minutes_per_session or fields.weekly_minutes)
    has_who = bool(fields.delivered_by or extraction.delivering_role(text))

    if not (has_frequency and has_duration):
        findings.extend(_matches(_MONEY, text))

    if fields.group_size is None and not extraction.group_sizes(text):
        for span in extraction.group_mentions(text):
            findings.append(
                Finding(
                    FindingKind.GROUP_WITHOUT_SIZE,
                    span.start,
                    span.end,
                    span.words,
                    "A group with no size: “small group” could mean 3 pupils or 15.",
                    _cite(HEREFORDSHIRE, "P7"),
                    "State the group size or the staff:pupil ratio (for example “a group of no more than 4 pupils”).",
                )
            )
    if not has_frequency:
        findings.append(
            _missing(
                FindingKind.MISSING_FREQUENCY,
                text,
                "The statement does not say how often the provision is made.",
                _cite(CODE_9_69, CLARKE, REDBRIDGE),
                "Add how often: a number of sessions a day, a week, a term or a year (for example “twice a week”).",
            )
        )
    if not has_duration:
        findings.append(
            _missing(
                FindingKind.MISSING_DURATION,
                text,
                "The statement does not say how long each session lasts, or the hours of support.",
                _cite(CODE_9_69, CLARKE, REDBRIDGE),
                "Add how long each session lasts (for example “30 minutes”), or the hours a week of support.",
            )
        )
    if not has_who:
        findings.append(_who_missing(text, StatementKind.STAFF))
    if fields.delivered_by is None:
        findings.extend(_no_content(text))
    return findings


# Two roles offered as alternatives: "by a TA or an HLTA", "a teacher/teaching assistant".
_ALTERNATIVE = re.compile(r"^\s*(?:or|/|and/or)\s*(?:an?\s+|the\s+)?$", re.IGNORECASE)


def _expertise_open(text: str) -> list[Finding]:
    """Roles joined by "or": the plan leaves the level of expertise to whoever delivers it (Code 9.69 asks for it)."""
    found = []
    mentions = [r for r in extraction.roles(text) if not r.implied]
    for first, second in itertools.pairwise(mentions):
        between = text[first.span.end : second.span.start]
        if first.role != second.role and _ALTERNATIVE.match(between):
            found.append(
                Finding(
                    FindingKind.EXPERTISE_OPEN,
                    first.span.start,
                    second.span.end,
                    text[first.span.start : second.span.end],
                    "Offering two roles leaves the level of expertise open: the less qualified one would do.",
                    _cite(CODE_9_69),
                    "Name the one role that delivers it and its training or qualification.",
                )
            )
    return found


# A statement whose only content is a generic noun: an hour of "support" from a kind of professional says how much
# and who, not what is provided (LB Redbridge v HO [2020] UKUT 323).
_GENERIC = re.compile(r"\b(?:support|help|input|intervention|assistance)\b", re.IGNORECASE)
_WHAT = re.compile(
    r"\b(?:therap(?:y|ies)|programmes?|teaching|taught|tuition|training|coaching|practi[cs]e|skills?|"
    r"counselling|mentoring|literacy|numeracy|phonics|reading|writing|spelling|handwriting|maths|mathematics|"
    r"language|vocabulary|communication|social|emotional|regulation|sensory|motor|mobility|typing|listening|"
    r"attention|behaviour|self[- ]care|toileting|feeding|dressing|transitions?|in[- ]class|in\s+(?:class|lessons)|"
    r"1:1|one[- ]to[- ]one|personal\s+care|supervision|scribe|reader|prompt\w*|model\w*|pre[- ]teach\w*|"
    r"over[- ]learning|precision|makaton|signing|BSL|braille|ELSA|lego|nurture|zones|talk\s+boost|"
    r"to\s+(?:teach|deliver|work\s+on|practise|develop|complete|follow|access\s+the\s+curriculum))\b",
    re.IGNORECASE,
)


def _no_content(text: str) -> list[Finding]:
    generic = _GENERIC.search(text)
    # In-class support in hours a week, or across the timetable, is itself what is provided: its kind asks only
    # for the hours and who. Sessions of "support" from a professional must say what is done in them.
    if generic is None or extraction.coverage(text) or any(d.weekly_total for d in extraction.durations(text)):
        return []
    # The roles' own names ("teaching assistant", "speech and language therapist") do not say what is done.
    words = text
    for role in extraction.roles(text):
        if not role.implied:
            start, end = role.span.start, role.span.end
            words = words[:start] + " " * (end - start) + words[end:]
    if _WHAT.search(words) or extraction.description(words) not in (None, generic.group(0)):
        return []
    return [
        _missing(
            FindingKind.NO_CONTENT,
            text,
            f"“{generic.group(0)}” is all it says is provided: not the programme, approach or activity.",
            REDBRIDGE,
            "Say what is done in the time: the programme, approach or activity (for example “a precision "
            "teaching programme for reading”).",
        )
    ]


@dataclass(frozen=True)
class LineCheck:
    """A provision line as written: its description checked with its terms, and its qualification's wording."""

    description: StatementCheck
    qualification: StatementCheck

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.description.findings + self.qualification.findings

    @property
    def specific(self) -> bool:
        return not self.findings

    @property
    def verdict(self) -> Verdict:
        return Verdict.SPECIFIC if self.specific else Verdict.VAGUE


def check_line(description: str, qualification: str, fields: ProvisionFields) -> LineCheck:
    """Check a provision line's words with its structured terms.

    The terms answer how often, how long and who; the description is checked as a statement with
    them, and the qualification ("a trained teaching assistant") only for its wording (hedges,
    ranges, delegation), since who delivers is the line's own field.
    """
    qualification_check = check_statement(qualification, fields)
    words = tuple(f for f in qualification_check.findings if f.kind not in MISSING_KINDS)
    return LineCheck(check_statement(description, fields), StatementCheck(qualification, words))


def parent_hint(finding: Finding) -> str:
    """What a finding means for a parent, in plain words, with what to ask the school for."""
    words = finding.words
    hints = {
        FindingKind.MISSING_FREQUENCY: "This line does not say how often it happens. "
        "Ask the school to write how many sessions a week.",
        FindingKind.MISSING_DURATION: "This line does not say how long each session lasts. "
        "Ask the school to write how many minutes each session is.",
        FindingKind.MISSING_WHO: "This line does not say who gives the help. "
        "Ask the school to write their role and training.",
        FindingKind.HEDGE: f"The words “{words}” do not promise anything you can check. "
        "Ask the school to write exactly what will happen, how often and who will do it.",
        FindingKind.RANGE: f"“{words}” gives a range, so the smallest amount would count. "
        "Ask the school to write one amount.",
        FindingKind.GROUP_WITHOUT_SIZE: f"“{words}” does not say how many children are in the group. "
        "Ask the school to write the group size.",
        FindingKind.DELEGATION: f"“{words}” leaves the school to decide later. "
        "Ask for the plan itself to say what will be provided.",
        FindingKind.MONEY: f"“{words}” is money, not help. Ask the school to write the help it pays for.",
        FindingKind.TOO_LONG: "This part of the plan runs several things together. "
        "Ask the school to write each piece of help on its own line.",
        FindingKind.EXPERTISE_OPEN: f"“{words}” lets the school choose who gives the help. "
        "Ask the school to write one role and its training.",
        FindingKind.NO_CONTENT: "This line gives time but not what is done in it. "
        "Ask the school to write the programme or activity.",
        FindingKind.MISSING_HOURS: "This line gives hours but not how many each week. "
        "Ask the school to write the hours a week.",
        FindingKind.MISSING_WHEN: "This line does not say when it is used. "
        "Ask the school to write when, for example in every lesson.",
        FindingKind.MISSING_MAINTAINER: "This line does not say who keeps the equipment working. "
        "Ask the school to write who checks it and how often.",
        FindingKind.MISSING_EXACTLY: "This line does not say exactly what is arranged. "
        "Ask the school to write it out, for example how much extra time.",
    }
    return hints[finding.kind]


def plan_score(checks: Iterable[StatementCheck | LineCheck | bool]) -> int:
    """The share of statements that are specific, as a whole percentage rounded down; 0 with no statements.

    Every statement of the plan counts, read or entered: a vague statement left out of the lines still counts
    against it (a checked statement, a line, or a verdict already reached: True for specific)."""
    verdicts = [c if isinstance(c, bool) else c.specific for c in checks]
    if not verdicts:
        return 0
    return 100 * sum(verdicts) // len(verdicts)


# Splitting a pasted Section F

_BULLET = re.compile(
    r"[ \t]*(?:[-*•·▪◦‣–—●○■□➢➤►✓✔>]+|\(?(?:[0-9]{1,3}(?:\.[0-9]{1,2})*|[a-zA-Z]|[ivxIVX]{1,5})[.)](?=[ \t])"
    r"|\(\s*(?:[0-9]{1,3}|[a-zA-Z]|[ivxIVX]{1,5})\s*\))[ \t]+"
)
_HEADING = re.compile(r"^(?:section|part)\s+[a-k0-9]{1,2}\b|:\s*$", re.IGNORECASE)
# The four broad areas of need (Code of Practice 6.28–6.35) head most Section Fs.
_AREA_OF_NEED = re.compile(
    r"^(?:communication\s+and\s+interaction|cognition\s+and\s+learning|social,?\s+emotional\s+and\s+mental\s+health"
    r"|sensory\s+and(?:/or)?\s+physical(?:\s+needs)?|(?:physical\s+and\s+)?sensory(?:\s+needs)?|"
    r"preparing\s+for\s+adulthood|independence(?:\s+and\s+self[- ]help)?)(?:\s+needs)?\s*:?$",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset({"and", "or", "of", "the", "a", "an", "to", "in", "for", "with", "&"})
_TERMINAL = (".", ";", "!", "?")


@dataclass(frozen=True)
class _Line:
    start: int  # of the content, after any bullet
    end: int
    bullet: bool

    def content(self, text: str) -> str:
        return text[self.start : self.end]


def _short_title(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 6 and not any(ch.isdigit() for ch in line) and not line.endswith(_TERMINAL)


def _is_heading(line: str, introduces_list: bool) -> bool:
    """Headings are not provision: "Section F:", "Communication and interaction", "COGNITION AND LEARNING"."""
    if _HEADING.search(line) or _AREA_OF_NEED.match(line):
        return True
    if not _short_title(line):
        return False
    # A short line that introduces a list, or is in title case or capitals throughout.
    return introduces_list or all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in line.split() if w[0].isalpha())


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _lines(text: str) -> list[_Line | None]:
    """Each line's content (None for a blank line), with bullet markers and numbering left out."""
    lines: list[_Line | None] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line_start = offset
        offset += len(raw)
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        bullet = _BULLET.match(body)
        start = line_start + (bullet.end() if bullet else len(body) - len(body.lstrip()))
        end = line_start + len(body.rstrip())
        lines.append(_Line(start, end, bool(bullet)) if start < end else None)
    return lines


def split_statements(text: str) -> list[Statement]:
    """Split pasted Section F text into provision statements, by bullets, numbers, lines and paragraphs.

    Bullet markers, numbering and headings ("Communication and interaction", "Section F:") are left
    out. A line that continues a sentence (the previous line does not end a sentence, or this one
    starts in lower case) joins the statement before it, as wrapped text from a PDF does.
    """
    statements: list[Statement] = []
    current: list[int] | None = None  # [start, end] of the statement being built
    previous = ""

    def close() -> None:
        nonlocal current
        if current is not None:
            chunk = text[current[0] : current[1]]
            if _has_words(chunk):
                statements.append(Statement(current[0], current[1], chunk))
        current = None

    lines = _lines(text)
    # The next non-blank line after each, found in one pass from the end (not by searching forward each time).
    following: list[_Line | None] = [None] * len(lines)
    after: _Line | None = None
    for i in range(len(lines) - 1, -1, -1):
        following[i] = after
        if lines[i] is not None:
            after = lines[i]
    for i, line in enumerate(lines):
        if line is None:
            close()
            previous = ""
            continue
        content = line.content(text)
        next_line = following[i]
        if not line.bullet and _is_heading(content, next_line is not None and next_line.bullet):
            close()
            previous = ""
            continue
        continues = (
            not line.bullet
            and current is not None
            and (not previous.endswith(_TERMINAL) or content[:1].islower())
            # Wrapped lines never make a statement longer than the checker reads.
            and line.end - current[0] <= MAX_STATEMENT
        )
        if continues and current is not None:
            current[1] = line.end
        else:
            close()
            current = [line.start, line.end]
        previous = content
    close()
    return statements


def check_section(text: str) -> list[tuple[Statement, StatementCheck]]:
    """Split a pasted Section F and check each statement (spans in each check are relative to the statement)."""
    return [(s, check_statement(s.text)) for s in split_statements(text)]


def findings_in_section(pairs: Sequence[tuple[Statement, StatementCheck]]) -> list[tuple[int, int, Finding]]:
    """Every finding with its span in the whole section's text."""
    return [(s.start + f.start, s.start + f.end, f) for s, c in pairs for f in c.findings]


# Finding Section F in a whole plan, and the area of need a statement sits under

_SECTION_HEADING = re.compile(r"^[ \t]*(?:section|part)[ \t]+(?P<letter>[a-k])\b", re.IGNORECASE | re.MULTILINE)


def section_f(text: str) -> str:
    """Section F of a whole plan: from its heading to the next section's; the text unchanged when it has none.

    A plan's contents list names Section F too, so where there are several headings the longest
    section is taken. Spaces stand in for the text before it, so positions in the result are
    positions in the plan.
    """
    headings = list(_SECTION_HEADING.finditer(text))
    best: tuple[int, int] | None = None
    for i, heading in enumerate(headings):
        if heading.group("letter").casefold() != "f":
            continue
        end = next((h.start() for h in headings[i + 1 :] if h.group("letter").casefold() != "f"), len(text))
        if best is None or end - heading.start() > best[1] - best[0]:
            best = (heading.start(), end)
    if best is None:
        return text
    start, end = best
    return re.sub(r"[^\n]", " ", text[:start]) + text[start:end]


# The four broad areas of need (Code of Practice 6.28–6.35), as a provision line's category codes.
_AREAS = (
    (re.compile(r"^communication", re.IGNORECASE), "communication"),
    (re.compile(r"^cognition", re.IGNORECASE), "cognition"),
    (re.compile(r"^social", re.IGNORECASE), "semh"),
    (re.compile(r"^(?:sensory|physical)", re.IGNORECASE), "sensory_physical"),
)


def area_of_need(text: str, position: int) -> str | None:
    """The area of need whose heading comes last before `position` ("communication", "cognition", "semh",
    "sensory_physical"), or None when there is none or it is another heading (preparing for adulthood)."""
    return areas_of_need(text, [position])[0]


def areas_of_need(text: str, positions: Sequence[int]) -> list[str | None]:
    """area_of_need for each of `positions` (in ascending order), in one pass over the text."""
    lines = [line for line in _lines(text) if line is not None]
    areas: list[str | None] = []
    area = None
    at = 0
    for position in positions:
        # Headings that end at or before the position; the original read the text up to it.
        while at < len(lines) and lines[at].end <= position:
            content = lines[at].content(text)
            if _AREA_OF_NEED.match(content):
                area = next((code for pattern, code in _AREAS if pattern.match(content)), None)
            at += 1
        areas.append(area)
    return areas
