"""The adjustment page: the budget holder changes a pot with a reason; the pot page shows the new figure."""

import html as htmllib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.funds.models import LedgerEntry
from sendfund.funds.selectors import pot_rows

pytestmark = pytest.mark.django_db


def test_an_adjustment_is_recorded_and_shown_and_cannot_take_committed_money(world, client_for):
    from sendfund.funds.selectors import fund_current

    row = pot_rows(fund=fund_current())[0]
    client = client_for(Role.DECISION_MAKER)
    url = reverse("funds:adjust")
    response = client.post(url, {"pot": f"{row.stream_id}-{row.financial_year}", "amount": "1,234.56",
                                 "note": "Schools' Forum added money"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.filter(kind="adjustment").get()
    assert entry.amount == Decimal("1234.56") and entry.note == "Schools' Forum added money"
    page = client.get(reverse("funds:pot")).content.decode()
    label = f"{row.year_label}, {row.stream_label.lower()}"
    cells = re.search(rf"{re.escape(htmllib.escape(label))}</th>(.*?)</tr>", page, re.S).group(1)
    allocated = htmllib.unescape(re.findall(r">([^<]+)</td>", cells)[0])
    assert allocated == f"£{row.balance.allocated + Decimal('1234.56'):,.2f}"
    too_much = row.balance.remaining + Decimal("1234.56") + Decimal("0.01")
    response = client.post(url, {"pot": f"{row.stream_id}-{row.financial_year}", "amount": f"-{too_much}",
                                 "note": "Cut"})
    assert response.status_code == 200
    assert "is not committed" in htmllib.unescape(response.content.decode())
    assert LedgerEntry.objects.filter(kind="adjustment").count() == 1
    assert client_for(Role.LA_OFFICER).get(url).status_code == 403
