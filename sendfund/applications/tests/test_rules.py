"""Rules people rely on (issue 9): the round closes for everyone, and starting twice makes one application."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.core.workdays import add_working_days

from .. import services
from ..models import Application, Status

pytestmark = pytest.mark.django_db


def _awaiting(world, *, closed_days_ago: int, sent_days_before_close: int, sign_off_days: int = 5):
    today = timezone.localdate()
    round_ = world.application_awaiting.round
    round_.opens_on = today - dt.timedelta(days=90)
    round_.closes_on = today - dt.timedelta(days=closed_days_ago)
    round_.sign_off_working_days = sign_off_days
    round_.save()
    application = world.application_awaiting
    sent = timezone.now() - dt.timedelta(days=closed_days_ago + sent_days_before_close)
    Application.objects.filter(pk=application.pk).update(sent_for_sign_off_at=sent)
    return Application.objects.get(pk=application.pk)


def test_sign_off_is_allowed_for_the_rounds_working_days_after_the_close_and_flagged_late(world, client_for):
    application = _awaiting(world, closed_days_ago=1, sent_days_before_close=3)
    assert application.round.sign_off_until == add_working_days(application.round.closes_on, 5)
    submitted = services.application_transition(application=application, to=Status.SUBMITTED,
                                                actor=world.users[Role.CERTIFIER])
    assert submitted.status == Status.SUBMITTED and submitted.submitted_late
    event = AuditEvent.objects.filter(verb="application.submitted", target_id=str(application.pk)).get()
    assert event.after["late"] is True
    page = client_for(Role.LA_OFFICER).get(reverse("casework:queue")).content.decode()
    assert "Signed off late" in page
    page = client_for(Role.LA_OFFICER).get(reverse("applications:manage-detail", kwargs={"pk": application.pk}))
    assert "within the 5 working days allowed for sign-off" in page.content.decode()


def test_an_application_signed_off_before_the_close_is_not_late(world):
    submitted = services.application_transition(application=world.application_awaiting, to=Status.SUBMITTED,
                                                actor=world.users[Role.CERTIFIER])
    assert not submitted.submitted_late


def test_sign_off_after_the_rounds_working_days_is_refused(world):
    application = _awaiting(world, closed_days_ago=30, sent_days_before_close=2)
    with pytest.raises(DomainError, match="sign-off ended on"):
        services.application_transition(application=application, to=Status.SUBMITTED,
                                        actor=world.users[Role.CERTIFIER])
    assert Application.objects.get(pk=application.pk).status == Status.AWAITING_SIGN_OFF


def test_an_application_sent_for_sign_off_after_the_close_cannot_be_signed_off(world):
    application = _awaiting(world, closed_days_ago=3, sent_days_before_close=-1)  # sent 2 days after the close
    with pytest.raises(DomainError, match="before this application was sent for sign-off"):
        services.application_transition(application=application, to=Status.SUBMITTED,
                                        actor=world.users[Role.CERTIFIER])


def test_sending_for_sign_off_after_the_close_is_refused(world):
    host = world.users[Role.CLUSTER_HOST]
    application = services.application_transition(application=world.application_to_withdraw, to=Status.DRAFT,
                                                  actor=host)
    round_ = application.round
    round_.closes_on = timezone.localdate() - dt.timedelta(days=1)
    round_.opens_on = round_.closes_on - dt.timedelta(days=30)
    round_.save()
    with pytest.raises(DomainError, match="closed on"):
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF,
                                        actor=world.users[Role.CLUSTER_HOST])


def test_the_rule_is_shown_where_people_act(world, client_for):
    application = _awaiting(world, closed_days_ago=1, sent_days_before_close=3)
    until = f"{application.round.sign_off_until:%-d %B %Y}"
    page = client_for(Role.CERTIFIER).get(reverse("applications:sign-off", kwargs={"pk": application.pk}))
    assert f"Sign it off by {until}" in page.content.decode()
    page = client_for(Role.CLUSTER_HOST).get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert until in page.content.decode()


def test_starting_twice_opens_the_first_application(world, host_client):
    host = world.users[Role.CLUSTER_HOST]
    first = services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"], actor=host)
    again = services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"], actor=host)
    assert again.pk == first.pk and again.opened_existing and not first.opened_existing
    response = host_client.post(reverse("applications:start", kwargs={"round_pk": world.round.pk}),
                                {"streams": ["capacity"]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", kwargs={"pk": first.pk})
    assert "already has an application in progress" in response.content.decode()
    live = Application.objects.filter(cluster=world.cluster, round=world.round, status__in=["draft"])
    assert live.count() == 1


def test_the_database_refuses_a_second_live_application_for_a_stream(world):
    from django.db import IntegrityError, transaction

    first = services.application_start(cluster=world.cluster, round=world.round, streams=["development"],
                                       actor=world.users[Role.CLUSTER_HOST])
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(cluster=world.cluster, round=world.round, wants_development=True)
    # Another stream, or another cluster, is a different application.
    Application.objects.create(cluster=world.cluster, round=world.round, wants_capacity=True)
    Application.objects.create(cluster=world.other_cluster, round=world.round, wants_development=True)
    assert first.status == Status.DRAFT


def test_two_starts_at_once_make_one_application(world, monkeypatch):
    """The race: both starts find nothing in progress; the second's insert meets the constraint and opens the first."""
    host = world.users[Role.CLUSTER_HOST]
    first = services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"], actor=host)
    real = services._live_application
    calls = []

    def not_seen_the_first_time(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_live_application", not_seen_the_first_time)
    second = services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"], actor=host)
    assert second.pk == first.pk and len(calls) == 2


def test_changing_the_funding_to_a_stream_already_in_progress_is_refused(world):
    host = world.users[Role.CLUSTER_HOST]
    services.application_start(cluster=world.cluster, round=world.round, streams=["development"], actor=host)
    capacity = services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"], actor=host)
    with pytest.raises(DomainError, match="already has an application in progress"):
        services.section_save(application=capacity, key="funding", answers={"streams": ["capacity", "development"]},
                              completed=True, expected_version=None, actor=host)


def test_posting_the_same_add_an_item_form_twice_adds_one_item(world, host_client):
    from .conftest import item_add_url

    application = world.application_draft
    url = item_add_url(application, "outcomes")
    page = host_client.get(url).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    before = application.outcomes.count()
    data = {"measure": "Pupils with a support plan", "baseline": "10", "target": "40", "by_when_0": "1",
            "by_when_1": "7", "by_when_2": str(application.financial_years[1] + 1), "how_measured": "Termly count",
            "form_token": token, "action": "continue"}
    for _ in range(2):
        response = host_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert application.outcomes.count() == before + 1
    fresh = host_client.get(url).content.decode().split('name="form_token" value="')[1].split('"')[0]
    assert fresh != token
    host_client.post(url, {**data, "form_token": fresh, "measure": "Another measure"})
    assert application.outcomes.count() == before + 2


def test_the_check_page_says_plainly_when_the_evidence_does_not_show_a_shortfall(world, host_client, monkeypatch):
    from types import SimpleNamespace

    from sendfund.formula import selectors as formula_selectors

    application = world.application_draft
    monkeypatch.setattr(formula_selectors, "cluster_capacity_evidence",
                        lambda **kw: SimpleNamespace(clear_evidence=False, sentences=["Need against funding."]))
    page = host_client.get(reverse("applications:check", kwargs={"pk": application.pk})).content.decode()
    assert "The formula evidence does not show that your cluster is short of funding" in page
    assert "explain in &#x27;Evidence of need (capacity)&#x27; what the formula misses" in page
    monkeypatch.setattr(formula_selectors, "cluster_capacity_evidence",
                        lambda **kw: SimpleNamespace(clear_evidence=True, sentences=["Need against funding."]))
    page = host_client.get(reverse("applications:check", kwargs={"pk": application.pk})).content.decode()
    assert "does not show that your cluster is short" not in page


def test_a_bid_for_a_whole_years_stream_is_warned(world, host_client):
    from ..selectors import application_bid_warnings

    application = world.application_draft
    stream = application.round.streams.get(kind="capacity")
    year = application.financial_years[0]
    assert not [w for w in application_bid_warnings(application=application) if "all of the" in w]
    services.item_save(application=application, kind="costs", item=None, expected_version=None,
                       actor=world.users[Role.CLUSTER_HOST],
                       data={"stream_kind": "capacity", "category": "staff", "description": "Everything",
                             "recurrence": "one_off", "amounts": {year: stream.full_year_amount}})
    warnings = [w for w in application_bid_warnings(application=application) if "all of the capacity money" in w]
    assert len(warnings) == 1
    page = host_client.get(reverse("applications:check", kwargs={"pk": application.pk})).content.decode()
    assert "all of the capacity money for the year" in page
