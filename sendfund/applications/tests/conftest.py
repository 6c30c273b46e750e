import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role

from .. import services


@pytest.fixture
def host(world):
    return world.users[Role.CLUSTER_HOST]


@pytest.fixture
def draft(world, host):
    """A fresh capacity draft for world.cluster, nothing answered but the funding."""
    return services.application_start(cluster=world.cluster, round=world.round, streams=["capacity"], actor=host)


@pytest.fixture
def host_client(client_for):
    return client_for(Role.CLUSTER_HOST)


def section_url(application, key, **query):
    url = reverse("applications:section", kwargs={"pk": application.pk, "key": key})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def item_add_url(application, kind):
    return reverse("applications:item-add", kwargs={"pk": application.pk, "kind": kind})
