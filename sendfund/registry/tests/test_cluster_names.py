"""A cluster's name and the code its pages' addresses use: whatever the name (another script, symbols only, two
names that make the same code), each cluster gets an address of its own and its pages answer; a taken name is
refused with a message, never a database error."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sendfund.accounts.roles import Role
from sendfund.core.errors import DomainError
from sendfund.registry.memberships import cluster_memberships_import
from sendfund.registry.models import Cluster, School
from sendfund.registry.services import cluster_create, cluster_update

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
AWKWARD = ["Acle & District", "Acle District", "Acle  District!", "东方学校群", "★★★", "---", "Ünïcödé Cluster",
           "x" * 150, "y" * 149 + "!", "Cluster", "cluster"]


def test_every_name_gets_an_address_of_its_own_and_its_pages_answer(client_for, world):
    made = []
    for name in AWKWARD:
        try:
            made.append(cluster_create(name=name))
        except DomainError as exc:  # "cluster" after "Cluster": the same name in another case
            assert name == "cluster" and "There is already a cluster called cluster" in str(exc)
    codes = [c.code for c in made]
    assert all(SLUG.fullmatch(code) for code in codes), codes
    assert len(set(Cluster.objects.values_list("code", flat=True))) == Cluster.objects.count()
    assert Cluster.objects.get(name="东方学校群").code.startswith("cluster")
    officer = client_for(Role.LA_OFFICER)
    for cluster in made:
        assert officer.get(reverse("registry:cluster-detail", kwargs={"code": cluster.code})).status_code == 200
    assert officer.get(reverse("registry:cluster-list")).status_code == 200


@pytest.mark.django_db
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(min_size=1, max_size=150), min_size=1, max_size=6))
def test_any_names_give_distinct_valid_codes_or_a_clear_refusal(names):
    for name in names:
        try:
            cluster_create(name=name)
        except DomainError as exc:
            assert exc.field == "name"
            assert ("control characters" in exc.message or not name.strip()
                    or Cluster.objects.filter(name__iexact=name.strip()).exists())
    codes = list(Cluster.objects.values_list("code", flat=True))
    assert all(SLUG.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == len(codes)
    Cluster.objects.all().delete()  # each example starts empty


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\x00", "Acle\x00", "Acle\nDistrict", "Acle\tDistrict", "\ud800Acle"])
def test_a_name_with_a_control_character_is_refused_not_stored(name):
    with pytest.raises(DomainError, match="no hidden control characters"):
        cluster_create(name=name)
    assert not Cluster.objects.exists()


def test_renaming_to_another_clusters_name_is_refused_and_changes_nothing(world):
    with pytest.raises(DomainError, match="There is already a cluster called beta cluster"):
        cluster_update(cluster=world.cluster, name="  beta cluster ")
    with pytest.raises(DomainError, match="Enter the cluster's name"):
        cluster_update(cluster=world.cluster, name="   ")
    world.cluster.refresh_from_db()
    assert world.cluster.name == "Alpha cluster"
    cluster_update(cluster=world.cluster, name="alpha CLUSTER")  # its own name in another case is fine
    world.cluster.refresh_from_db()
    assert world.cluster.name == "alpha CLUSTER" and world.cluster.code == "alpha-cluster"


@pytest.mark.django_db
def test_a_membership_list_with_names_alike_is_refused_and_one_in_another_script_loads(tmp_path):
    """In a council's file, 'Acle & District' beside 'Acle District' is a typing slip more often than two
    clusters: the file is refused, naming both, and nothing is imported. A name in another script loads, with
    an address of its own."""
    from sendfund.registry.tables import ImportFailed

    School.objects.create(urn=120777, la_code=926, estab=2000, name="Aldborough Primary School")
    School.objects.create(urn=120778, la_code=926, estab=2001, name="Acle Academy")
    School.objects.create(urn=120780, la_code=926, estab=2003, name="Third School")
    path = tmp_path / "clusters.csv"
    path.write_text("urn,cluster,academic_year\n120777,Acle & District,2022\n120778,Acle District,2022\n",
                    encoding="utf-8")
    with pytest.raises(ImportFailed, match="'Acle District' is too like 'Acle & District'"):
        cluster_memberships_import(path=path, la_code=926)
    assert not Cluster.objects.exists()
    path.write_text("urn,cluster,academic_year\n120777,Acle & District,2022\n120780,东方学校群,2022\n"
                    "120778,日本,2022\n", encoding="utf-8")
    assert cluster_memberships_import(path=path, la_code=926).created == 3
    codes = dict(Cluster.objects.values_list("name", "code"))
    assert codes["Acle & District"] == "acle-district" and codes["东方学校群"] == "cluster"
    assert codes["日本"] == "cluster-2"
