"""An iCalendar (RFC 5545) invitation for a case's meeting: one VEVENT, times in UTC, lines folded at 75 octets."""

import datetime as dt

from django.conf import settings

from sendfund.registry.selectors import council_name

PRODID = "-//SendFund//SEND cluster funding//EN"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line so that no line is longer than 75 octets (RFC 5545 section 3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(*, meeting, organiser_email: str, attendee_emails: list[str], now: dt.datetime,
                cancel: bool = False) -> str:
    """The invitation (METHOD:REQUEST), or with `cancel` the cancellation (METHOD:CANCEL, STATUS:CANCELLED) that
    calendar programs match to the invitation by its UID and a higher SEQUENCE."""
    case = meeting.case
    location = meeting.place or meeting.online_link or "To be confirmed"
    description = (f"Meeting about application {case.reference} from {case.cluster.name} to the Cluster SEN-D "
                   f"Capacity and Development Fund.")
    if meeting.online_link:
        description += f"\nJoin online: {meeting.online_link}"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancel else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:case-{case.pk}-meeting@{settings.SENDFUND_SITE_URL.split('//')[-1].split('/')[0].split(':')[0]}",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes))}",
        f"SUMMARY:{_escape(f'SEND cluster funding meeting: {case.cluster.name} ({case.reference})')}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"ORGANIZER;CN={council_name()}:mailto:{organiser_email}",
        *[f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{email}" for email in attendee_emails],
        f"STATUS:{'CANCELLED' if cancel else 'CONFIRMED'}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
