"""Spot text that looks like it identifies a child (domain.md section 4.4).

The fund needs aggregate numbers only. We flag, we do not silently change: a warning when a section
is saved, and a block when the application goes for sign-off or is submitted.
"""

import datetime as dt
import re

# A unique pupil number: a letter then 12 digits (13 characters), e.g. A123456789012.
UPN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\s?\d{12}(?![0-9])")
# A date written as a date of birth would be: 03/04/2015, 3-4-15, 03.04.2015.
DATE = re.compile(r"(?<!\d)(0?[1-9]|[12]\d|3[01])[/.\-](0?[1-9]|1[0-2])[/.\-](\d{4}|\d{2})(?!\d)")
BORN = re.compile(r"\b(born\s+(on|in)\b|date\s+of\s+birth|d\.?o\.?b\.?\b)", re.IGNORECASE)


# A written date is flagged when its year could be a pupil's year of birth (aged 2 to 25), so the dates
# of meetings and of the bid's own activities are not.
YOUNGEST, OLDEST = 2, 25


def _looks_like_birth_date(text: str, this_year: int) -> bool:
    for match in DATE.finditer(text):
        year = int(match.group(3))
        if year < 100:
            year += 2000 if year <= this_year % 100 else 1900
        if this_year - OLDEST <= year <= this_year - YOUNGEST:
            return True
    return False


def identity_problems(text: str, *, today: dt.date | None = None) -> list[str]:
    """What in `text` looks like a pupil's identity, in words a user understands (empty when none)."""
    if not text:
        return []
    this_year = (today or dt.date.today()).year
    problems = []
    if UPN.search(text):
        problems.append("something that looks like a unique pupil number (UPN)")
    if _looks_like_birth_date(text, this_year) or BORN.search(text):
        problems.append("something that looks like a date of birth")
    return problems
