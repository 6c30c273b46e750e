"""A member of the public finds the open data from the footer, reads the page and downloads both files."""

import json

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_a_visitor_finds_and_downloads_the_open_data(page, live_server, e2e_world):
    from sendfund.casework.models import Case, Outcome, State
    from sendfund.casework.tests.factories import advance, submitted_application
    from sendfund.registry.models import Council

    Council.objects.create(la_code=926, name="Norfolk County Council", area_code="E10000020", org_id="GB-LAE-NFK")
    case = advance(e2e_world, submitted_application(e2e_world), State.IN_DELIVERY)
    # Published: this case and the world's own awards that are approved and offered, in delivery or closed.
    published = {f"360G-SENDFUND-{c.reference}" for c in Case.objects.filter(
        outcome__in=(Outcome.APPROVED, Outcome.APPROVED_IN_PART),
        status__in=(State.OFFER_ACCEPTED, State.IN_DELIVERY, State.CLOSED))}
    assert f"360G-SENDFUND-{case.reference}" in published

    page.goto(f"{live_server.url}/help/")
    page.get_by_role("link", name="Open data").click()
    assert page.locator("h1").inner_text() == "Open data: SEND cluster funding grants"
    assert "Open Government Licence v3.0" in page.content()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Grants as 360Giving JSON (360giving.json)").click()
    package = json.loads(download.value.path().read_text())
    ids = [g["id"] for g in package["grants"]]
    assert len(ids) == len(set(ids)) and set(ids) == published
    assert Case.objects.filter(status=State.DECIDED).exists() and not any(
        f"360G-SENDFUND-{c.reference}" in ids for c in Case.objects.filter(status=State.DECIDED))
    with page.expect_download() as download:
        page.get_by_role("link", name="Grants as a spreadsheet (360giving.xlsx, Excel)").click()
    assert download.value.suggested_filename == "360giving.xlsx"
    assert download.value.path().read_bytes()[:2] == b"PK"
