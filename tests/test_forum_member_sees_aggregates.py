"""A Forum member sees aggregates only: no page of a single application, case, return, Health Check, score or
person (the list of pages they may open is in sendfund/reports/tests/access.py), and their API token lists nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.casework.models import Case, Outcome
from tests.test_authorization import all_rules

pytestmark = pytest.mark.django_db


def test_a_forum_members_token_reads_no_single_record(world):
    from sendfund.api.services import api_token_create

    _token, secret = api_token_create(user=world.users[Role.FORUM_MEMBER], name="Forum token")
    assert Case.objects.filter(outcome__in=[Outcome.APPROVED, Outcome.APPROVED_IN_PART]).exists()
    for rule in all_rules():
        if rule.method != "api" or Role.FORUM_MEMBER not in rule.allowed or rule.name == "api:api-root":
            continue
        response = Client().get(reverse(rule.name, kwargs=rule.kwargs(world)), HTTP_AUTHORIZATION=f"Bearer {secret}")
        body = response.json()
        if rule.name == "api:list_rounds":
            continue  # rounds are published: their names and dates
        assert body.get("items") == [], f"{rule.name} gave a Forum member {body}"
