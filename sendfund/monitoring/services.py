"""Writes for monitoring returns (house rule 1): keyword-only, raise DomainError, audit every change.

`return_transition` is the only way a return's status changes: a move of RETURN_TRANSITIONS (`workflow.py`)
made by the one workflow engine (sendfund/core/workflow.py).
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sendfund.core import collection
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.money import format_pounds
from sendfund.core.notify import email_on_commit, site_url
from sendfund.core.years import fy_label

from . import permissions, schedule, selectors, workflow
from .models import (
    ActivityProgress,
    Evidence,
    MonitoringReturn,
    OutcomeProgress,
    Reminder,
    ReturnKind,
    ReturnSection,
    ReturnStatus,
    ScheduleItem,
    SpendLine,
    Underspend,
    UnderspendAction,
    UnderspendLine,
    UnderspendStatus,
)
from .sections import RETURN_BY_KEY

S = ReturnStatus


# --- the schedule, per round --------------------------------------------------------------------------------

def schedule_ensure(*, round) -> list[ScheduleItem]:
    """The round's schedule of returns, created from the defaults (interim at 6 months, final at the end of
    the funded period plus 20 working days) the first time it is asked for. A list of ScheduleItem, interim
    first. Raises nothing."""
    items = list(round.return_schedule.all())
    if not items:
        for kind, months, days in schedule.DEFAULTS:
            ScheduleItem.objects.get_or_create(round=round, kind=kind, defaults={
                "months_after_acceptance": months, "working_days_to_submit": days})
        items = list(round.return_schedule.all())
    return sorted(items, key=lambda i: list(ReturnKind.values).index(i.kind))


@transaction.atomic
def schedule_set(*, round, values: dict[str, tuple[int | None, int]], actor) -> list[ScheduleItem]:
    """Change a round's schedule. Raises DomainError unless there is exactly one return at the end of the period."""
    if not permissions.can_edit_schedule(actor):
        raise DomainError("Only an LA officer or administrator can change the schedule of returns")
    if values.get(ReturnKind.FINAL, (None, 0))[0] is not None:
        raise DomainError("The final return is always at the end of the funded period", field="months_final")
    items = schedule_ensure(round=round)
    before = {i.kind: [i.months_after_acceptance, i.working_days_to_submit] for i in items}
    for item in items:
        months, days = values.get(item.kind, (item.months_after_acceptance, item.working_days_to_submit))
        item.months_after_acceptance, item.working_days_to_submit = months, days
        item.save()
    audit_record(actor=actor, verb="monitoring.schedule_changed", target=round, label=round.name, before=before,
                 after={i.kind: [i.months_after_acceptance, i.working_days_to_submit] for i in items})
    return items


# --- creating returns when an offer is accepted -------------------------------------------------------------

def returns_create_for_case(*, case, actor) -> list[MonitoringReturn]:
    """Create the returns the award owes under its round's schedule, pre-filled from the application and the
    award. Called by the accept step (casework.workflow.AFTER_ACCEPT), inside its transaction. Running it
    again creates nothing new. Returns the returns created (empty when they exist or the round schedules
    none). Raises nothing."""
    accepted = timezone.localdate(case.accepted_at) if case.accepted_at else timezone.localdate()
    lines = [line for line in case.lines.select_related("stream") if line.decided]
    if not lines:
        return []
    application = case.application
    period_end = dt.date(max(line.financial_year for line in lines) + 1, 3, 31)
    awarded = {(line.stream.kind, line.financial_year) for line in lines}
    created = []
    for item in schedule_ensure(round=application.round):
        anchor = (schedule.add_months(accepted, item.months_after_acceptance)
                  if item.months_after_acceptance else period_end)
        ret, new = MonitoringReturn.objects.get_or_create(case=case, kind=item.kind, defaults={
            "cluster_id": case.cluster_id, "period_ends_on": min(anchor, period_end),
            "due_on": schedule.due_date(anchor, item.working_days_to_submit)})
        if not new:
            continue
        ActivityProgress.objects.bulk_create(ActivityProgress(monitoring_return=ret, activity=a)
                                             for a in application.activities.all())
        OutcomeProgress.objects.bulk_create(OutcomeProgress(monitoring_return=ret, outcome=o)
                                            for o in application.outcomes.all())
        SpendLine.objects.bulk_create(
            SpendLine(monitoring_return=ret, cost_line=cost, stream_kind=cost.stream_kind,
                      financial_year=amount.financial_year, planned=amount.amount)
            for cost in application.cost_lines.prefetch_related("amounts")
            for amount in cost.amounts.all() if (cost.stream_kind, amount.financial_year) in awarded)
        audit_record(actor=actor, verb="return.scheduled", target=ret, label=str(ret),
                     after={"kind": ret.kind, "due_on": ret.due_on, "period_ends_on": ret.period_ends_on})
        created.append(ret)
    return created


# --- saving sections ----------------------------------------------------------------------------------------

def _locked(ret: MonitoringReturn) -> MonitoringReturn:
    return MonitoringReturn.objects.select_for_update(of=("self",)).select_related("case").get(pk=ret.pk)


def _require_editable(ret: MonitoringReturn, actor) -> None:
    if not permissions.can_edit_return(actor, ret):
        if ret.status != S.DRAFT:
            raise DomainError("This return has been sent for sign-off or to the council, so it cannot be changed")
        raise DomainError("Only the cluster host or SEND lead can change this return")


def _rows_values(rows, fields) -> dict:
    return {str(r.pk): {f: getattr(r, f) for f in fields} for r in rows}


def _over_paid(ret: MonitoringReturn, spent: dict[int, Decimal | None]) -> list[str]:
    """Streams and years where the spend entered is more than the council has paid so far."""
    totals: dict[tuple[str, int], Decimal] = {}
    for row in ret.spend.all():
        value = spent.get(row.pk, row.spent)
        if value is not None:
            totals[(row.stream_kind, row.financial_year)] = totals.get((row.stream_kind, row.financial_year),
                                                                       Decimal("0.00")) + value
    paid = selectors.paid_by_stream_year(case=ret.case)
    return [f"{format_pounds(total)} spent on {kind} in {fy_label(year)} is more than the "
            f"{format_pounds(paid.get((kind, year), Decimal('0.00')))} paid"
            for (kind, year), total in sorted(totals.items()) if total > paid.get((kind, year), Decimal("0.00"))]


@transaction.atomic
def return_section_save(*, monitoring_return: MonitoringReturn, key: str, data: dict, completed: bool,
                        expected_version: int | None, actor) -> ReturnSection:
    """Save one section of a return: its rows (progress, spend, outcome values) and text answers. Raises
    StaleSection if someone saved it since `expected_version`, and DomainError if spend is more than has
    been paid with no explanation, or the return cannot be changed."""
    ret = _locked(monitoring_return)
    _require_editable(ret, actor)
    if key not in RETURN_BY_KEY:
        raise DomainError("There is no such section")
    section = collection.section_lock(ReturnSection, monitoring_return=ret, key=key)
    collection.version_check(section, expected_version)
    before: dict = {"answers": section.answers, "completed": section.completed}
    after: dict = {}
    answers: dict = {}
    if key == "progress":
        rows = list(ret.progress.all())
        before["rows"] = _rows_values(rows, ["progress", "note"])
        for row in rows:
            row.progress = data.get(f"progress_{row.pk}") or ""
            row.note = data.get(f"note_{row.pk}") or ""
            row.save(update_fields=["progress", "note"])
        after["rows"] = _rows_values(rows, ["progress", "note"])
    elif key == "outcomes":
        rows = list(ret.outcomes.all())
        before["rows"] = _rows_values(rows, ["latest"])
        for row in rows:
            row.latest = data.get(f"latest_{row.pk}") or ""
            row.save(update_fields=["latest"])
        after["rows"] = _rows_values(rows, ["latest"])
    elif key == "spend":
        rows = list(ret.spend.all())
        spent = {row.pk: data.get(f"spent_{row.pk}") for row in rows}
        explanation = (data.get("explanation") or "").strip()
        over = _over_paid(ret, spent)
        if completed and over and not explanation:
            raise DomainError("Explain why you have spent more than the council has paid: " + "; ".join(over) + ".",
                              field="explanation")
        before["rows"] = _rows_values(rows, ["spent"])
        for row in rows:
            row.spent = spent[row.pk]
            row.save(update_fields=["spent"])
        after["rows"] = _rows_values(rows, ["spent"])
        answers = {"explanation": explanation}
    elif key == "changes":
        answers = {"any_changes": data.get("any_changes") or "", "changes": data.get("changes") or ""}
    collection.version_bump(section, actor, answers=answers, completed=completed)
    MonitoringReturn.objects.filter(pk=ret.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb="return.section_saved", target=ret, label=str(ret),
                 before={"section": key, **before},
                 after={"section": key, "answers": answers, "completed": completed, **after})
    return section


@transaction.atomic
def evidence_attach(*, monitoring_return: MonitoringReturn, upload, actor) -> Evidence:
    """Attach a checked upload (DocumentField ran core.filecheck over it), stored under a name the server
    makes with the extension of its true kind. Returns the Evidence. Raises DomainError when the actor may
    not change the return (not the cluster's, or sent for sign-off or later) or the file is not of a kind
    the service takes."""
    ret = _locked(monitoring_return)
    _require_editable(ret, actor)
    document = Evidence(monitoring_return=ret, uploaded_by=actor)
    collection.upload_store(document, upload)
    audit_record(actor=actor, verb="return.evidence_attached", target=ret, label=str(ret),
                 after={"name": document.original_name, "bytes": document.size_bytes})
    return document


@transaction.atomic
def evidence_remove(*, monitoring_return: MonitoringReturn, evidence: Evidence, actor) -> None:
    """Remove a file from a return, with an audit event, and delete it from storage. Raises DomainError when
    the actor may not change the return or the file is another return's."""
    ret = _locked(monitoring_return)
    _require_editable(ret, actor)
    if evidence.monitoring_return_id != ret.pk:
        raise DomainError("That file belongs to another return")
    audit_record(actor=actor, verb="return.evidence_removed", target=ret, label=str(ret),
                 before={"name": evidence.original_name})
    collection.upload_delete(evidence)


# --- status: the moves are in workflow.py --------------------------------------------------------------------

RETURN_TRANSITIONS = workflow.RETURN_TRANSITIONS


def return_transition(*, monitoring_return: MonitoringReturn, to: str, actor, comments: str = "") -> MonitoringReturn:
    """Move a return along RETURN_TRANSITIONS to status `to` (sign-off, submission, acceptance, sending back
    with `comments`), with the move's audit event and emails. Returns the return, locked and saved, with its
    case and cluster. Raises DomainError when a return is sent back without saying what needs to change (on
    `comments`), the table has no move from its status to `to`, the actor may not make the move, or (for
    sign-off) the return is incomplete or holds something that could identify a child."""
    if to == S.DRAFT and not comments.strip():
        raise DomainError("Say what needs to change", field="comments")
    return RETURN_TRANSITIONS.transition(record=monitoring_return, to=to, actor=actor, note=comments.strip())


def return_moves(*, monitoring_return: MonitoringReturn, user, cluster_side_only: bool = False) -> dict:
    """The moves `user` may make from the return's status, by name (a dict of core.workflow.Offer, in the
    table's order; a guard runs only when its offer's reason is read); with `cluster_side_only`, only the
    cluster's moves (for the cluster's own pages). No queries but the user's roles. Raises nothing."""
    return RETURN_TRANSITIONS.offered(monitoring_return, user, cluster_side_only=cluster_side_only)


# --- reminders ----------------------------------------------------------------------------------------------

REMINDER_WORDS = {
    "before_10": ("is due in 10 working days", "due soon"),
    "due": ("is due today", "due today"),
    "after_5": ("is 5 working days overdue", "overdue"),
    "after_10": ("is 10 working days overdue", "overdue"),
}


def reminder_send(*, monitoring_return: MonitoringReturn, code: str) -> bool:
    """Send one reminder for a return exactly once: the Reminder row's unique constraint decides, so a second
    run, or a second worker at the same moment, finds it taken and sends nothing. Returns whether it sent.
    Raises nothing."""
    ret = monitoring_return
    recipients = sorted({e for e in workflow.cluster_emails(ret) if e})
    try:
        with transaction.atomic():
            Reminder.objects.create(monitoring_return=ret, code=code, recipients=", ".join(recipients))
            words, short = REMINDER_WORDS[code]
            link = site_url(reverse("monitoring:return", kwargs={"pk": ret.pk}))
            email_on_commit(to=recipients,
                            subject=f"Monitoring return {short}: {ret.case.reference}",
                            body=(f"The {ret.get_kind_display().lower()} for {ret.case.reference} {words} "
                                  f"(due on {ret.due_on:%-d %B %Y}).\n\nSign in to complete it: {link}\n"))
            audit_record(actor=None, verb="return.reminder_sent", target=ret, label=str(ret),
                         after={"reminder": code, "to": recipients})
    except IntegrityError:
        return False
    return True


def reminders_send_due(*, today: dt.date) -> list[tuple[int, str]]:
    """Send today's reminders for returns the council does not yet have. Returns (return id, code) sent.
    Raises nothing."""
    sent = []
    waiting = (MonitoringReturn.objects.filter(status__in=[S.DRAFT, S.AWAITING_SIGN_OFF])
               .select_related("case", "cluster").order_by("due_on", "id"))
    for ret in waiting:
        code = schedule.reminder_due(due_on=ret.due_on, today=today)
        if code and reminder_send(monitoring_return=ret, code=code):
            sent.append((ret.pk, code))
    return sent


# --- underspend and clawback --------------------------------------------------------------------------------

@transaction.atomic
def underspend_propose(*, monitoring_return: MonitoringReturn, action: str, reason: str, actor) -> Underspend:
    """The officer proposes what happens to money an accepted final return shows paid but not spent. Raises
    DomainError if the return is not an accepted final return, nothing is unspent, or it is decided already."""
    if not permissions.can_propose_underspend(actor):
        raise DomainError("Only an LA officer can propose what happens to an underspend")
    ret = _locked(monitoring_return)
    if not (ret.is_final and ret.status == S.ACCEPTED):
        raise DomainError("Accept the final return first")
    if action not in UnderspendAction.values:
        raise DomainError("Select what should happen to the money not spent", field="action")
    if not reason.strip():
        raise DomainError("Enter the reason", field="reason")
    money = selectors.return_money(monitoring_return=ret)
    if money.unspent <= 0:
        raise DomainError("The final return shows no money paid and not spent")
    existing = Underspend.objects.select_for_update().filter(monitoring_return=ret).first()
    if existing is not None and existing.status == UnderspendStatus.CONFIRMED:
        raise DomainError("The decision on this underspend has been confirmed already")
    before = {"action": existing.action, "reason": existing.reason} if existing else None
    underspend = existing or Underspend(monitoring_return=ret)
    underspend.action, underspend.reason, underspend.proposed_by = action, reason.strip(), actor
    underspend.save()
    underspend.lines.all().delete()
    UnderspendLine.objects.bulk_create(UnderspendLine(underspend=underspend, stream_id=row.stream_id,
                                                      financial_year=row.financial_year, amount=row.unspent)
                                       for row in money.rows if row.unspent > 0)
    audit_record(actor=actor, verb="return.underspend_proposed", target=ret, label=str(ret), before=before,
                 after={"action": action, "reason": underspend.reason, "amount": money.unspent,
                        "lines": [[r.stream_kind, r.financial_year, r.unspent] for r in money.rows if r.unspent > 0]})
    return underspend


@transaction.atomic
def underspend_confirm(*, underspend: Underspend, actor) -> Underspend:
    """The decision maker confirms the proposal. A clawback is recorded in the ledger (the pot gets the money
    back); keeping it is recorded with its reason. Raises DomainError if it is not waiting for confirmation."""
    from sendfund.funds.services import ledger_clawback

    if not permissions.can_confirm_underspend(actor):
        raise DomainError("Only the decision maker can confirm what happens to an underspend")
    underspend = Underspend.objects.select_for_update().select_related(
        "monitoring_return__case").get(pk=underspend.pk)
    if underspend.status != UnderspendStatus.PROPOSED:
        raise DomainError("This decision has been confirmed already")
    case = underspend.monitoring_return.case
    lines = list(underspend.lines.select_related("stream"))
    entries = []
    if underspend.action == UnderspendAction.REDUCE_NEXT:
        from sendfund.casework.services import instalment_reduce

        for line in lines:
            instalment_reduce(case=case, stream=line.stream, amount=line.amount, actor=actor,
                              note=f"Underspend: {underspend.reason}")
    if underspend.action == UnderspendAction.CLAWBACK:
        entries = [ledger_clawback(stream=line.stream, financial_year=line.financial_year, amount=line.amount,
                                   reference=case.reference, actor=actor, note=f"Underspend: {underspend.reason}")
                   for line in lines]
    underspend.status, underspend.confirmed_by, underspend.confirmed_at = (UnderspendStatus.CONFIRMED, actor,
                                                                           timezone.now())
    underspend.save()
    audit_record(actor=actor, verb="return.underspend_confirmed", target=underspend.monitoring_return,
                 label=str(underspend.monitoring_return),
                 before={"status": UnderspendStatus.PROPOSED},
                 after={"status": UnderspendStatus.CONFIRMED, "action": underspend.action,
                        "amount": sum((line.amount for line in lines), Decimal("0.00")),
                        "ledger_entries": [e.pk for e in entries]})
    ret = underspend.monitoring_return
    email_on_commit(to=workflow.cluster_emails(ret), subject=f"The underspend on {case.reference}",
                    body=(f"The council has decided what happens to the money {case.reference} did not spend: "
                          f"{underspend.get_action_display().lower()}.\n\nSign in to see it: "
                          f"{site_url(reverse('monitoring:return', kwargs={'pk': ret.pk}))}\n"))
    return underspend
