"""The case meeting: arranging it, recording its notes, its calendar file."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.core.forms import run_form

from .. import forms, permissions, services
from ._common import _case, _case_url, _emailed_sentence, _form


@requires(permissions.can_manage_cases, load=_case)
def meeting(request, case, reference):
    current = getattr(case, "meeting", None) if hasattr(case, "meeting") else None
    initial = {"duration_minutes": 60, "cluster_attendees": "\n".join(
        filter(None, [f"{case.cluster.host_name} (cluster host)" if case.cluster.host_name else "",
                      f"{case.cluster.send_lead_name} (cluster SEND lead)" if case.cluster.send_lead_name else ""])),
        "la_attendees": [u for u in (case.officer_id, case.education_specialist_id, case.business_specialist_id) if u]}
    if current:
        local = timezone.localtime(current.starts_at)
        initial.update(day=local.date(), time=local.time().replace(second=0), duration_minutes=current.duration_minutes,
                       place=current.place, online_link=current.online_link,
                       cluster_attendees=current.cluster_attendees,
                       la_attendees=list(current.la_attendees.values_list("pk", flat=True)))
    form = _form(forms.MeetingForm, request, initial=initial)
    done = run_form(request, form, lambda d: services.meeting_arrange(
        case=case, starts_at=d["starts_at"], duration_minutes=d["duration_minutes"], place=d["place"],
        online_link=d["online_link"], cluster_attendees=d["cluster_attendees"], la_attendees=list(d["la_attendees"]),
        actor=request.user),
        success_message=lambda _: ("Meeting arranged. The council's attendees have been emailed a calendar "
                                   "invitation. " + _emailed_sentence(case.cluster)),
        redirect_to=_case_url(reference))
    if done:
        for warning in form.warnings:
            messages.warning(request, warning)
        return done
    return render(request, "casework/form.html", {
        "case": case, "form": form, "title": "Rearrange the meeting" if current else "Arrange the meeting",
        "button": "Send the invitation",
        "intro": "Meet the cluster host and the cluster's representatives with the council's education and "
                 "business specialists. Everyone gets an email with a calendar invitation."})


@requires(permissions.can_manage_cases, load=_case)
def meeting_notes(request, case, reference):
    if not hasattr(case, "meeting"):
        raise Http404("No meeting")
    form = _form(forms.NotesForm, request, initial={"notes": case.meeting.notes, "actions": case.meeting.actions})
    done = run_form(request, form, lambda d: services.meeting_record_notes(case=case, actor=request.user, **d),
                    success_message="Notes and actions recorded.", redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/form.html", {"case": case, "form": form, "title": "Record the meeting",
                                                  "button": "Save notes"})


def meeting_ics_response(case) -> HttpResponse:
    """The case's meeting as a calendar file (a cancellation once it is cancelled), the same file the meeting's
    emails carry. Raises Http404 when no meeting has been arranged."""
    from ..notifications import meeting_ics_text

    if not hasattr(case, "meeting"):
        raise Http404("No meeting")
    body = meeting_ics_text(case.meeting, cancel=case.meeting.cancelled_at is not None)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-meeting.ics"'
    return response


@requires(permissions.can_view_cases, load=_case)
def meeting_ics(request, case, reference):
    return meeting_ics_response(case)
