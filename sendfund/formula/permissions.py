"""Who may do what with the formula (house rule 6): plain functions on `roles_of`."""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role

RUNNERS = (Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR)


def can_view_formula(user, obj=None) -> bool:
    """LA staff see every cluster's allocation and gap. Forum members see aggregates only (reports)."""
    return roles_of(user).is_la_staff


def can_run_formula(user, obj=None) -> bool:
    return roles_of(user).has_la_role(*RUNNERS)


def can_edit_formula_version(user, obj=None) -> bool:
    """Formula versions are reference data: administrators only (product.md)."""
    return roles_of(user).has_la_role(Role.ADMINISTRATOR)


def can_view_own_allocation(user, cluster=None) -> bool:
    roles = roles_of(user)
    if cluster is None:
        return bool(roles.cluster_roles)
    return cluster.pk in roles.cluster_ids
