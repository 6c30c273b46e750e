"""Who may change the registry's clusters (the one permission mechanism: plain functions, house rule 6)."""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role

CLUSTER_MANAGERS = (Role.LA_OFFICER, Role.ADMINISTRATOR)


def can_manage_clusters(user, obj=None) -> bool:
    """The LA officer and the administrator load the council's cluster lists and carry them to a new year."""
    return roles_of(user).has_la_role(*CLUSTER_MANAGERS)
