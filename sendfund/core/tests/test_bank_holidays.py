"""A newer bank-holiday calendar loads from a GOV.UK file, and the working-days code uses it (issue 9)."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from sendfund.core import workdays
from sendfund.core.models import AuditEvent, BankHoliday

pytestmark = pytest.mark.django_db

D = dt.date


def _file(tmp_path, events, division="england-and-wales"):
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps({division: {"division": division, "events": events},
                                "scotland": {"division": "scotland", "events": []}}))
    return path


NEW_YEAR_2029 = {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": True}
GOOD_FRIDAY_2029 = {"title": "Good Friday", "date": "2029-03-30", "notes": "", "bunting": False}


def test_the_bundled_calendar_ends_in_2028_and_dates_after_it_are_flagged():
    assert workdays.calendar_ends_on() == D(2028, 12, 31)
    assert workdays.beyond_calendar(D(2029, 1, 2)) and not workdays.beyond_calendar(D(2028, 12, 29))
    assert workdays.is_working_day(D(2029, 1, 1))  # a Monday the bundled calendar does not know is a holiday


def test_a_loaded_calendar_is_used_by_the_working_days(tmp_path, capsys):
    call_command("load_bank_holidays", str(_file(tmp_path, [NEW_YEAR_2029, GOOD_FRIDAY_2029])))
    assert "2 bank holidays added" in capsys.readouterr().out
    assert not workdays.is_working_day(D(2029, 1, 1))
    assert workdays.add_working_days(D(2028, 12, 29), 1) == D(2029, 1, 2)  # Friday, then past New Year's Day
    assert workdays.add_working_days(D(2029, 3, 29), 1) == D(2029, 4, 2)
    assert workdays.calendar_ends_on() == D(2029, 12, 31)
    event = AuditEvent.objects.get(verb="calendar.bank_holidays_loaded")
    assert event.after["added"] == 2 and event.after["last"] == "2029-03-30"
    call_command("load_bank_holidays", str(_file(tmp_path, [NEW_YEAR_2029])))  # loading again changes nothing
    assert BankHoliday.objects.count() == 2


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not JSON"),
    (json.dumps({"scotland": {"events": []}}), "no 'england-and-wales' division"),
    (json.dumps({"england-and-wales": {"events": []}}), "has no events"),
    (json.dumps({"england-and-wales": {"events": [{"title": "X", "date": "01/01/2029"}]}}), "dates are written"),
    (json.dumps({"england-and-wales": {"events": [{"title": "X", "date": "0099-01-01"}]}}), "dates are written"),
    (json.dumps({"england-and-wales": {"events": [{"date": "2029-01-01"}]}}), "has no title"),
])
def test_a_file_not_in_the_govuk_format_is_refused_and_nothing_is_saved(tmp_path, content, message):
    path = tmp_path / "holidays.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("load_bank_holidays", str(path))
    assert BankHoliday.objects.count() == 0

