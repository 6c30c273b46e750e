"""The one privacy screen: each pattern found, ordinary numbers left alone, and identifiers never echoed
back in full. Property tests generate UPNs and NHS numbers by the published rules."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendfund.core.privacy import (
    UPN_LETTERS,
    identity_problems,
    is_nhs_number,
    is_upn,
    nhs_check_digit,
    refusal,
    screen,
    upn_check_letter,
)

TODAY = dt.date(2026, 11, 28)


def kinds(text):
    return [finding.kind for finding in screen(text, today=TODAY)]


# --- UPNs -------------------------------------------------------------------------------------------------

def test_the_check_letter_follows_the_dfe_rule():
    # characters 2 to 13 times weights 2 to 13: 2+6+12+20+30+42+56+72+90+0+12+26 = 368; 368 mod 23 = 0: A
    assert upn_check_letter("123456789012") == "A"
    # a temporary UPN ends in a letter worth its place in the table (B = 1): 368 - 26 + 13 = 355 = 15*23 + 10: L
    assert upn_check_letter("12345678901B") == "L"
    assert len(UPN_LETTERS) == 23 and not set("IOS") & set(UPN_LETTERS)


upn_bodies = st.builds(lambda digits, last: digits + last,
                       st.text("0123456789", min_size=11, max_size=11),
                       st.sampled_from(list("0123456789") + list(UPN_LETTERS)))


@given(upn_bodies, st.sampled_from(["{}", "{} ", "{}-"]), st.sampled_from(["", " ", "  "]))
def test_any_valid_upn_is_found_with_or_without_spaces(body, joiner, inner):
    upn = upn_check_letter(body) + body
    spaced = joiner.format(upn[0]) + inner.join([upn[1:4], upn[4:8], upn[8:]]) if inner else upn
    for text in (upn, f"Pupil {spaced} needs help", f"UPN: {upn.lower()}", f"{spaced}\tYear 4"):
        assert "upn" in kinds(text), text


@given(upn_bodies, st.sampled_from(UPN_LETTERS))
def test_a_13_character_code_with_the_wrong_check_letter_is_not_a_upn(body, letter):
    if letter != upn_check_letter(body):
        assert not is_upn(letter + body)
        assert "upn" not in kinds(f"Reference {letter}{body} on the invoice")


@pytest.mark.parametrize("text", ["A12345678901 is too short", "A1234567890123 is too long", "ref XA123456789012",
                                  "A123456789012B", "I123456789012"])
def test_near_misses_are_not_upns(text):
    assert "upn" not in kinds(text)


# --- NHS numbers ------------------------------------------------------------------------------------------

def test_the_nhs_check_digit_is_modulus_11():
    assert nhs_check_digit("943476591") == 9  # the NHS's own example number, 943 476 5919
    assert is_nhs_number("943 476 5919") and is_nhs_number("943-476-5919") and is_nhs_number("9434765919")
    assert not is_nhs_number("9434765918")


nine_digits = st.text("0123456789", min_size=9, max_size=9).filter(lambda d: d[0] != "0")


@given(nine_digits, st.sampled_from(["", " ", "-"]))
def test_any_valid_nhs_number_is_found(first_nine, separator):
    check = nhs_check_digit(first_nine)
    if check is not None:
        number = separator.join([first_nine[:3], first_nine[3:6], first_nine[6:] + str(check)])
        assert kinds(f"NHS no. {number}") == ["nhs"]


@given(nine_digits, st.integers(0, 9))
def test_ten_digits_with_the_wrong_check_digit_are_not_an_nhs_number(first_nine, last):
    if last != nhs_check_digit(first_nine):
        assert "nhs" not in kinds(f"Order {first_nine}{last}")


# --- dates of birth -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "born on 3 April 2015", "DOB 03/04/2015", "D.O.B.: 3.4.15", "Date of birth: 2015-04-03", "birthday 3rd April 2015",
    "a child (03/04/2015) in Year 4", "Jack Smith 03/04/2015", "Smith, Jack, 03/04/2015", "Jack Smith\t03/04/2015",
    "03/04/2015 Jack Smith", "Oliver, 3 May 2016", "pupil aged 4, born April 3, 2015",
])
def test_a_date_of_birth_is_found(text):
    assert kinds(text) == ["birth_date"]


@pytest.mark.parametrize("text", [
    "The heads met on 12/10/2026", "Starts 1/9/2027", "Meeting with Sarah Jones 12/10/2026",
    "On 3 April 2015 the cluster was formed", "Term starts 05/09/2024", "Updated 03/04/2019",
    "Autumn Term 2024 review on 1/11/2024", "Agreed at County Hall 12/10/2019",
])
def test_dates_of_meetings_and_events_are_not_dates_of_birth(text):
    assert kinds(text) == []


# --- ordinary numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "38 pupils in Years 3 to 6", "£12,500 in FY 2026-27", "URN 121001", "LAESTAB 9262004", "926/2004",
    "AY 2026/27", "Call 01603 223 456", "Call 01603223456", "0800 123 4567", "Tel: +44 1603 223456",
    "£1234567890.00", "1,234,567,890", "Total 9434765919.50", "Version 1.2.3", "SCF-2026-0012",
])
def test_ordinary_numbers_are_not_flagged(text):
    assert kinds(text) == []


@given(st.integers(100000, 999999))
def test_no_urn_is_flagged(urn):
    assert kinds(f"URN {urn}, {urn}") == []


@given(st.text("0123456789", min_size=9, max_size=10))
def test_no_uk_phone_number_is_flagged(digits):
    assert kinds(f"Call 0{digits} or 0{digits[:4]} {digits[4:]}") == []


@given(st.decimals(min_value=0, max_value=10 ** 12, places=2, allow_nan=False))
def test_no_amount_is_flagged(amount):
    assert kinds(f"£{amount:,.2f} or {amount:.2f} pounds") == []


# --- what a finding says ------------------------------------------------------------------------------------

def test_a_finding_says_what_and_where_and_masks_the_identifier():
    text = "Notes\nPupil A123456789012 and NHS 943 476 5919\nJack Smith 03/04/2015"
    problems = identity_problems(text, today=TODAY)
    assert problems == ["something that looks like a unique pupil number (UPN) (A**********12, line 2)",
                        "something that looks like an NHS number (*******919, line 2)",
                        "something that looks like a date of birth (a date in 2015, line 3)"]
    message = refusal("Notes of the meeting", screen(text, today=TODAY))
    assert message == ("Notes of the meeting contains something that looks like a unique pupil number (UPN) "
                       "(A**********12, line 2) and 2 more. Remove it: this service must not hold information "
                       "that could identify a child")
    assert "A123456789012" not in " ".join(problems) + message and "9434765919" not in message
    asked = refusal("What is your evidence?", screen(text, today=TODAY))
    assert asked.startswith("Your answer to ‘What is your evidence?’ contains something that looks like a unique ")


@given(st.text(max_size=300))
def test_any_text_is_screened_without_error(text):
    for finding in screen(text, today=TODAY):
        assert finding.kind in ("upn", "nhs", "birth_date")


NAMED_PUPILS = ["Jamie Smith in Year 4 is struggling and his mum agreed", "We discussed Jamie Smith (Year 4) and his EHCP",
                "Jamie Smith, Year 4, has an EHCP", "Ava Brown Y3 needs support", "Leo Khan in Reception",
                "notes:\nSupport for Priya Patel (year 10)",
                # names with a hyphen, an apostrophe, an accent or a capital inside; Year R; a dash or colon between
                "Olivia Smith-Jones (Yr 6) needs speech support", "Sean O'Brien in Year 4 has an EHC plan",
                "Zoë Brown in Year 3 struggles", "Leo Khan in Year R", "Jamie Smith - Year 4", "Jamie Smith: Year 4",
                "Jamie Smith (Y 4)", "Jamie McDonald, Year 5"]
NOT_NAMED_PUPILS = ["Sarah Brown (Year 6 teacher) will lead", "Mrs Jones in Year 6", "Hana Host, Year 6 lead",
                    "Alpha Primary Year 5 pupils", "County Hall Year 2026", "Spring Term Year 4 review",
                    "The Year 6 cohort at Alpha High", "Thorpe Hamlet Year 3 class", "Key Stage 2 results for Year 6",
                    "Catch Up Year 7 curriculum", "Alpha High School Year 11 results", "Beta Primary, Year 2 phonics",
                    "Transition from Year 6 to 7", "Speech and language screening in Reception",
                    "Acle Academy in Year 7 transition", "Our SENCO Team - Year 4 leads",
                    "The Cluster Lead (Year 2) will review", "St Mary's in Year 1", "Maths Group: Year 6 pupils",
                    "Early Help - Year R staff"]


@pytest.mark.parametrize("text", NAMED_PUPILS)
def test_a_child_named_with_their_year_group_is_found_and_masked(text):
    [finding] = screen(text)
    assert finding.kind == "named_pupil" and finding.what == "a child's name with their year group"
    first, last = finding.masked.split(",")[0].split()
    assert first[0].isupper() and set(first[1:]) == {"*"} and set(last[1:]) == {"*"}
    assert not any(name in finding.problem for name in ("Jamie", "Smith", "Priya", "Patel", "Khan", "Brien", "Zoë"))


@pytest.mark.parametrize("text", ["born on 3rd of April 2015", "NHS 943.476.5919"])
def test_a_birth_date_with_of_and_an_nhs_number_with_dots_are_found(text):
    assert [f.kind for f in screen(text, today=TODAY)] in (["birth_date"], ["nhs"])


@pytest.mark.parametrize("text", NOT_NAMED_PUPILS)
def test_staff_classes_and_places_with_a_year_group_are_not_flagged(text):
    assert screen(text) == []
