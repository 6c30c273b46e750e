"""Who may see and change the pot: plain functions on roles (house rule 6)."""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role


def can_view_pot(user, obj=None) -> bool:
    """LA officers, decision makers, finance and administrators see the pot and its ledger."""
    return roles_of(user).has_la_role(Role.LA_OFFICER, Role.DECISION_MAKER, Role.FINANCE, Role.ADMINISTRATOR)


def can_allocate(user, obj=None) -> bool:
    """Only the budget holder (decision maker) allocates a year's money."""
    return roles_of(user).has_la_role(Role.DECISION_MAKER)
