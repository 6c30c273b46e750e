"""The administrator's set-up page with its progress, the council's cluster-list upload, and carrying clusters
forward from a page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.registry.models import ClusterMembership, Council, CouncilSetup, School
from sendfund.registry.setup import council_set


def test_a_setup_that_cannot_start_says_why(client_for, world):
    client = client_for(Role.ADMINISTRATOR)
    response = client.post(reverse("registry:council-setup"), {"la_code": "999"})
    assert response.status_code == 200
    assert "999 is not the code of an English local authority" in response.content.decode()
    response = client.post(reverse("registry:council-setup"), {"la_code": "87"})
    assert "Enter the council&#x27;s code as 3 digits" in response.content.decode()
    assert not CouncilSetup.objects.exclude(pk=world.council_setup.pk).exists()


@pytest.mark.django_db
def test_the_setup_page_runs_la_setup_and_shows_each_step(client_for, world, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    from sendfund.registry import tasks

    seen = {}

    def fake_la_setup(*, la_code, org_id, actor, progress):
        seen.update(la_code=la_code, org_id=org_id, actor=actor)
        progress("Council: City of London Corporation (LA 201, E09000001).")
        progress("AY 2018/19: 1 illustrative clusters built.")

    monkeypatch.setattr(tasks, "la_setup", fake_la_setup)
    client = client_for(Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:council-setup"), {"la_code": "201", "org_id": "GB-LAE-LND"})
    html = client.get(response["Location"]).content.decode()
    setup = CouncilSetup.objects.exclude(pk=world.council_setup.pk).get()
    assert setup.status == CouncilSetup.Status.DONE and len(setup.steps) == 2
    assert seen == {"la_code": 201, "org_id": "GB-LAE-LND", "actor": world.users[Role.ADMINISTRATOR]}
    assert "2 steps finished" in html and "1 illustrative clusters built" in html and "Finished" in html


def test_the_council_name_follows_the_la_code(client, db):
    assert "the council" in client.get(reverse("core:start")).content.decode()
    council_set(la_code=873)
    html = client.get(reverse("core:start")).content.decode()
    assert "Cambridgeshire County Council" in html and "Norfolk" not in html
    assert Council.objects.get().area_code == "E10000003"


def test_an_officer_uploads_cluster_lists_and_a_bad_file_changes_nothing(client_for, world):
    council_set(la_code=926)
    client = client_for(Role.LA_OFFICER)
    url = reverse("registry:membership-import")
    bad = SimpleUploadedFile("lists.csv", b"urn,cluster,academic_year\n121001,Alpha cluster,2022\n999999,Beta,2022\n")
    before = ClusterMembership.objects.count()
    response = client.post(url, {"file": bad})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "lists.csv, row 3 (counting the header as row 1), column urn: &#x27;999999&#x27; is not a school" in html
    assert ClusterMembership.objects.count() == before
    good = SimpleUploadedFile("lists.csv", b"urn,cluster,academic_year\n121001,Alpha cluster,2022\n"
                                           b"121002,Alpha cluster,2022/23\n")
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert ClusterMembership.objects.filter(academic_year=2022).count() == 2


def test_carrying_forward_from_the_page_applies_the_officers_choices(client_for, world):
    import datetime as dt

    from sendfund.registry.importers import ensure_census_indicators
    from sendfund.registry.models import Phase, SchoolFigure, SchoolLink

    council_set(la_code=926)
    pupils = ensure_census_indicators()["pupils"]
    # In the next census: Alpha High School continues, Alpha Primary converted, Beta High School closed, and one
    # new school opened.
    converted = School.objects.create(urn=150001, la_code=926, name="Alpha Primary Academy", phase=Phase.PRIMARY,
                                      postcode="NR1 1AB")
    new = School.objects.create(urn=150002, la_code=926, name="New Free School", phase=Phase.PRIMARY, postcode="NR1 2AB")
    SchoolLink.objects.create(school=School.objects.get(urn=121002), link_urn=150001, link_name="Alpha Primary Academy",
                              link_type="Successor")
    for school in (world.school, converted, new):
        SchoolFigure.objects.create(school=school, indicator=pupils, academic_year=2022, census_date=dt.date(2023, 1, 19),
                                    value=100)
    client = client_for(Role.LA_OFFICER)
    url = reverse("registry:carry-forward")
    html = client.get(url).content.decode()
    assert "Alpha Primary School (URN 121002)" in html and "Alpha Primary Academy (URN 150001)" in html
    assert "Beta High School (URN 121003)" in html and "New Free School (URN 150002" in html
    response = client.post(url, {"school_150002": world.other_cluster.code})
    assert response.status_code == 302
    got = dict(ClusterMembership.objects.filter(academic_year=2022).values_list("school__urn", "cluster__name"))
    assert got == {121001: "Alpha cluster", 150001: "Alpha cluster", 150002: "Beta cluster"}


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("Norfolk", "SC", "Norfolk County Council"), ("Hackney", "ILB", "London Borough of Hackney"),
    ("Barnsley", "MD", "Barnsley Council"), ("Bristol, City of", "UA", "Bristol City Council"),
    ("Herefordshire, County of", "UA", "Herefordshire Council"),
])
def test_council_names_read_as_councils_name_themselves(name, kind, expected):
    from sendfund.registry.setup import LocalAuthority, council_name

    assert council_name(LocalAuthority(1, name, "E1", kind)) == expected
