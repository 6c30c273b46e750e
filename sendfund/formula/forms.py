"""Forms check shape only; the services check the rules (house rule 7)."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms

from sendfund.core.fields import IsoDateField, ModelChoiceField, MoneyField
from sendfund.core.forms import PlainEnglish, PrivacyScreen
from sendfund.core.money import MoneyError, parse_pounds
from sendfund.core.years import ay_label, fy_label

from .models import FactorKind, FormulaVersion, RunKind

# Every money input is core's MoneyField (strict, bounded by its column; never negative).
PoundsField = MoneyField
# A unit value is kept in FormulaFactor.value (max_digits=14, 6 decimal places): 8 whole digits.
UNIT_VALUE_MAX_DIGITS = 10


def _share_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=Decimal(0), max_value=Decimal(1), decimal_places=6,
                              error_messages={"min_value": "Enter a share of 0 or more",
                                              "max_value": "Enter a share of 1 or less",
                                              "invalid": "Enter a share as a decimal, like 0.25",
                                              "max_decimal_places": "Enter a share with no more than 6 decimal places"})


class VersionForm(PrivacyScreen, forms.Form):
    name = forms.CharField(max_length=150, error_messages={"required": "Enter a name for the version"})
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = IsoDateField(label="Valid from", help_text="For example, 2019-04-01",
                              required_message="Enter the date the version applies from",
                              invalid_message="Enter a date like 2019-04-01")
    lump_sum_per_school = PoundsField(label="Lump sum for each school, in pounds", required=False)
    lump_sum_per_cluster = PoundsField(label="Lump sum for each cluster, in pounds", required=False)
    protection_floor = forms.DecimalField(
        label="Floor: least change in funding per pupil (blank for none)", required=False, max_digits=6,
        decimal_places=4, help_text="As a fraction: -0.02 means no cluster loses more than 2% per pupil")
    protection_cap = forms.DecimalField(
        label="Cap: most change in funding per pupil (blank for none)", required=False, max_digits=6,
        decimal_places=4, help_text="As a fraction: 0.05 means no cluster gains more than 5% per pupil")
    evidence_threshold = forms.DecimalField(
        label="Need-to-funding ratio that counts as under-funded", initial=Decimal("1.20"), max_digits=5,
        decimal_places=2, min_value=Decimal("0.01"))
    evidence_years = forms.IntegerField(label="Years in a row above it for clear evidence", initial=2, min_value=1,
                                        max_value=10)
    evidence_min_indicators = forms.IntegerField(
        label="Single need indicators that must also be above it", initial=0, min_value=0, max_value=20,
        help_text="0 means only the combined measure counts")
    top_n = forms.IntegerField(label="Clusters to put forward each year", initial=10, min_value=1, max_value=200)
    targeted = forms.CharField(
        label="Targeted money for particular clusters (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="One cluster a line: its code, a comma, then pounds. For example: acle-academy-cluster, 12000.00")

    def clean_targeted(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for number, line in enumerate(self.cleaned_data["targeted"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, amount = line.partition(",")
            if not sep or not code.strip():
                raise forms.ValidationError(f"Line {number}: write the cluster code, a comma, then the amount")
            try:
                value = parse_pounds(amount)
            except MoneyError as exc:
                raise forms.ValidationError(f"Line {number}: {exc}") from None
            if code.strip() in out:
                raise forms.ValidationError(f"Line {number}: {code.strip()} is listed twice")
            out[code.strip()] = value
        return out

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        weight_fields, unit_fields, need_fields = [], [], []
        for ind in self.indicators:
            self.fields[f"weight_{ind.code}"] = _share_field(ind.name)
            weight_fields.append(Field.text(f"weight_{ind.code}", field_width=5))
            self.fields[f"unit_{ind.code}"] = PoundsField(label=ind.name, required=False,
                                                          max_digits=UNIT_VALUE_MAX_DIGITS)
            unit_fields.append(Field.text(f"unit_{ind.code}", field_width=10))
            if ind.is_need:
                self.fields[f"need_{ind.code}"] = _share_field(ind.name)
                need_fields.append(Field.text(f"need_{ind.code}", field_width=5))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description"),
            Field.text("valid_from", field_width=10),
            Fieldset(*weight_fields, legend="Weights: each indicator's share of the proxy pot (they must add up to 1)",
                     legend_size=Size.MEDIUM),
            Fieldset(*unit_fields, legend="Unit values: pounds for each pupil counted, paid before the weights (optional)",
                     legend_size=Size.MEDIUM),
            Fieldset(Field.text("lump_sum_per_school", field_width=10), Field.text("lump_sum_per_cluster", field_width=10),
                     legend="Lump sums", legend_size=Size.MEDIUM),
            Fieldset(Field.text("protection_floor", field_width=5), Field.text("protection_cap", field_width=5),
                     legend="Protection against big changes from last year", legend_size=Size.MEDIUM),
            Fieldset(*need_fields, Field.text("evidence_threshold", field_width=4), Field.text("evidence_years", field_width=2),
                     Field.text("evidence_min_indicators", field_width=2), Field.text("top_n", field_width=3),
                     legend="Need measure and clear evidence (need weights must add up to 1; blank for equal)",
                     legend_size=Size.MEDIUM),
            Fieldset(Field.textarea("targeted"), legend="Targeted money", legend_size=Size.MEDIUM),
            Submit("submit", "Save version"),
        )

    @classmethod
    def initial_for(cls, version: FormulaVersion) -> dict:
        data = {f: getattr(version, f) for f in ("name", "description", "valid_from", "lump_sum_per_school",
                                                 "lump_sum_per_cluster", "protection_floor", "protection_cap",
                                                 "evidence_threshold", "evidence_years", "evidence_min_indicators",
                                                 "top_n")}
        data["targeted"] = "\n".join(f"{t.cluster.code}, {t.amount:.2f}" for t in version.targeted.all())
        for factor in version.factors.all():
            prefixes: dict[str, str] = {FactorKind.WEIGHT: "weight", FactorKind.UNIT: "unit", FactorKind.NEED: "need"}
            prefix = prefixes[factor.kind]
            data[f"{prefix}_{factor.indicator.code}"] = factor.value.normalize() if factor.kind != FactorKind.UNIT \
                else factor.value.quantize(Decimal("0.01"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        pick = lambda prefix: {i.code: d.get(f"{prefix}_{i.code}") for i in self.indicators  # noqa: E731
                               if d.get(f"{prefix}_{i.code}")}
        return dict(
            name=d["name"], description=d["description"], valid_from=d["valid_from"],
            lump_sum_per_school=d["lump_sum_per_school"] or Decimal("0.00"),
            lump_sum_per_cluster=d["lump_sum_per_cluster"] or Decimal("0.00"),
            protection_floor=d["protection_floor"], protection_cap=d["protection_cap"],
            evidence_threshold=d["evidence_threshold"], evidence_years=d["evidence_years"],
            evidence_min_indicators=d["evidence_min_indicators"], top_n=d["top_n"],
            weights=pick("weight"), unit_values=pick("unit"), need_weights=pick("need"),
            targeted=d.get("targeted") or {},
        )


class RunForm(PlainEnglish, forms.Form):
    version = ModelChoiceField(queryset=FormulaVersion.objects.all(), label="Formula version",
                                     empty_label=None, error_messages={"required": "Choose a formula version"})
    financial_year = forms.TypedChoiceField(label="Financial year of the allocation", coerce=int)
    academic_year = forms.TypedChoiceField(label="Census and clusters from", coerce=int)
    pot = PoundsField(label="Pot, in pounds", help_text="For example, 9400000.00",
                      error_messages={"required": "Enter the pot in pounds"})
    kind = forms.ChoiceField(label="Is this the year's allocation or a scenario?", choices=RunKind.choices,
                             widget=forms.RadioSelect, initial=RunKind.ALLOCATION)
    scenarios = forms.IntegerField(label="Weight scenarios for the sensitivity check", initial=2000, min_value=0,
                                   max_value=100_000, help_text="0 to skip; 10,000 takes under a second")

    def __init__(self, *args, academic_years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["academic_year"]).choices = [(y, ay_label(y)) for y in academic_years]
        fys = sorted({y + 1 for y in academic_years} | {y for y in academic_years}, reverse=True)
        cast(forms.ChoiceField, self.fields["financial_year"]).choices = [(y, fy_label(y)) for y in fys]
        if academic_years:
            self.fields["financial_year"].initial = academic_years[0] + 1
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("version"), Field.select("financial_year"), Field.select("academic_year"),
            Field.text("pot", field_width=10), Field.radios("kind", legend_size=Size.SMALL),
            Field.text("scenarios", field_width=5), Submit("submit", "Run the formula"),
        )
