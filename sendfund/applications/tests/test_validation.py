"""Every validation message: in a GOV.UK error summary, linked to its field, with 'Error: ' in the title."""

import re
from html import unescape

import pytest

from .conftest import item_add_url, section_url

pytestmark = pytest.mark.django_db


def assert_error(response, field_id_prefix: str, message: str, *, prefix: bool = False):
    """`prefix=True`: the message begins with `message` (the rest names dates that depend on today)."""
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Error: " in html
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    assert "There is a problem" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert any(target.startswith(field_id_prefix) and (text.strip().startswith(message) if prefix
                                                       else text.strip() == message) for target, text in links), links
    # The same words inline, beside the field
    assert html.count(message) >= 2, f"{message!r} is not shown beside its field"


SECTION_CASES = [
    ("cluster-details", {}, "id_details_correct", "Select yes if these details are correct"),
    ("cluster-details", {"details_correct": "no"}, "id_corrections", "Enter what needs to change"),
    ("cluster-details", {"details_correct": "no", "corrections": "x" * 2001}, "id_corrections",
     "What needs to change must be 2,000 characters or fewer"),
    ("funding", {}, "id_streams", "Select the funding you are applying for"),
    ("evidence-capacity", {}, "id_unmet_need", "Describe the need your cluster cannot meet"),
    ("plans", {}, "id_development_plan_priorities", "Enter the main priorities in your cluster development plan"),
    ("plans", {}, "id_action_plan_priorities", "Enter the main actions in your SEN-D Action Plan"),
    ("sustainability", {}, "id_after_funding", "Enter what will happen when this funding stops"),
    ("sustainability", {"after_funding": "x" * 5001}, "id_after_funding",
     "Your answer to ‘What will happen when this funding stops?’ must be 5,000 characters or fewer"),
    ("governance", {}, "id_how_agreed", "Enter how the cluster agreed this bid"),
    ("governance", {"how_agreed": "At a meeting"}, "id_fund_holder", "Select the school that will hold the money"),
]


@pytest.mark.parametrize("key, data, field_id, message", SECTION_CASES)
def test_each_section_message_is_summarised_and_linked(host_client, draft, key, data, field_id, message):
    response = host_client.post(section_url(draft, key), {"version": "0", "action": "continue", **data})
    assert_error(response, field_id, message)


def test_development_evidence_messages(host_client, world, host):
    from .. import services

    application = services.application_start(cluster=world.cluster, round=world.round, streams=["development"],
                                             actor=host)
    response = host_client.post(section_url(application, "evidence-development"), {"version": "0"})
    assert_error(response, "id_current_practice", "Describe your cluster's current SEND practice")
    assert_error(response, "id_want_to_develop", "Enter what your cluster wants to develop")


ITEM_CASES = [
    ("activities", {}, "id_what", "Enter what you will do"),
    ("activities", {}, "id_delivered_by", "Enter who will deliver it"),
    ("activities", {}, "id_schools", "Select the schools that will benefit"),
    ("activities", {}, "id_starts_on", "Enter the start date"),
    ("activities", {}, "id_ends_on", "Enter the end date"),
    ("activities", {"starts_on_0": "31", "starts_on_1": "2", "starts_on_2": "2027"}, "id_starts_on",
     "Start date must be a real date"),
    ("activities", {"starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2027",
                    "ends_on_0": "1", "ends_on_1": "8", "ends_on_2": "2027"}, "id_ends_on",
     "The end date must be the same as or after the start date"),
    ("costs", {}, "id_category", "Select the kind of cost"),
    ("costs", {}, "id_description", "Enter a description of the cost"),
    ("costs", {}, "id_recurrence", "Select if the cost is one-off or recurring"),
    ("costs", {"category": "staff", "description": "x", "recurrence": "one_off"}, "id_amount_",
     "Enter an amount for at least one financial year"),
    ("costs", {"amount_YEAR": "12.345"}, "id_amount_", "Enter an amount with no more than 2 decimal places, like 12.50"),
    ("costs", {"amount_YEAR": "-5"}, "id_amount_", "Enter an amount of £0.00 or more"),
    ("costs", {"amount_YEAR": "12,50"}, "id_amount_",
     "Use a full stop before the pence, not a comma, like 1250.00 or £1,250.00"),
    ("costs", {"amount_YEAR": "1e309"}, "id_amount_",
     "Write the amount out in full, like 1250.00 or £1,250.00, not as a power of ten"),
    ("costs", {"amount_YEAR": "1E+30"}, "id_amount_",
     "Write the amount out in full, like 1250.00 or £1,250.00, not as a power of ten"),
    ("costs", {"amount_YEAR": "9" * 29}, "id_amount_", "Enter an amount of £9,999,999,999.99 or less"),
    ("costs", {"stream_kind": "capacity", "amount_YEAR": "800,000.01"}, "id_amount_",
     "must be no more than the whole capacity pot for the year, £800,000.00"),
    ("activities", {"starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "27"}, "id_starts_on",
     "Enter the year as 4 digits, for example 2027"),
    ("activities", {"starts_on_0": "31", "starts_on_1": "12", "starts_on_2": "9999"}, "id_starts_on",
     "Enter a date in the years of the bid"),
    ("activities", {"starts_on_0": "1", "starts_on_1": "1", "starts_on_2": "0099"}, "id_starts_on",
     "Enter a date in the years of the bid"),
    ("activities", {"starts_on_0": "１", "starts_on_1": "9", "starts_on_2": "2027"}, "id_starts_on",
     "Start date must be a real date"),
    ("outcomes", {}, "id_measure", "Enter what you will measure"),
    ("outcomes", {}, "id_baseline", "Enter the baseline"),
    ("outcomes", {}, "id_target", "Enter the target"),
    ("outcomes", {}, "id_by_when", "Enter the date you will reach the target"),
    ("outcomes", {}, "id_how_measured", "Enter how you will measure it"),
]


@pytest.mark.parametrize("kind, data, field_id, message", ITEM_CASES)
def test_each_item_message_is_summarised_and_linked(host_client, draft, kind, data, field_id, message):
    year = draft.financial_years[0]
    data = {k.replace("YEAR", str(year)): v for k, v in data.items()}
    response = host_client.post(item_add_url(draft, kind), {"version": "0", "action": "continue", **data})
    if message.startswith("must be"):
        message = f"Amount for FY {year}-{(year + 1) % 100:02d} {message}"
    assert_error(response, field_id, message, prefix=message.startswith("Enter a date in the years"))


def test_a_cost_line_for_both_streams_asks_which(host_client, world, host):
    from .. import services

    application = services.application_start(cluster=world.cluster, round=world.round,
                                             streams=["capacity", "development"], actor=host)
    response = host_client.post(item_add_url(application, "costs"), {"version": "0"})
    assert_error(response, "id_stream_kind", "Select the funding this cost is for")


def test_list_section_asks_if_finished_and_refuses_an_empty_list(host_client, draft):
    from django.urls import reverse

    url = reverse("applications:items", kwargs={"pk": draft.pk, "kind": "outcomes"})
    assert_error(host_client.post(url, {"version": "0"}), "id_finished", "Select if you have completed this section")
    assert_error(host_client.post(url, {"version": "0", "finished": "yes"}), "id_finished", "Add at least one outcome")


def test_start_asks_for_the_funding(host_client, world):
    from django.urls import reverse

    response = host_client.post(reverse("applications:start", kwargs={"round_pk": world.round.pk}), {})
    assert_error(response, "id_streams", "Select the funding you are applying for")


def test_sign_off_messages(client_for, world):
    from django.urls import reverse

    from sendfund.accounts.roles import Role

    client = client_for(Role.CERTIFIER)
    url = reverse("applications:sign-off", kwargs={"pk": world.application_awaiting.pk})
    assert_error(client.post(url, {}), "id_decision", "Select if you confirm this application")
    assert_error(client.post(url, {"decision": "send_back"}), "id_reason", "Enter what needs to change")


def test_declarations_messages(host_client, world):
    from .. import services
    from ..demo import fill

    application = fill(services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"],
                                                  actor=world.users["cluster_host"]), actor=world.users["cluster_host"])
    response = host_client.post(section_url(application, "declarations"), {"version": "1"})
    for field, message in [("id_accurate", "Confirm that the information is accurate"),
                           ("id_no_pupil_data", "Confirm that the application does not identify a child"),
                           ("id_monitoring", "Confirm that the cluster agrees to monitoring")]:
        assert_error(response, field, message)
