"""How long a child's SEN record is kept.

The IRMS schools toolkit: the last school keeps SEN files to the child's date of birth + 31 years (an EHC plan can
run to age 25, plus 6 years); older guidance used DOB + 25 years for SEN files and DOB + 30 for statements. Domain
sheet §7 [G4][G5]. The number of years is a setting (`RETENTION_YEARS_AFTER_BIRTH`), this is its default.

A record whose period has ended is due for review by the school: it is listed, never deleted by the ledger itself.
"""

from __future__ import annotations

from datetime import date

RETENTION_YEARS_AFTER_BIRTH = 31
RETENTION_SOURCE = "SEN files are kept to the date of birth + 31 years by the last school (IRMS schools toolkit)"


def years_after(day: date, years: int) -> date:
    """The anniversary `years` after `day`; for 29 February, 1 March in a year without one (kept the longer)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def retention_ends(date_of_birth: date, years: int = RETENTION_YEARS_AFTER_BIRTH) -> date:
    """The first day the record is no longer needed: the birthday `years` on."""
    return years_after(date_of_birth, years)


def born_on_or_before(today: date, years: int = RETENTION_YEARS_AFTER_BIRTH) -> date:
    """The latest date of birth whose record is due on `today`: for a filter in the database.

    A child born on this day or earlier has reached their retention date (29 February births on 1 March)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # today is 29 February: a birthday on 28 February that year is the last one reached
        return date(today.year - years, 2, 28)
