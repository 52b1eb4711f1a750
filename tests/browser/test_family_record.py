"""In Chromium: a father whose school does not use the ledger keeps his own record, asks for the school's, and
brings the school in."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import docx
import pypdf
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.family.models import FamilyChild
from provision_ledger.family.queries import family_statement
from tests.browser.conftest import axe_violations, enter_code
from tests.factories import make_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IEP = (
    "Communication and interaction\n"
    "- Narrative Therapy: one 30-minute session each week, 1:1 with a teaching assistant trained in Narrative "
    "Therapy by the speech and language therapist.\n"
    "Physical and sensory\n"
    "- Motor Skills programme: 3 sessions a week of 20 minutes, in a group of 4, delivered by a teaching assistant "
    "trained by the occupational therapist.\n"
)
PASSWORD = "a long pass phrase"


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_parent_keeps_the_record_asks_for_the_schools_and_brings_the_senco_in(page: Page, live_server):
    today = timezone.localdate()
    school = make_school(name="Hillside Primary School", years=(today.year - 1, today.year))
    school.establishment_type = "Community school"
    school.save()

    # Sign up: the email's link, then a name and a password.
    page.goto(f"{live_server.url}/sign-up/")
    page.get_by_label("Email address").fill("dad@example.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(_link(mail.outbox[-1]))
    page.get_by_label("First name").fill("Tom")
    page.get_by_label("Last name").fill("Bennett")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Your own record")).to_be_visible()

    # A Year 1 child at a school of the register, found by its URN.
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("Your child’s first name").fill("Oliver")
    page.get_by_label("Your child’s last name").fill("Bennett")
    page.get_by_label("Date of birth").fill(f"{today.year - 6}-11-02")
    page.get_by_label("Year group").select_option(label="Year 1")
    page.get_by_label("School: its name or URN").fill(school.urn)
    page.get_by_label("Kind of plan").select_option(label="IEP at School Action Plus")
    plan_start = today - timedelta(days=60)
    page.get_by_label("The date the plan started").fill(plan_start.isoformat())
    page.get_by_role("button", name="Add child").click()

    # The IEP, through the same checker as the school's.
    page.get_by_label("Paste Section F").fill(IEP)
    page.get_by_role("button", name="Check the plan").click()
    expect(page.get_by_test_id("plan-check-summary")).to_contain_text("2 of 2 statements")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the lines").click()
    # The child's own page has loaded (under load the plan page can still be showing its heading).
    page.wait_for_url(re.compile(r"/family/children/\d+/$"))
    expect(page.get_by_role("heading", name="Oliver Bennett")).to_be_visible()

    # The school's email: one Motor Skills session took place.
    page.get_by_role("link", name="Record what you know").click()
    page.wait_for_url(re.compile(r"/family/children/\d+/entries/new/$"))
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_label("The school, in writing (an email or a report)").check()
    page.get_by_label("Which line of the plan?").select_option(label="Motor Skills programme")
    page.get_by_label("The day it is about").fill((today - timedelta(days=14)).isoformat())
    page.get_by_label("The date on the email, report or diary page").fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("How many sessions?").fill("1")
    page.get_by_label("Took place", exact=True).check()
    page.get_by_label("The words").fill("Oliver had one Motor Skills session this term. Mrs Green, SENCO")
    page.get_by_role("button", name="Save entry").click()

    family_child = FamilyChild.objects.get()
    motor = family_child.lines.get(description="Motor Skills programme")
    [told] = [s for s in family_statement(family_child, today).lines if s.line == motor]
    promised = told.count.promised
    assert promised > 1
    card = page.get_by_test_id(f"family-line-{motor.pk}")
    expect(card).to_contain_text(f"The school has told you about 1 of the {promised} sessions the plan promised")
    expect(card).to_contain_text(f"you have no information about the other {promised - 1}")
    expect(page.get_by_test_id("family-privacy")).to_contain_text("The council (the local authority) sees nothing")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    page.set_viewport_size({"width": 1280, "height": 720})

    # The letter asking for the school's records, read from its PDF.
    page.get_by_role("link", name="Write the letter").click()
    page.get_by_role("button", name="Make the letter").click()
    expect(page.get_by_test_id("records-clock")).to_contain_text("the school must answer by")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    pdf = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "The Headteacher Hillside Primary School" in text
    assert "Request for Oliver Bennett’s educational record and personal data" in text
    assert "Education (Pupil Information) (England) Regulations 2005" in text
    assert "within 15 school days" in text
    assert "Article 15 of the UK General Data Protection Regulation" in text
    assert "not legal advice" in text

    # Share the school's email with the school, then invite its SENCO.
    page.get_by_role("button", name="Share with the school").click()
    page.get_by_role("link", name="Invite the school’s SENCO").click()
    page.get_by_label("The SENCO’s email address at the school").fill("senco@hillside.test")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to senco@hillside.test.")).to_be_visible()
    invitation = _link(mail.outbox[-1])

    # The SENCO signs up from the invitation, in a browser of their own, with two-step sign-in.
    senco_context = page.context.browser.new_context()
    senco_page = senco_context.new_page()
    senco_page.goto(invitation)
    senco_page.get_by_label("First name").fill("Jo")
    senco_page.get_by_label("Last name").fill("Green")
    senco_page.get_by_label("Password", exact=True).fill(PASSWORD)
    senco_page.get_by_label("Password again").fill(PASSWORD)
    senco_page.get_by_role("button", name="Continue").click()
    enter_code(senco_page, "senco@hillside.test")
    school_child = family_child.school_link.child

    # The parent confirms the child the school claims is theirs; the SENCO then sees what was shared.
    page.reload()
    page.get_by_role("button", name="Confirm this is Oliver").click()
    senco_page.goto(f"{live_server.url}/children/{school_child.pk}/")
    expect(senco_page.get_by_role("heading", name="Oliver Bennett")).to_be_visible()
    shared = senco_page.get_by_test_id("family-shared-entries")
    expect(shared).to_contain_text("Oliver had one Motor Skills session this term")
    expect(shared).to_contain_text("Source: The school, in writing")
    senco_context.close()

    # The Word letter and the record to print, read from the files downloaded.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (Word, to change it)").click()
    word = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    word_text = " ".join(" ".join(p.text for p in word.paragraphs).split())
    assert "The Headteacher Hillside Primary School" in word_text
    assert "Education (Pupil Information) (England) Regulations 2005" in word_text
    assert "Article 15 of the UK General Data Protection Regulation" in word_text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the record to print (PDF)").click()
    record = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    record_text = " ".join(" ".join(p.extract_text() for p in record.pages).split())
    assert f"The school has told you about 1 of the {promised} sessions the plan promised" in record_text
    assert "Oliver had one Motor Skills session this term. Mrs Green, SENCO" in record_text
    assert "Shared with the school." in record_text
    assert "Entries are never edited after they are saved" in record_text

    # The school writes that two sessions did not take place, and answers the request for its records.
    page.get_by_role("link", name="Record what you know").click()
    page.wait_for_url(re.compile(r"/family/children/\d+/entries/new/$"))
    page.get_by_label("The school, in writing (an email or a report)").check()
    page.get_by_label("Which line of the plan?").select_option(label="Motor Skills programme")
    page.get_by_label("The day it is about").fill((today - timedelta(days=7)).isoformat())
    page.get_by_label("The date on the email, report or diary page").fill((today - timedelta(days=6)).isoformat())
    page.get_by_label("How many sessions?").fill("2")
    page.get_by_label("Did not take place", exact=True).check()
    page.get_by_label("The words").fill("The TA was off sick: no Motor Skills this week. Mrs Green")
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(r"/family/children/\d+/$"))
    page.get_by_role("link", name="See the next steps, their deadlines and the letters").click()
    page.wait_for_url(re.compile(r"/next-steps/$"))
    expect(page.get_by_test_id("routes-gate")).to_contain_text("Not yet")
    page.get_by_label("The date the school answered").fill(today.isoformat())
    page.get_by_role("button", name="The school has answered").click()
    expect(page.get_by_test_id("routes-gate")).to_contain_text("The school answered your request for its records")
    expect(page.get_by_test_id("family-limits")).to_contain_text("Your record shows what you were told")
    _look(page, "family-next-steps")

    # The first letter, drafted from the family's record: every figure says whose word it is.
    page.get_by_role("link", name=re.compile("^Write this letter.*Ask the school to reinstate the provision$")).click()
    expect(page.get_by_role("heading", name="Ask the school to reinstate the provision")).to_be_visible()
    _look(page, "family-letter-write")
    page.get_by_role("button", name="Save as sent, then download").click()
    expect(page.get_by_text("Your letter is kept as sent.")).to_be_visible()
    _look(page, "family-letter")
    written = today - timedelta(days=6)
    told = f"The school told the family in writing on {written.day} {written:%B %Y}: 2 sessions did not take place"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    letter = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    letter_text = " ".join(" ".join(p.extract_text() for p in letter.pages).split())
    assert told in letter_text
    assert "Not known: no information" in letter_text
    assert "My record shows what I have been told, not what happened" in letter_text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word document").click()
    word = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    word_text = " ".join(" ".join(p.text for p in word.paragraphs).split())
    assert told in word_text
    assert "Dear Headteacher," in word_text


SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _look(page: Page, name: str) -> None:
    """No accessibility violation, nothing scrolls sideways at 320 px; screenshots at 1280 and 320 px to look at."""
    assert axe_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    page.screenshot(path=str(SHOTS / f"{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
