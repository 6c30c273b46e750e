"""The emails each step sends, written to the outbox through core.notify in the step's transaction. They name
the case and link to the signed-in service; they never carry sensitive content (domain.md section 4.4).

Emails to a cluster go to its users in cluster roles and its contact addresses (accounts.selectors);
LA staff get a link to the LA's case page, cluster people a link to the cluster's."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.selectors import cluster_recipients
from sendfund.core.notify import notification_queue, site_url
from sendfund.registry.selectors import council_name


def _cluster_emails(case) -> list[str]:
    return cluster_recipients(cluster=case.cluster)


def _apply_link(case) -> str:
    return site_url(reverse("casework:apply-case", kwargs={"reference": case.reference}))


def _manage_path(case) -> str:
    return reverse("casework:case-detail", kwargs={"reference": case.reference})


def _manage_link(case) -> str:
    return site_url(_manage_path(case))


def _send(to, subject, lines, attachments=None, *, case=None, template: str = "email", to_cluster: bool = False):
    """Queue one email (one outbox row per address). `case` names what it is about on the officer's email
    page; `to_cluster` marks an email to the case's cluster, flagged there when nobody can receive it."""
    details = {}
    if case is not None:
        details = {"about": case.reference, "link": _manage_path(case),
                   "context": {"reference": case.reference, "cluster": case.cluster.name}}
        if to_cluster:
            details["cluster_id"] = case.cluster_id
    notification_queue(to=to, subject=subject, body="\n\n".join([*lines, f"{council_name()}, SEND cluster funding"]), template=template,
                       attachments=attachments, **details)


def _to_cluster(case, template, subject, lines, attachments=None):
    _send(_cluster_emails(case), subject, lines, attachments, case=case, template=template, to_cluster=True)


def _to_staff(case, template, emails, subject, lines):
    _send(emails, subject, lines, case=case, template=template)


def acknowledged(case) -> None:
    _to_cluster(case, "case_acknowledged", f"We have received your application {case.reference}", [
        f"We have received {case.cluster.name}'s application {case.reference} to the Cluster SEN-D Capacity and "
        "Development Fund.",
        "We will contact your cluster host to arrange a meeting with the council's education and business "
        "specialists.",
        f"See your application's progress: {_apply_link(case)}"])


def meeting_attendees(case) -> tuple[list[str], list[str]]:
    """Who the meeting's invitation goes to: the cluster's people, and the LA's attendees not among them.
    The emailed calendar file, the cancellation and the downloaded one list both."""
    cluster_emails = _cluster_emails(case)
    la_emails = sorted({u.email for u in case.meeting.la_attendees.all() if u.email} - set(cluster_emails))
    return cluster_emails, la_emails


def meeting_attendee_emails(meeting) -> list[str]:
    """Everyone invited to a case's meeting, in one list: the invitation, the cancellation and the .ics
    download all list exactly these."""
    cluster_emails, la_emails = meeting_attendees(meeting.case)
    return sorted({*cluster_emails, *la_emails})


def meeting_ics_text(meeting, *, cancel: bool = False) -> str:
    from .ics import meeting_ics

    return meeting_ics(meeting=meeting, organiser_email=settings.DEFAULT_FROM_EMAIL,
                       attendee_emails=meeting_attendee_emails(meeting), now=timezone.now(), cancel=cancel)


def _when(meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def meeting_invitation(case) -> None:
    """One invitation for the cluster's people (linking to the cluster's case page) and one for the LA's
    attendees (linking to the LA's case page), with the same calendar attachment listing everyone."""
    meeting = case.meeting
    cluster_emails, la_emails = meeting_attendees(case)
    ics = meeting_ics_text(meeting)
    when = _when(meeting)
    subject = f"Meeting about application {case.reference}: {when}"
    attachments = [["meeting.ics", ics, "text/calendar; method=REQUEST"]]

    def lines(link):
        return [f"You are invited to a meeting about {case.cluster.name}'s application {case.reference} on {when}.",
                f"Where: {meeting.place or meeting.online_link}",
                "The calendar invitation is attached.",
                f"Details: {link}"]

    _to_cluster(case, "case_meeting_invitation", subject, lines(_apply_link(case)), attachments)
    if la_emails:
        _send(la_emails, subject, lines(_manage_link(case)), attachments, case=case,
              template="case_meeting_invitation_staff")


def assessment_started(case) -> None:
    emails = [u.email for u in (case.education_specialist, case.business_specialist) if u]
    _to_staff(case, "case_assessment_started", emails, f"Please review application {case.reference}", [
        f"Application {case.reference} from {case.cluster.name} is ready for your review.",
        "Declare any conflict of interest before you score it.", f"Open the case: {_manage_link(case)}"])


def recommended(case) -> None:
    from sendfund.accounts.models import User
    from sendfund.accounts.roles import Role

    emails = list(User.objects.filter(memberships__role=Role.DECISION_MAKER, is_active=True)
                  .values_list("email", flat=True))
    _to_staff(case, "case_recommended", emails, f"Application {case.reference} is ready for a decision", [
        f"The officer has recommended an award for {case.cluster.name}'s application {case.reference}.",
        f"Open the case: {_manage_link(case)}"])


def decided(case) -> None:
    _to_cluster(case, "case_decided", f"Decision on your application {case.reference}", [
        f"We have made a decision on {case.cluster.name}'s application {case.reference}: "
        f"{case.get_outcome_display().lower()}.",
        f"Read the decision letter{' and accept the offer' if case.outcome != 'declined' else ''} online: "
        f"{_apply_link(case)}"])


def accepted(case) -> None:
    emails = [case.officer.email] if case.officer else []
    _to_staff(case, "case_offer_accepted", emails, f"{case.cluster.name} has accepted the offer for {case.reference}", [
        f"{case.cluster.name} accepted the offer for {case.reference}. The payment schedule is on the case.",
        f"Open the case: {_manage_link(case)}"])


def information_requested(case) -> None:
    _to_cluster(case, "case_information_requested", f"We need more information about {case.reference}", [
        f"We have a question about {case.cluster.name}'s application {case.reference}.",
        f"Read and answer it online: {_apply_link(case)}"])


def information_answered(case) -> None:
    emails = [case.officer.email] if case.officer else []
    _to_staff(case, "case_information_answered", emails, f"{case.cluster.name} has answered your question about {case.reference}", [
        f"Open the case: {_manage_link(case)}"])


def withdrawn(case) -> None:
    _to_cluster(case, "case_withdrawn", f"Application {case.reference} has been withdrawn", [
        f"{case.cluster.name}'s application {case.reference} has been withdrawn.",
        f"Reason: {case.withdrawn_reason or 'not given'}"])


def meeting_cancelled(case, meeting, *, why: str) -> None:
    """Everyone invited hears the meeting is off, with a METHOD:CANCEL calendar update that removes it."""
    _send(meeting_attendee_emails(meeting), f"Cancelled: meeting about application {case.reference}", [
        f"The meeting about {case.cluster.name}'s application {case.reference} on {_when(meeting)} is cancelled: "
        f"{why}.",
        "The attached calendar update removes it from your calendar."],
        attachments=[["meeting-cancelled.ics", meeting_ics_text(meeting, cancel=True),
                      "text/calendar; method=CANCEL"]], case=case, template="case_meeting_cancelled")


def conflict_declared(case, declaration) -> None:
    """The officer hears at once that a specialist cannot score, so someone else can be assigned."""
    emails = [case.officer.email] if case.officer else []
    _send(emails, f"Conflict of interest declared on {case.reference}", [
        f"{declaration.user.full_name} declared a conflict of interest on {case.cluster.name}'s application "
        f"{case.reference}, so they will not score it.",
        "Assign another specialist to the case.", f"Open the case: {_manage_link(case)}"])
