"""The council's set-up and cluster pages in a browser: the administrator's set-up page with its progress, the
officer's cluster-list upload with a refusal, and carrying clusters forward; axe on every page."""

import datetime as dt

import pytest

from sendfund.accounts.roles import Role

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_set_up_upload_and_carry_forward_pages(page, live_server, e2e_world, tmp_path):
    from sendfund.registry.importers import ensure_census_indicators
    from sendfund.registry.models import ClusterMembership, Phase, School, SchoolFigure
    from sendfund.registry.setup import council_set

    council_set(la_code=926)
    new = School.objects.create(urn=150002, la_code=926, name="New Free School", phase=Phase.PRIMARY,
                                postcode="NR1 2AB")
    pupils = ensure_census_indicators()["pupils"]
    for school in (e2e_world.school, new):
        SchoolFigure.objects.create(school=school, indicator=pupils, academic_year=2022,
                                    census_date=dt.date(2023, 1, 19), value=100)

    sign_in(page, live_server, e2e_world.users[Role.ADMINISTRATOR].email, e2e_world.password)
    page.goto(f"{live_server.url}/manage/council/")
    assert "This site runs for Norfolk County Council" in page.inner_text("main")
    assert_accessible(page, context="(council set-up)")
    page.get_by_label("Local authority code").fill("99")
    page.get_by_role("button", name="Set up the council").click()
    assert "Enter the council's code as 3 digits" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, context="(set-up error)")
    page.goto(f"{live_server.url}/manage/council/setups/{e2e_world.council_setup.pk}/")
    assert "1 step finished" in page.inner_text("main")
    assert_accessible(page, context="(set-up progress)")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, e2e_world.users[Role.LA_OFFICER].email, e2e_world.password)
    page.goto(f"{live_server.url}/manage/clusters/")
    page.get_by_role("link", name="Import the council's cluster lists").click()
    assert_accessible(page, context="(cluster list upload)")
    bad = tmp_path / "lists.csv"
    bad.write_text("urn,cluster,academic_year\n121001,Alpha cluster,2022\n121001,Beta cluster,2022\n")
    page.get_by_label("Cluster membership file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import the clusters").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "row 3 (counting the header as row 1), column cluster" in summary and "in two clusters" in summary
    assert_accessible(page, context="(upload refused)")
    assert not ClusterMembership.objects.filter(academic_year=2022).exists()

    page.goto(f"{live_server.url}/manage/clusters/")
    page.get_by_role("link", name="carry the clusters forward to a new census year").click()
    assert "New Free School (URN 150002" in page.inner_text("main")
    assert_accessible(page, context="(carry forward)")
    page.get_by_label("New Free School (URN 150002, Primary)").select_option(label="Beta cluster")
    page.get_by_role("button", name="Carry the clusters forward to AY 2022/23").click()
    page.wait_for_load_state()
    assert "Clusters carried forward to AY 2022/23" in page.inner_text("main")
    assert_accessible(page, context="(clusters after carrying forward)")
    assert ClusterMembership.objects.get(school=new, academic_year=2022).cluster == e2e_world.other_cluster
