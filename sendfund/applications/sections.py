"""The sections of an application, as data: order, title, which applications they apply to, their form.

The task list, the check page, completeness and the identity check all read this one list.
"""

from sendfund.core.collection import SectionSpec

from . import forms
from .models import Application

ITEM_SECTIONS = ("activities", "costs", "outcomes")


def _labels(form_class) -> dict:
    form = form_class()
    return {name: f.label for name, f in form.fields.items()}


ABOUT = "About your cluster and your bid"
BID = "Your plans"
SIGN = "Agree and send"

SECTIONS: list[SectionSpec] = [
    SectionSpec("cluster-details", "Cluster details", ABOUT, forms.ClusterDetailsForm),
    SectionSpec("funding", "Funding you are applying for", ABOUT, forms.FundingForm),
    SectionSpec("evidence-capacity", "Evidence of need (capacity)", ABOUT, forms.CapacityEvidenceForm,
                applies=lambda a: a.wants_capacity),
    SectionSpec("evidence-development", "Current practice and what you want to develop", ABOUT,
                forms.DevelopmentEvidenceForm, applies=lambda a: a.wants_development),
    SectionSpec("plans", "Cluster development plan and SEN-D Action Plan", ABOUT, forms.PlansForm),
    SectionSpec("activities", "Activities", BID),
    SectionSpec("costs", "Costs", BID),
    SectionSpec("outcomes", "Outcomes", BID),
    SectionSpec("sustainability", "Sustainability", BID, forms.SustainabilityForm),
    SectionSpec("governance", "Governance", SIGN, forms.GovernanceForm),
    SectionSpec("declarations", "Declarations", SIGN, forms.DeclarationsForm, after_others=True),
]
BY_KEY = {s.key: s for s in SECTIONS}
ITEM_FORMS = {"activities": forms.ActivityForm, "costs": forms.CostLineForm, "outcomes": forms.OutcomeForm}
ITEM_NAMES = {"activities": "activity", "costs": "cost", "outcomes": "outcome"}
LAST = "declarations"


def sections_for(application: Application) -> list[SectionSpec]:
    return [s for s in SECTIONS if s.applies(application)]


def field_label(section_key: str, name: str) -> str:
    spec = BY_KEY[section_key]
    form_class = spec.form_class or ITEM_FORMS[section_key]
    try:
        form = form_class()
    except Exception:  # noqa: BLE001 - a label is a nicety; fall back to the field's name
        return name.replace("_", " ")
    f = form.fields.get(name)
    return str(f.label) if f is not None else name.replace("_", " ")
