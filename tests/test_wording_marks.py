"""The words at fault, marked up: escaped, and nothing lost or added but the marks."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.rules.wording import check_statement
from provision_ledger.wording.checks import marked

HEDGES = st.sampled_from(["access to", "as required", "regular", "up to 3", "<script>", "&", "small group", "e.g."])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), HEDGES), max_size=8).map(" ".join))
def test_marking_keeps_the_text_and_escapes_it(text: str) -> None:
    check = check_statement(text)
    out = str(marked(text, check.findings))
    assert "<script>" not in out
    assert html.unescape(re.sub(r'</?mark(?: class="pl-mark")?>', "", out)) == text


def test_marks_cover_the_words_at_fault_and_merge_where_they_touch() -> None:
    check = check_statement("Regular access to <b>phonics</b>")
    assert str(marked(check.text, check.findings)) == (
        '<mark class="pl-mark">Regular</mark> <mark class="pl-mark">access to</mark> &lt;b&gt;phonics&lt;/b&gt;'
    )
