"""Who may do what in monitoring: plain functions on roles (house rule 6). Scoping is in selectors.

The functions about a move ask the transition table (`workflow.py`) who may make it, so a page's buttons, the
view's check and the move give one answer. Like the table, they do not ask the record's status.
"""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.core.workflow import Workflow

from .workflow import HEALTH_CHECK_TRANSITIONS, RETURN_TRANSITIONS

READERS = (Role.LA_OFFICER, Role.EDUCATION_SPECIALIST, Role.BUSINESS_SPECIALIST, Role.DECISION_MAKER,
           Role.ADMINISTRATOR, Role.FINANCE)
WRITERS = (Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD)


def _holds(table: Workflow, move: str, user, record) -> bool:
    return table.holds(table.by_name[move], user, record)


def can_view_returns(user, obj=None) -> bool:
    return roles_of(user).has_la_role(*READERS)


def can_use_returns(user, obj=None) -> bool:
    return bool(roles_of(user).cluster_roles)


def can_edit_return(user, ret=None) -> bool:
    return ret is not None and ret.status == "draft" and roles_of(user).has_cluster_role(ret.cluster_id, *WRITERS)


def can_request_return_sign_off(user, ret=None) -> bool:
    return _holds(RETURN_TRANSITIONS, "sign_off_requested", user, ret)


def can_sign_off_return(user, ret=None) -> bool:
    """The cluster's head or chair signs a return off, as they certify the application."""
    return _holds(RETURN_TRANSITIONS, "submitted", user, ret)


def can_review_return(user, ret=None) -> bool:
    return _holds(RETURN_TRANSITIONS, "accepted", user, ret)


def can_propose_underspend(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.LA_OFFICER)


def can_confirm_underspend(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.DECISION_MAKER)


def can_edit_schedule(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.LA_OFFICER, Role.ADMINISTRATOR)


# --- Health Check ---------------------------------------------------------------------------------------

def can_view_health_checks(user, obj=None) -> bool:
    return roles_of(user).has_la_role(*READERS)


def can_use_health_checks(user, obj=None) -> bool:
    return bool(roles_of(user).cluster_roles)


def can_start_health_check(user, cluster=None) -> bool:
    return cluster is not None and roles_of(user).has_cluster_role(cluster.pk, *WRITERS)


def can_edit_health_check(user, hc=None) -> bool:
    """The SEND lead completes it (the host may help); nobody changes it once sent for sign-off."""
    return hc is not None and hc.status == "draft" and roles_of(user).has_cluster_role(hc.cluster_id, *WRITERS)


def can_request_health_check_sign_off(user, hc=None) -> bool:
    return _holds(HEALTH_CHECK_TRANSITIONS, "sign_off_requested", user, hc)


def can_sign_off_health_check(user, hc=None) -> bool:
    """The cluster host signs the Health Check off."""
    return _holds(HEALTH_CHECK_TRANSITIONS, "submitted", user, hc)


def can_moderate_health_check(user, hc=None) -> bool:
    return _holds(HEALTH_CHECK_TRANSITIONS, "moderated", user, hc)


def can_invite_to_development(user, obj=None) -> bool:
    return roles_of(user).has_la_role(Role.LA_OFFICER)
