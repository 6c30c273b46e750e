"""Who may open each applications URL (walked by tests/test_authorization.py), and the records it needs."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sendfund.accounts.tests.access import CLUSTER, LA_STAFF, OTHER_CLUSTER_HOST, Role, Rule

WRITERS = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD})
NOBODY = frozenset()
def _d(w):
    return {"pk": w.application_draft.pk}


def _s(w):
    return {"pk": w.application_submitted.pk}


RULES = [
    Rule("applications:rounds", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("applications:start", WRITERS | {OTHER_CLUSTER_HOST}, kwargs=lambda w: {"round_pk": w.round.pk},
         note="a certifier signs off but does not start applications"),
    Rule("applications:dashboard", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("applications:dashboard-download", CLUSTER | {OTHER_CLUSTER_HOST}, kwargs=lambda w: {"fmt": "csv"},
         note="each cluster downloads its own applications only"),
    Rule("applications:detail", CLUSTER, kwargs=_d, note="the host of another cluster gets 404"),
    Rule("applications:detail", CLUSTER, kwargs=_s),
    Rule("applications:section", WRITERS, kwargs=lambda w: {**_d(w), "key": "cluster-details"}),
    Rule("applications:section", WRITERS, kwargs=lambda w: {**_d(w), "key": "plans"}),
    Rule("applications:section", NOBODY, kwargs=lambda w: {**_s(w), "key": "sustainability"}, method="post",
         data=lambda w: {"after_funding": "Changed after submission", "version": "99"},
         note="nobody edits a submitted application"),
    Rule("applications:document", CLUSTER, kwargs=lambda w: {**_s(w), "doc": w.application_document.pk}),
    Rule("applications:document-remove", NOBODY, kwargs=lambda w: {**_s(w), "doc": w.application_document.pk},
         method="post"),
    Rule("applications:check", CLUSTER, kwargs=_d),
    Rule("applications:request-sign-off", WRITERS, kwargs=_d, method="post",
         note="the draft is incomplete, so writers are sent back to the check page with the reason"),
    Rule("applications:withdraw", WRITERS, kwargs=lambda w: {"pk": w.application_to_withdraw.pk}, method="post",
         note="the first writer takes it back; the second is told it is already a draft"),
    Rule("applications:sign-off", frozenset({Role.CERTIFIER}), kwargs=lambda w: {"pk": w.application_awaiting.pk}),
    Rule("applications:sign-off", NOBODY, kwargs=_s, method="post", data=lambda w: {"decision": "send_back",
                                                                                     "reason": "x"}),
    Rule("applications:confirmation", CLUSTER, kwargs=_s),
    Rule("applications:items", WRITERS, kwargs=lambda w: {**_d(w), "kind": "activities"}),
    Rule("applications:item-add", WRITERS, kwargs=lambda w: {**_d(w), "kind": "costs"}),
    Rule("applications:item-edit", WRITERS, kwargs=lambda w: {**_d(w), "kind": "activities",
                                                               "item": w.application_activity.pk}),
    Rule("applications:item-edit", NOBODY, method="post",
         kwargs=lambda w: {**_s(w), "kind": "activities", "item": w.application_submitted.activities.first().pk},
         data=lambda w: {"what": "Changed after submission"}),
    Rule("applications:item-remove", WRITERS, kwargs=lambda w: {**_d(w), "kind": "activities",
                                                                 "item": w.application_activity.pk}),
    Rule("applications:manage-list", LA_STAFF),
    Rule("applications:manage-list-download", LA_STAFF, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("applications:manage-detail", LA_STAFF, kwargs=_s),
    Rule("applications:manage-detail", NOBODY, kwargs=_d, note="the LA sees submitted applications only",
         not_found=LA_STAFF),
    Rule("applications:manage-document", LA_STAFF, kwargs=lambda w: {**_s(w), "doc": w.application_document.pk}),
]


def _round(world):
    if getattr(world, "round", None) is not None:
        return world.round
    from sendfund.funds.models import Fund, Round, Stream, StreamKind

    fund = Fund.objects.create(name="Applications test fund", starts_on=dt.date(2014, 9, 1))
    streams = [Stream.objects.create(fund=fund, kind=k, full_year_amount=800000, purpose=f"{k} purpose")
               for k in (StreamKind.CAPACITY, StreamKind.DEVELOPMENT)]
    from sendfund.core.years import round_close_within_financial_year

    today = timezone.localdate()
    world.round = Round.objects.create(fund=fund, name="Test round", opens_on=today - dt.timedelta(days=30),
                                       closes_on=round_close_within_financial_year(today))
    world.round.streams.set(streams)
    return world.round


def _another_round(world, name):
    """A second open round of the same fund and dates: the world's applications in progress live in their own
    rounds, because a cluster has one live application per round and stream (so tests start fresh ones in
    world.round)."""
    from sendfund.funds.models import Round

    other = Round.objects.create(fund=world.round.fund, name=name, opens_on=world.round.opens_on,
                                 closes_on=world.round.closes_on)
    other.streams.set(world.round.streams.all())
    return other


def build_world(world) -> None:
    from sendfund.core.tests.files import pdf

    from .. import services
    from ..demo import fill, submit
    from ..forms import DocumentField

    round_ = _round(world)
    world.drafts_round = _another_round(world, "Test round (drafts)")
    world.taken_back_round = _another_round(world, "Test round (taken back)")
    host, certifier = world.users[Role.CLUSTER_HOST], world.users[Role.CERTIFIER]
    start = lambda streams, r=round_: services.application_start(  # noqa: E731
        cluster=world.cluster, round=r, streams=streams, actor=host)
    world.application_draft = start(["capacity"], world.drafts_round)
    services.section_save(application=world.application_draft, key="cluster-details",
                          answers={"details_correct": "yes"}, completed=True, expected_version=None, actor=host)
    world.application_activity = services.item_save(
        application=world.application_draft, kind="activities", item=None, expected_version=None, actor=host,
        data={"what": "Screening", "delivered_by": "Cluster SENCO"})
    world.application_awaiting = services.application_transition(
        application=fill(start(["development"], world.drafts_round), actor=host), to="awaiting_sign_off", actor=host)
    world.application_to_withdraw = services.application_transition(
        application=fill(start(["capacity"], world.taken_back_round), actor=host), to="awaiting_sign_off",
        actor=host)
    submitted = fill(start(["capacity", "development"]), actor=host)
    upload = DocumentField().clean(SimpleUploadedFile("plan.pdf", pdf(), content_type="application/pdf"))
    world.application_document = services.document_attach(application=submitted, kind="development_plan",
                                                           upload=upload, actor=host)
    world.application_submitted = submit(submitted, writer=host, certifier=certifier)
