"""The REST API: tokens act as their users (roles and scoping), every endpoint answers every role as
its rule says, money is a string, the payment write is idempotent, and the schema holds."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import OTHER_CLUSTER_HOST
from sendfund.api import services
from sendfund.api.models import ApiToken
from sendfund.api.tests.access import RULES
from sendfund.casework.models import Instalment, State
from sendfund.casework.tests.factories import advance
from sendfund.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(token, url, **params):
    return Client().get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def _tokens(world):
    return {actor: services.api_token_create(user=user, name=f"{actor} token")[1]
            for actor, user in world.users.items() if user is not None}


def test_every_endpoint_answers_every_role_as_its_rule_says(world):
    tokens = _tokens(world)
    failures, checked = [], 0
    for rule in RULES:
        if rule.method != "api" or rule.name == "api:api-root":
            continue
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        for actor, token in tokens.items():
            if rule.name == "api:record_payment":
                response = Client().post(url, json.dumps({"paid_on": timezone.localdate().isoformat()}),
                                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                                         HTTP_IDEMPOTENCY_KEY=f"walk-{actor}")
                ok = (response.status_code != 403) if actor in rule.allowed else response.status_code == 403
            else:
                response = _get(token, url)
                ok = response.status_code == (200 if actor in rule.allowed else 403)
            if not ok:
                failures.append(f"{url} as {actor}: {response.status_code}")
            checked += 1
        anonymous = Client().post(url) if rule.name == "api:record_payment" else Client().get(url)
        assert anonymous.status_code == 401, f"{url} without a token"
    assert checked > 100
    assert not failures, "\n".join(failures)


def test_a_clusters_token_sees_its_own_cluster_only(world):
    tokens = _tokens(world)
    own = _get(tokens[Role.CLUSTER_HOST], "/api/v1/clusters").json()
    assert [c["code"] for c in own["items"]] == [world.cluster.code]
    other = _get(tokens[OTHER_CLUSTER_HOST], "/api/v1/cases").json()
    assert world.case.reference not in {c["reference"] for c in other["items"]}
    assert world.case_other.reference in {c["reference"] for c in other["items"]}
    mine = _get(tokens[Role.CLUSTER_HOST], "/api/v1/applications").json()
    assert {a["cluster"] for a in mine["items"]} == {world.cluster.code}
    schools = _get(tokens[OTHER_CLUSTER_HOST], "/api/v1/schools").json()
    own_urns = set(world.cluster.memberships.values_list("school__urn", flat=True))
    assert not own_urns & {s["urn"] for s in schools["items"]}


def test_money_is_a_string_of_pounds_and_lists_page_in_a_stable_order(world):
    token = _tokens(world)[Role.LA_OFFICER]
    awards = _get(token, "/api/v1/awards").json()
    assert awards["count"] >= 1 and all(isinstance(a["decided"], str) and a["decided"].count(".") == 1
                                        for a in awards["items"])
    every = _get(token, "/api/v1/schools", limit=100).json()["items"]
    pages = [_get(token, "/api/v1/schools", limit=2, offset=n).json()["items"] for n in range(0, len(every), 2)]
    assert [s["urn"] for page in pages for s in page] == [s["urn"] for s in every]


@pytest.mark.parametrize("number", [-1, 0, 2**31, 2**53 + 1, 2**63, 2**64, 47848408159541985686847488])
def test_no_number_a_client_sends_makes_a_server_error(world, number):
    """Offsets, limits, ids and URNs past what a database column holds are refused (422) or find nothing
    (404, an empty page): never a 500, on SQLite or PostgreSQL."""
    token = _tokens(world)[Role.FINANCE]
    answers = [
        _get(token, "/api/v1/schools", offset=number),
        _get(token, "/api/v1/schools", limit=number),
        _get(token, "/api/v1/census-figures", urn=number),
        _get(token, f"/api/v1/formula/runs/{number}/allocations"),
        Client().post(f"/api/v1/payments/{number}/record", json.dumps({"paid_on": "2026-04-01"}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                      HTTP_IDEMPOTENCY_KEY=f"big-{number}"),
    ]
    assert all(a.status_code in (200, 404, 422) for a in answers), [a.status_code for a in answers]


def test_a_token_stops_working_when_revoked_or_expired(world, client_for):
    user = world.users[Role.LA_OFFICER]
    record, token = services.api_token_create(user=user, name="Finance system", days=30)
    assert _get(token, "/api/v1/rounds").status_code == 200
    assert ApiToken.objects.get(pk=record.pk).key_sha256 != token and token not in json.dumps(
        list(ApiToken.objects.values()), default=str)
    client = client_for(Role.LA_OFFICER)
    page = client.get(reverse("api-tokens:list")).content.decode()
    assert "Finance system" in page and token not in page
    assert client.post(reverse("api-tokens:revoke", kwargs={"pk": record.pk})).status_code == 302
    assert _get(token, "/api/v1/rounds").status_code == 401
    assert AuditEvent.objects.filter(verb="api_token.revoked").exists()
    _, expired = services.api_token_create(user=user, name="Old", days=1)
    ApiToken.objects.filter(name="Old").update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert _get(expired, "/api/v1/rounds").status_code == 401
    other = client_for(Role.CLUSTER_HOST)
    assert other.post(reverse("api-tokens:revoke", kwargs={"pk": world.api_token.pk})).status_code == 404


def test_the_token_page_makes_a_token_shown_once(world, client_for):
    client = client_for(Role.FINANCE)
    response = client.post(reverse("api-tokens:list"), {"name": "Finance system", "days": "90"})
    page = response.content.decode()
    assert "Your new token" in page and "sfk_" in page
    again = client.get(reverse("api-tokens:list")).content.decode()
    assert "Your new token" not in again
    refused = client.post(reverse("api-tokens:list"), {"name": "", "days": "7"}).content.decode()
    assert "Enter a name for the token" in refused and "There is a problem" in refused


def test_reloading_the_page_that_showed_a_new_token_makes_no_second_one(world, client_for):
    from sendfund.api.models import ApiToken

    client = client_for(Role.FINANCE)
    user = world.users[Role.FINANCE]
    first = client.post(reverse("api-tokens:list"), {"name": "Finance system", "days": "90"}).content.decode()
    again = client.post(reverse("api-tokens:list"), {"name": "Finance system", "days": "90"}).content.decode()
    assert "Your new token" in first and "Your new token" not in again and "sf-token" not in again
    assert "You already have a working token called Finance system" in again
    assert ApiToken.objects.filter(user=user, name="Finance system").count() == 1
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert "Your new token" in client.post(reverse("api-tokens:list"), {"name": "Finance system", "days": "90"}
                                           ).content.decode()


def _due_instalment(world):
    case = advance(world, world.case, State.OFFER_ACCEPTED)
    instalment = case.instalments.order_by("number").first()
    Instalment.objects.filter(pk=instalment.pk).update(due_on=timezone.localdate())
    return instalment


def _pay(token, instalment, key, paid_on=None):
    return Client().post(f"/api/v1/payments/{instalment.pk}/record",
                         json.dumps({"paid_on": (paid_on or timezone.localdate()).isoformat()}),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                         HTTP_IDEMPOTENCY_KEY=key)


def test_recording_a_payment_twice_with_one_key_records_one_payment(world):
    token = _tokens(world)[Role.FINANCE]
    instalment = _due_instalment(world)
    first = _pay(token, instalment, "pay-1")
    again = _pay(token, instalment, "pay-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert first.json()["paid_on"] == timezone.localdate().isoformat()
    assert Instalment.objects.get(pk=instalment.pk).paid_on == timezone.localdate()
    assert _pay(token, instalment, "pay-1", paid_on=timezone.localdate() - dt.timedelta(days=1)).status_code == 422
    assert _pay(token, instalment, "pay-2").status_code == 409  # already paid
    missing = Client().post(f"/api/v1/payments/{instalment.pk}/record", json.dumps({"paid_on": "2026-01-01"}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert missing.status_code == 422


def test_the_api_pays_as_the_web_does_early_but_never_before_the_years_pot_opens(world):
    """One rule for both (casework.services.instalment_pay): an instalment may be paid before its due date, from
    the day its financial year's pot opens; the API used to refuse any payment before the due date."""
    token = _tokens(world)[Role.FINANCE]
    case = advance(world, world.case, State.OFFER_ACCEPTED)
    today = timezone.localdate()
    instalments = list(case.instalments.order_by("number"))
    early = next(i for i in instalments if i.payable_from <= today)
    Instalment.objects.filter(pk=early.pk).update(due_on=today + dt.timedelta(days=30))
    assert _pay(token, early, "early").status_code == 201
    assert Instalment.objects.get(pk=early.pk).paid_on == today
    later = next(i for i in instalments if i.payable_from > today)
    response = _pay(token, later, "next-year")
    assert response.status_code == 409 and "which opens on" in response.json()["detail"]
    assert Instalment.objects.get(pk=later.pk).paid_on is None


@pytest.mark.postgres  # a unique insert that waits on PostgreSQL; IMMEDIATE transactions on SQLite
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_record_one_payment(world):
    import threading

    from django.db import OperationalError, close_old_connections, connection

    from sendfund.funds.models import EntryKind, LedgerEntry

    user = world.users[Role.FINANCE]
    instalment = _due_instalment(world)
    start = threading.Barrier(2)
    answers, lock = [], threading.Lock()

    def send():
        close_old_connections()
        try:
            start.wait()
            for _attempt in range(200):
                try:
                    answer = services.payment_record_idempotent(user=user, key="same-key", instalment_id=instalment.pk,
                                                                paid_on=timezone.localdate())
                    break
                except OperationalError:  # SQLite's shared-cache test database: "table is locked"; try again
                    threading.Event().wait(0.01)
            else:
                answer = (0, {})
            with lock:
                answers.append(answer)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in answers] == [201, 201] and answers[0][1] == answers[1][1]
    assert LedgerEntry.objects.filter(reference=instalment.case.reference, kind=EntryKind.PAYMENT).count() == 1


def test_the_documentation_lists_every_endpoint_from_the_schema(client):
    from sendfund.api.api import api

    page = client.get("/api/v1/docs").content.decode()
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page
    assert "<h1" in page and "<script src=\"http" not in page and "Idempotency-Key" in page
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "SendFund API"
