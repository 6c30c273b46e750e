from decimal import Decimal

from django.db import migrations

# The default weighted criteria (domain.md section 4.2). They are data: change weights in the admin.
CRITERIA = [
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


def add(apps, schema_editor):
    Criterion = apps.get_model("casework", "Criterion")
    for order, (code, name, description, weight) in enumerate(CRITERIA, start=1):
        Criterion.objects.update_or_create(code=code, defaults={"name": name, "description": description,
                                                                "weight": Decimal(weight), "order": order})


def remove(apps, schema_editor):
    apps.get_model("casework", "Criterion").objects.filter(code__in=[c[0] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_cases")]
    operations = [migrations.RunPython(add, remove)]
