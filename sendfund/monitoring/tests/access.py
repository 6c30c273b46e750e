"""Who may open each monitoring URL (walked by tests/test_authorization.py), and the records it needs."""

from django.core.files.uploadedfile import SimpleUploadedFile

from sendfund.accounts.tests.access import CLUSTER, LA_STAFF, OTHER_CLUSTER_HOST, Role, Rule

WRITERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
OFFICER = frozenset({Role.LA_OFFICER})
NOBODY = frozenset()
MODERATORS = frozenset({Role.LA_OFFICER, Role.EDUCATION_SPECIALIST})


def _draft(w):
    return {"pk": w.return_final.pk}


def _sub(w):
    return {"pk": w.return_submitted.pk}


def _doc(w):
    return {**_sub(w), "doc": w.return_evidence.pk}


RULES = [
    Rule("monitoring:returns", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("monitoring:returns-download", CLUSTER | {OTHER_CLUSTER_HOST}, kwargs=lambda w: {"fmt": "csv"},
         note="each cluster downloads its own returns only"),
    Rule("monitoring:return", CLUSTER, kwargs=_draft, note="the host of another cluster gets 404"),
    Rule("monitoring:return", CLUSTER, kwargs=_sub),
    Rule("monitoring:return", frozenset({OTHER_CLUSTER_HOST}), kwargs=lambda w: {"pk": w.return_other.pk},
         not_found=CLUSTER),
    Rule("monitoring:return-section", WRITERS, kwargs=lambda w: {**_draft(w), "key": "progress"}),
    Rule("monitoring:return-section", WRITERS, kwargs=lambda w: {**_draft(w), "key": "spend"}),
    Rule("monitoring:return-section", NOBODY, kwargs=lambda w: {**_sub(w), "key": "changes"}, method="post",
         data=lambda w: {"any_changes": "no", "version": "99"}, note="nobody edits a submitted return"),
    Rule("monitoring:evidence", CLUSTER, kwargs=_doc),
    Rule("monitoring:evidence-remove", NOBODY, kwargs=_doc, method="post"),
    Rule("monitoring:request-sign-off", WRITERS, kwargs=_draft, method="post",
         note="the return is incomplete, so writers are sent back to it with the reason"),
    Rule("monitoring:sign-off", frozenset({Role.CERTIFIER}), kwargs=_sub),
    Rule("monitoring:manage-returns", LA_STAFF),
    Rule("monitoring:manage-returns-download", LA_STAFF, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("monitoring:manage-return", LA_STAFF, kwargs=_sub),
    Rule("monitoring:manage-return", LA_STAFF, kwargs=lambda w: {"pk": w.return_other.pk}),
    Rule("monitoring:manage-evidence", LA_STAFF, kwargs=_doc),
    Rule("monitoring:underspend-propose", OFFICER, kwargs=_sub),
    Rule("monitoring:underspend-confirm", frozenset({Role.DECISION_MAKER}), kwargs=_sub, method="post",
         note="nothing is proposed yet, so the decision maker is sent back with the reason"),
    Rule("monitoring:health-checks", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("monitoring:health-checks-download", CLUSTER | {OTHER_CLUSTER_HOST}, kwargs=lambda w: {"fmt": "csv"},
         note="each cluster downloads its own Health Checks only"),
    Rule("monitoring:health-check", CLUSTER, kwargs=lambda w: {"pk": w.hc_draft.pk}),
    Rule("monitoring:health-check", CLUSTER, kwargs=lambda w: {"pk": w.hc_submitted.pk}),
    Rule("monitoring:health-check", frozenset({OTHER_CLUSTER_HOST}), kwargs=lambda w: {"pk": w.hc_other.pk},
         not_found=CLUSTER),
    Rule("monitoring:health-check-area", WRITERS, kwargs=lambda w: {"pk": w.hc_draft.pk, "code": "leadership"}),
    Rule("monitoring:health-check-area", NOBODY, kwargs=lambda w: {"pk": w.hc_submitted.pk, "code": "leadership"},
         method="post", data=lambda w: {"level": "4", "evidence": "x"}, note="nobody edits a signed-off one"),
    Rule("monitoring:health-check-request-sign-off", WRITERS, kwargs=lambda w: {"pk": w.hc_draft.pk}, method="post",
         note="incomplete, so writers are sent back to it with the reason"),
    Rule("monitoring:health-check-sign-off", frozenset({Role.CLUSTER_HOST}), kwargs=lambda w: {"pk": w.hc_submitted.pk}),
    Rule("monitoring:health-trend", CLUSTER, kwargs=lambda w: {"cluster_pk": w.cluster.pk}),
    Rule("monitoring:manage-health-checks", LA_STAFF),
    Rule("monitoring:manage-health-checks-download", LA_STAFF, kwargs=lambda w: {"fmt": "csv"}),
    Rule("monitoring:manage-health-check", LA_STAFF, kwargs=lambda w: {"pk": w.hc_submitted.pk}),
    Rule("monitoring:moderate-area", MODERATORS, kwargs=lambda w: {"pk": w.hc_submitted.pk, "code": "provision"}),
    Rule("monitoring:moderation-finish", MODERATORS, kwargs=lambda w: {"pk": w.hc_submitted.pk}, method="post",
         note="areas are not yet moderated, so moderators are sent back with the reason"),
    Rule("monitoring:manage-health-trend", LA_STAFF, kwargs=lambda w: {"cluster_pk": w.other_cluster.pk}),
    Rule("monitoring:invite-development", OFFICER, kwargs=lambda w: {"cluster_pk": w.cluster.pk}, method="post",
         note="the cluster is no candidate, so the officer is sent back with the reason"),
    Rule("monitoring:all-money", LA_STAFF),
    Rule("monitoring:all-money-download", LA_STAFF, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("monitoring:import-lines", frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR})),
    Rule("monitoring:cluster-money", LA_STAFF, kwargs=lambda w: {"cluster_pk": w.cluster.pk}),
    Rule("monitoring:apply-cluster-money", CLUSTER, kwargs=lambda w: {"cluster_pk": w.cluster.pk}),
    Rule("monitoring:apply-cluster-money", frozenset({OTHER_CLUSTER_HOST}),
         kwargs=lambda w: {"cluster_pk": w.other_cluster.pk}, not_found=CLUSTER),
    Rule("monitoring:impact", LA_STAFF, kwargs=lambda w: {"cluster_pk": w.cluster.pk}),
    Rule("monitoring:apply-impact", CLUSTER, kwargs=lambda w: {"cluster_pk": w.cluster.pk}),
    Rule("monitoring:schedule", frozenset({Role.LA_OFFICER, Role.ADMINISTRATOR}),
         kwargs=lambda w: {"round_pk": w.round.pk}),
]


def build_world(world) -> None:
    """An accepted award for each cluster (returns created by the accept step); the world cluster's interim
    return filled, signed off and waiting for the council, with one evidence file."""
    from sendfund.applications.forms import DocumentField
    from sendfund.casework.models import State
    from sendfund.casework.tests.factories import advance, submitted_application
    from sendfund.core.tests.files import pdf

    from .. import services
    from ..demo import fill_return, submit_return

    host, certifier = world.users[Role.CLUSTER_HOST], world.users[Role.CERTIFIER]
    case = advance(world, submitted_application(world), State.OFFER_ACCEPTED)
    interim, world.return_final = (case.monitoring_returns.get(kind="interim"),
                                   case.monitoring_returns.get(kind="final"))
    upload = DocumentField().clean(SimpleUploadedFile("report.pdf", pdf(), content_type="application/pdf"))
    world.return_evidence = services.evidence_attach(monitoring_return=interim, upload=upload, actor=host)
    world.return_submitted = submit_return(fill_return(interim, actor=host), writer=host, certifier=certifier)
    other = advance(world, submitted_application(world, streams=("development",), cluster=world.other_cluster),
                    State.OFFER_ACCEPTED)
    world.return_other = other.monitoring_returns.get(kind="interim")
    _health_checks(world)


def _health_checks(world) -> None:
    """A draft Health Check this year and a signed-off one last year for the world's cluster; a draft for the other."""
    from django.utils import timezone

    from sendfund.core.years import academic_year_of

    from .. import health
    from ..demo import fill_health_check, sign_off_health_check

    lead, host = world.users[Role.CLUSTER_SEND_LEAD], world.users[Role.CLUSTER_HOST]
    year = academic_year_of(timezone.localdate())
    world.hc_submitted = health.health_check_start(cluster=world.cluster, academic_year=year - 1, actor=lead)
    fill_health_check(world.hc_submitted, actor=lead, levels=[3, 2, 2, 3, 1, 2, 3])
    world.hc_submitted = sign_off_health_check(world.hc_submitted, lead=lead, host=host)
    world.hc_draft = health.health_check_start(cluster=world.cluster, academic_year=year, actor=lead)
    world.hc_other = health.health_check_start(cluster=world.other_cluster, academic_year=year,
                                               actor=world.users[OTHER_CLUSTER_HOST])
