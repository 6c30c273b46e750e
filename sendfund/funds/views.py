"""The pot pages under /manage/funds/: balances per stream and year (FY and AY views), a chart and the ledger."""

from decimal import Decimal
from typing import cast

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from sendfund.accounts.decorators import requires
from sendfund.core.downloads import Field, ListDownload, filters_shown
from sendfund.core.errors import DomainError
from sendfund.core.fields import whole_number
from sendfund.core.forms import PrivacyScreen, run_action, run_form
from sendfund.core.money import MoneyError, format_pounds, money_column_max, parse_pounds
from sendfund.core.paging import query_without_page
from sendfund.core.years import fy_label

from . import charts, selectors, services
from .models import LedgerEntry
from .permissions import can_allocate, can_view_pot


def _fund():
    fund = selectors.fund_current()
    if fund is None:
        raise Http404("No fund")
    return fund


@requires(can_view_pot)
def pot(request):
    fund = _fund()
    overview = selectors.pot_overview(fund=fund)
    rows = overview.rows
    chart = charts.pot_chart_svg(labels=[f"{r.stream_label} {r.year_label}" for r in rows],
                                 paid=[r.balance.paid for r in rows],
                                 committed_unpaid=[r.balance.unpaid for r in rows],
                                 remaining=[r.balance.remaining for r in rows]) if rows else ""
    next_year = selectors.next_year_to_allocate(fund=fund, overview=overview)
    return render(request, "funds/pot.html", {
        "fund": fund, "o": overview, "streams": overview.streams,
        "chart": mark_safe(chart),  # noqa: S308  (our own matplotlib output, with no user text in it)
        "next_year": next_year, "next_year_label": fy_label(next_year),
    })


LEDGER_DOWNLOAD: ListDownload[LedgerEntry] = ListDownload("ledger", "The ledger", [
    Field("When", lambda e: timezone.localtime(e.at).replace(tzinfo=None), "datetime", width=20),
    Field("Kind", lambda e: e.get_kind_display()), Field("Stream", lambda e: e.pot.stream.get_kind_display()),
    Field("Financial year", lambda e: fy_label(e.pot.financial_year)), Field("Amount", lambda e: e.amount, "money"),
    Field("Source", lambda e: e.source), Field("Note", lambda e: e.note, width=40),
    Field("Reference", lambda e: e.reference), Field("By", lambda e: e.actor.full_name if e.actor else "System")])
STREAM_NAMES = {"capacity": "Capacity", "development": "Development"}


@requires(can_view_pot)
def ledger(request, fmt=None):
    fund = _fund()
    years = selectors.ledger_years(fund=fund)
    year = whole_number(request.GET.get("year", ""), maximum=9999)
    kind = request.GET.get("stream", "")
    kind = kind if kind in STREAM_NAMES else ""
    entries = selectors.ledger_entries(fund=fund, financial_year=year, stream_kind=kind or None)
    if fmt:
        return LEDGER_DOWNLOAD.response(request, fmt, entries, filters=filters_shown(request.GET, {
            "year": ("Financial year", {y: fy_label(y) for y in years}), "stream": ("Stream", STREAM_NAMES)}))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "funds/ledger.html", {"fund": fund, "page": page, "query": query_without_page(request),
                                                 "years": [(y, fy_label(y)) for y in years], "year": year,
                                                 "streams": STREAM_NAMES.items(), "stream": kind})


@requires(can_allocate)
def allocate(request):
    """Allocate a financial year, after a page that shows what each stream will get (GET ?year=, the next year
    to allocate by default); the button posts."""
    fund = _fund()
    asked = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    year = whole_number(asked, maximum=9999) if asked is not None else selectors.next_year_to_allocate(fund=fund)
    if request.method != "POST":
        try:
            if year is None:
                raise DomainError("Choose the financial year to allocate.")
            planned = services.allocation_planned(fund=fund, financial_year=year)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("funds:pot")
        streams = {s.kind: s for s in fund.streams.all()}
        return render(request, "funds/allocate.html", {
            "fund": fund, "year": year, "rows": [(streams[kind], amount) for kind, amount in planned.items()],
            "total": sum(planned.values(), Decimal(0))})

    def allocate_year() -> int:
        if year is None:
            raise DomainError("Choose the financial year to allocate.")
        services.pot_allocate_year(fund=fund, financial_year=year, actor=request.user)
        return year

    return run_action(request, allocate_year, redirect_to=reverse("funds:pot"),
                      success_message=lambda allocated: f"{fy_label(allocated)} allocated to the streams.")


class AdjustForm(PrivacyScreen, forms.Form):
    """A budget change to one pot: a positive amount adds money, a negative one takes it away."""

    pot = forms.ChoiceField(label="Which stream and year?", widget=forms.RadioSelect,
                            error_messages={"required": "Select the stream and year to adjust"})
    amount = forms.CharField(label="Amount in pounds", max_length=20,
                             help_text="For example 5000.00 to add money, or -5000.00 to take it away.",
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                                           "class": "govuk-input--width-10"}),
                             error_messages={"required": "Enter the amount",
                                             "max_length": "Enter an amount of "
                                                           f"{format_pounds(money_column_max())} or less"})
    note = forms.CharField(label="Why is the pot being adjusted?", max_length=255,
                           widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter why"})

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["pot"]).choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_amount(self):
        # parse_pounds reads amounts, never negative ones: a leading minus here means money taken away.
        text = self.cleaned_data["amount"].replace("−", "-").strip()
        sign = -1 if text.startswith("-") else 1
        try:
            value = sign * parse_pounds(text.removeprefix("-"))
        except MoneyError as exc:
            raise forms.ValidationError("Enter an amount in pounds and pence, like 5000.00 or -5000.00") from exc
        if value == 0:
            raise forms.ValidationError("Enter an amount other than £0.00")
        return value


@requires(can_allocate)
def adjust(request):
    """The page for services.pot_adjust: the budget holder changes what a pot holds, with a reason."""
    fund = _fund()
    rows = selectors.pot_rows(fund=fund)
    choices = [(f"{r.stream_id}-{r.financial_year}", f"{r.stream_label}, {r.year_label} "
                f"({format_pounds(r.balance.remaining)} not committed)") for r in rows]
    form = AdjustForm(request.POST if request.method == "POST" else None, choices=choices)

    def adjust_pot(d) -> Decimal:
        stream_id, year = (int(x) for x in d["pot"].split("-"))
        services.pot_adjust(stream=fund.streams.get(pk=stream_id), financial_year=year, amount=d["amount"],
                            note=d["note"], actor=request.user)
        return d["amount"]

    done = run_form(request, form, adjust_pot, redirect_to=reverse("funds:pot"),
                    success_message=lambda amount: f"The pot has been adjusted by {format_pounds(amount)}.")
    if done:
        return done
    return render(request, "funds/adjust.html", {"fund": fund, "form": form})
