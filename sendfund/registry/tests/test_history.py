"""A cluster's history reads in plain English: names, not ids (issue 8)."""

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.registry.services import cluster_update

pytestmark = pytest.mark.django_db


def test_a_cluster_change_reads_with_names_not_ids(world, client_for):
    officer = world.users[Role.LA_OFFICER]
    cluster_update(cluster=world.cluster, actor=officer, host_school=world.other_school,
                   host_email="new-host@alpha.example")
    page = client_for(Role.LA_OFFICER).get(reverse("registry:cluster-history", kwargs={"code": world.cluster.code}))
    text = page.content.decode()
    assert f"{officer.full_name} changed the cluster&#x27;s host&#x27;s email and host school" in text
    assert f"host school: {world.other_school.name} (was {world.school.name})" in text
    assert "host_school_id" not in text and "host_email:" not in text
