"""The can_* functions, role by role and status by status."""

import pytest

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import OTHER_CLUSTER_HOST

from .. import permissions as p
from ..models import Status

pytestmark = pytest.mark.django_db

ALL = [*Role, OTHER_CLUSTER_HOST]


def _who(world, check, application):
    return {actor for actor in ALL if check(world.users[actor], application)}


def test_edit_only_host_or_send_lead_of_that_cluster_only_while_draft(world):
    writers = {Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD}
    assert _who(world, p.can_edit_application, world.application_draft) == writers
    assert _who(world, p.can_edit_application, world.application_awaiting) == set()
    assert _who(world, p.can_edit_application, world.application_submitted) == set()


def test_sign_off_only_the_certifier_while_waiting(world):
    assert _who(world, p.can_sign_off_application, world.application_awaiting) == {Role.CERTIFIER}
    assert _who(world, p.can_sign_off_application, world.application_draft) == set()
    assert _who(world, p.can_sign_off_application, world.application_submitted) == set()


def test_view_the_cluster_always_la_staff_once_submitted(world):
    cluster = {Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD, Role.CERTIFIER}
    staff = {Role.LA_OFFICER, Role.EDUCATION_SPECIALIST, Role.BUSINESS_SPECIALIST, Role.DECISION_MAKER,
             Role.FINANCE, Role.ADMINISTRATOR}
    assert _who(world, p.can_view_application, world.application_draft) == cluster
    assert _who(world, p.can_view_application, world.application_submitted) == cluster | staff
    assert world.application_submitted.status == Status.SUBMITTED


def test_start_needs_a_writer_role(world):
    assert {a for a in ALL if p.can_start_application(world.users[a])} == {
        Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD, OTHER_CLUSTER_HOST}
    assert not p.can_start_application(world.users[OTHER_CLUSTER_HOST], world.cluster)


def test_a_clusters_dashboard_lists_only_its_own_applications_for_someone_also_on_the_council(world, client):
    """An LA officer who is also a cluster's host sees that cluster's drafts on its dashboard, never another
    cluster's (LA staff read other clusters' applications once submitted, on the council's pages)."""
    from django.urls import reverse

    from sendfund.accounts.services import membership_grant

    from .. import selectors, services

    other_draft = services.application_start(cluster=world.other_cluster, round=world.round, streams=["capacity"],
                                             actor=world.users[OTHER_CLUSTER_HOST])
    officer = world.users[Role.LA_OFFICER]
    membership_grant(user=officer, role=Role.CLUSTER_HOST, cluster=world.cluster)
    listed = set(selectors.cluster_applications(user=officer))
    assert world.application_draft in listed and other_draft not in listed
    assert {a.cluster_id for a in listed} == {world.cluster.pk}
    assert selectors.cluster_application_counts(user=officer) == selectors.cluster_application_counts(
        user=world.users[Role.CLUSTER_HOST])
    client.force_login(officer, backend="sendfund.accounts.backends.EmailBackend")
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert world.other_cluster.name not in page
