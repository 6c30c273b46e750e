"""The default weighted assessment criteria (domain.md section 4.2), as data. Weights are percentages and sum
to 100; change them in the admin. Migration 0002 loads them; `criteria_ensure_defaults` puts them back in a
database emptied by a test's flush."""

from decimal import Decimal

DEFAULT_CRITERIA = [
    ("need-and-evidence", "Need and evidence", "How clearly the evidence shows unmet need, or a development need, "
     "in the cluster: the formula-versus-need figures, the development plan and the SEN-D Action Plan.", "30"),
    ("quality-of-plan", "Quality of the plan", "Whether the activities are well chosen, realistic and "
     "well timed, and reach the schools that need them.", "20"),
    ("outcomes-and-measures", "Outcomes and measures", "Whether outcomes have a baseline, a target and a date, "
     "and how they will be measured.", "15"),
    ("value-for-money", "Value for money", "Whether the costs are realistic, justified and proportionate to "
     "the outcomes.", "15"),
    ("sustainability", "Sustainability", "What happens when the money stops.", "10"),
    ("governance", "Governance", "How the cluster agreed the bid, who holds and accounts for the money, and "
     "how conflicts of interest are handled.", "10"),
]


def criteria_ensure_defaults(criterion_model=None) -> None:
    """Create the default criteria that do not exist yet (never changes ones that do)."""
    if criterion_model is None:
        from .models import Criterion as criterion_model
    for order, (code, name, description, weight) in enumerate(DEFAULT_CRITERIA, start=1):
        criterion_model.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                   "weight": Decimal(weight), "order": order})
