"""The emails each step sends, queued on commit through core.notify. They name the case and link to
the signed-in service; they never carry sensitive content (domain.md section 4.4)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sendfund.core.notify import email_on_commit, site_url


def _cluster_emails(case) -> list[str]:
    return [case.cluster.host_email, case.cluster.send_lead_email]


def _apply_link(case) -> str:
    return site_url(reverse("casework:apply-case", kwargs={"reference": case.reference}))


def _manage_link(case) -> str:
    return site_url(reverse("casework:case-detail", kwargs={"reference": case.reference}))


def _send(to, subject, lines, attachments=None):
    email_on_commit(to=to, subject=subject, body="\n\n".join(lines) + "\n\nNorfolk County Council, SEND cluster funding",
                    attachments=attachments)


def acknowledged(case) -> None:
    _send(_cluster_emails(case), f"We have received your application {case.reference}", [
        f"We have received {case.cluster.name}'s application {case.reference} to the Cluster SEN-D Capacity and "
        "Development Fund.",
        "We will contact your cluster host to arrange a meeting with the council's education and business "
        "specialists.",
        f"See your application's progress: {_apply_link(case)}"])


def meeting_attendee_emails(meeting) -> list[str]:
    """Everyone invited to a case's meeting: the cluster host and SEND lead, and the council's attendees.
    The emailed invitation, the cancellation and the .ics download all list exactly these."""
    emails = [*_cluster_emails(meeting.case), *[u.email for u in meeting.la_attendees.all()]]
    return sorted({e for e in emails if e})


def meeting_ics_text(meeting, *, cancel: bool = False) -> str:
    from .ics import meeting_ics

    return meeting_ics(meeting=meeting, organiser_email=settings.DEFAULT_FROM_EMAIL,
                       attendee_emails=meeting_attendee_emails(meeting), now=timezone.now(), cancel=cancel)


def _when(meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def meeting_invitation(case) -> None:
    meeting = case.meeting
    everyone = meeting_attendee_emails(meeting)
    ics = meeting_ics_text(meeting)
    when = _when(meeting)
    _send(everyone, f"Meeting about application {case.reference}: {when}", [
        f"You are invited to a meeting about {case.cluster.name}'s application {case.reference} on {when}.",
        f"Where: {meeting.place or meeting.online_link}",
        "The calendar invitation is attached.",
        f"Details: {_apply_link(case)}"], attachments=[["meeting.ics", ics, "text/calendar; method=REQUEST"]])


def assessment_started(case) -> None:
    emails = [u.email for u in (case.education_specialist, case.business_specialist) if u]
    _send(emails, f"Please review application {case.reference}", [
        f"Application {case.reference} from {case.cluster.name} is ready for your review.",
        "Declare any conflict of interest before you score it.", f"Open the case: {_manage_link(case)}"])


def recommended(case) -> None:
    from sendfund.accounts.models import User
    from sendfund.accounts.roles import Role

    emails = list(User.objects.filter(memberships__role=Role.DECISION_MAKER, is_active=True)
                  .values_list("email", flat=True))
    _send(emails, f"Application {case.reference} is ready for a decision", [
        f"The officer has recommended an award for {case.cluster.name}'s application {case.reference}.",
        f"Open the case: {_manage_link(case)}"])


def decided(case) -> None:
    _send(_cluster_emails(case), f"Decision on your application {case.reference}", [
        f"We have made a decision on {case.cluster.name}'s application {case.reference}: "
        f"{case.get_outcome_display().lower()}.",
        f"Read the decision letter{' and accept the offer' if case.outcome != 'declined' else ''} online: "
        f"{_apply_link(case)}"])


def accepted(case) -> None:
    emails = [case.officer.email] if case.officer else []
    _send(emails, f"{case.cluster.name} has accepted the offer for {case.reference}", [
        f"{case.cluster.name} accepted the offer for {case.reference}. The payment schedule is on the case.",
        f"Open the case: {_manage_link(case)}"])


def information_requested(case) -> None:
    _send(_cluster_emails(case), f"We need more information about {case.reference}", [
        f"We have a question about {case.cluster.name}'s application {case.reference}.",
        f"Read and answer it online: {_apply_link(case)}"])


def information_answered(case) -> None:
    emails = [case.officer.email] if case.officer else []
    _send(emails, f"{case.cluster.name} has answered your question about {case.reference}", [
        f"Open the case: {_manage_link(case)}"])


def withdrawn(case) -> None:
    _send(_cluster_emails(case), f"Application {case.reference} has been withdrawn", [
        f"{case.cluster.name}'s application {case.reference} has been withdrawn.",
        f"Reason: {case.withdrawn_reason or 'not given'}"])


def meeting_cancelled(case, meeting, *, why: str) -> None:
    """Everyone invited hears the meeting is off, with a METHOD:CANCEL calendar update that removes it."""
    _send(meeting_attendee_emails(meeting), f"Cancelled: meeting about application {case.reference}", [
        f"The meeting about {case.cluster.name}'s application {case.reference} on {_when(meeting)} is cancelled: "
        f"{why}.",
        "The attached calendar update removes it from your calendar."],
        attachments=[["meeting-cancelled.ics", meeting_ics_text(meeting, cancel=True),
                      "text/calendar; method=CANCEL"]])


def conflict_declared(case, declaration) -> None:
    """The officer hears at once that a specialist cannot score, so someone else can be assigned."""
    emails = [case.officer.email] if case.officer else []
    _send(emails, f"Conflict of interest declared on {case.reference}", [
        f"{declaration.user.full_name} declared a conflict of interest on {case.cluster.name}'s application "
        f"{case.reference}, so they will not score it.",
        "Assign another specialist to the case.", f"Open the case: {_manage_link(case)}"])
