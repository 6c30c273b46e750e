"""The pot pages under /manage/funds/: balances per stream and year (FY and AY views), a chart and the ledger."""

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.core.errors import DomainError
from sendfund.core.money import MoneyError, format_pounds, parse_pounds
from sendfund.core.years import financial_year_of, fy_label

from . import charts, selectors, services
from .permissions import can_allocate, can_view_pot


def _fund():
    fund = selectors.fund_current()
    if fund is None:
        raise Http404("No fund")
    return fund


@requires(can_view_pot)
def pot(request):
    fund = _fund()
    rows = selectors.pot_rows(fund=fund)
    streams = selectors.fund_streams(fund=fund)
    pot_years = sorted({r.financial_year for r in rows})
    first_fy = financial_year_of(fund.starts_on)
    fy_years = sorted({first_fy, first_fy + 1, *pot_years})
    from sendfund.core.years import academic_year_of

    ay_years = sorted({academic_year_of(fund.starts_on), *[y for y in pot_years], *[y - 1 for y in pot_years]})
    chart = charts.pot_chart_svg(labels=[f"{r.stream_label} {r.year_label}" for r in rows],
                                 paid=[r.balance.paid for r in rows],
                                 committed_unpaid=[r.balance.unpaid for r in rows],
                                 remaining=[r.balance.remaining for r in rows]) if rows else ""
    next_year = (max(pot_years) + 1) if pot_years else first_fy
    return render(request, "funds/pot.html", {
        "fund": fund, "rows": rows, "year_totals": selectors.fund_totals_by_year(rows), "streams": streams,
        "fy_amounts": selectors.fund_year_amounts(fund=fund, streams=streams, kind="fy", years=fy_years),
        "ay_amounts": selectors.fund_year_amounts(fund=fund, streams=streams, kind="ay", years=ay_years),
        "chart": mark_safe(chart),  # noqa: S308  (our own matplotlib output, with no user text in it)
        "may_allocate": can_allocate(request.user), "next_year": next_year, "next_year_label": fy_label(next_year),
    })


@requires(can_view_pot)
def ledger(request):
    fund = _fund()
    year = request.GET.get("year", "")
    kind = request.GET.get("stream", "")
    entries = selectors.ledger_entries(fund=fund, financial_year=int(year) if year.isdigit() else None,
                                       stream_kind=kind if kind in ("capacity", "development") else None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "funds/ledger.html", {"fund": fund, "page": page})


@require_POST
@requires(can_allocate)
def allocate(request):
    fund = _fund()
    year = request.POST.get("year", "")
    try:
        if not year.isdigit():
            raise DomainError("Choose the financial year to allocate.")
        services.pot_allocate_year(fund=fund, financial_year=int(year), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{fy_label(int(year))} allocated to the streams.")
    return redirect("funds:pot")


class AdjustForm(forms.Form):
    """A budget change to one pot: a positive amount adds money, a negative one takes it away."""

    pot = forms.ChoiceField(label="Which stream and year?", widget=forms.RadioSelect,
                            error_messages={"required": "Select the stream and year to adjust"})
    amount = forms.CharField(label="Amount in pounds", max_length=20,
                             help_text="For example 5000.00 to add money, or -5000.00 to take it away.",
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                                           "class": "govuk-input--width-10"}),
                             error_messages={"required": "Enter the amount"})
    note = forms.CharField(label="Why is the pot being adjusted?", max_length=255,
                           widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter why"})

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pot"].choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_amount(self):
        try:
            value = parse_pounds(self.cleaned_data["amount"].replace("−", "-"))
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
    form = AdjustForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        stream_id, year = (int(x) for x in form.cleaned_data["pot"].split("-"))
        try:
            services.pot_adjust(stream=fund.streams.get(pk=stream_id), financial_year=year,
                                amount=form.cleaned_data["amount"], note=form.cleaned_data["note"], actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"The pot has been adjusted by {format_pounds(form.cleaned_data['amount'])}.")
            return redirect("funds:pot")
    return render(request, "funds/adjust.html", {"fund": fund, "form": form})
