"""Who may do what in casework: plain functions on roles (house rule 6). Scoping is in selectors."""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role

CASE_READERS = (Role.LA_OFFICER, Role.EDUCATION_SPECIALIST, Role.BUSINESS_SPECIALIST, Role.DECISION_MAKER,
                Role.FINANCE, Role.ADMINISTRATOR)
# Staff who see every case; the specialists (alone) see only the cases assigned to them.
ALL_CASES = (Role.LA_OFFICER, Role.DECISION_MAKER, Role.FINANCE, Role.ADMINISTRATOR)
CLUSTER_ACTORS = (Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD, Role.CERTIFIER)
ACCEPTORS = (Role.CLUSTER_HOST, Role.CERTIFIER)
ANSWERERS = (Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD)


def can_view_cases(user, obj=None) -> bool:
    return roles_of(user).has_la_role(*CASE_READERS)


def sees_all_cases(user) -> bool:
    return roles_of(user).has_la_role(*ALL_CASES)


def can_manage_cases(user, obj=None) -> bool:
    """Acknowledge, assign, arrange meetings, ask questions, recommend, withdraw and close: LA officers."""
    return roles_of(user).has_la_role(Role.LA_OFFICER)


def can_decide(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.DECISION_MAKER)


def can_record_payments(user, obj=None) -> bool:
    """Finance records payments, never the decision maker who decided the award (separation of duties)."""
    return roles_of(user).has_la_role(Role.FINANCE)


def can_review(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.EDUCATION_SPECIALIST, Role.BUSINESS_SPECIALIST)


def can_view_funding_decisions(user, obj=None) -> bool:
    """Cluster users see their own cluster's cases (apply side)."""
    return bool(roles_of(user).cluster_roles)


def can_accept_offer(user, case=None) -> bool:
    return case is not None and roles_of(user).has_cluster_role(case.cluster_id, *ACCEPTORS)


def can_answer_requests(user, case=None) -> bool:
    return case is not None and roles_of(user).has_cluster_role(case.cluster_id, *ANSWERERS)
