"""The unique pupil number (UPN) and its check letter.

Source: DfE, "Unique pupil numbers (UPN): guidance for local authorities and schools" (the check-letter algorithm, and
its worked examples H801200001001 and the temporary G80120000101A), as the DfE's own collection validation repeats it
(rule 1510, "UPN invalid (wrong check letter at character 1)").

A UPN is 13 characters: a check letter, the LA code (3 digits), the establishment number (4), the year of issue (2),
a serial number (3); the 13th is a digit, or a letter in a temporary UPN. Multiply characters 2 to 13 by weights 2
to 13 (a letter at 13 counts as its place in the check alphabet), sum, divide by 23: the remainder's place in the
check alphabet is the check letter. The alphabet leaves out I, O and S.
"""

from __future__ import annotations

import re

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: 0 = A ... 22 = Z, without I, O or S
_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def check_letter(upn: str) -> str:
    """The check letter that characters 2 to 13 of a UPN call for."""
    total = 0
    for weight, char in enumerate(upn[1:13], start=2):
        total += weight * (int(char) if char.isdigit() else CHECK_ALPHABET.index(char))
    return CHECK_ALPHABET[total % 23]


def upn_problem(upn: str) -> str:
    """What is wrong with a UPN, in words, or "" when it is a valid one."""
    if not _SHAPE.match(upn):
        return f"“{upn[:20]}” is not a UPN: a letter, 11 digits, then a digit or a letter."
    if upn[12].isalpha() and upn[12] not in CHECK_ALPHABET:
        return f"{upn}: the 13th character of a temporary UPN cannot be I, O or S."
    if upn[0] != check_letter(upn):
        return f"{upn}: the check letter is wrong (the other characters call for {check_letter(upn)})."
    return ""
