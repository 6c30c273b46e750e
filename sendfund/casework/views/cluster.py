"""The cluster's pages under /apply/: its funding decisions, accepting an offer, answering the council's
questions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.applications.status import status_for_cluster
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.errors import DomainError
from sendfund.core.forms import run_form

from .. import forms, permissions, selectors, services
from ..models import Case, InformationRequest
from ..workflow import offered_moves
from ._common import _case, _decided, _form, _letter_context, _pdf, _possible
from .meeting import meeting_ics_response


@requires(permissions.can_view_funding_decisions)
def apply_cases(request, fmt=None):
    cases = selectors.cluster_cases(user=request.user)
    if fmt:
        return CLUSTER_CASES_DOWNLOAD.response(request, fmt, cases)
    return render(request, "casework/apply_cases.html", {"cases": list(cases)})


CLUSTER_CASES_DOWNLOAD: ListDownload[Case] = ListDownload("funding-decisions", "Your funding decisions", [
    Field("Reference", lambda c: c.reference), Field("Cluster", lambda c: c.cluster.name, width=30),
    Field("Stream", lambda c: c.application.streams_label),
    Field("Where it is", lambda c: status_for_cluster(c.application).text, width=24),
    Field("Submitted", lambda c: timezone.localdate(c.submitted_at), "date")])


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_case(request, case, reference):
    return render(request, "casework/apply_case.html", {
        **_letter_context(case), "meeting": getattr(case, "meeting", None) if hasattr(case, "meeting") else None,
        "requests": list(case.information_requests.all()),
        "history": selectors.case_history_for_cluster(case=case),
        "may_accept": _possible(offered_moves(case, request.user).get("accept_offer"))})


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_meeting_ics(request, case, reference):
    return meeting_ics_response(case)


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_letter_pdf(request, case, reference):
    return _pdf(_decided(case))


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_accept(request, case, reference):
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "Confirm that your cluster accepts the offer and its conditions"
        else:
            try:
                services.case_accept_offer(case=case, actor=request.user)
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, "You have accepted the offer. Your payment schedule is below.")
                return redirect("casework:apply-case", reference=reference)
    return render(request, "casework/apply_accept.html", {**_letter_context(case), "error": error,
                                                          "page_has_errors": bool(error)})


@requires(permissions.can_view_funding_decisions)
def apply_requests(request, fmt=None):
    requests = selectors.cluster_open_requests(user=request.user)
    if fmt:
        return QUESTIONS_DOWNLOAD.response(request, fmt, requests)
    return render(request, "casework/apply_requests.html", {"requests": list(requests)})


QUESTIONS_DOWNLOAD: ListDownload[InformationRequest] = ListDownload(
    "council-questions", "Questions from the council", [
        Field("Application", lambda r: r.case.reference), Field("Cluster", lambda r: r.case.cluster.name, width=30),
        Field("Question", lambda r: r.question, width=60),
        Field("Asked", lambda r: timezone.localdate(r.asked_at), "date"), Field("Answer by", lambda r: r.due_on, "date")])


@requires(permissions.can_view_funding_decisions)
def apply_answer(request, pk):
    info = selectors.request_for_user(user=request.user, pk=pk)
    form = _form(forms.AnswerForm, request)
    done = run_form(request, form,
                    lambda d: services.information_answer(request=info, answer=d["answer"], actor=request.user),
                    success_message="Thank you. Your answer has been sent to the council.",
                    redirect_to=reverse("casework:apply-case", kwargs={"reference": info.case.reference}))
    if done:
        return done
    return render(request, "casework/apply_answer.html", {"info": info, "case": info.case, "form": form})
