"""The web benchmark's seeder copies the templates it is given into records the site reads as it reads
its own: unique references, every case in its cluster and round, no pot over-committed."""

import sys
from pathlib import Path

import pytest
from django.db.models import F
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.applications.models import Application
from sendfund.casework.models import Case
from sendfund.funds.models import Pot
from sendfund.funds.selectors import pot_balance

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from seed_scale import seed  # noqa: E402


@pytest.mark.django_db
def test_the_seeder_makes_records_the_site_reads_as_its_own(world, client_for):
    applications_before, cases_before = Application.objects.count(), Case.objects.count()
    last_pk = Application.objects.order_by("-pk").values_list("pk", flat=True).first()
    made = seed(40, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert made["applications"] == 40 == Application.objects.count() - applications_before
    assert made["cases"] == Case.objects.count() - cases_before > 0
    references = list(Application.objects.exclude(reference=None).values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert not Case.objects.exclude(cluster_id=F("application__cluster_id")).exists()
    pairs = list(Application.objects.filter(pk__gt=last_pk).values_list("cluster_id", "round_id"))
    assert len(pairs) == len(set(pairs))
    for pot in Pot.objects.select_related("stream"):
        assert pot_balance(stream=pot.stream, financial_year=pot.financial_year).remaining >= 0
    client = client_for(Role.LA_OFFICER)
    assert client.get(reverse("casework:queue"), {"page": "2"}).status_code == 200
    case = Case.objects.order_by("-pk").first()
    assert client.get(reverse("casework:case-detail", kwargs={"reference": case.reference})).status_code == 200
