"""The one scoping rule (house rule 5): a cluster's records are seen by LA staff and by that cluster.

Lists and aggregates (counts, totals, heat-maps, a page's filter choices) filter through `scope_for_user` (the
clusters themselves through `clusters_in_scope`): a selector that lists or counts a cluster-owned model for a
page takes the user, or a queryset or cluster the page already loaded through this rule. Details load through
`get_in_scope_or_404` (a cluster through `cluster_in_scope_or_404`), so a record of another cluster answers 404,
exactly as if it did not exist. LA pages load through them too: the role check on the view says who may use the
page, the scoping rule which records they may see (a test fails on a view that loads a cluster's record any
other way; tests/test_scoped_lists.py fails when another cluster's host finds cluster A on any list).

A read over cluster-owned records that takes no user is council-wide by design and says so in its docstring: it
serves only pages that LA roles alone may open (the formula's runs, the pot and ledger, the Schools' Forum
report) or the public open data, whose figures name no person and no pupil.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .permissions import roles_of


def scope_for_user(queryset: QuerySet, user, *, cluster_path: str = "cluster", staff_q: Q | None = None,
                   own_clusters: bool = False) -> QuerySet:
    """Records the user may see. `cluster_path` leads from the model to its cluster ("pk" for Cluster).

    `staff_q`, when given, narrows what LA staff see (for example: specialists see only their cases).
    `own_clusters` keeps only the records of the clusters the user belongs to, whatever other roles they hold:
    for a cluster's own pages, where an LA officer who is also a cluster's host sees that cluster's records
    and no other cluster's drafts.
    """
    roles = roles_of(user)
    if roles.is_la_staff and not own_clusters:
        return queryset.filter(staff_q) if staff_q is not None else queryset
    if roles.cluster_ids:
        lookup = "pk__in" if cluster_path == "pk" else f"{cluster_path}__in"
        return queryset.filter(**{lookup: roles.cluster_ids})
    return queryset.none()


def get_in_scope_or_404(queryset: QuerySet, user, *, cluster_path: str = "cluster", staff_q: Q | None = None, **lookup):
    try:
        return scope_for_user(queryset, user, cluster_path=cluster_path, staff_q=staff_q).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("Not found") from exc


def cluster_in_scope_or_404(user, **lookup):
    """One cluster, loaded through the scoping rule: LA staff load any; a cluster user only their own."""
    Cluster = apps.get_model("registry", "Cluster")  # registry sits above accounts: no import
    return get_in_scope_or_404(Cluster.objects.all(), user, cluster_path="pk", **lookup)


def clusters_in_scope(user) -> QuerySet:
    """The clusters the user may see (`scope_for_user` over Cluster): every cluster for LA staff, their own for a
    cluster user, none for anyone else (a Forum member included). A QuerySet of Cluster, unordered."""
    Cluster = apps.get_model("registry", "Cluster")  # registry sits above accounts: no import
    return scope_for_user(Cluster.objects.all(), user, cluster_path="pk")


def clusters_of(user):
    """The clusters a cluster user belongs to (empty for LA staff)."""
    Cluster = apps.get_model("registry", "Cluster")  # registry sits above accounts: no import
    return Cluster.objects.filter(pk__in=roles_of(user).cluster_ids).order_by("name")


def cluster_user_ids(*, cluster_id: int) -> list[int]:
    """The ids of the users who hold a role in a cluster: a cluster's history names them, and only them."""
    from .models import User

    return list(User.objects.filter(memberships__organisation__cluster_id=cluster_id).values_list("id", flat=True))


def cluster_user_exists(*, cluster_id: int, user_id=None) -> Exists:
    """`cluster_user_ids` as an expression on an outer row's user (by default an audit event's actor), so a
    history can tell the cluster's own people from the council's without a query of its own."""
    from .models import Membership

    return Exists(Membership.objects.filter(user_id=OuterRef("actor_id") if user_id is None else user_id,
                                            organisation__cluster_id=cluster_id))
