"""Who may open each casework URL (walked by tests/test_authorization.py), and the cases the test world has.

A specialist sees only the cases assigned to them: the world's specialists are assigned to its cases,
so they are allowed there; `specialist_elsewhere` (not in the world's role list) is checked in tests.
"""

from sendfund.accounts.tests.access import CLUSTER, OTHER_CLUSTER_HOST, Role, Rule

OFFICER = frozenset({Role.LA_OFFICER})
DECISION_MAKER = frozenset({Role.DECISION_MAKER})
FINANCE = frozenset({Role.FINANCE})
SPECIALISTS = frozenset({Role.EDUCATION_SPECIALIST, Role.BUSINESS_SPECIALIST})
READERS = frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.FINANCE, Role.ADMINISTRATOR}) | SPECIALISTS
ACCEPTORS = frozenset({Role.CLUSTER_HOST, Role.CERTIFIER})
ANSWERERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
NOBODY = frozenset()


def _any_email() -> int:
    from sendfund.core.models import Notification

    return Notification.objects.order_by("pk").values_list("pk", flat=True)[0]


def _c(w):
    return {"reference": w.case.reference}


def _a(w):
    return {"reference": w.case_assessing.reference}


def _o(w):
    return {"reference": w.case_other.reference}


RULES = [
    Rule("casework:queue", READERS),
    Rule("casework:queue-download", READERS, kwargs=lambda w: {"fmt": "csv"}),
    Rule("casework:awards", READERS),
    Rule("casework:awards-download", READERS, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("casework:payments-list", READERS),
    Rule("casework:payments-list-download", READERS, kwargs=lambda w: {"fmt": "csv"}),
    Rule("casework:invitations", OFFICER),
    Rule("casework:invitations-download", OFFICER, kwargs=lambda w: {"fmt": "csv"}),
    Rule("casework:emails", OFFICER),
    Rule("casework:email-retry", OFFICER, kwargs=lambda w: {"pk": _any_email()}, method="post",
         note="an email already sent is refused with a message, not an error"),
    Rule("casework:invite", OFFICER, kwargs=lambda w: {"code": w.cluster.code}, method="post"),
    Rule("casework:cluster-contact", OFFICER, kwargs=lambda w: {"code": w.cluster.code}),
    Rule("casework:acknowledge", OFFICER, kwargs=lambda w: {"pk": w.application_submitted.pk}),
    Rule("casework:case-detail", READERS, kwargs=_c),
    Rule("casework:case-detail", READERS - SPECIALISTS, kwargs=_o, note="not assigned: specialists get 404",
         not_found=SPECIALISTS),
    Rule("casework:assign", OFFICER, kwargs=_c),
    Rule("casework:meeting", OFFICER, kwargs=_c),
    Rule("casework:meeting-notes", OFFICER, kwargs=_c),
    Rule("casework:meeting-ics", READERS, kwargs=_c),
    Rule("casework:move", READERS, kwargs=lambda w: {**_c(w), "name": "close"}, method="post",
         note="any reader may try; the transition table refuses those without the role, with a message"),
    Rule("casework:declare", SPECIALISTS, kwargs=_a),
    Rule("casework:review", SPECIALISTS, kwargs=_a),
    Rule("casework:moderation", READERS, kwargs=_a),
    Rule("casework:request-information", OFFICER, kwargs=_a),
    Rule("casework:recommend", OFFICER, kwargs=_a),
    Rule("casework:decide", DECISION_MAKER, kwargs=_c),
    Rule("casework:letter", READERS, kwargs=_c),
    Rule("casework:letter-pdf", READERS, kwargs=_c),
    Rule("casework:payments", FINANCE, kwargs=_c, note="finance pays; the decision maker who decided may not"),
    Rule("casework:withdraw", OFFICER, kwargs=_a),
    Rule("casework:apply-cases", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("casework:apply-cases-download", CLUSTER | {OTHER_CLUSTER_HOST}, kwargs=lambda w: {"fmt": "csv"},
         note="each cluster downloads its own cases only"),
    Rule("casework:apply-case", CLUSTER, kwargs=_c, note="the host of another cluster gets 404"),
    Rule("casework:apply-case", frozenset({OTHER_CLUSTER_HOST}), kwargs=_o, not_found=CLUSTER),
    Rule("casework:apply-letter-pdf", CLUSTER, kwargs=_c),
    Rule("casework:apply-meeting-ics", CLUSTER, kwargs=_c, note="the host of another cluster gets 404"),
    Rule("casework:apply-accept", CLUSTER, kwargs=_c),
    Rule("casework:apply-requests", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("casework:apply-requests-download", CLUSTER | {OTHER_CLUSTER_HOST}, kwargs=lambda w: {"fmt": "csv"},
         note="each cluster downloads its own questions only"),
    Rule("casework:apply-answer", CLUSTER, kwargs=lambda w: {"pk": w.information_request.pk}),
]


def build_world(world) -> None:
    """Cases for the world's cluster: one decided (approved in part), one under assessment with a question
    to the cluster, and one for the other cluster (assigned to nobody)."""
    from ..criteria import criteria_ensure_defaults
    from ..models import Case, State
    from .factories import advance, submitted_application

    criteria_ensure_defaults()  # a transactional test's flush empties what the migration loaded

    world.case = advance(world, submitted_application(world), State.DECIDED)
    world.case_assessing = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    world.case_assessing = advance(world, world.case_assessing, State.INFORMATION_REQUESTED)
    world.information_request = world.case_assessing.information_requests.get()
    other = submitted_application(world, streams=("development",), cluster=world.other_cluster)
    from .. import services

    world.case_other = services.case_acknowledge(application=other, actor=world.users[Role.LA_OFFICER])
    world.case_other = Case.objects.get(pk=world.case_other.pk)
