"""The 360Giving open data: valid against the official schema offline, only accepted awards, nothing personal,
and a spreadsheet that flattentool turns back into the same JSON."""

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from sendfund.accounts.models import User
from sendfund.applications.demo import TEXT
from sendfund.applications.models import Section
from sendfund.casework.models import Case, Outcome, State
from sendfund.casework.tests.factories import advance, submitted_application
from sendfund.registry.models import Council
from sendfund.reports import opendata

pytestmark = pytest.mark.django_db
SCHEMA_DIR = Path(settings.BASE_DIR) / "data" / "360giving" / "schema"


def validator() -> Draft202012Validator:
    """The official package and grant schemas, registered by their $id: no network (data/360giving/SOURCE.md)."""
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    registry = Registry().with_resources([(s["$id"], DRAFT202012.create_resource(s)) for s in (package, grant)])
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def _ids(cases) -> set[str]:
    return {f"360G-SENDFUND-{case.reference}" for case in cases}


@pytest.fixture
def world_grants(world) -> set[str]:
    """The grant ids the world's own cases should publish, read from its records before a test adds cases:
    approved or approved in part, and offer accepted, in delivery or closed (decided-only cases are not)."""
    cases = list(Case.objects.all())
    assert any(c.status == State.DECIDED for c in cases)  # the world holds a case that must stay unpublished
    return _ids(c for c in cases if c.outcome in (Outcome.APPROVED, Outcome.APPROVED_IN_PART)
                and c.status in (State.OFFER_ACCEPTED, State.IN_DELIVERY, State.CLOSED))


@pytest.fixture
def council(world):
    return Council.objects.create(la_code=926, name="Norfolk County Council", area_code="E10000020",
                                  org_id="GB-LAE-NFK")


@pytest.fixture
def published(world, council):
    """A case in delivery (one instalment paid, approved in part) and a closed one (approved, all paid)."""
    in_delivery = advance(world, submitted_application(world), State.IN_DELIVERY)
    closed = advance(world, submitted_application(world, streams=("development",), cluster=world.other_cluster),
                     State.CLOSED, outcome=Outcome.APPROVED)
    return in_delivery, closed


def test_the_package_is_valid_360giving_with_the_agreed_identifiers(world, world_grants, published):
    in_delivery, closed = published
    package = opendata.grants_package()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(package)]
    assert not errors, errors
    grants = {g["id"]: g for g in package["grants"]}
    assert len(grants) == len(package["grants"])
    assert set(grants) == world_grants | _ids(published)
    grant = grants[f"360G-SENDFUND-{in_delivery.reference}"]
    lines = list(in_delivery.lines.all())
    assert Decimal(str(grant["amountAwarded"])) == sum(ln.decided for ln in lines)
    assert Decimal(str(grant["amountAppliedFor"])) == sum(ln.requested for ln in lines)
    assert Decimal(str(grant["amountDisbursed"])) == in_delivery.instalments.get(paid_on__isnull=False).amount
    assert grant["amountDisbursed"] < grant["amountAwarded"]
    assert grant["fundingOrganization"] == [{"id": "GB-LAE-NFK", "name": "Norfolk County Council"}]
    assert grant["recipientOrganization"] == [{"id": "GB-EDU-121001", "name": "Alpha High School"}]
    assert grant["beneficiaryLocation"][0] == {"name": "Norfolk County Council", "countryCode": "GB",
                                               "geoCode": "E10000020", "geoCodeType": "CTY"}
    assert [p["code"] for p in grant["grantProgramme"]] == ["capacity", "development"]
    assert grant["awardDate"] == timezone.localdate(in_delivery.decided_at).isoformat()
    assert grant["currency"] == "GBP" and grant["fromOpenCall"] == "Yes"
    assert grant["classifications"][0]["code"] == "SEND"
    activity = in_delivery.application.activities.get()
    assert grant["plannedDates"] == [{"startDate": activity.starts_on.isoformat(),
                                      "endDate": activity.ends_on.isoformat()}]
    done = grants[f"360G-SENDFUND-{closed.reference}"]
    assert done["amountDisbursed"] == done["amountAwarded"]
    assert done["recipientOrganization"][0]["id"] == "GB-EDU-121003"
    assert package["modified"] == max(g["dateModified"] for g in package["grants"])


def test_the_grant_id_prefix_is_a_setting(world, published, settings):
    settings.SENDFUND_360G_PREFIX = "360G-NFK"
    assert all(g["id"].startswith("360G-NFK-SCF-") for g in opendata.grants_package()["grants"])


def test_the_recipient_is_the_fund_holder_the_cluster_named_else_its_host_school(world, council):
    case = advance(world, submitted_application(world), State.OFFER_ACCEPTED)
    Section.objects.filter(application=case.application, key="governance").update(
        answers={"how_agreed": "At a meeting", "fund_holder": "121002"})
    assert _recipient(case) == "GB-EDU-121002"
    Section.objects.filter(application=case.application, key="governance").update(answers={"fund_holder": ""})
    assert _recipient(case) == "GB-EDU-121001"


def _recipient(case) -> str:
    grants = {g["id"]: g for g in opendata.grants_package()["grants"]}
    return grants[f"360G-SENDFUND-{case.reference}"]["recipientOrganization"][0]["id"]


def test_withdrawn_declined_and_undecided_cases_are_not_published(world, world_grants, council):
    accepted = advance(world, submitted_application(world), State.OFFER_ACCEPTED)
    withdrawn = advance(world, advance(world, submitted_application(world), State.OFFER_ACCEPTED), State.WITHDRAWN)
    declined = advance(world, submitted_application(world), State.DECIDED, outcome=Outcome.DECLINED)
    decided = advance(world, submitted_application(world), State.DECIDED)
    assert withdrawn.status == State.WITHDRAWN and declined.outcome == Outcome.DECLINED
    ids = [g["id"] for g in opendata.grants_package()["grants"]]
    assert len(ids) == len(set(ids)) and set(ids) == world_grants | _ids([accepted])
    body = opendata.package_json(opendata.grants_package())
    for case in (withdrawn, declined, decided):
        assert case.reference not in body


def test_nothing_before_the_council_has_an_org_id(world, council, published):
    Council.objects.update(org_id="")
    assert opendata.grants_package()["grants"] == []


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return " ".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def test_nothing_personal_or_typed_by_users_is_published(world, published, client):
    json_body = client.get(reverse("reports:360giving-json")).content.decode()
    xlsx_body = _xlsx_text(client.get(reverse("reports:360giving-xlsx")).content)
    page = client.get(reverse("reports:open-data")).content.decode()
    people = [value for user in User.objects.all() for value in (user.full_name, user.email)]
    clusters = world.cluster, world.other_cluster
    people += [value for c in clusters for value in (c.host_name, c.host_email, c.send_lead_name, c.send_lead_email)
               if value]
    typed = [*TEXT.values(), "Speech and language screening", "Outreach worker", "A strong bid.", "Meets the criteria.",
             "Report each term.", "We discussed the plan.", "Sound bid."]
    assert len(people) > 10
    for body in (json_body, xlsx_body, page):
        assert "Alpha cluster" in body or body is page
        found = [value for value in [*people, *typed] if value.lower() in body.lower()]
        assert not found, found


def test_the_spreadsheet_unflattens_to_the_same_json(world, world_grants, published, client, tmp_path):
    import flattentool

    package = json.loads(client.get(reverse("reports:360giving-json")).content)
    response = client.get(reverse("reports:360giving-xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    (tmp_path / "grants.xlsx").write_bytes(response.content)
    (tmp_path / "schema.json").write_text(json.dumps(opendata.package_schema()))
    flattentool.unflatten(str(tmp_path / "grants.xlsx"), input_format="xlsx", output_name=str(tmp_path / "back.json"),
                          schema=str(tmp_path / "schema.json"), root_list_path="grants", root_id="", id_name="id",
                          convert_titles=True)
    back = json.loads((tmp_path / "back.json").read_text())
    assert {g["id"] for g in package["grants"]} == world_grants | _ids(published)
    assert back["grants"] == package["grants"]


def test_the_open_data_page_is_public_with_licence_links_and_last_change(world, world_grants, published, client):
    response = client.get(reverse("reports:open-data"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Open Government Licence v3.0" in page
    assert reverse("reports:360giving-json") in page and reverse("reports:360giving-xlsx") in page
    changed = opendata.last_changed(opendata.grants_package())
    assert f"{changed:%-d %B %Y}" in page
    count = len(world_grants | _ids(published))
    assert f'Grants</dt><dd class="govuk-summary-list__value">{count}<' in page.replace("\n", "")


def test_the_open_data_page_says_when_nothing_is_published(world, client):
    page = client.get(reverse("reports:open-data")).content.decode()
    assert "No grants have been published yet." in page
    assert reverse("reports:360giving-json") not in page


@pytest.mark.parametrize(("code", "kind"), [("E10000020", "CTY"), ("E06000001", "UA"), ("E08000003", "MD"),
                                            ("E09000007", "LONB"), ("S12000033", "")])
def test_the_area_code_kind_comes_from_the_360giving_codelist(code, kind):
    import csv

    codes = {row["Code"] for row in csv.DictReader((SCHEMA_DIR.parent / "codelists" / "geoCodeType.csv").open())}
    assert opendata.geo_code_type(code) == kind
    assert kind == "" or kind in codes


def test_the_package_is_read_in_a_fixed_number_of_queries(world, world_grants, published,
                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert len(opendata.grants_package()["grants"]) == len(world_grants | _ids(published))
    more = advance(world, submitted_application(world, streams=("capacity",)), State.OFFER_ACCEPTED)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(opendata.grants_package()["grants"]) == len(world_grants | _ids([*published, more]))


def test_every_page_links_to_the_open_data(world, client):
    assert 'href="/open-data/">Open data</a>' in client.get(reverse("core:help")).content.decode()
