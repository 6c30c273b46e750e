"""Money pages: every award, every instalment, and recording a case's payments."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.core.downloads import Field, ListDownload, filters_shown
from sendfund.core.errors import DomainError
from sendfund.core.forms import run_form
from sendfund.core.paging import query_without_page

from .. import forms, permissions, selectors, services
from ..models import Instalment
from ..workflow import allows
from ._common import _case, _form, _fy, _local


def _money_filters_shown(request, choices) -> list[tuple[str, str]]:
    return filters_shown(request.GET, {
        "stream": ("Stream", selectors.STREAM_NAMES), "year": ("Financial year", dict(choices["years"])),
        "round": ("Round", dict(choices["rounds"])), "cluster": ("Cluster", dict(choices["clusters"])),
        "status": ("Payment", selectors.PAYMENT_STATUSES)})


def _money_choices(request) -> dict:
    from sendfund.core.years import fy_label

    choices = selectors.queue_filter_choices(user=request.user)
    today = timezone.localdate()
    first = today.year - 1 if today.month < 4 else today.year
    choices["years"] = [(y, fy_label(y)) for y in range(first + 1, first - 4, -1)]
    return choices


AWARDS_DOWNLOAD: ListDownload[selectors.Award] = ListDownload("awards", "Awards", [
    Field("Reference", lambda c: c.reference), Field("Cluster", lambda c: c.cluster.name, width=30),
    Field("Round", lambda c: c.application.round.name, width=24), Field("Outcome", lambda c: c.get_outcome_display()),
    Field("State", lambda c: c.get_status_display(), width=20), Field("Decided", lambda c: _local(c.decided_at), "datetime"),
    Field("Capacity awarded", lambda c: c.awarded_capacity or 0, "money"),
    Field("Development awarded", lambda c: c.awarded_development or 0, "money"),
    Field("Total awarded", lambda c: c.awarded or 0, "money"), Field("Paid", lambda c: c.paid or 0, "money")])


@requires(permissions.can_view_cases)
def awards(request, fmt=None):
    """Every award the user may see (decided with an offer), with what was awarded and paid."""
    filters = forms.money_filters(request.GET)
    choices = _money_choices(request)
    rows = selectors.awards_for_user(user=request.user, filters=filters)
    if fmt:
        return AWARDS_DOWNLOAD.response(request, fmt, rows, filters=_money_filters_shown(request, choices))
    return render(request, "casework/awards.html", {
        "page": Paginator(rows, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page")), "filters": filters,
        "choices": choices, "streams": selectors.STREAM_NAMES.items(), "query": query_without_page(request)})


PAYMENTS_DOWNLOAD: ListDownload[Instalment] = ListDownload("payments", "Payments", [
    Field("Reference", lambda i: i.case.reference), Field("Cluster", lambda i: i.case.cluster.name, width=30),
    Field("Stream", lambda i: i.stream.get_kind_display()), Field("Financial year", lambda i: _fy(i.financial_year)),
    Field("Instalment", lambda i: i.number, "integer"), Field("Due", lambda i: i.due_on, "date"),
    Field("Amount", lambda i: i.amount, "money"),
    Field("Status", lambda i: selectors.PAYMENT_STATUSES[selectors.payment_status(i)]),
    Field("Paid on", lambda i: i.paid_on, "date"), Field("Recorded by", lambda i: i.paid_by.full_name if i.paid_by else "")])


@requires(permissions.can_view_cases)
def payments_list(request, fmt=None):
    """Every instalment of the awards the user may see: not due yet, due and not paid, or paid."""
    filters = forms.money_filters(request.GET)
    choices = _money_choices(request)
    rows = selectors.payments_for_user(user=request.user, filters=filters)
    if fmt:
        return PAYMENTS_DOWNLOAD.response(request, fmt, rows, filters=_money_filters_shown(request, choices))
    page = Paginator(rows, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "casework/payments_list.html", {
        "page": page, "rows": [(i, selectors.PAYMENT_STATUSES[selectors.payment_status(i, today)]) for i in page],
        "filters": filters, "choices": choices, "streams": selectors.STREAM_NAMES.items(),
        "statuses": selectors.PAYMENT_STATUSES.items(), "query": query_without_page(request)})


@requires(permissions.can_record_payments, load=_case)
def payments(request, case, reference):
    form = _form(forms.PaymentForm, request)
    def pay(d) -> Instalment:
        instalment = case.instalments.filter(pk=d["instalment"]).first()
        if instalment is None:
            raise DomainError("Choose an instalment of this case.")
        services.instalment_pay(instalment=instalment, paid_on=d["paid_on"], actor=request.user)
        return instalment

    done = run_form(request, form, pay, success_message=lambda i: f"Payment of instalment {i.number} recorded.",
                    redirect_to=reverse("casework:payments", kwargs={"reference": reference}))
    if done:
        return done
    posted = ({"instalment": form.cleaned_data.get("instalment") if hasattr(form, "cleaned_data") else None,
               "paid_on": request.POST.get("paid_on", "")} if form.is_bound else {})
    return render(request, "casework/payments.html", {
        "case": case, "form": form, "today": timezone.localdate(), "posted": posted, "payments_open": allows(case, "pay"),
        "instalments": list(Instalment.objects.filter(case=case).select_related("stream", "paid_by"))})
