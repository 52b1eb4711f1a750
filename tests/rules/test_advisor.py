"""Next steps for a parent whose child's provision is not being delivered.

Reply periods worked by hand (bank holidays 2026: Good Friday 3 April, Easter Monday 6 April,
Early May 4 May):
- school letter sent Wed 1 April 2026 + 10 working days: Thu 2 (1); Fri 3 and Mon 6 skipped;
  Tue 7 … Fri 10 (2–5); Mon 13 … Fri 17 (6–10) → Fri 17 April 2026.
- LA letter sent Thu 30 April 2026 + 5 working days: Fri 1 May (1); Mon 4 May skipped;
  Tue 5 … Fri 8 (2–5) → Fri 8 May 2026.
- assessment request sent Tue 3 March 2026 + 6 weeks → Tue 14 April 2026.
"""

import re
from datetime import date

import pytest

from provision_ledger.rules.advisor import (
    DISCLAIMER,
    HELP,
    PRE_ACTION_MINIMUM_MINUTES,
    AdvisorSettings,
    LineBehind,
    SchoolType,
    Situation,
    Step,
    StepKind,
    StepStatus,
    StepTaken,
    advise,
    line_evidence,
    school_type,
    step_applies,
)
from provision_ledger.rules.clocks import Period, Unit
from provision_ledger.rules.compliance import MissReason
from provision_ledger.rules.legal_force import PlanKind

TODAY = date(2026, 5, 11)  # a Monday
MOTOR = LineBehind(
    "Motor Skills programme",
    promised_sessions=48,
    delivered_sessions=1,
    owed_minutes=1410,
    missed=((MissReason.STAFF_ABSENT, 20), (MissReason.STAFF_REDEPLOYED, 27)),
)
MOTOR_EVIDENCE = (
    "Motor Skills programme: 1 of 48 sessions delivered; 23 hours 30 minutes owed. Reasons recorded for "
    "missed sessions: staff redeployed to other duties (27), staff absent (20)"
)
TA = LineBehind("1:1 teaching assistant support", promised_sessions=60, delivered_sessions=45, owed_minutes=900)
ON_TRACK = LineBehind("Speech and language therapy", promised_sessions=10, delivered_sessions=10, owed_minutes=0)
SCHOOL_LEVEL = [PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS, PlanKind.SEN_SUPPORT]
LA_LEVEL = [PlanKind.EHC_PLAN, PlanKind.STATEMENT]


def situation(kind: PlanKind, *taken: StepTaken, today: date = TODAY, **kwargs: bool) -> Situation:
    return Situation(kind, today, lines=(MOTOR, ON_TRACK), steps_taken=taken, **kwargs)


def step_of(kind: PlanKind, step: StepKind, *taken: StepTaken, today: date = TODAY, **kwargs: object) -> Step:
    steps = advise(Situation(kind, today, lines=(MOTOR, ON_TRACK), steps_taken=taken, **kwargs)).steps  # type: ignore[arg-type]
    return next(s for s in steps if s.kind is step)


def kinds_and_statuses(kind: PlanKind, *taken: StepTaken, today: date = TODAY) -> list[tuple[StepKind, StepStatus]]:
    return [(s.kind, s.status) for s in advise(situation(kind, *taken, today=today)).steps]


# --- Evidence -------------------------------------------------------------------------------------------


def test_a_line_behind_is_described_with_sessions_owed_time_and_reasons_most_frequent_first() -> None:
    assert line_evidence(MOTOR) == MOTOR_EVIDENCE


def test_a_line_without_recorded_reasons_gives_sessions_and_whole_hours() -> None:
    assert line_evidence(TA) == "1:1 teaching assistant support: 45 of 60 sessions delivered; 15 hours owed"


def test_a_single_session_and_minutes_only_read_naturally() -> None:
    line = LineBehind("Sensory circuit", promised_sessions=1, delivered_sessions=0, owed_minutes=45)
    assert line_evidence(line) == "Sensory circuit: 0 of 1 session delivered; 45 minutes owed"


def test_negative_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="Sensory circuit: sessions and owed minutes cannot be negative"):
        LineBehind("Sensory circuit", promised_sessions=1, delivered_sessions=0, owed_minutes=-5)


# --- School-level plans ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SCHOOL_LEVEL)
def test_a_school_level_plan_offers_school_governors_assessment_disagreement_secretary_of_state_and_tribunal(
    kind: PlanKind,
) -> None:
    assert kinds_and_statuses(kind) == [
        (StepKind.ASK_SCHOOL_TO_REINSTATE, StepStatus.AVAILABLE),
        (StepKind.COMPLAIN_TO_GOVERNORS, StepStatus.NOT_YET),
        (StepKind.REQUEST_EHC_NEEDS_ASSESSMENT, StepStatus.AVAILABLE),
        (StepKind.DISAGREEMENT_RESOLUTION, StepStatus.AVAILABLE),
        (StepKind.COMPLAIN_TO_SECRETARY_OF_STATE, StepStatus.NOT_YET),
        (StepKind.SEND_TRIBUNAL_INFO, StepStatus.INFORMATION),
    ]


@pytest.mark.parametrize("kind", SCHOOL_LEVEL)
def test_a_school_level_plan_is_said_plainly_not_to_be_enforceable(kind: PlanKind) -> None:
    advice = advise(situation(kind))
    assert "cannot be enforced as a right" in advice.legal_position
    assert "section 66, Children and Families Act 2014" in advice.legal_position


def test_the_year_1_iep_asks_the_school_first_with_the_evidence() -> None:
    advice = advise(situation(PlanKind.IEP_SCHOOL_ACTION))
    assert advice.legal_position.startswith("An IEP at School Action cannot be enforced as a right")
    first = advice.recommended
    assert first is not None
    assert first.kind is StepKind.ASK_SCHOOL_TO_REINSTATE
    assert first.title == "Ask the school to reinstate the provision"
    assert first.why[0] == MOTOR_EVIDENCE
    assert first.why[1] == "In all, 23 hours 30 minutes owed across 1 provision line."
    assert first.is_letter
    assert first.addressee == "The SENCO or the head teacher"
    assert first.reply_period is not None
    assert first.reply_period.period == Period(10, Unit.WORKING_DAYS)
    assert not first.reply_period.statutory
    # School Action rested on the governing body's duty in s317(1)(a) EA 1996, not s66 CFA 2014 (from 1 Sept 2014).
    assert first.law.startswith("Section 317(1)(a), Education Act 1996")
    assert advice.summary == (
        "1 provision line is behind, with 23 hours 30 minutes owed. Recommended next: ask the school to "
        "reinstate the provision."
    )


def test_the_governors_complaint_says_the_ombudsman_cannot_look_inside_schools() -> None:
    governors = advise(situation(PlanKind.SEN_SUPPORT)).steps[1]
    assert governors.kind is StepKind.COMPLAIN_TO_GOVERNORS
    assert governors.not_yet_because == "ask the school to reinstate the provision first and give it time to reply."
    assert any("cannot investigate most complaints about what happens inside schools," in w for w in governors.why)
    assert "under the school's complaints procedure" in governors.law


def test_the_assessment_request_gives_evidence_for_both_limbs_of_s36_8() -> None:
    request = advise(situation(PlanKind.SEN_SUPPORT)).steps[2]
    assert request.kind is StepKind.REQUEST_EHC_NEEDS_ASSESSMENT
    assert "section 36(8)" in request.law
    assert "a local threshold higher than that is unlawful" in request.law
    has_sen, may_need_plan = request.limbs
    assert has_sen.test == "The child has or may have special educational needs (section 36(8))."
    assert has_sen.evidence == (
        "The school has already identified special educational needs and recorded provision for them in a "
        "SEN Support plan.",
    )
    assert may_need_plan.test.startswith("It may be necessary for special educational provision")
    assert MOTOR_EVIDENCE in may_need_plan.evidence
    assert request.reply_period is not None
    assert request.reply_period.period == Period(6, Unit.WEEKS)
    assert request.reply_period.basis == (
        "6 weeks from the local authority receiving the request (regulation 5(1), Special Educational Needs and "
        "Disability Regulations 2014)"
    )


def test_a_sent_assessment_request_awaits_its_six_week_decision() -> None:
    sent = StepTaken(StepKind.REQUEST_EHC_NEEDS_ASSESSMENT, date(2026, 3, 3))
    request = advise(situation(PlanKind.SEN_SUPPORT, sent, today=date(2026, 4, 14))).steps[2]
    assert request.status is StepStatus.AWAITING_REPLY
    assert request.reply_due == date(2026, 4, 14)
    assert request.status_text == "Sent, awaiting a reply until Tuesday 14 April 2026"


def test_an_assessment_request_past_its_six_weeks_says_the_law_set_the_date() -> None:
    """Reg 5(1) SEND Regulations 2014: sent Tuesday 3 March 2026, the decision was due Tuesday 14 April 2026."""
    sent = StepTaken(StepKind.REQUEST_EHC_NEEDS_ASSESSMENT, date(2026, 3, 3))
    request = advise(situation(PlanKind.SEN_SUPPORT, sent, today=date(2026, 4, 15))).steps[2]
    assert request.status is StepStatus.REPLY_OVERDUE
    assert request.status_text == (
        "No reply recorded by Tuesday 14 April 2026, the time limit the law sets: you can move on to the next step"
    )


def test_an_assessment_request_waits_six_weeks_from_the_councils_receipt_when_it_is_recorded() -> None:
    """Reg 5(1): sent Tuesday 3 March 2026, received Thursday 5 March 2026, so the decision is due Thursday 16 April
    2026, not Tuesday 14 April; on Wednesday 15 April the council is still in time."""
    sent = StepTaken(StepKind.REQUEST_EHC_NEEDS_ASSESSMENT, date(2026, 3, 3), received_on=date(2026, 3, 5))
    request = advise(situation(PlanKind.SEN_SUPPORT, sent, today=date(2026, 4, 15))).steps[2]
    assert (request.status, request.reply_due) == (StepStatus.AWAITING_REPLY, date(2026, 4, 16))


def test_school_reply_overdue_moves_the_recommendation_to_the_governors() -> None:
    school = StepTaken(StepKind.ASK_SCHOOL_TO_REINSTATE, date(2026, 4, 1))
    # Reply due Fri 17 April 2026; on Fri 17 April the school is still in time.
    waiting = advise(situation(PlanKind.SEN_SUPPORT, school, today=date(2026, 4, 17)))
    assert waiting.steps[0].status is StepStatus.AWAITING_REPLY
    assert waiting.steps[1].status is StepStatus.NOT_YET
    assert waiting.recommended is not None
    assert waiting.recommended.kind is StepKind.REQUEST_EHC_NEEDS_ASSESSMENT  # can go alongside
    # On Mon 20 April, no reply: overdue, and the governors' complaint is recommended.
    overdue = advise(situation(PlanKind.SEN_SUPPORT, school, today=date(2026, 4, 20)))
    assert overdue.steps[0].status is StepStatus.REPLY_OVERDUE
    assert overdue.steps[0].status_text == (
        "No reply by Friday 17 April 2026, the date you asked for: you can move on to the next step"
    )
    assert overdue.recommended is not None
    assert overdue.recommended.kind is StepKind.COMPLAIN_TO_GOVERNORS
    assert overdue.recommended.why[0] == (
        'No reply was recorded by Friday 17 April 2026 to "ask the school to reinstate the provision", '
        "sent on Wednesday 1 April 2026."
    )


def test_a_school_wait_can_be_set_by_the_product() -> None:
    school = StepTaken(StepKind.ASK_SCHOOL_TO_REINSTATE, date(2026, 4, 1))
    # 5 working days from Wed 1 April 2026 → Fri 10 April 2026.
    advice = advise(
        situation(PlanKind.SEN_SUPPORT, school, today=date(2026, 4, 13)),
        AdvisorSettings(school_reply=Period(5, Unit.WORKING_DAYS)),
    )
    assert advice.steps[0].reply_due == date(2026, 4, 10)
    assert advice.steps[0].status is StepStatus.REPLY_OVERDUE


# --- EHC plans and statements ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LA_LEVEL)
def test_an_ehc_plan_or_statement_offers_every_route_in_order(kind: PlanKind) -> None:
    assert kinds_and_statuses(kind) == [
        (StepKind.ASK_SCHOOL_TO_REINSTATE, StepStatus.AVAILABLE),
        (StepKind.WRITE_TO_LA_S42, StepStatus.AVAILABLE),
        (StepKind.COMPLAIN_TO_GOVERNORS, StepStatus.NOT_YET),
        (StepKind.COMPLAIN_TO_COUNCIL, StepStatus.NOT_YET),
        (StepKind.PRE_ACTION_PROTOCOL_LETTER, StepStatus.NOT_YET),
        (StepKind.COMPLAIN_TO_LGSCO, StepStatus.NOT_YET),
        (StepKind.COMPLAIN_TO_SECRETARY_OF_STATE, StepStatus.NOT_YET),
        (StepKind.DISAGREEMENT_RESOLUTION, StepStatus.AVAILABLE),
        (StepKind.REQUEST_REVIEW_OR_REASSESSMENT, StepStatus.AVAILABLE),
        (StepKind.ASK_FOR_SCHOOL, StepStatus.INFORMATION),
        (StepKind.SEND_TRIBUNAL_INFO, StepStatus.INFORMATION),
    ]


def test_the_la_letter_cites_the_absolute_s42_duty_and_asks_for_a_reply_in_five_working_days() -> None:
    letter = advise(Situation(PlanKind.EHC_PLAN, TODAY, lines=(TA,))).steps[1]
    assert letter.kind is StepKind.WRITE_TO_LA_S42
    assert letter.law.startswith("Section 42(2), Children and Families Act 2014")
    assert "(R (BA) v Nottinghamshire County Council, 2021)" in letter.law
    # The no-resources answer is cited to an SEN authority on the duty itself, not to Tandy (a sick-children case).
    assert "(R v Harrow London Borough Council ex p M, 1997)" in letter.law
    assert "Tandy" not in letter.law
    assert "Section 324(5)(a)" not in letter.law
    assert letter.addressee == "The SEN team, at the local authority (for the Director of Children's Services)"
    assert letter.why[0] == "1:1 teaching assistant support: 45 of 60 sessions delivered; 15 hours owed"
    assert letter.reply_period is not None
    assert letter.reply_period.period == Period(5, Unit.WORKING_DAYS)
    assert letter.reply_period.basis == "5 working days, the reply date your letter asks for (not a time limit in law)"
    assert not letter.reply_period.statutory


def test_staff_absence_is_answered_as_no_defence_to_the_s42_duty() -> None:
    letter = advise(situation(PlanKind.EHC_PLAN)).steps[1]
    assert any(w.startswith("Staff absence or redeployment is no answer") for w in letter.why)


def test_a_statement_with_records_before_2018_cites_s324_5_a() -> None:
    advice = advise(situation(PlanKind.STATEMENT, legacy_statement_records=True))
    letter = advice.steps[1]
    assert "For records from before the transfer: Section 324(5)(a), Education Act 1996" in letter.law
    assert letter.law.endswith("statements were transferred to EHC plans by 1 April 2018")
    assert "section 324(5)(a)" in advice.legal_position


def test_the_ombudsman_and_tribunal_steps_state_their_limits() -> None:
    lgsco = step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_LGSCO)
    tribunal = step_of(PlanKind.EHC_PLAN, StepKind.SEND_TRIBUNAL_INFO)
    assert "it cannot normally investigate something you could appeal to the SEND Tribunal (section 26(6))" in lgsco.law
    assert "its own complaints procedure (section 26(5))" in lgsco.law
    assert "within 12 months of first knowing of the problem (section 26B)" in lgsco.law
    assert lgsco.not_yet_because == (
        "the council must first have had the chance to put it right: write to it first, then use its complaints "
        "procedure."
    )
    assert "or on delays" in tribunal.law
    assert "Sections B, F and I" in tribunal.law


def test_la_reply_overdue_opens_the_council_complaint_and_the_letter_before_claim_waits_four_weeks() -> None:
    school = StepTaken(StepKind.ASK_SCHOOL_TO_REINSTATE, date(2026, 4, 1), replied_on=date(2026, 4, 10))
    la = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 4, 30))

    def statuses(today: date) -> dict[StepKind, StepStatus]:
        return {s.kind: s.status for s in advise(situation(PlanKind.EHC_PLAN, school, la, today=today)).steps}

    # Fri 8 May 2026: the LA's 5 working days end today.
    waiting = statuses(date(2026, 5, 8))
    assert waiting[StepKind.WRITE_TO_LA_S42] is StepStatus.AWAITING_REPLY
    assert waiting[StepKind.COMPLAIN_TO_COUNCIL] is StepStatus.NOT_YET
    # Mon 11 May 2026, no reply: the council complaint opens; the letter before claim waits for 4 weeks from
    # Thu 30 April, that is Thu 28 May 2026.
    overdue = advise(situation(PlanKind.EHC_PLAN, school, la, today=date(2026, 5, 11)))
    by_kind = {s.kind: s for s in overdue.steps}
    assert by_kind[StepKind.WRITE_TO_LA_S42].status is StepStatus.REPLY_OVERDUE
    assert by_kind[StepKind.COMPLAIN_TO_COUNCIL].status is StepStatus.AVAILABLE
    pap = by_kind[StepKind.PRE_ACTION_PROTOCOL_LETTER]
    assert pap.status is StepStatus.NOT_YET
    assert pap.below_threshold
    assert pap.offered_with_warning
    assert "4 weeks from it end on Thursday 28 May 2026." in " ".join(pap.why)
    later = {s.kind: s for s in advise(situation(PlanKind.EHC_PLAN, school, la, today=date(2026, 5, 28))).steps}
    assert later[StepKind.PRE_ACTION_PROTOCOL_LETTER].status is StepStatus.AVAILABLE
    assert not later[StepKind.PRE_ACTION_PROTOCOL_LETTER].below_threshold


def test_a_reply_that_leaves_provision_behind_still_opens_the_next_step() -> None:
    la = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 4, 30), replied_on=date(2026, 5, 6))
    council = step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_COUNCIL, la)
    assert council.status is StepStatus.AVAILABLE
    assert council.why[0] == (
        'A reply was recorded on Wednesday 6 May 2026 to "write to the local authority: it must secure the '
        'provision", but the record still shows the provision behind.'
    )


def test_the_latest_sending_of_a_step_counts() -> None:
    first = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 3, 2))
    again = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 5, 6))
    letter = advise(situation(PlanKind.EHC_PLAN, again, first)).steps[1]
    assert letter.sent_on == date(2026, 5, 6)
    assert letter.status is StepStatus.AWAITING_REPLY


def test_an_ombudsman_complaint_once_made_is_sent_without_a_reply_date() -> None:
    la = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 3, 2))
    lgsco = StepTaken(StepKind.COMPLAIN_TO_LGSCO, date(2026, 4, 1))
    step = step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_LGSCO, la, lgsco)
    assert step.status is StepStatus.SENT
    assert step.reply_due is None
    assert step.status_text == "Sent on Wednesday 1 April 2026"


# --- Steps that do not apply, and bad input ----------------------------------------------------------------


def test_a_step_for_another_plan_kind_says_why_it_does_not_apply() -> None:
    assert step_applies(StepKind.WRITE_TO_LA_S42, PlanKind.EHC_PLAN) is None
    assert step_applies(StepKind.WRITE_TO_LA_S42, PlanKind.SEN_SUPPORT) == (
        "Your child has a SEN Support plan, not an EHC plan: the local authority has no duty to secure its "
        "provision, so this step does not apply. Ask for an EHC needs assessment instead."
    )
    # The school's own duty holds for a pupil with an EHC plan too: the governors' route is never refused.
    assert step_applies(StepKind.COMPLAIN_TO_GOVERNORS, PlanKind.EHC_PLAN) is None
    assert step_applies(StepKind.REQUEST_EHC_NEEDS_ASSESSMENT, PlanKind.EHC_PLAN) == (
        "Your child already has a plan the local authority must secure: ask for a re-assessment or an early "
        "review instead."
    )


def test_a_step_taken_that_does_not_apply_to_the_plan_is_ignored() -> None:
    old = StepTaken(StepKind.REQUEST_EHC_NEEDS_ASSESSMENT, date(2026, 1, 5))
    assert kinds_and_statuses(PlanKind.EHC_PLAN, old) == kinds_and_statuses(PlanKind.EHC_PLAN)


def test_a_reply_before_the_letter_is_refused() -> None:
    message = (
        '"Write to the local authority: it must secure the provision": the reply (Tuesday 5 May 2026) is '
        "before the letter was sent (Wednesday 6 May 2026)."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        situation(PlanKind.EHC_PLAN, StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 5, 6), date(2026, 5, 5)))


def test_a_letter_sent_after_today_is_refused() -> None:
    with pytest.raises(ValueError, match="sent on Tuesday 12 May 2026, after today"):
        situation(PlanKind.EHC_PLAN, StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 5, 12)))


# --- Nothing behind, and the disclaimer -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PlanKind))
def test_nothing_behind_gives_no_escalation_steps_and_says_so(kind: PlanKind) -> None:
    advice = advise(Situation(kind, TODAY, lines=(ON_TRACK,)))
    assert advice.steps == ()
    assert advice.recommended is None
    assert advice.summary == (
        "Nothing is behind: no provision line has time owed, so there is no step to take about delivery."
    )


def test_a_shortfall_the_policy_excuses_is_not_escalated() -> None:
    absent = LineBehind("Reading catch-up", 10, 6, owed_minutes=0, missed=((MissReason.CHILD_ABSENT, 4),))
    assert advise(Situation(PlanKind.EHC_PLAN, TODAY, lines=(absent,))).steps == ()


@pytest.mark.parametrize("kind", list(PlanKind))
def test_every_answer_says_it_is_not_legal_advice(kind: PlanKind) -> None:
    assert advise(situation(kind)).disclaimer == DISCLAIMER
    assert "not legal advice" in DISCLAIMER


# --- Every route, by plan, school and evidence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("gias", "expected"),
    [
        ("Community school", SchoolType.MAINTAINED),
        ("Voluntary aided school", SchoolType.MAINTAINED),
        ("Academy converter", SchoolType.ACADEMY),
        ("Free schools", SchoolType.ACADEMY),
        ("Community special school", SchoolType.SPECIAL),
        ("Academy special sponsor led", SchoolType.SPECIAL),
        ("Other independent school", SchoolType.INDEPENDENT),
        ("Other independent special school", SchoolType.INDEPENDENT),
        ("", SchoolType.MAINTAINED),
    ],
)
def test_the_school_type_is_read_from_the_dfe_register_name(gias: str, expected: SchoolType) -> None:
    assert school_type(gias) is expected


def test_a_disabled_child_on_sen_support_is_offered_the_equality_act_claim_after_the_governors() -> None:
    kinds = [s.kind for s in advise(situation(PlanKind.SEN_SUPPORT, disabled=True)).steps]
    assert kinds[:4] == [
        StepKind.ASK_SCHOOL_TO_REINSTATE,
        StepKind.COMPLAIN_TO_GOVERNORS,
        StepKind.DISABILITY_CLAIM,
        StepKind.REQUEST_EHC_NEEDS_ASSESSMENT,
    ]
    claim = step_of(PlanKind.SEN_SUPPORT, StepKind.DISABILITY_CLAIM, disabled=True)
    assert claim.status is StepStatus.AVAILABLE
    assert claim.law.startswith("Section 85, Equality Act 2010")
    assert "within 6 months of what happened (Schedule 17)" in claim.law
    assert any("the route a tribunal can decide" in w for w in claim.why)
    assert "cannot award money" in claim.costs


@pytest.mark.parametrize("kind", [*SCHOOL_LEVEL, *LA_LEVEL])
def test_a_child_not_recorded_as_disabled_gets_no_equality_act_claim(kind: PlanKind) -> None:
    assert StepKind.DISABILITY_CLAIM not in [s.kind for s in advise(situation(kind)).steps]


def test_an_academy_on_sen_support_complains_to_the_dfe_not_under_sections_496_and_497() -> None:
    step = step_of(PlanKind.SEN_SUPPORT, StepKind.COMPLAIN_TO_SECRETARY_OF_STATE, school_type=SchoolType.ACADEMY)
    assert step.addressee == "The Department for Education (complaints about academies)"
    assert "496" not in step.law
    maintained = step_of(PlanKind.SEN_SUPPORT, StepKind.COMPLAIN_TO_SECRETARY_OF_STATE)
    assert maintained.law.startswith("Sections 496 and 497, Education Act 1996")


def test_an_independent_school_has_no_best_endeavours_duty_and_no_secretary_of_state_route() -> None:
    steps = advise(situation(PlanKind.SEN_SUPPORT, school_type=SchoolType.INDEPENDENT)).steps
    assert StepKind.COMPLAIN_TO_SECRETARY_OF_STATE not in [s.kind for s in steps]
    governors = next(s for s in steps if s.kind is StepKind.COMPLAIN_TO_GOVERNORS)
    assert governors.addressee == "The proprietor, under the school's complaints policy"
    assert "binds mainstream schools only, not special or independent schools" in governors.law


def test_an_ehc_plan_at_a_mainstream_school_keeps_the_governors_route_under_section_66() -> None:
    governors = step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_GOVERNORS)
    assert "Section 66, Children and Families Act 2014" in governors.law
    assert any("including one with an EHC plan (section 66)" in w for w in governors.why)
    special = step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_GOVERNORS, school_type=SchoolType.SPECIAL)
    assert "Section 66" not in special.law
    # A special school has no s66 duty: its pupils are not told the mainstream duty binds it.
    assert not any("including one with an EHC plan (section 66)" in w for w in special.why)
    assert any(w.startswith("A special school has no best-endeavours duty under section 66") for w in special.why)


def test_iep_routes_cite_section_317_not_section_66() -> None:
    step = step_of(PlanKind.IEP_SCHOOL_ACTION_PLUS, StepKind.ASK_SCHOOL_TO_REINSTATE)
    assert step.law.startswith("Section 317(1)(a), Education Act 1996")


def test_judicial_review_is_said_to_be_in_the_childs_name_with_legal_aid_on_the_childs_means() -> None:
    pap = step_of(PlanKind.EHC_PLAN, StepKind.PRE_ACTION_PROTOCOL_LETTER)
    text = " ".join(pap.why)
    assert "normally brought in your child's name" in text
    assert "legal aid is then usually assessed on your child's means, not yours" in text
    assert "only you" not in text.lower()
    assert pap.addressee == "The legal services department, at the local authority"


def test_the_ombudsman_waits_for_the_councils_complaints_procedure() -> None:
    la = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 3, 2))
    assert step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_LGSCO, la).status is StepStatus.NOT_YET
    council = StepTaken(StepKind.COMPLAIN_TO_COUNCIL, date(2026, 3, 20), replied_on=date(2026, 4, 20))
    assert step_of(PlanKind.EHC_PLAN, StepKind.COMPLAIN_TO_LGSCO, la, council).status is StepStatus.AVAILABLE


def test_the_right_to_ask_for_a_school_gives_the_15_days_of_regulation_13() -> None:
    step = step_of(PlanKind.EHC_PLAN, StepKind.ASK_FOR_SCHOOL)
    assert step.status is StepStatus.INFORMATION
    assert "at least 15 days" in step.why[0]
    assert "regulation 13(1)" in step.law


def test_a_reassessment_may_be_refused_within_six_months_under_regulation_24() -> None:
    step = step_of(PlanKind.EHC_PLAN, StepKind.REQUEST_REVIEW_OR_REASSESSMENT)
    assert "(regulation 24, Special Educational Needs and Disability Regulations 2014)" in step.law
    assert step.is_letter


@pytest.mark.parametrize("kind", [*SCHOOL_LEVEL, *LA_LEVEL])
def test_every_step_says_what_it_costs_the_family_and_offers_sendiass_and_ipsea(kind: PlanKind) -> None:
    for step in advise(situation(kind, disabled=True)).steps:
        assert step.costs, step.kind
        assert step.help == HELP
        assert "SENDIASS" in step.help
        assert "IPSEA" in step.help


# --- Proportion -------------------------------------------------------------------------------------------------


def test_59_minutes_owed_never_reaches_a_letter_before_claim() -> None:
    small = LineBehind("Speech and language therapy", 10, 9, owed_minutes=59, weekly_minutes=30)
    la = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 1, 5))  # months ago, never answered
    advice = advise(Situation(PlanKind.EHC_PLAN, TODAY, lines=(small,), steps_taken=(la,)))
    pap = next(s for s in advice.steps if s.kind is StepKind.PRE_ACTION_PROTOCOL_LETTER)
    assert pap.status is StepStatus.NOT_YET
    assert pap.below_threshold
    assert pap.threshold is not None
    assert pap.threshold.reason.startswith(
        f"We suggest a letter before claim once at least a week's provision is owed "
        f"({PRE_ACTION_MINIMUM_MINUTES // 60} hours here)"
    )
    assert "Now: 59 minutes owed" in pap.threshold.reason
    assert "you can send it anyway" in pap.threshold.warning
    assert advice.recommended is not None
    assert advice.recommended.kind is not StepKind.PRE_ACTION_PROTOCOL_LETTER


def test_a_weeks_provision_sets_the_threshold_when_it_is_more_than_the_minimum() -> None:
    line = LineBehind("1:1 teaching assistant support", 60, 45, owed_minutes=600, weekly_minutes=900)
    la = StepTaken(StepKind.WRITE_TO_LA_S42, date(2026, 1, 5))
    pap = next(
        s
        for s in advise(Situation(PlanKind.EHC_PLAN, TODAY, lines=(line,), steps_taken=(la,))).steps
        if s.kind is StepKind.PRE_ACTION_PROTOCOL_LETTER
    )
    assert pap.below_threshold  # 10 hours owed, a week is 15 hours
    assert "(15 hours here)" in pap.threshold.reason  # type: ignore[union-attr]
