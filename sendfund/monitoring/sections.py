"""The sections of a monitoring return and of a Health Check, as data (sendfund/core/collection.py)."""

from sendfund.core.collection import SectionSpec

from . import forms

DELIVERY = "How the work is going"
MONEY = "Money and evidence"

RETURN_SECTIONS: list[SectionSpec] = [
    SectionSpec("progress", "Progress on each activity", DELIVERY, forms.ProgressForm),
    SectionSpec("outcomes", "Outcome measures", DELIVERY, forms.OutcomesForm),
    SectionSpec("changes", "Changes from your plan", DELIVERY, forms.ChangesForm),
    SectionSpec("spend", "Spend to date", MONEY, forms.SpendForm),
    SectionSpec("evidence", "Evidence", MONEY, forms.EvidenceForm),
]
RETURN_BY_KEY = {s.key: s for s in RETURN_SECTIONS}
