"""Who may read and issue the Schools' Forum report (house rule 6)."""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role


def can_read_forum_reports(user, obj=None) -> bool:
    """Every LA role, Forum members included: the report holds aggregates and public money only."""
    return bool(roles_of(user).la_roles)


def can_issue_forum_report(user, obj=None) -> bool:
    """An LA officer issues the report for a Forum meeting."""
    return roles_of(user).has_la_role(Role.LA_OFFICER)
