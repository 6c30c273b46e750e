"""Who may do what with applications: plain `can_*` functions (house rule 6), built on `roles_of`.

Scoping (which records a user may load at all) is the one rule in sendfund.accounts.scoping; these
functions say what a user may do with a record they can already see.
"""

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role

from .models import Status
from .workflow import allows, may_make

WRITERS = (Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD)


def can_use_applications(user, obj=None) -> bool:
    """Cluster users see their cluster's applications on the apply side."""
    return bool(roles_of(user).cluster_ids)


def can_start_application(user, cluster=None) -> bool:
    """A cluster host or SEND lead starts applications (for one of their clusters when one is named)."""
    roles = roles_of(user)
    if cluster is None:
        return any(roles.has_cluster_role(cid, *WRITERS) for cid in roles.cluster_ids)
    return roles.has_cluster_role(cluster.pk, *WRITERS)


def can_view_application(user, application=None) -> bool:
    """The cluster sees its applications at every status; LA staff see submitted ones only."""
    if application is None:
        return False
    roles = roles_of(user)
    if roles.has_cluster_role(application.cluster_id):
        return True
    return roles.is_la_staff and application.status == Status.SUBMITTED


def can_edit_application(user, application=None) -> bool:
    """A host or SEND lead of that cluster, and only while the workflow allows editing (a draft)."""
    return (allows(application, "edit")
            and roles_of(user).has_cluster_role(application.cluster_id, *WRITERS))


def can_request_sign_off(user, application=None) -> bool:
    return may_make("sign_off_requested", user, application)


def can_sign_off_application(user, application=None) -> bool:
    """The certifier (head or chair) of that cluster, while the application waits for sign-off."""
    return may_make("submitted", user, application)


def can_withdraw_sign_off_request(user, application=None) -> bool:
    """The host or SEND lead may take back a request for sign-off to change something (the writers' half of
    the "sent back" move)."""
    return may_make("sent_back", user, application, roles=frozenset(WRITERS))


def can_take_back_application(user, application=None) -> bool:
    """A host or SEND lead of the application's cluster may try to take it back from sign-off; the transition
    table says whether it can be taken back now (a second try finds it a draft already, and is told so)."""
    return application is not None and roles_of(user).has_cluster_role(application.cluster_id, *WRITERS)


def can_list_submitted_applications(user, obj=None) -> bool:
    """LA staff (not Forum members) read submitted applications."""
    return roles_of(user).is_la_staff
