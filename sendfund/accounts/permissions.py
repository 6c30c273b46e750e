"""Who may do what: plain functions `can_<verb>_<object>(user, obj=None)` (house rule 6).

Views use them through `sendfund.accounts.decorators.requires`; templates through `{% can %}`.
Apps above accounts keep their own `permissions.py` in the same style, built on `roles_of`.
"""

from dataclasses import dataclass, field

from .roles import CLUSTER_ROLES, LA_STAFF_ROLES, Role


@dataclass(frozen=True)
class UserRoles:
    la_roles: frozenset = frozenset()
    cluster_roles: dict = field(default_factory=dict)  # cluster id -> frozenset of roles

    @property
    def cluster_ids(self) -> frozenset:
        return frozenset(self.cluster_roles)

    @property
    def is_la_staff(self) -> bool:
        return bool(self.la_roles & LA_STAFF_ROLES)

    def has_la_role(self, *roles) -> bool:
        return bool(self.la_roles & set(roles))

    def has_cluster_role(self, cluster_id, *roles) -> bool:
        held = self.cluster_roles.get(cluster_id, frozenset())
        return bool(held & set(roles)) if roles else bool(held)


NO_ROLES = UserRoles()


def roles_of(user) -> UserRoles:
    """The user's roles, read once per request and kept on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_sendfund_roles", None)
    if cached is not None:
        return cached
    la_roles: set = set()
    clusters: dict = {}
    for organisation_kind, cluster_id, role in user.memberships.values_list("organisation__kind", "organisation__cluster_id", "role"):
        if organisation_kind == "cluster" and role in CLUSTER_ROLES:
            clusters.setdefault(cluster_id, set()).add(Role(role))
        elif organisation_kind == "la" and role not in CLUSTER_ROLES:
            la_roles.add(Role(role))
    result = UserRoles(frozenset(la_roles), {k: frozenset(v) for k, v in clusters.items()})
    user._sendfund_roles = result
    return result


def holds_role(user, roles: frozenset, cluster_id: int | None = None) -> bool:
    """Whether the user holds one of `roles`: LA roles when `cluster_id` is None, else roles in that cluster. What
    the workflow engine (`sendfund.core.workflow.Workflow.holds_role`) asks of every move."""
    if cluster_id is None:
        return roles_of(user).has_la_role(*roles)
    return roles_of(user).has_cluster_role(cluster_id, *roles)


def forget_roles(user) -> None:
    if hasattr(user, "_sendfund_roles"):
        del user._sendfund_roles


# --- the pages of the two URL trees -------------------------------------------------------------

def can_use_manage(user, obj=None) -> bool:
    """Any LA role, Forum members included, may enter /manage/ (each page then checks more)."""
    return bool(roles_of(user).la_roles)


def can_use_apply(user, obj=None) -> bool:
    return bool(roles_of(user).cluster_roles)


# --- registry ---------------------------------------------------------------------------------

def can_view_registry(user, obj=None) -> bool:
    """LA staff see every school and cluster; Forum members see aggregates only."""
    return roles_of(user).is_la_staff


def can_view_cluster(user, cluster=None) -> bool:
    roles = roles_of(user)
    if roles.is_la_staff:
        return True
    return cluster is not None and cluster.pk in roles.cluster_ids


def can_view_audit(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR)


def can_administer(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.ADMINISTRATOR)
