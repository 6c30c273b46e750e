"""The pot page: balances by financial and by academic year, every year shown, every table inside the page."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sendfund.accounts.roles import Role
from sendfund.core.years import fy_label
from sendfund.funds import proration, selectors, services
from sendfund.funds.services import Line
from tests.html_tables import table, tables

from .factories import fund_with_streams

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_financial_year_divides_between_its_academic_years_by_months_available():
    import datetime as dt

    start = dt.date(2014, 9, 1)
    # FY 2014-15: the fund is available September to March only, all in AY 2014/15.
    assert proration.financial_year_parts(financial_year=2014, starts_on=start, ends_on=None) == {2013: 0, 2014: 1}
    assert proration.financial_year_parts(financial_year=2015, starts_on=start, ends_on=None) == {
        2014: Fraction(5, 12), 2015: Fraction(7, 12)}
    assert proration.share_between(amount=D("800000.00"), parts={2014: Fraction(5, 12), 2015: Fraction(7, 12)}) == {
        2014: D("333333.33"), 2015: D("466666.67")}


@given(amount=st.decimals(min_value=-10**8, max_value=10**8, places=2),
       a=st.integers(min_value=0, max_value=12), b=st.integers(min_value=0, max_value=12))
def test_sharing_keeps_every_penny(amount, a, b):
    if a + b == 0:
        return
    parts = {1: Fraction(a, a + b), 2: Fraction(b, a + b)}
    shares = proration.share_between(amount=amount, parts=parts)
    assert sum(shares.values()) == amount


def test_academic_years_add_up_to_the_financial_years():
    fund, capacity, development = fund_with_streams()
    for year in (2014, 2015, 2017):
        services.pot_allocate_year(fund=fund, financial_year=year)
    services.ledger_commit(lines=[Line(capacity, 2015, D("50000.01")), Line(development, 2017, D("1234.57"))],
                           source="award", reference="SCF-1", actor=None)
    services.ledger_pay(stream=capacity, financial_year=2015, amount=D("20000.00"), reference="SCF-1", actor=None)
    o = selectors.pot_overview(fund=fund)
    assert [y.year for y in o.by_fy] == [2014, 2015, 2016, 2017]  # no year skipped
    assert o.by_fy[2].by_stream == {}
    assert [y.year for y in o.by_ay] == [2013, 2014, 2015, 2016, 2017]
    for field in ("allocated", "committed", "paid"):
        assert sum(getattr(y.total, field) for y in o.by_ay) == sum(getattr(y.total, field) for y in o.by_fy)
    ay = {y.year: y for y in o.by_ay}
    assert ay[2014].by_stream["capacity"].committed == D("20833.34")  # 5/12 of FY 2015-16's £50,000.01
    assert ay[2015].by_stream["capacity"].paid == D("11666.67")  # 7/12 of £20,000
    assert [y.year for y in o.available_fy] == list(range(2014, 2018))


def _money(text: str) -> Decimal:
    return D(text.replace("\u2212", "-").replace("£", "").replace(",", ""))


def test_the_page_shows_committed_and_paid_by_both_kinds_of_year(world, client_for):
    year = min(p.financial_year for p in world.capacity.pots.all())
    services.ledger_commit(lines=[Line(world.capacity, year, D("9000.00"))], source="award", reference="SCF-9",
                           actor=None)
    services.ledger_pay(stream=world.capacity, financial_year=year, amount=D("3000.00"), reference="SCF-9", actor=None)
    services.pot_allocate_year(fund=world.fund, financial_year=year + 4)  # a year that jumps
    ledger = [r.balance for r in selectors.pot_rows(fund=world.fund) if r.stream_kind == "capacity"]
    committed, paid = sum(b.committed for b in ledger), sum(b.paid for b in ledger)
    assert committed >= D("9000.00") and paid == D("3000.00")
    html = client_for(Role.DECISION_MAKER).get(reverse("funds:pot")).content
    for caption in ("Balances by financial year", "Balances by academic year"):
        rows = table(html, caption).rows_by_header()
        capacity = [r for r in rows if r["Year and stream"].endswith("capacity")]
        assert sum(_money(r["Committed"]) for r in capacity) == committed, caption
        assert sum(_money(r["Paid"]) for r in capacity) == paid, caption
    fy_rows = [r[0] for r in table(html, "Balances by financial year").rows]
    assert [f"FY {year + 2}-{(year + 3) % 100:02d}"] == [r for r in fy_rows if r.startswith(f"FY {year + 2}-")]
    text = html.decode()
    assert "Not allocated" in text and "this system's ledger starts in" in text


def test_every_table_sits_in_a_scrolling_box(world, client_for):
    html = client_for(Role.DECISION_MAKER).get(reverse("funds:pot")).content.decode()
    assert len(tables(html)) == 4
    # the project's one scroll container (the scroll_region tag): a labelled region a keyboard can focus
    assert len(re.findall(r'<div class="sf-table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*<table',
                          html)) == 4


def test_a_year_before_the_ledger_starts_cannot_be_allocated(world, client_for):
    """The pot page says the years before the ledger's first were run before the system: posting one of them
    (the button offers only the next year) is refused, and nothing is written."""
    from sendfund.funds.models import LedgerEntry

    starts = min(p.financial_year for p in world.capacity.pots.filter(entries__kind="allocation"))
    entries = LedgerEntry.objects.count()
    response = client_for(Role.DECISION_MAKER).post(reverse("funds:allocate"), {"year": str(starts - 1)},
                                                    follow=True)
    assert "This ledger starts in" in response.content.decode()
    assert LedgerEntry.objects.count() == entries


def test_allocating_a_year_asks_first_and_shows_what_each_stream_gets(world, client_for):
    """The pot page's button opens a page with each stream's amount for the year (as the ledger then records
    it, to the penny); nothing is written until its button is pressed; a year allocated already, or outside
    the fund's life, is refused with the reason, back on the pot page."""
    from sendfund.core.money import format_pounds
    from sendfund.funds.models import LedgerEntry

    client = client_for(Role.DECISION_MAKER)
    year = selectors.next_year_to_allocate(fund=world.fund)
    pot_page = client.get(reverse("funds:pot")).content.decode()
    assert f'href="{reverse("funds:allocate")}?year={year}"' in pot_page
    entries = LedgerEntry.objects.count()
    confirm = client.get(reverse("funds:allocate"), {"year": year}).content.decode()
    assert LedgerEntry.objects.count() == entries
    rows = table(confirm, "What each stream will get").by_first_column()
    planned = services.allocation_planned(fund=world.fund, financial_year=year)
    assert rows["Capacity"][fy_label(year)] == format_pounds(planned["capacity"])
    assert rows["Development"][fy_label(year)] == format_pounds(planned["development"])
    assert rows["Total"][fy_label(year)] == format_pounds(planned["capacity"] + planned["development"])
    response = client.post(reverse("funds:allocate"), {"year": year}, follow=True)
    assert f"{fy_label(year)} allocated to the streams." in response.content.decode()
    allocated = {e.pot.stream.kind: e.amount for e in LedgerEntry.objects.filter(
        kind="allocation", pot__financial_year=year).select_related("pot__stream")}
    assert allocated == planned
    for bad, says in ((year, "has already been allocated"), (2090, "Choose a financial year from")):
        response = client.get(reverse("funds:allocate"), {"year": bad}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("funds:pot") and says in response.content.decode()
    assert client_for(Role.LA_OFFICER).get(reverse("funds:allocate")).status_code == 403
