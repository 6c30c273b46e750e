"""Sending an application: the check page, asking for sign-off (and taking the request back), the head's or
chair's sign-off, and the confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.core.errors import DomainError
from sendfund.core.forms import run_form
from sendfund.formula import selectors as formula_selectors

from .. import selectors, services
from ..forms import SignOffForm
from ..models import Status
from ..permissions import (
    can_edit_application,
    can_request_sign_off,
    can_sign_off_application,
    can_take_back_application,
    can_use_applications,
)
from ..summary import application_summary
from ._common import _application


@requires(can_use_applications, load=_application)
def check(request, application, pk):
    if not application.is_draft:  # sent for sign-off or submitted: the read-only view says so
        return redirect("applications:detail", pk=pk)
    loaded = selectors.application_load(application=application)
    editable = can_edit_application(request.user, application)
    # the summary and the warnings both read the capacity evidence: read it once
    evidence = (formula_selectors.cluster_capacity_evidence(cluster=application.cluster)
                if application.wants_capacity else None)
    return render(request, "applications/check.html", {
        "application": application, "cards": application_summary(loaded=loaded, editable=editable, evidence=evidence),
        "incomplete": selectors.application_incomplete_sections(application=application, loaded=loaded),
        "findings": selectors.application_identity_findings(application=application, loaded=loaded),
        "bid_warnings": selectors.application_bid_warnings(application=application, loaded=loaded,
                                                           evidence=evidence)})


@requires(can_use_applications, load=_application, record=can_request_sign_off)
@require_POST
def request_sign_off(request, application, pk):
    try:
        services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:check", pk=pk)
    messages.success(request, "Your application has been sent to your cluster's head or chair to sign off. "
                              "We have emailed them a link.")
    return redirect("applications:detail", pk=pk)


@requires(can_use_applications, load=_application, record=can_take_back_application)
@require_POST
def withdraw(request, application, pk):
    try:
        services.application_transition(application=application, to=Status.DRAFT, actor=request.user,
                                        reason="Taken back by the cluster to change it")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:detail", pk=pk)
    messages.success(request, "The application is a draft again. You can change it and send it for sign-off again.")
    return redirect("applications:detail", pk=pk)


@requires(can_use_applications, load=_application, record=can_sign_off_application)
def sign_off(request, application, pk):
    loaded = selectors.application_load(application=application)
    form = SignOffForm(request.POST if request.method == "POST" else None)

    def decide(d) -> bool:
        confirmed = d["decision"] == "confirm"
        if confirmed:
            services.application_transition(application=application, to=Status.SUBMITTED, actor=request.user)
        else:
            services.application_transition(application=application, to=Status.DRAFT, actor=request.user,
                                            reason=d["reason"])
        return confirmed

    done = run_form(
        request, form, decide, error_field="decision",
        success_message=lambda confirmed: "" if confirmed else (
            "The application has been sent back to the cluster host and SEND lead."),
        redirect_to=lambda confirmed: reverse("applications:confirmation" if confirmed else "applications:detail",
                                              kwargs={"pk": pk}))
    if done:
        return done
    return render(request, "applications/sign_off.html", {
        "application": application, "form": form, "cards": application_summary(loaded=loaded, editable=False),
        "findings": selectors.application_identity_findings(application=application, loaded=loaded),
        "today": timezone.localdate()})


@requires(can_use_applications, load=_application)
def confirmation(request, application, pk):
    if application.status != Status.SUBMITTED:
        raise Http404("Not submitted")
    return render(request, "applications/confirmation.html", {"application": application})
