"""Writes for applications (house rule 1): keyword-only, raise DomainError, audit every change.

`workflow.application_transition` is the only function that changes an application's status: a move of its
table, made by the one workflow engine (sendfund/core/workflow.py, house rule 2); it is re-exported here.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sendfund.core import collection
from sendfund.core.audit import audit_record
from sendfund.core.collection import StaleSection  # noqa: F401 - views catch services.StaleSection
from sendfund.core.errors import DomainError
from sendfund.funds.models import Round, StreamKind
from sendfund.registry.models import Cluster

from . import permissions, selectors
from .models import (
    Activity,
    Application,
    CostAmount,
    CostLine,
    Document,
    ItemToken,
    Outcome,
    ReferenceCounter,
    Section,
    Status,
)
from .sections import BY_KEY, ITEM_SECTIONS
from .workflow import TRANSITIONS, application_transition  # noqa: F401 - re-exported for callers

REFERENCE_PREFIX = "SCF"


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("round", "cluster").get(pk=application.pk)


def _require_editable(application: Application, actor) -> None:
    if not permissions.can_edit_application(actor, application):
        if application.status != Status.DRAFT:
            raise DomainError("This application has been sent for sign-off or submitted, so it cannot be changed")
        raise DomainError("You cannot change this application")


def _section_for_update(application: Application, key: str) -> Section:
    return collection.section_lock(Section, application=application, key=key)


_check_version = collection.version_check  # raises StaleSection


def _live_application(cluster: Cluster, round: Round, streams: set[str]) -> Application | None:
    """The cluster's application in progress in the round for any of these streams, if there is one."""
    from django.db.models import Q

    from .models import LIVE

    wanted = Q(pk__in=[])
    if StreamKind.CAPACITY in streams:
        wanted |= Q(wants_capacity=True)
    if StreamKind.DEVELOPMENT in streams:
        wanted |= Q(wants_development=True)
    return (Application.objects.filter(wanted, cluster=cluster, round=round, status__in=LIVE)
            .order_by("created_at", "id").first())


@transaction.atomic
def application_start(*, cluster: Cluster, round: Round, streams: list[str], actor) -> Application:
    """Start a draft for a cluster in an open round. Raises DomainError if the round is closed or a
    stream is not offered, or if the actor is not the cluster's host or SEND lead.

    One live application per cluster, round and stream: if the cluster already has one in progress for a
    stream asked for (a second "Start", or two at once), that one is returned, with `opened_existing` set."""
    if not permissions.can_start_application(actor, cluster):
        raise DomainError("Only the cluster host or SEND lead can start an application")
    if not round.is_open():
        raise DomainError(f"{round.name} is not open for applications")
    offered = set(round.streams.values_list("kind", flat=True))
    wanted = {StreamKind(s) for s in streams}
    if not wanted:
        raise DomainError("Select the funding you are applying for", field="streams")
    if not wanted <= offered:
        raise DomainError(f"{round.name} does not offer that funding", field="streams")
    existing = _live_application(cluster, round, wanted)
    if existing is not None:
        existing.opened_existing = True
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cluster=cluster, round=round, created_by=actor,
                wants_capacity=StreamKind.CAPACITY in wanted, wants_development=StreamKind.DEVELOPMENT in wanted)
    except IntegrityError:
        # Another start for the same cluster, round and stream committed first: open that one.
        existing = _live_application(cluster, round, wanted)
        if existing is None:
            raise
        existing.opened_existing = True
        return existing
    application.opened_existing = False
    Section.objects.create(application=application, key="funding", answers={"streams": sorted(wanted)},
                           completed=True, version=1, updated_by=actor)
    audit_record(actor=actor, verb="application.started", target=application,
                 after={"cluster": cluster.name, "round": round.name, "streams": sorted(wanted)})
    return application


@transaction.atomic
def section_save(*, application: Application, key: str, answers: dict, completed: bool,
                 expected_version: int | None, actor) -> Section:
    """Save a section's text answers. Raises StaleSection if it changed since `expected_version`,
    and DomainError if the application cannot be changed by this actor."""
    application = _locked(application)
    _require_editable(application, actor)
    if key not in BY_KEY or key in ITEM_SECTIONS:
        raise DomainError("There is no such section")
    section = _section_for_update(application, key)
    _check_version(section, expected_version)
    before = {"answers": section.answers, "completed": section.completed}
    if key == "funding":
        streams = set(answers.get("streams") or [])
        if not streams:
            raise DomainError("Select the funding you are applying for", field="streams")
        offered = set(application.round.streams.values_list("kind", flat=True))
        if not streams <= offered:
            raise DomainError(f"{application.round.name} does not offer that funding", field="streams")
        application.wants_capacity = StreamKind.CAPACITY in streams
        application.wants_development = StreamKind.DEVELOPMENT in streams
        try:
            with transaction.atomic():
                application.save(update_fields=["wants_capacity", "wants_development", "updated_at"])
        except IntegrityError:
            raise DomainError("Your cluster already has an application in progress for that funding in "
                              f"{application.round.name}. Add to that one instead.", field="streams") from None
        answers = {"streams": sorted(streams)}
    collection.version_bump(section, actor, answers=answers, completed=completed)
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb="application.section_saved", target=application, label=str(application),
                 before={"section": key, **before}, after={"section": key, "answers": answers, "completed": completed})
    return section


@transaction.atomic
def document_attach(*, application: Application, kind: str, upload, actor) -> Document:
    """Attach a checked upload (forms.DocumentField ran core.filecheck over it), replacing one of the same kind.
    The file is stored by the collection engine under a name the server makes, with the extension of its
    true kind. Returns the Document. Raises DomainError when the actor may not change the application (not
    the cluster's host or SEND lead, or sent for sign-off or later) or the upload did not go through the
    checker."""
    application = _locked(application)
    _require_editable(application, actor)
    replaced = list(application.documents.filter(kind=kind))
    document = Document(application=application, kind=kind, uploaded_by=actor)
    collection.upload_store(document, upload)
    for old in replaced:
        collection.upload_delete(old)
    audit_record(actor=actor, verb="application.document_attached", target=application, label=str(application),
                 after={"kind": kind, "name": document.original_name, "bytes": document.size_bytes},
                 before={"replaced": [d.original_name for d in replaced]} if replaced else None)
    return document


@transaction.atomic
def document_remove(*, application: Application, document: Document, actor) -> None:
    """Remove one of the application's documents, and its file, with an audit event. Raises DomainError when
    the actor may not change the application or the document is another application's."""
    application = _locked(application)
    _require_editable(application, actor)
    if document.application_id != application.pk:
        raise DomainError("That document belongs to another application")
    audit_record(actor=actor, verb="application.document_removed", target=application, label=str(application),
                 before={"kind": document.kind, "name": document.original_name})
    collection.upload_delete(document)


# --- repeating items --------------------------------------------------------------------------------

ITEM_MODELS = {"activities": Activity, "costs": CostLine, "outcomes": Outcome}
ITEM_FIELDS = {
    "activities": ["what", "delivered_by", "starts_on", "ends_on"],
    "costs": ["stream_kind", "category", "description", "recurrence"],
    "outcomes": ["measure", "baseline", "target", "by_when", "how_measured"],
}


def _item_values(kind: str, item) -> dict:
    values = {name: getattr(item, name) for name in ITEM_FIELDS[kind]}
    if kind == "activities" and item.pk:
        values["schools"] = sorted(item.schools.values_list("urn", flat=True))
    if kind == "costs" and item.pk:
        values["amounts"] = {a.financial_year: a.amount for a in item.amounts.all()}
    return values


def _item_for_token(application: Application, kind: str, form_token: str):
    """The token's claim for an "add" form: (its ItemToken, the item an earlier post of the form added or None).
    The unique token makes a second post of the same form wait for the first and then find its item."""
    try:
        with transaction.atomic():
            claim = ItemToken.objects.create(token=form_token[:64], application=application, kind=kind)
    except IntegrityError:
        claim = ItemToken.objects.select_for_update().get(token=form_token[:64])
        if claim.application_id != application.pk or claim.kind != kind:
            raise DomainError("This form has already been used. Go back and start again.") from None
    item = ITEM_MODELS[kind].objects.filter(pk=claim.item_id, application=application).first() if claim.item_id else None
    return claim, item


@transaction.atomic
def item_save(*, application: Application, kind: str, data: dict, item=None, expected_version: int | None,
              actor, form_token: str = ""):
    """Add (item=None) or change an activity, cost line or outcome. A change checks the section's version
    (StaleSection); adding never overwrites anyone, so it does not. An "add" form's `form_token` makes it
    idempotent: posting the same form again changes the item it added instead of adding another. `data`
    holds the form's cleaned answers (a cost line's `amounts` in Decimal pounds by financial year). Returns
    the saved item. Raises DomainError when the actor may not change the application or a cost line's
    stream is not one the bid asks for, and StaleSection when someone else saved the section since the user
    opened it."""
    application = _locked(application)
    _require_editable(application, actor)
    model = ITEM_MODELS[kind]
    section = _section_for_update(application, kind)
    claim = None
    if item is None and form_token:
        claim, item = _item_for_token(application, kind, form_token)
    if item is not None and claim is None:
        item = model.objects.select_for_update().get(pk=item.pk, application=application)
        _check_version(section, expected_version)
    before = _item_values(kind, item) if item is not None else None
    item = item or model(application=application)
    for name in ITEM_FIELDS[kind]:
        value = data.get(name)
        if name in ("starts_on", "ends_on", "by_when"):
            setattr(item, name, value or None)
        else:
            setattr(item, name, value or "")
    if kind == "costs" and not item.stream_kind:
        item.stream_kind = application.streams_requested[0]
    if kind == "costs" and item.stream_kind not in application.streams_requested:
        raise DomainError("Select the funding this cost is for", field="stream_kind")
    item.save()
    if claim is not None and claim.item_id != item.pk:
        claim.item_id = item.pk
        claim.save(update_fields=["item_id"])
    if kind == "activities":
        schools = [int(pk) for pk in data.get("schools") or []]
        allowed = {s.pk for s in selectors.application_member_schools(application=application)}
        item.schools.set([pk for pk in schools if pk in allowed])
    if kind == "costs":
        amounts: dict[int, Decimal | None] = data.get("amounts") or {}
        for year, amount in amounts.items():
            if amount is None:
                CostAmount.objects.filter(cost_line=item, financial_year=year).delete()
            else:
                CostAmount.objects.update_or_create(cost_line=item, financial_year=year, defaults={"amount": amount})
    collection.version_bump(section, actor)
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb=f"application.{kind}_saved", target=application, label=str(application),
                 before=before, after=_item_values(kind, item))
    return item


@transaction.atomic
def item_remove(*, application: Application, kind: str, item, expected_version: int | None, actor) -> None:
    """Remove an activity, cost line or outcome, with an audit event; the section's version goes up. Raises
    DomainError when the actor may not change the application, StaleSection when someone saved the section
    since the user opened it, and the item's DoesNotExist when it is not the application's."""
    application = _locked(application)
    _require_editable(application, actor)
    section = _section_for_update(application, kind)
    _check_version(section, expected_version)
    item = ITEM_MODELS[kind].objects.get(pk=item.pk, application=application)
    audit_record(actor=actor, verb=f"application.{kind}_removed", target=application, label=str(application),
                 before=_item_values(kind, item))
    item.delete()
    collection.version_bump(section, actor)


@transaction.atomic
def section_finish(*, application: Application, kind: str, finished: bool, expected_version: int | None,
                   actor) -> Section:
    """Mark a list section completed or not. Raises DomainError if there is nothing in it, or an item
    is missing answers."""
    application = _locked(application)
    _require_editable(application, actor)
    section = _section_for_update(application, kind)
    _check_version(section, expected_version)
    if finished:
        problem = selectors.item_section_problem(application=application, kind=kind)
        if problem:
            raise DomainError(problem, field="finished")
    before = section.completed
    collection.version_bump(section, actor, completed=finished)
    audit_record(actor=actor, verb="application.section_saved", target=application, label=str(application),
                 before={"section": kind, "completed": before}, after={"section": kind, "completed": finished})
    return section


# --- status: the moves are in workflow.py (re-exported here for callers) ---------------------------------

def reference_next(*, year: int) -> str:
    """The next reference of a year, SCF-2026-0001 upwards. Call inside a transaction: the counter row is
    updated in place (F expression), so two submissions at once wait for each other. Raises nothing."""
    for _attempt in range(3):
        if ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1):
            break
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=1)
            break
        except IntegrityError:
            continue
    number = ReferenceCounter.objects.get(year=year).last
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"
