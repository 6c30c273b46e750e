import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sendfund.core.audit import audit_record, audit_timeline
from sendfund.core.models import AuditEvent
from sendfund.core.money import MoneyError, format_pounds, largest_remainder, parse_pounds, to_pence
from sendfund.core.years import academic_year_of, ay_label, financial_year_of, fy_label


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("sendfund.core.views.connection", Unreachable())
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize(("text", "pounds"), [("£1,234.56", "1234.56"), ("1234.5", "1234.50"), (" 7 ", "7.00"), ("0", "0.00")])
def test_parse_pounds(text, pounds):
    assert parse_pounds(text) == Decimal(pounds)


@pytest.mark.parametrize(("text", "message"), [("", "Enter an amount"), ("12.345", "no more than 2 decimal places"),
                                               ("ten", "in pounds and pence"), ("NaN", "in pounds and pence")])
def test_parse_pounds_refuses_with_a_message(text, message):
    with pytest.raises(MoneyError, match=message):
        parse_pounds(text)


def test_format_pounds():
    assert format_pounds(Decimal("933333.333")) == "£933,333.33"
    assert format_pounds(Decimal("-5")) == "\u2212£5.00"
    assert format_pounds(123456, pence=True) == "£1,234.56"


def test_year_labels():
    import datetime as dt

    assert fy_label(2014) == "FY 2014-15" and ay_label(2014) == "AY 2014/15" and fy_label(1999) == "FY 1999-00"
    assert financial_year_of(dt.date(2015, 3, 31)) == 2014 and financial_year_of(dt.date(2015, 4, 1)) == 2015
    assert academic_year_of(dt.date(2014, 8, 31)) == 2013 and academic_year_of(dt.date(2014, 9, 1)) == 2014


@given(total=st.integers(min_value=0, max_value=10**11),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any))
def test_largest_remainder_sums_exactly_and_is_fair(total, weights):
    shares = largest_remainder(total, weights)
    assert sum(shares) == total
    whole = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = Decimal(total) * weight / whole
        assert abs(Decimal(share) - exact) < 1
        assert share >= 0


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2))
def test_pence_round_trip(pounds):
    assert Decimal(to_pence(pounds)) / 100 == pounds


@pytest.mark.django_db
def test_audit_events_are_append_only(world):
    event = audit_record(actor=world.users["la_officer"], verb="test.done", target=world.cluster,
                         before={"amount": Decimal("1.50")}, after={"amount": Decimal("2.00")})
    assert event.after == {"amount": "2.00"}
    assert list(audit_timeline(target=world.cluster))[0] == event
    event.verb = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_error_pages_are_in_plain_english(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    from sendfund.core.views import error_500

    response = error_500(None)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.django_db
def test_help_addresses_are_each_councils_own(client, settings):
    """The help, accessibility, privacy and error pages give the addresses the council set, never another's."""
    from sendfund.core.views import error_500

    settings.SENDFUND_HELP_EMAIL = "send-help@cambs.example"
    settings.SENDFUND_HELP_PHONE = "01223 000000"
    settings.SENDFUND_DPO_EMAIL = "dpo@cambs.example"
    pages = {name: client.get(f"/{name}/").content.decode() for name in ("help", "accessibility", "privacy")}
    pages["500"] = error_500(None).content.decode()
    assert "send-help@cambs.example" in pages["help"] and "01223 000000" in pages["help"]
    assert "send-help@cambs.example" in pages["accessibility"] and "send-help@cambs.example" in pages["500"]
    assert "dpo@cambs.example" in pages["privacy"]
    assert not [name for name, page in pages.items() if "norfolk" in page.lower() or "0344 800 8020" in page]


def _session_writes(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("UPDATE \"django_session\"",
                                                                           "INSERT INTO \"django_session\""))]


def test_a_signed_in_session_is_written_only_when_its_last_write_is_old(world, client_for, monkeypatch):
    """The idle timeout is kept (the session's expiry moves on) without a write on every request."""
    import time as time_module

    from sendfund.core import middleware

    client = client_for("la_officer")  # core sits below accounts: the role by its value
    url = reverse("core:help")
    clock = [time_module.time() + middleware.SESSION_REFRESH_SECONDS]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    assert len(_session_writes(client, url)) == 1  # the last write is old: this request writes
    assert _session_writes(client, url) == []
    clock[0] += middleware.SESSION_REFRESH_SECONDS - 1
    assert _session_writes(client, url) == []
    page = client.get(url).content.decode()
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE - middleware.SESSION_REFRESH_SECONDS + 1}"' in page
    clock[0] += 2
    assert len(_session_writes(client, url)) == 1
    page = client.get(url).content.decode()
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in page


@given(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_a_round_opened_today_closes_in_a_financial_year_that_has_started(today):
    from sendfund.core.years import round_close_within_financial_year

    closes = round_close_within_financial_year(today)
    assert today <= closes <= today + dt.timedelta(days=60)
    assert financial_year_of(closes) == financial_year_of(today)


def test_a_count_reads_as_people_write_it():
    from sendfund.core.numbers import counted

    assert [counted(n, "row") for n in (0, 1, 2, 1204)] == ["0 rows", "1 row", "2 rows", "1,204 rows"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"
