"""Saving, resuming, concurrent editing, the identity check, sign-off and references."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.core.privacy import identity_problems

from .. import selectors, services
from ..demo import fill
from ..models import Application, ReferenceCounter, Section, Status
from .conftest import item_add_url, section_url

pytestmark = pytest.mark.django_db


def _status(application, key):
    loaded = selectors.application_load(application=application)
    return selectors.section_status(loaded, next(s for s in loaded.specs if s.key == key))


# --- save and resume ---------------------------------------------------------------------------

def test_continue_saves_and_completes_the_section(host_client, draft):
    response = host_client.post(section_url(draft, "sustainability"),
                                {"version": "0", "action": "continue", "after_funding": "Schools keep it going."})
    assert response.status_code == 302 and response.url == reverse("applications:detail", kwargs={"pk": draft.pk})
    section = Section.objects.get(application=draft, key="sustainability")
    assert section.answers == {"after_funding": "Schools keep it going."} and section.completed and section.version == 1
    assert _status(draft, "sustainability") == "Completed"
    assert AuditEvent.objects.filter(verb="application.section_saved", target_id=str(draft.pk)).exists()


def test_save_and_come_back_later_keeps_half_finished_answers(host_client, draft):
    response = host_client.post(section_url(draft, "plans"), {
        "version": "0", "action": "save", "development_plan_priorities": "Early help", "action_plan_priorities": ""})
    assert response.status_code == 302 and response.url == reverse("applications:dashboard")
    assert _status(draft, "plans") == "In progress"
    # Sign out and back in: the answers are there, pre-filled.
    host_client.logout()
    host_client.force_login(draft.created_by, backend="sendfund.accounts.backends.EmailBackend")
    page = host_client.get(section_url(draft, "plans")).content.decode()
    assert "Early help" in page
    tasks = host_client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "In progress" in tasks and "Not yet started" in tasks


def test_save_and_come_back_later_on_an_item_keeps_it(host_client, draft):
    response = host_client.post(item_add_url(draft, "activities"), {
        "version": "0", "action": "save", "what": "Screening in Reception"})
    assert response.status_code == 302
    activity = draft.activities.get()
    assert activity.what == "Screening in Reception" and activity.starts_on is None
    assert _status(draft, "activities") == "In progress"
    url = reverse("applications:items", kwargs={"pk": draft.pk, "kind": "activities"})
    page = host_client.get(url).content.decode()
    assert "Screening in Reception" in page and "missing some answers" in page


def test_an_item_with_a_bad_amount_is_not_saved_and_nothing_typed_is_lost(host_client, draft):
    year = draft.financial_years[0]
    response = host_client.post(item_add_url(draft, "costs"), {
        "version": "0", "action": "save", "description": "Supply cover for training", f"amount_{year}": "twelve"})
    assert response.status_code == 200
    assert "Supply cover for training" in response.content.decode() and 'value="twelve"' in response.content.decode()
    assert not draft.cost_lines.exists()


def test_change_links_return_to_the_check_page(host_client, draft):
    response = host_client.post(section_url(draft, "sustainability", **{"return": "check"}),
                                {"version": "0", "after_funding": "It carries on."})
    assert response.url == reverse("applications:check", kwargs={"pk": draft.pk})
    check = host_client.get(reverse("applications:check", kwargs={"pk": draft.pk})).content.decode()
    assert section_url(draft, "sustainability") + "?return=check" in check


def test_cost_totals_are_decimal_and_labelled(host_client, draft):
    y = draft.financial_years[0]
    for amounts in ({f"amount_{y}": "1,234.56", f"amount_{y + 1}": "100"}, {f"amount_{y}": "0.44"}):
        response = host_client.post(item_add_url(draft, "costs"), {
            "version": "0", "category": "training", "description": "Course", "recurrence": "one_off", **amounts})
        assert response.status_code == 302
    assert selectors.application_requested_amounts(application=draft) == {
        ("capacity", y): Decimal("1235.00"), ("capacity", y + 1): Decimal("100.00")}
    page = host_client.get(reverse("applications:check", kwargs={"pk": draft.pk})).content.decode()
    assert "£1,234.56" in page and "£1,335.00" in page and f"FY {y}-{(y + 1) % 100:02d}" in page


# --- two people, one section -------------------------------------------------------------------

def test_a_stale_save_of_ones_own_other_tab_says_you_not_your_name(client_for, world, draft):
    lead = client_for(Role.CLUSTER_SEND_LEAD)
    url = section_url(draft, "sustainability")
    assert lead.post(url, {"version": "0", "after_funding": "First tab"}).status_code == 302
    page = lead.post(url, {"version": "0", "after_funding": "Second tab"}).content.decode()
    assert "You saved this section again since you opened this page" in page
    assert world.users[Role.CLUSTER_SEND_LEAD].full_name + " changed this section" not in page


def test_a_stale_save_warns_and_keeps_what_was_typed(client_for, world, draft):
    lead = client_for(Role.CLUSTER_SEND_LEAD)
    url = section_url(draft, "sustainability")
    # Both open the page at version 0; the SEND lead saves first.
    assert lead.post(url, {"version": "0", "after_funding": "The lead's answer"}).status_code == 302
    host = client_for(Role.CLUSTER_HOST)
    response = host.post(url, {"version": "0", "after_funding": "The host's answer"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed this section since you opened it" in page
    assert "The host&#x27;s answer" in page or "The host's answer" in page  # what the host typed, kept
    assert "The lead" in page  # what the lead saved, shown
    assert Section.objects.get(application=draft, key="sustainability").answers["after_funding"] == "The lead's answer"
    # The warning page carries the new version, so saving again is a deliberate overwrite.
    assert 'name="version" value="1"' in page
    assert host.post(url, {"version": "1", "after_funding": "The host's answer"}).status_code == 302
    assert Section.objects.get(application=draft, key="sustainability").answers["after_funding"] == "The host's answer"


def test_a_stale_item_change_is_refused_by_the_service(world, draft, host):
    activity = services.item_save(application=draft, kind="activities", item=None, expected_version=None,
                                  actor=host, data={"what": "One"})
    with pytest.raises(services.StaleSection):
        services.item_save(application=draft, kind="activities", item=activity, expected_version=0, actor=host,
                           data={"what": "Two"})
    activity.refresh_from_db()
    assert activity.what == "One"


# --- children's data -------------------------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("Pupil A123456789012 needs help", "unique pupil number"),
    ("UPN: A 1234 5678 9012", "unique pupil number"),
    ("temporary UPN L12345678901B", "unique pupil number"),
    ("NHS number 943 476 5919", "NHS number"),
    ("born on 3 April 2015", "date of birth"),
    ("DOB 03/04/2015", "date of birth"),
    ("a child (03/04/2015) in Year 4", "date of birth"),
    ("Date of birth: 3.4.15", "date of birth"),
])
def test_identity_is_spotted(text, found):
    assert any(found in p for p in identity_problems(text, today=dt.date(2026, 11, 28)))


@pytest.mark.parametrize("text", ["38 pupils in Years 3 to 6", "£12,500 in FY 2026-27", "URN 121001",
                                  "The heads met on 12/10/2026", "Starts 1/9/2027",
                                  "AY 2026/27", "A12345678901 is too short", "Call 01603 223 456",
                                  "B123456789012 has the wrong check letter", "LAESTAB 9262004"])
def test_ordinary_text_is_not_flagged(text):
    assert identity_problems(text, today=dt.date(2026, 11, 28)) == []


def test_a_upn_is_flagged_on_save_and_blocks_sign_off(host_client, world, host):
    application = fill(services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"],
                                                  actor=host), actor=host)
    response = host_client.post(section_url(application, "sustainability"),
                                {"version": "1", "after_funding": "Pupil A123456789012 keeps the support"},
                                follow=True)
    page = response.content.decode()
    assert "Sustainability" in page and "unique pupil number" in page and "Remove it before you submit" in page
    check = host_client.get(reverse("applications:check", kwargs={"pk": application.pk})).content.decode()
    assert "Remove information that could identify a child" in check
    assert "Send for sign-off" not in check
    with pytest.raises(DomainError, match="identify a child"):
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF, actor=host)
    response = host_client.post(reverse("applications:request-sign-off", kwargs={"pk": application.pk}), follow=True)
    assert "identify a child" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_a_date_of_birth_in_an_item_is_found_with_where_it_is(world, host):
    application = fill(services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"],
                                                  actor=host), actor=host)
    outcome = application.outcomes.get()
    services.item_save(application=application, kind="outcomes", item=outcome, expected_version=None, actor=host,
                       data={**{f: getattr(outcome, f) for f in services.ITEM_FIELDS["outcomes"]},
                             "baseline": "one boy, born on 3 May 2016"})
    findings = selectors.application_identity_findings(application=application)
    assert [(f.section, f.field) for f in findings] == [("Outcomes, outcome 1", "Where is it now (baseline)?")]


# --- sign-off and submission ----------------------------------------------------------------

def test_an_incomplete_application_cannot_go_for_sign_off(draft, host):
    with pytest.raises(DomainError, match="Complete every section first"):
        services.application_transition(application=draft, to=Status.AWAITING_SIGN_OFF, actor=host)


@pytest.mark.parametrize("actor, allowed", [(Role.CLUSTER_HOST, True), (Role.CLUSTER_SEND_LEAD, True),
                                            (Role.CERTIFIER, False), (Role.LA_OFFICER, False),
                                            ("other_cluster_host", False)])
def test_who_may_send_for_sign_off(world, host, actor, allowed):
    application = fill(services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"],
                                                  actor=host), actor=host)
    if allowed:
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF, actor=world.users[actor])
        assert Application.objects.get(pk=application.pk).status == Status.AWAITING_SIGN_OFF
    else:
        with pytest.raises(DomainError):
            services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF,
                                            actor=world.users[actor])


@pytest.mark.parametrize("actor, allowed", [(Role.CERTIFIER, True), (Role.CLUSTER_HOST, False),
                                            (Role.CLUSTER_SEND_LEAD, False), (Role.DECISION_MAKER, False),
                                            ("other_cluster_host", False)])
def test_only_the_certifier_of_that_cluster_submits(world, actor, allowed):
    application = world.application_awaiting
    if allowed:
        services.application_transition(application=application, to=Status.SUBMITTED, actor=world.users[actor])
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED and application.reference.startswith("SCF-")
    else:
        with pytest.raises(DomainError):
            services.application_transition(application=application, to=Status.SUBMITTED, actor=world.users[actor])
        assert Application.objects.get(pk=application.pk).status == Status.AWAITING_SIGN_OFF


@pytest.mark.parametrize("before, to", [(Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.DRAFT),
                                        (Status.SUBMITTED, Status.AWAITING_SIGN_OFF), (Status.DRAFT, Status.DRAFT)])
def test_moves_not_in_the_table_are_refused(world, before, to):
    application = {Status.DRAFT: world.application_draft, Status.SUBMITTED: world.application_submitted}[before]
    for actor in (Role.CLUSTER_HOST, Role.CERTIFIER):
        with pytest.raises(DomainError, match="cannot be"):
            services.application_transition(application=application, to=to, actor=world.users[actor])


def test_the_certifier_sends_it_back_with_a_reason(client_for, world):
    client = client_for(Role.CERTIFIER)
    url = reverse("applications:sign-off", kwargs={"pk": world.application_awaiting.pk})
    response = client.post(url, {"decision": "send_back", "reason": "Add the second school's costs"})
    assert response.status_code == 302
    application = Application.objects.get(pk=world.application_awaiting.pk)
    assert application.status == Status.DRAFT and application.sent_back_reason == "Add the second school's costs"
    page = client_for(Role.CLUSTER_HOST).get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert "Add the second school" in page.content.decode()


def test_sign_off_submits_emails_and_makes_it_read_only(client_for, world, django_capture_on_commit_callbacks):
    client = client_for(Role.CERTIFIER)
    pk = world.application_awaiting.pk
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:sign-off", kwargs={"pk": pk}), {"decision": "confirm"})
    assert response.url == reverse("applications:confirmation", kwargs={"pk": pk})
    application = Application.objects.get(pk=pk)
    page = client.get(response.url).content.decode()
    assert "Application submitted" in page and application.reference in page and "What happens next" in page
    # One email per person: the contact address, the cluster's host and SEND lead, and the certifier who submitted.
    assert sorted(m.to[0] for m in mail.outbox) == sorted({
        "host@alpha.example", world.users[Role.CLUSTER_HOST].email, world.users[Role.CLUSTER_SEND_LEAD].email,
        world.users[Role.CERTIFIER].email})
    for message in mail.outbox:
        assert len(message.to) == 1
        assert application.reference in message.subject and f"/apply/applications/{pk}/" in message.body
        assert "need" not in message.body.lower()  # no answers in the email, only the reference and a link
    host = client_for(Role.CLUSTER_HOST)
    response = host.post(section_url(application, "sustainability"), {"version": "9", "after_funding": "Changed"})
    assert response.status_code == 403
    assert host.get(reverse("applications:detail", kwargs={"pk": pk})).templates[0].name == "applications/overview.html"


def test_the_la_sees_submitted_applications_only(client_for, world):
    client = client_for(Role.LA_OFFICER)
    page = client.get(reverse("applications:manage-list")).content.decode()
    assert world.application_submitted.reference in page
    assert client.get(reverse("applications:manage-detail", kwargs={"pk": world.application_draft.pk})).status_code == 404
    assert client_for(Role.FORUM_MEMBER).get(reverse("applications:manage-list")).status_code == 403


def test_the_host_of_another_cluster_gets_404(client_for, world):
    client = client_for("other_cluster_host")
    for name, kwargs in [("applications:detail", {}), ("applications:check", {}),
                         ("applications:section", {"key": "plans"})]:
        url = reverse(name, kwargs={"pk": world.application_draft.pk, **kwargs})
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": "0"}).status_code in (404, 405)


# --- reference numbers ------------------------------------------------------------------------

def test_references_are_sequential_per_year(db):
    from django.db import transaction

    with transaction.atomic():
        got = [services.reference_next(year=2026) for _ in range(3)] + [services.reference_next(year=2027)]
    assert got == ["SCF-2026-0001", "SCF-2026-0002", "SCF-2026-0003", "SCF-2027-0001"]
    ReferenceCounter.objects.filter(year=2026).update(last=11)
    assert services.reference_next(year=2026) == "SCF-2026-0012"


def test_submitting_gives_the_next_reference_of_the_year(world):
    year = int(world.application_submitted.reference.split("-")[1])
    last = ReferenceCounter.objects.get(year=year).last  # other apps' worlds may have submitted some too
    services.application_transition(application=world.application_awaiting, to=Status.SUBMITTED,
                                    actor=world.users[Role.CERTIFIER])
    assert Application.objects.get(pk=world.application_awaiting.pk).reference == f"SCF-{year}-{last + 1:04d}"


@pytest.mark.postgres  # row locks on PostgreSQL; on SQLite it runs too, against IMMEDIATE transactions
@pytest.mark.django_db(transaction=True)
def test_references_are_unique_under_concurrency():
    from django.db import OperationalError, connections, transaction

    results, errors = [], []
    start = threading.Barrier(12)

    def worker():
        try:
            start.wait()
            for _attempt in range(200):
                try:
                    with transaction.atomic():
                        results.append(services.reference_next(year=2030))
                    break
                except OperationalError:  # SQLite's shared-cache test database: "table is locked"; try again
                    threading.Event().wait(0.01)
            else:
                errors.append("gave up")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [f"SCF-2030-{n:04d}" for n in range(1, 13)]


# --- the background save before the session ends (static/applications/autosave.mjs) ----------------

def test_the_background_save_keeps_answers_without_a_page(host_client, draft):
    response = host_client.post(section_url(draft, "sustainability"),
                                {"version": "0", "action": "save", "after_funding": "Half an ans"},
                                headers={"X-Autosave": "1"})
    assert response.status_code == 204 and response["X-Section-Version"] == "1"
    assert Section.objects.get(application=draft, key="sustainability").answers == {"after_funding": "Half an ans"}
    response = host_client.post(item_add_url(draft, "outcomes"), {"version": "0", "action": "save", "measure": "Wait"},
                                headers={"X-Autosave": "1"})
    outcome = draft.outcomes.get()
    assert response.status_code == 204
    assert response["X-Item-Url"] == reverse("applications:item-edit",
                                             kwargs={"pk": draft.pk, "kind": "outcomes", "item": outcome.pk})


def test_a_closed_round_takes_no_more_requests_for_sign_off(world, host):
    import datetime as dt

    application = fill(services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"],
                                                  actor=host), actor=host)
    round_ = world.round
    round_.opens_on, round_.closes_on = dt.date(2020, 1, 1), dt.date(2020, 2, 1)
    round_.save()
    with pytest.raises(DomainError, match="closed on 1 February 2020"):
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF, actor=host)


def test_the_check_page_lists_schools_as_a_list_and_shows_every_section(host_client, world, host):
    application = fill(services.application_start(cluster=world.cluster, round=world.round,
                                                  streams=["capacity", "development"], actor=host), actor=host)
    page = host_client.get(reverse("applications:check", kwargs={"pk": application.pk})).content.decode()
    assert "<li>Alpha High School</li>" in page and "['" not in page
    for title in ("Cluster details", "Evidence of need (capacity)", "Current practice and what you want to develop",
                  "Activities: activity 1", "Costs: totals", "Outcomes: outcome 1", "Governance", "Declarations"):
        assert title in page
    assert "Send for sign-off" in page


def test_the_host_takes_it_back_from_sign_off_and_can_change_it_again(client_for, world):
    client = client_for(Role.CLUSTER_SEND_LEAD)
    pk = world.application_to_withdraw.pk
    response = client.post(reverse("applications:withdraw", kwargs={"pk": pk}))
    assert response.status_code == 302
    assert Application.objects.get(pk=pk).status == Status.DRAFT
    assert client.get(section_url(world.application_to_withdraw, "sustainability")).status_code == 200
    assert client_for(Role.CERTIFIER).post(reverse("applications:withdraw", kwargs={"pk": pk})).status_code == 403


def test_removing_an_item_asks_first(host_client, world):
    application, activity = world.application_draft, world.application_activity
    url = reverse("applications:item-remove", kwargs={"pk": application.pk, "kind": "activities", "item": activity.pk})
    assert "Are you sure you want to remove this activity?" in host_client.get(url).content.decode()
    host_client.post(url, {"confirm": "no", "version": "99"})
    assert application.activities.filter(pk=activity.pk).exists()
    version = Section.objects.get(application=application, key="activities").version
    host_client.post(url, {"confirm": "yes", "version": str(version)})
    assert not application.activities.filter(pk=activity.pk).exists()


def test_changing_the_funding_adds_the_development_section(host_client, draft):
    response = host_client.post(section_url(draft, "funding"), {"version": "1", "streams": ["capacity", "development"]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.streams_requested == ["capacity", "development"]
    assert _status(draft, "evidence-development") == "Not yet started"
