"""Casework's emails: to the cluster's real people, never skipped silently, visible to the officer, and the
whole journey through GOV.UK Notify (a fake on loopback)."""

import pytest
from django.core import mail
from django.urls import reverse

from sendfund.accounts.models import User
from sendfund.accounts.roles import Role
from sendfund.casework import services
from sendfund.casework.models import Case, State
from sendfund.core.models import AuditEvent, Notification
from sendfund.core.tests.fake_notify import fake_notify, template_id  # noqa: F401  (a fixture)

from .factories import advance, submitted_application

pytestmark = pytest.mark.django_db
S = Notification.Status


def _cluster_people(world):
    return sorted(world.users[r].email for r in (Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD, Role.CERTIFIER))


def test_a_cluster_with_no_contact_address_gets_its_decision_through_its_users(world, django_capture_on_commit_callbacks):
    world.cluster.host_email = world.cluster.send_lead_email = ""
    world.cluster.save()
    case = advance(world, submitted_application(world), State.RECOMMENDED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance(world, case, State.DECIDED)
    decided = [m for m in mail.outbox if m.subject.startswith("Decision on your application")]
    assert sorted(m.to[0] for m in decided) == _cluster_people(world)
    rows = Notification.objects.filter(template="case_decided", about=case.reference)
    assert {r.status for r in rows} == {S.SENT} and {r.cluster_id for r in rows} == {world.cluster.pk}


def _make_unreachable(cluster):
    cluster.host_email = cluster.send_lead_email = ""
    cluster.save()
    User.objects.filter(memberships__organisation__cluster=cluster).update(is_active=False)


def test_a_cluster_nobody_can_email_is_flagged_until_fixed_and_the_email_then_reaches_it(
        world, client_for, django_capture_on_commit_callbacks):
    officer = client_for(Role.LA_OFFICER)
    case = world.case_other
    page = officer.get(reverse("casework:case-detail", kwargs={"reference": case.reference})).content.decode()
    assert "can be emailed" not in page
    _make_unreachable(world.other_cluster)
    services.case_withdraw(case=case, reason="The cluster closed.", actor=world.users[Role.LA_OFFICER])
    row = Notification.objects.get(template="case_withdrawn", about=case.reference)
    assert row.status == S.NO_RECIPIENT and row.recipient == ""
    page = officer.get(reverse("casework:case-detail", kwargs={"reference": case.reference})).content.decode()
    assert "Nobody at Beta cluster can be emailed" in page
    queue = officer.get(reverse("casework:queue")).content.decode()
    # Every row of the unreachable cluster carries the flag, and no row of a cluster that can be emailed does.
    rows = queue.split('<tr class="govuk-table__row">')[1:]
    beta = {c.reference for c in Case.objects.filter(cluster=world.other_cluster)}
    flagged = {r for r in rows if "Nobody at this cluster can be emailed" in r}
    assert case.reference in queue and flagged
    assert flagged == {r for r in rows if any(f'/manage/casework/{ref}/"' in r for ref in beta)}
    emails = officer.get(reverse("casework:emails") + "?show=undelivered").content.decode()
    assert case.reference in emails and "Nobody at this cluster can be emailed" in emails
    home = officer.get(reverse("manage-home")).content.decode()
    assert "1 email not delivered" in home
    retry = reverse("casework:email-retry", kwargs={"pk": row.pk})
    response = officer.post(retry, follow=True)
    assert "Nobody at this cluster can be emailed yet" in response.content.decode()
    # Fixed: the cluster gets a contact address; the flag goes, and the email goes to it once.
    world.other_cluster.host_email = "new-host@beta.example"
    world.other_cluster.save()
    page = officer.get(reverse("casework:case-detail", kwargs={"reference": case.reference})).content.decode()
    assert "can be emailed" not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(retry, follow=True)
    assert "The email will be sent to 1 person at Beta cluster" in response.content.decode()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["new-host@beta.example"], row.subject)]
    row.refresh_from_db()
    assert row.status == S.READDRESSED
    assert "not delivered" not in officer.get(reverse("manage-home")).content.decode()
    officer.post(retry)
    assert Notification.objects.filter(about=case.reference, template="case_withdrawn").count() == 2


def test_the_officer_sees_what_failed_and_why_and_sends_it_again_once(world, client_for, django_capture_on_commit_callbacks):
    failed = Notification.objects.create(event="x/case_decided", recipient="host@alpha.example", template="case_decided",
                                         subject="Decision on your application SCF-2026-0001", body="Body",
                                         about="SCF-2026-0001", status=S.FAILED, attempts=8,
                                         last_error="SMTPRecipientsRefused: mailbox full")
    sent = Notification.objects.create(event="y/case_decided", recipient="host@alpha.example", template="case_decided",
                                       subject="Sent already", body="Body", status=S.SENT, provider_id="<1@x>")
    officer = client_for(Role.LA_OFFICER)
    page = officer.get(reverse("casework:emails") + "?show=undelivered").content.decode()
    assert "SMTPRecipientsRefused: mailbox full" in page and "Sent already" not in page
    assert reverse("casework:email-retry", kwargs={"pk": failed.pk}) in page
    home = officer.get(reverse("manage-home")).content.decode()
    assert "not delivered" in home
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(reverse("casework:email-retry", kwargs={"pk": failed.pk}))
    failed.refresh_from_db()
    assert failed.status == S.SENT and [m.to for m in mail.outbox] == [["host@alpha.example"]]
    assert AuditEvent.objects.filter(verb="notification.retried", target_id=str(failed.pk)).exists()
    response = officer.post(reverse("casework:email-retry", kwargs={"pk": sent.pk}), follow=True)
    assert "sent already; it is not sent again" in response.content.decode()
    assert len(mail.outbox) == 1
    assert client_for(Role.CLUSTER_HOST).get(reverse("casework:emails")).status_code in (403, 404)


def test_the_whole_journey_goes_through_notify_with_each_emails_template_and_personalisation(
        world, fake_notify, django_capture_on_commit_callbacks):  # noqa: F811
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submitted_application(world), State.IN_DELIVERY)
    rows = list(Notification.objects.all())
    assert {r.status for r in rows} == {S.SENT}
    assert mail.outbox == [], "nothing went by SMTP"
    by_reference = {n["reference"]: n for n in fake_notify.sent}
    assert len(fake_notify.sent) == len(rows) == len(by_reference), "each email sent once"
    for row in rows:
        sent = by_reference[str(row.reference)]
        assert sent["id"] == row.provider_id
        assert sent["email_address"] == row.recipient
        assert sent["template_id"] == template_id(row.template)
        assert sent["personalisation"]["subject"] == row.subject
        assert sent["personalisation"]["body"] == row.body
    names = {r.template for r in rows}
    assert {"application_ready_to_sign_off", "application_submitted", "case_acknowledged", "case_meeting_invitation",
            "case_meeting_invitation_staff", "case_assessment_started", "case_recommended", "case_decided",
            "case_offer_accepted"} <= names
    decided = [by_reference[str(r.reference)] for r in rows if r.template == "case_decided"]
    assert sorted(d["email_address"] for d in decided) == sorted({"host@alpha.example", *_cluster_people(world)})
    assert all(d["personalisation"]["reference"] == case.reference for d in decided)
    assert all(d["personalisation"]["cluster"] == "Alpha cluster" for d in decided)


def _attendees(ics: str) -> list[str]:
    unfolded = ics.replace("\r\n ", "")
    return sorted(line for line in unfolded.split("\r\n") if line.startswith("ATTENDEE"))


def test_the_emailed_and_the_downloaded_invitation_list_the_same_people(world, client_for,
                                                                          django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submitted_application(world), State.MEETING_ARRANGED)
    emailed = next(m for m in mail.outbox if m.subject.startswith("Meeting about")).attachments[0][1]
    downloaded = client_for(Role.LA_OFFICER).get(
        reverse("casework:meeting-ics", kwargs={"reference": case.reference})).content.decode()
    people = _attendees(emailed)
    assert people == _attendees(downloaded)
    for email in [*_cluster_people(world), "host@alpha.example", world.users[Role.EDUCATION_SPECIALIST].email]:
        assert any(email in line for line in people), email


def test_a_submitted_application_not_yet_acknowledged_is_flagged_when_nobody_at_its_cluster_can_be_emailed(
        world, client_for):
    """The officer sees the flag before acknowledging, when the acknowledgement email would reach nobody."""
    waiting = submitted_application(world, cluster=world.other_cluster)
    reachable = submitted_application(world)
    _make_unreachable(world.other_cluster)
    queue = client_for(Role.LA_OFFICER).get(reverse("casework:queue")).content.decode()
    rows = queue.split('<tr class="govuk-table__row">')[1:]
    row_of = {ref: next(r for r in rows if ref in r) for ref in (waiting.reference, reachable.reference)}
    assert "Nobody at this cluster can be emailed" in row_of[waiting.reference]
    assert "Nobody at this cluster can be emailed" not in row_of[reachable.reference]
