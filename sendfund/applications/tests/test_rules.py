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
    round_ = world.round
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
    assert world.round.sign_off_until == add_working_days(world.round.closes_on, 5)
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
    world.round.closes_on = timezone.localdate() - dt.timedelta(days=1)
    world.round.opens_on = world.round.closes_on - dt.timedelta(days=30)
    world.round.save()
    with pytest.raises(DomainError, match="closed on"):
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF,
                                        actor=world.users[Role.CLUSTER_HOST])


def test_the_rule_is_shown_where_people_act(world, client_for):
    application = _awaiting(world, closed_days_ago=1, sent_days_before_close=3)
    until = f"{world.round.sign_off_until:%-d %B %Y}"
    page = client_for(Role.CERTIFIER).get(reverse("applications:sign-off", kwargs={"pk": application.pk}))
    assert f"Sign it off by {until}" in page.content.decode()
    page = client_for(Role.CLUSTER_HOST).get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert until in page.content.decode()
