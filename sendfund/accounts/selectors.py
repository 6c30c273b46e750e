"""Reads about people (house rule 1): who at a cluster can be emailed."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from .models import User
from .roles import CLUSTER_ROLES, Role


def local_authority_name() -> str:
    """The council's name as its organisation records it (set by the council's setup), or "the council". One
    query. Raises nothing."""
    from .models import Organisation

    name = (Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY)
            .values_list("name", flat=True).first())
    return name or "the council"


def _contact_addresses(cluster, roles) -> list[str]:
    contacts = []
    if Role.CLUSTER_HOST in roles:
        contacts.append(cluster.host_email)
    if Role.CLUSTER_SEND_LEAD in roles:
        contacts.append(cluster.send_lead_email)
    return [c for c in contacts if c]


def cluster_recipients(*, cluster, roles: Iterable[str] = CLUSTER_ROLES) -> list[str]:
    """The addresses an email to a cluster goes to: its active users holding one of `roles` in that cluster
    (host, SEND lead, certifier by default), and the cluster's contact addresses for those roles if set. A
    sorted list of lower-cased addresses without repeats (empty when nobody can be emailed). One query.
    Raises nothing."""
    return clusters_recipients(clusters=[cluster], roles=roles)[cluster.pk]


def clusters_recipients(*, clusters: Iterable, roles: Iterable[str] = CLUSTER_ROLES) -> dict[int, list[str]]:
    """`cluster_recipients` of many clusters at once: cluster id -> the sorted addresses an email to it goes to
    (empty when nobody can be emailed). One query however many clusters. Raises nothing."""
    clusters, roles = list(clusters), frozenset(roles)
    found: dict[int, set[str]] = {c.pk: set(_contact_addresses(c, roles)) for c in clusters}
    users = (User.objects.filter(is_active=True, memberships__organisation__cluster_id__in=list(found),
                                 memberships__role__in=roles)
             .values_list("memberships__organisation__cluster_id", "email"))
    for cluster_id, email in users:
        found[cluster_id].add(email)
    return {pk: sorted({a.lower() for a in addresses if a}) for pk, addresses in found.items()}


def cluster_user_to_email(cluster_ref: str = "cluster_id", *, roles: Iterable[str] = CLUSTER_ROLES) -> Exists:
    """For a query of cluster-owned rows: an Exists expression, true where an active user holding one of `roles` at
    the cluster that OuterRef(`cluster_ref`) names can be emailed. Annotate a query with it and `nobody_can_email`
    needs no query of its own. Raises nothing."""
    return Exists(User.objects.filter(is_active=True, memberships__organisation__cluster_id=OuterRef(cluster_ref),
                                      memberships__role__in=list(roles)).exclude(email=""))


def nobody_can_email(cluster, *, has_user: bool) -> bool:
    """Whether an email to the cluster would reach nobody: it has no contact address (host or SEND lead) and, as
    `has_user` says, no active user in a cluster role. No queries. Raises nothing."""
    return not has_user and not _contact_addresses(cluster, CLUSTER_ROLES)


def clusters_nobody_can_email(*, clusters: Iterable) -> set[int]:
    """The ids of those clusters with no contact address and no active user in a cluster role (one query). A
    set of cluster ids, empty when every cluster has a contact address (no query then). Raises nothing."""
    without_contact = [c for c in clusters if nobody_can_email(c, has_user=False)]
    if not without_contact:
        return set()
    return {pk for pk, addresses in clusters_recipients(clusters=without_contact).items() if not addresses}
