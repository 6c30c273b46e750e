"""The world is built once per test process and shared (docs/adr/0063-one-test-world-per-process.md): each test
must still see it exactly as built, and a test without it must not see it at all. Each of the first two tests
changes the world in the database and in memory and checks, first, that the other's change did not reach it:
whichever runs second in a process (the suite runs world tests together) catches a leak."""

import pytest

from sendfund.registry.models import Cluster

BUILT_NAME = "Alpha cluster"


def _sees_the_world_as_built_then_changes_it(world, name):
    assert world.cluster.name == BUILT_NAME
    assert Cluster.objects.get(pk=world.cluster.pk).name == BUILT_NAME
    assert Cluster.objects.count() == 2
    world.cluster.name = name
    world.cluster.save()
    world.users.clear()
    Cluster.objects.create(code=name.lower().replace(" ", "-"), name=name + " extra")


def test_a_test_on_the_world_sees_it_as_built(world):
    _sees_the_world_as_built_then_changes_it(world, "Changed by one test")


def test_another_test_on_the_world_sees_it_as_built_too(world):
    assert world.users, "the namespace is this test's own copy"
    _sees_the_world_as_built_then_changes_it(world, "Changed by another test")


@pytest.mark.django_db
def test_a_test_without_the_world_sees_an_empty_database():
    assert not Cluster.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_builds_a_world_of_its_own(world):
    assert world.cluster.name == BUILT_NAME and Cluster.objects.count() == 2
