"""The one privacy screen: text that looks like it identifies a child (domain.md section 4.4).

The fund needs aggregate numbers only, so every free-text field and the text of every uploaded document
passes through `screen`. It finds:

- unique pupil numbers (UPNs), permanent and temporary, with or without spaces, when the DfE check
  letter is right;
- NHS numbers, when the modulus 11 check digit is right;
- dates of birth: a date after "born", "date of birth" or "DOB", or a date next to a person's name or a
  word for a child, when its year could be a pupil's;
- a child named with their year group: a person's name right before "Year 4", "(Year 4)", "in Year 4",
  "Y4" or "in Reception", unless a title (Mrs Jones) or a staff role after it (Year 6 teacher) says it is
  an adult, or a group word (Year 3 pupils) says it is a class.

It leaves ordinary numbers alone: school URNs (6 digits), LAESTABs (7), amounts, phone numbers (they
begin with 0) and the dates of meetings. The rules and their sources are in docs/privacy-screen.md.
A finding says what was found and where, and shows the identifier masked, never in full.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# --- unique pupil numbers ------------------------------------------------------------------------------

# The 23 letters the DfE uses for check letters and temporary UPNs (no I, O or S), each worth its index.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# A letter, 11 digits, then a digit (permanent) or a letter (temporary); spaces or a hyphen may sit between.
_UPN = re.compile(r"(?<![0-9A-Za-z])([A-Za-z])[ \t\-]{0,2}((?:[0-9][ \t\-]{0,2}){11})([0-9A-Za-z])(?![0-9A-Za-z])")


def upn_check_letter(body: str) -> str | None:
    """The check letter for the 12 characters after it (DfE: weights 2 to 13, sum modulo 23)."""
    if len(body) != 12 or not body[:11].isdigit():
        return None
    total = 0
    for weight, char in enumerate(body, start=2):
        if char.isdigit():
            total += int(char) * weight
        elif char in UPN_LETTERS:
            total += UPN_LETTERS.index(char) * weight
        else:
            return None
    return UPN_LETTERS[total % 23]


def is_upn(text: str) -> bool:
    """True for a well-formed UPN with the right check letter (spaces and hyphens ignored)."""
    value = re.sub(r"[ \t\-]", "", text).upper()
    return len(value) == 13 and value[0] in UPN_LETTERS and upn_check_letter(value[1:]) == value[0]


# --- NHS numbers ----------------------------------------------------------------------------------------

# 10 digits, written together or 3-3-4 with spaces or hyphens; not part of a longer number or an amount.
_NHS = re.compile(r"(?<![0-9£$€.,])([0-9]{3})([ \-.]?)([0-9]{3})\2([0-9]{4})(?![0-9])(?![.,][0-9])")


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 (NHS Data Dictionary): weights 10 down to 2; 11 minus the remainder; 11 means 0; 10 is
    never issued (None)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_nhs_number(text: str) -> bool:
    """True for 10 digits whose last is the modulus 11 check digit. A number beginning with 0 is a phone
    number (no NHS number issued in England, Wales or the Isle of Man begins with 0)."""
    digits = re.sub(r"[ \-.]", "", text)
    return (len(digits) == 10 and digits.isdigit() and digits[0] != "0"
            and nhs_check_digit(digits[:9]) == int(digits[9]))


# --- dates of birth -------------------------------------------------------------------------------------

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATES = [
    # 03/04/2015, 3-4-15, 3.4.2015 (day first, as written in England)
    re.compile(r"(?<![0-9/.\-])(?P<d>[0-9]{1,2})[/.\-](?P<m>[0-9]{1,2})[/.\-](?P<y>[0-9]{4}|[0-9]{2})(?![0-9])"
               r"(?![/.\-][0-9])"),
    # 2015-04-03
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?![0-9])"),
    # 3 April 2015, 3rd Apr. 2015
    re.compile(rf"(?<![0-9])(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn>{_MONTH})\.?,?\s+(?P<y>[0-9]{{4}})"
               r"(?![0-9])", re.IGNORECASE),
    # April 3, 2015
    re.compile(rf"\b(?P<mn>{_MONTH})\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>[0-9]{{4}})(?![0-9])",
               re.IGNORECASE),
]
# A word that says the date is a birth date, just before it.
_BIRTH_CUE = re.compile(r"(?:\bborn\b|\bbirth\s*date|\bdate\s+of\s+birth|\bbirthday|\bd\.?\s?o\.?\s?b\b\.?)"
                        r"[^0-9A-Za-z]{0,6}(?:(?:on|in|the)\s+){0,2}$", re.IGNORECASE)
_CUE_WORDS = ("born", "birth", "dob", "d.o", "d o")  # a cheap look before the regular expression
# A word for a child, next to the date.
CHILD_WORDS = ("child", "pupil", "student", "learner", "boy", "girl", "son", "daughter", "baby", "toddler", "infant",
               "twin")
_CHILD = rf"(?:{'|'.join(CHILD_WORDS)})s?"
_CHILD_BEFORE = re.compile(rf"\b{_CHILD}\b[^0-9A-Za-z\n]{{0,4}}(?:\b(?:born|aged|age|dob)\b[^0-9A-Za-z\n]{{0,3}})?$",
                           re.IGNORECASE)
_CHILD_AFTER = re.compile(rf"^[^0-9A-Za-z\n]{{0,4}}\b{_CHILD}\b", re.IGNORECASE)
# A name: one or two capitalised words right before the date (or two right after it), separators only between.
# Capitals and small letters of the Latin alphabets English names use (Zoë, Siân, Łukasz), and name words with an
# apostrophe, a hyphen or a capital inside (O'Brien, Smith-Jones, McDonald).
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_LOWER = "a-zß-öø-ÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňŋōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżž"
_NAME_WORD = rf"[{_UPPER}](?:[{_LOWER}]+|['’][{_UPPER}][{_LOWER}]+)(?:(?:['’\-][{_UPPER}]?|[{_UPPER}])[{_LOWER}]+)*"
_NAME_BEFORE = re.compile(rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD})?)[ \t,:;()\[\]|\-–]{{0,4}}$")
_NAME_AFTER = re.compile(rf"^[ \t,:;()\[\]|\-–]{{0,4}}(?P<name>{_NAME_WORD}[ \t]+{_NAME_WORD})\b")
# Capitalised words that are not names: they often stand before the date of a meeting or an event.
NOT_NAMES = frozenset("""
a an the on in at by from to until till since before after during of for and or but as with is was are
date dated day days week weeks month months year years term terms meeting meetings review reviews deadline
start starts started starting end ends ended ending due updated update version issued signed agreed
approved submitted received sent held next last first second third this that these those each every
autumn spring summer winter half new old county hall school schools academy cluster clusters council
trust forum board panel heads head governors training session sessions visit visits event events
plan plans report reports return returns note notes minutes action actions budget payment payments
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
fy ay ks ks1 ks2 ks3 ks4 eyfs year send sen senco ehcp ehc la dfe ofsted norfolk norwich england
primary secondary junior juniors infant infants high college nursery church community federation
partnership centre center st saint park hill road lane street green village town city east west north south
upper lower middle pupil pupils child children mr mrs ms miss mx dr prof sir dame rev
""".split()) | frozenset(MONTHS)
# A child named with their year group: two capitalised words, then (after at most a bracket, a comma or "in")
# Year/Yr/Y and 1 to 13, or Reception. A title before the name, or a staff role or group word after the year,
# says it is not a child.
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev)\.?"
_NAMED_PUPIL = re.compile(
    rf"(?<![A-Za-z])(?:(?P<title>{_TITLE})[ \t]+)?(?P<name>{_NAME_WORD}[ \t]+{_NAME_WORD})"
    r"[ \t]*(?:[(\[][ \t]*|[,:\-–—][ \t]*|(?i:in)[ \t]+)?"
    r"(?P<group>(?i:year|yr)[ \t]?(?:1[0-3]|[1-9]|R)|Y[ \t]?(?:1[0-3]|[1-9]|R)|(?i:reception))(?![0-9A-Za-z])"
    r"(?P<rest>[^\n]{0,30})")
_NOT_A_CHILD_AFTER = re.compile(
    r"^[ \t)]*(?:,[ \t]*)?(?:class[ \t]+)?(?i:teachers?|lead|leads|leader|leaders|co-?ordinator|tutors?|team|staff|"
    r"head|heads|manager|assistants?|TAs?|practitioners?|classes|class|groups?|pupils|children|cohorts?|"
    r"students|parents|families|intake|curriculum|phonics|SATs?|results?|data)\b")
# A year counts as a pupil's year of birth when the pupil would be 2 to 25 years old this year.
YOUNGEST, OLDEST = 2, 25
WINDOW = 48  # characters looked at either side of a date


@dataclass(frozen=True)
class Finding:
    """One thing found: `kind` is 'upn', 'nhs', 'birth_date' or 'named_pupil'; `masked` never shows it in
    full."""

    kind: str
    masked: str
    line: int
    many_lines: bool = False

    @property
    def what(self) -> str:
        return {"upn": "a unique pupil number (UPN)", "nhs": "an NHS number", "birth_date": "a date of birth",
                "named_pupil": "a child's name with their year group"}[self.kind]

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.many_lines else ""

    @property
    def problem(self) -> str:
        """'something that looks like a unique pupil number (UPN) (A**********12, line 2)'."""
        where = f", {self.where}" if self.where else ""
        return f"something that looks like {self.what} ({self.masked}{where})"


def mask(value: str, *, keep_start: int = 1, keep_end: int = 2) -> str:
    """'A**********12': enough for the writer to find it, not enough to identify anyone."""
    chars = [c for c in value if not c.isspace() and c != "-"]
    if len(chars) <= keep_start + keep_end:
        return "*" * len(chars)
    return "".join(chars[:keep_start]) + "*" * (len(chars) - keep_start - keep_end) + "".join(chars[-keep_end:])


def _year(match: re.Match, this_year: int) -> int | None:
    groups = match.groupdict()
    try:
        day = int(groups["d"])
        month = MONTHS[groups["mn"].lower()] if groups.get("mn") else int(groups["m"])
        year = int(groups["y"])
    except (KeyError, ValueError):
        return None
    if len(groups["y"]) == 2:
        year += 2000 if year <= this_year % 100 else 1900
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return year


def _next_to_a_child(before: str, after: str, lower: str) -> bool:
    """A word for a child, or a person's name, right before or after the date (cheap looks first)."""
    if any(word in lower for word in CHILD_WORDS) and _CHILD_BEFORE.search(before):
        return True
    if any(word in after[:20].lower() for word in CHILD_WORDS) and _CHILD_AFTER.search(after):
        return True
    near = before[-40:]
    if any(c.isupper() for c in near):
        match = _NAME_BEFORE.search(near)
        if match and not any(word.lower() in NOT_NAMES for word in match["name"].split()):
            return True
    match = _NAME_AFTER.search(after)
    return bool(match and not any(word.lower() in NOT_NAMES for word in match["name"].split()))


def _birth_dates(text: str, this_year: int):
    for pattern in _DATES:
        for match in pattern.finditer(text):
            year = _year(match, this_year)
            if year is None:
                continue
            before = text[max(0, match.start() - WINDOW):match.start()]
            after = text[match.end():match.end() + WINDOW]
            lower = before.lower()
            if any(cue in lower for cue in _CUE_WORDS) and _BIRTH_CUE.search(before):
                yield match, year
            elif this_year - OLDEST <= year <= this_year - YOUNGEST and _next_to_a_child(before, after, lower):
                yield match, year


def _named_pupils(text: str):
    if not any(c.isupper() for c in text):
        return
    for match in _NAMED_PUPIL.finditer(text):
        if match["title"] or any(word.lower() in NOT_NAMES for word in match["name"].split()):
            continue
        if _NOT_A_CHILD_AFTER.search(match["rest"]):
            continue
        yield match


def screen(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """Everything in `text` that looks like it identifies a child, in the order found (empty when none)."""
    if not text:
        return []
    this_year = (today or dt.date.today()).year
    many_lines = "\n" in text.strip()
    found: list[tuple[int, str, str]] = []
    for match in _UPN.finditer(text):
        if is_upn(match.group(0)):
            found.append((match.start(), "upn", mask(match.group(0))))
    for match in _NHS.finditer(text):
        if is_nhs_number(match.group(0)):
            found.append((match.start(), "nhs", mask(match.group(0), keep_start=0, keep_end=3)))
    for match in _named_pupils(text):
        initials = " ".join(word[0] + "*" * (len(word) - 1) for word in match["name"].split())
        found.append((match.start("name"), "named_pupil", f"{initials}, {match['group']}"))
    seen = set()
    for match, year in _birth_dates(text, this_year):
        if match.start() not in seen:
            seen.add(match.start())
            found.append((match.start(), "birth_date", f"a date in {year}"))
    found.sort()
    return [Finding(kind, masked, text.count("\n", 0, start) + 1, many_lines) for start, kind, masked in found]


def identity_problems(text: str, *, today: dt.date | None = None) -> list[str]:
    """What in `text` looks like a pupil's identity, in words a user understands (empty when none)."""
    return [finding.problem for finding in screen(text, today=today)]


def refusal(label: str, findings: list[Finding], *, where: str = "",
            advice: str = "Remove it: this service must not hold information that could identify a child") -> str:
    """The error message for a field or a document that holds something identifying a child: what was
    found, masked, and where."""
    first = findings[0]
    place = ", ".join(p for p in (where, first.where) if p)
    more = f" and {len(findings) - 1} more" if len(findings) > 1 else ""
    from .plain_errors import field_subject

    return f"{field_subject(label)} contains something that looks like {first.what} ({first.masked}{', ' + place if place else ''}){more}. {advice}"
