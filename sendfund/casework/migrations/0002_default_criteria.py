from django.db import migrations

from sendfund.casework.criteria import DEFAULT_CRITERIA, criteria_ensure_defaults


def add(apps, schema_editor):
    criteria_ensure_defaults(apps.get_model("casework", "Criterion"))


def remove(apps, schema_editor):
    apps.get_model("casework", "Criterion").objects.filter(code__in=[c[0] for c in DEFAULT_CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_cases")]
    operations = [migrations.RunPython(add, remove)]
