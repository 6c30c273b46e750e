"""Writes for casework. Each checks the rule it enforces and raises DomainError in the user's words;
states change only through workflow.case_transition."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sendfund.accounts.permissions import roles_of
from sendfund.accounts.roles import Role
from sendfund.core.audit import audit_record, person
from sendfund.core.errors import DomainError
from sendfund.core.money import format_pounds, from_pence, largest_remainder, to_pence
from sendfund.core.years import fy_bounds, fy_label
from sendfund.registry.selectors import council_name

from . import letters, permissions, workdays
from .models import (
    AwardLine,
    Case,
    ConflictDeclaration,
    Criterion,
    InformationRequest,
    Instalment,
    LetterKind,
    Meeting,
    Outcome,
    Review,
    Score,
)
from .workflow import (  # case_transition is re-exported for callers
    TRANSITIONS,
    allows,
    case_transition,
    check_move,
)


def _require(ok: bool, message: str, *, field: str | None = None) -> None:
    if not ok:
        raise DomainError(message, field=field)


def _found[T](value: T | None, message: str, *, field: str | None = None) -> T:
    """`value`, or DomainError(message) when there is none."""
    if value is None:
        raise DomainError(message, field=field)
    return value


def _lines_values(case: Case) -> list[dict]:
    """The money of a case by stream and financial year, as its audit events carry it."""
    return [{"stream": line.stream.kind, "financial_year": line.financial_year, "requested": line.requested,
             "recommended": line.recommended, "decided": line.decided}
            for line in AwardLine.objects.filter(case=case).select_related("stream")]


def decision_values(case: Case) -> dict:
    """The whole recommendation and decision of a case, for the before and after of its audit events. A dict
    of the status, outcome, lines (amounts as strings of pounds), reasons and who decided. One query.
    Raises Case.DoesNotExist only if the case has been deleted."""
    case = Case.objects.select_related("recommended_by", "decided_by").get(pk=case.pk)
    return {"status": case.status, "outcome": case.outcome, "lines": _lines_values(case),
            "recommendation": case.recommendation, "recommended_by": person(case.recommended_by),
            "reasons": case.reasons, "conditions": case.conditions, "decided_by": person(case.decided_by)}


def _people(case: Case) -> dict:
    return {"officer": person(case.officer), "education_specialist": person(case.education_specialist),
            "business_specialist": person(case.business_specialist)}


@transaction.atomic
def case_acknowledge(*, application, actor, note: str = "") -> Case:
    """Turn a submitted application into a case and acknowledge it (LA officers). One case per application.
    Returns the acknowledged Case. Raises DomainError when the actor is not an LA officer, the application
    is not submitted, or the move is not allowed from the case's state (case_transition)."""
    from sendfund.applications.models import Application, Status
    from sendfund.applications.selectors import application_requested_amounts

    _require(permissions.can_manage_cases(actor), "Only an LA officer can acknowledge an application.")
    application = Application.objects.select_for_update().select_related("round__fund").get(pk=application.pk)
    _require(application.status == Status.SUBMITTED, "Only a submitted application can be acknowledged.")
    case = Case.objects.filter(application=application).first()
    if case is None:
        case = Case.objects.create(application=application, cluster_id=application.cluster_id,
                                   reference=application.reference, submitted_at=application.submitted_at,
                                   officer=actor)
        application.acknowledged_at = case.created_at  # it leaves the queue's "to acknowledge" (its index)
        application.save(update_fields=["acknowledged_at"])
        streams = {s.kind: s for s in application.round.fund.streams.all()}
        for (kind, year), amount in sorted(application_requested_amounts(application=application).items()):
            if kind in streams and amount:
                AwardLine.objects.create(case=case, stream=streams[kind], financial_year=year, requested=amount)
        audit_record(actor=actor, verb="case.opened", target=case, label=case.reference,
                     after={"application": application.pk, "status": case.status, "lines": _lines_values(case)})
    return case_transition(case=case, move="acknowledge", actor=actor, note=note)


@transaction.atomic
def case_assign(*, case: Case, officer=None, education_specialist=None, business_specialist=None, actor) -> Case:
    """Assign the officer and the two specialists. Each must hold the matching LA role. Returns the Case.
    Raises DomainError when the actor is not an LA officer, the case is closed, or a person lacks the role
    (on that person's field)."""
    _require(permissions.can_manage_cases(actor), "Only an LA officer can assign people to a case.")
    _require(case.is_open, "This case is closed.")
    checks = [(officer, Role.LA_OFFICER, "officer"), (education_specialist, Role.EDUCATION_SPECIALIST, "education"),
              (business_specialist, Role.BUSINESS_SPECIALIST, "business")]
    for user, role, name in checks:
        if user is not None and not roles_of(user).has_la_role(role):
            raise DomainError(f"{user} is not an {role.label.lower()}.", field=name)
    before = _people(case)
    case.officer = officer or case.officer
    case.education_specialist = education_specialist or case.education_specialist
    case.business_specialist = business_specialist or case.business_specialist
    case.save(update_fields=["officer", "education_specialist", "business_specialist", "updated_at"])
    audit_record(actor=actor, verb="case.assigned", target=case, label=case.reference, before=before,
                 after=_people(case))
    return case


@transaction.atomic
def meeting_arrange(*, case: Case, starts_at: dt.datetime, duration_minutes: int, place: str, online_link: str,
                    cluster_attendees: str, la_attendees: list, actor) -> Meeting:
    """Arrange (or rearrange) the meeting and email the calendar invitation. Needs a place or an online link.
    Returns the Meeting. Raises DomainError when the actor is not an LA officer, the case is not
    acknowledged or already has a meeting arranged, there is no place or link, or nobody from the cluster
    is named."""
    _require(permissions.can_manage_cases(actor), "Only an LA officer can arrange the meeting.")
    _require(allows(case, "arrange_meeting"),
             "The meeting is arranged after the application is acknowledged and before the assessment starts.")
    _require(bool(place.strip() or online_link.strip()), "Enter a place or an online meeting link.")
    _require(bool(cluster_attendees.strip()), "Enter who is coming from the cluster.")
    meeting = Meeting.objects.filter(case=case).first()
    before = _meeting_values(meeting) if meeting is not None else None
    values = {"starts_at": starts_at, "duration_minutes": duration_minutes, "place": place.strip(),
              "online_link": online_link.strip(), "cluster_attendees": cluster_attendees.strip()}
    if meeting is None:
        meeting = Meeting.objects.create(case=case, **values)
    else:
        for key, value in values.items():
            setattr(meeting, key, value)
        meeting.sequence += 1
        meeting.save()
    meeting.la_attendees.set(la_attendees)
    meeting.invited_at = timezone.now()
    meeting.save(update_fields=["invited_at"])
    audit_record(actor=actor, verb="meeting.arranged", target=case, label=case.reference, before=before,
                 after=_meeting_values(meeting))
    case.meeting = meeting
    if case.status in TRANSITIONS["arrange_meeting"].sources:
        case_transition(case=case, move="arrange_meeting", actor=actor)
    else:
        from . import notifications

        notifications.meeting_invitation(case)  # a rearranged meeting: the updated invitation
    return meeting


def _meeting_values(meeting: Meeting) -> dict:
    return {"starts_at": meeting.starts_at, "duration_minutes": meeting.duration_minutes, "place": meeting.place,
            "online_link": meeting.online_link, "cluster_attendees": meeting.cluster_attendees,
            "la_attendees": [person(u) for u in meeting.la_attendees.order_by("full_name")],
            "sequence": meeting.sequence}


@transaction.atomic
def meeting_record_notes(*, case: Case, notes: str, actions: str, actor) -> Meeting:
    """Record what the meeting discussed and agreed (LA officers), once it has happened. Returns the Meeting.
    Raises DomainError when the actor is not an LA officer, no meeting was arranged, or the notes are
    empty."""
    _require(permissions.can_manage_cases(actor), "Only an LA officer can record the meeting's notes.")
    meeting = _found(Meeting.objects.select_for_update().filter(case=case).first(), "Arrange the meeting first.")
    _require(bool(notes.strip()), "Enter the notes of the meeting.")
    before = {"notes": meeting.notes, "actions": meeting.actions}
    meeting.notes, meeting.actions = notes.strip(), actions.strip()
    meeting.notes_recorded_at, meeting.notes_recorded_by = timezone.now(), actor
    meeting.save()
    audit_record(actor=actor, verb="meeting.notes_recorded", target=case, label=case.reference, before=before,
                 after={"notes": meeting.notes, "actions": meeting.actions})
    return meeting


def _review_kind_for(case: Case, user) -> str:
    from .selectors import review_kind_for

    return review_kind_for(case=case, user=user)


@transaction.atomic
def conflict_declare(*, case: Case, user, has_conflict: bool, details: str) -> ConflictDeclaration:
    """Declare whether you have a conflict of interest, before you score. Made once; it cannot be changed.
    Returns the ConflictDeclaration. Raises DomainError when the user is not a specialist assigned to the
    case, has declared already, or declares a conflict without describing it."""
    _require(bool(_review_kind_for(case, user)), "Only the specialists assigned to this case declare interests here.")
    _require(not ConflictDeclaration.objects.filter(case=case, user=user).exists(),
             "You have already made your declaration for this case.")
    _require(not has_conflict or bool(details.strip()), "Describe the conflict of interest.")
    declaration = ConflictDeclaration.objects.create(case=case, user=user, has_conflict=has_conflict,
                                                     details=details.strip())
    audit_record(actor=user, verb="case.conflict_declared", target=case, label=case.reference,
                 after={"specialist": person(user), "kind": _review_kind_for(case, user), "has_conflict": has_conflict,
                        "details": details.strip()})
    if has_conflict:
        from . import notifications

        notifications.conflict_declared(case, declaration)
    return declaration


@transaction.atomic
def review_save(*, case: Case, reviewer, scores: dict[str, tuple[int, str]], summary: str, finish: bool) -> Review:
    """Save a specialist's scores (1 to 5, each with a justification). A declared conflict stops the scoring.
    Returns the Review. Raises DomainError when the reviewer is not assigned, the case is not under
    assessment, no declaration was made or it declared a conflict, another specialist started the review,
    it is finished, a score names no criterion or is not 1 to 5 or has no justification, or (finishing) a
    criterion is unscored."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    kind = _review_kind_for(case, reviewer)
    _require(bool(kind), "Only the specialists assigned to this case can score it.")
    _require(allows(case, "score"), "Scores are given while the case is under assessment.")
    declaration = _found(ConflictDeclaration.objects.filter(case=case, user=reviewer).first(),
                         "Declare whether you have a conflict of interest before you score.")
    _require(not declaration.has_conflict, "You declared a conflict of interest in this case, so you cannot score "
                                           "it. Ask the officer to assign another specialist.")
    review, _ = Review.objects.get_or_create(case=case, kind=kind, defaults={"reviewer": reviewer})
    _require(review.reviewer_id == reviewer.pk, "Another specialist has started this review.")
    _require(review.completed_at is None, "You have finished this review; it can no longer be changed.")
    criteria = {c.code: c for c in Criterion.objects.filter(is_active=True)}
    before = _review_values(review, kind)
    for code, (value, justification) in scores.items():
        _require(code in criteria, f"There is no criterion called {code}.")
        if value is None:
            continue
        _require(1 <= int(value) <= 5, f"Score {criteria[code].name} from 1 to 5.")
        _require(bool(justification.strip()), f"Justify your score for {criteria[code].name}.")
        Score.objects.update_or_create(review=review, criterion=criteria[code],
                                       defaults={"score": int(value), "justification": justification.strip()})
    review.summary = summary.strip()
    if finish:
        scored = set(review.scores.values_list("criterion__code", flat=True))
        missing = [c.name for code, c in criteria.items() if code not in scored]
        _require(not missing, "Score every criterion before you finish: " + ", ".join(missing) + ".")
        review.completed_at = timezone.now()
    review.save()
    audit_record(actor=reviewer, verb="review.finished" if finish else "review.saved", target=case,
                 label=case.reference, before=before, after=_review_values(review, kind))
    return review


def _review_values(review: Review, kind: str) -> dict:
    """A review as its audit events carry it: each criterion's score and justification (a list, in the criteria's
    order, which a JSON object would not keep on PostgreSQL), and the summary."""
    return {"kind": kind, "summary": review.summary, "completed": review.completed_at is not None,
            "scores": [{"criterion": s.criterion.name, "score": s.score, "justification": s.justification}
                       for s in review.scores.select_related("criterion").order_by("criterion__order")]}


@transaction.atomic
def information_request(*, case: Case, question: str, actor) -> InformationRequest:
    """Ask the cluster a question; the case waits for the answer. Due in 10 working days. Returns the
    InformationRequest. Raises DomainError when the actor is not an LA officer, the question is empty, or
    the case cannot wait for information from its state."""
    _require(permissions.can_manage_cases(actor), "Only an LA officer can ask the cluster for information.")
    _require(bool(question.strip()), "Enter your question.")
    request = InformationRequest.objects.create(
        case=case, question=question.strip(), asked_by=actor,
        due_on=workdays.add_working_days(timezone.localdate(), workdays.ANSWER_WITHIN))
    case_transition(case=case, move="request_information", actor=actor, note=question.strip()[:200])
    return request


@transaction.atomic
def information_answer(*, request: InformationRequest, answer: str, actor) -> InformationRequest:
    """The cluster answers; when every question is answered the case goes back to where it was. Returns the
    InformationRequest. Raises DomainError when the actor may not answer for the cluster, the case is not
    waiting or the question is answered already, or the answer is empty."""
    case = request.case
    _require(permissions.can_answer_requests(actor, case), "Only the cluster host or SEND lead can answer.")
    _require(case.status in TRANSITIONS["answer_information"].sources and request.answered_at is None,
             "This question has already been answered.")
    _require(bool(answer.strip()), "Enter your answer.")
    request.answer, request.answered_by, request.answered_at = answer.strip(), actor, timezone.now()
    request.save()
    audit_record(actor=actor, verb="case.information_answered", target=case, label=case.reference,
                 after={"question": request.question[:200], "answer": request.answer[:500]})
    if not case.information_requests.filter(answered_at__isnull=True).exists():
        case_transition(case=case, move="answer_information", actor=actor)
    return request


def _check_amounts(case: Case, amounts: dict[int, Decimal], what: str) -> list[AwardLine]:
    lines = list(case.lines.select_related("stream"))
    for line in lines:
        field = f"line_{line.pk}"  # the amount's box on the recommend and decide forms
        amount = _found(amounts.get(line.pk), f"Enter the {what} amount for every stream and year.", field=field)
        _require(amount >= 0, "Amounts cannot be negative.", field=field)
        _require(amount <= line.requested, f"The {what} amount for {line.stream.get_kind_display().lower()} in "
                                           f"{fy_label(line.financial_year)} cannot be more than the "
                                           f"{format_pounds(line.requested)} asked for.", field=field)
    return lines


@transaction.atomic
def case_recommend(*, case: Case, amounts: dict[int, Decimal], recommendation: str, actor) -> Case:
    """The officer's recommendation: an amount per stream and year (at most what was asked) with reasons.
    Amounts are Decimal pounds by award line id. Returns the Case. Raises DomainError when the actor is not
    an LA officer, the case is not under assessment, an amount is missing, negative or more than asked, or
    there are no reasons."""
    check_move(case=case, move="recommend", actor=actor)  # before the amounts are written
    _require(bool(recommendation.strip()), "Give the reasons for your recommendation.")
    before = decision_values(case)
    for line in _check_amounts(case, amounts, "recommended"):
        line.recommended = amounts[line.pk]
        line.save(update_fields=["recommended"])
    Case.objects.filter(pk=case.pk).update(recommendation=recommendation.strip(), recommended_by=actor)
    case.recommendation, case.recommended_by = recommendation.strip(), actor
    return case_transition(case=case, move="recommend", actor=actor, content_before=before)


@transaction.atomic
def case_decide(*, case: Case, outcome: str, amounts: dict[int, Decimal], reasons: str, conditions: str,
                actor) -> Case:
    """Decide (decision maker): amounts at most what was asked and at most what the pot has left. The award's
    money is committed in the ledger in the same transaction; if the pot cannot cover it the whole decision
    is refused and nothing is saved. Amounts are Decimal pounds by award line id. Returns the Case. Raises
    DomainError when the actor is not a decision maker, the case is not recommended, the outcome is not one
    of the outcomes, an amount is missing, negative or more than asked, the decision's guard refuses it
    (reasons, amounts that fit the outcome), or the pot cannot cover the award."""
    check_move(case=case, move="decide", actor=actor)  # before the amounts are written
    _require(outcome in Outcome.values, "Choose the outcome.")
    before = decision_values(case)
    for line in _check_amounts(case, amounts, "decided"):
        line.decided = amounts[line.pk]
        line.save(update_fields=["decided"])
    Case.objects.filter(pk=case.pk).update(outcome=outcome, reasons=reasons.strip(), conditions=conditions.strip(),
                                           decided_by=actor)
    case.refresh_from_db()
    # The decision's guard (the table's rule: amounts that fit the outcome), asked first so that its answer is
    # shown at the outcome's question; case_transition asks it again.
    _require(not (reason := TRANSITIONS["decide"].guard(case)), reason, field="outcome")
    case = case_transition(case=case, move="decide", actor=actor, content_before=before)
    letters.letter_issue_after_commit(case=case, kind=LetterKind.DECISION)
    return case


@transaction.atomic
def case_accept_offer(*, case: Case, actor) -> Case:
    """The cluster accepts the offer online; the payment schedule is drawn up and the letter is issued again
    with it (the decision letter stays as it was). Returns the Case. Raises DomainError when the actor may
    not accept for the cluster or the case is not decided with money offered (case_transition)."""
    case = case_transition(case=case, move="accept_offer", actor=actor)
    letters.letter_issue_after_commit(case=case, kind=LetterKind.OFFER_ACCEPTED)
    return case


def instalments_schedule(*, case: Case) -> list[Instalment]:
    """Two instalments per awarded stream and year, half each (to the penny, by largest remainder): the first
    10 working days after acceptance (or on 1 April if that is later), the second on 1 October of that
    financial year (or 3 months after the first if that is later). Returns the new Instalments (amounts in
    Decimal pounds). Raises DomainError when the case already has a schedule."""
    _require(not case.instalments.exists(), "This case already has a payment schedule.")
    accepted = timezone.localdate(case.accepted_at) if case.accepted_at else timezone.localdate()
    planned = []
    for line in case.lines.select_related("stream").order_by("financial_year", "stream__kind"):
        if not line.decided:
            continue
        fy_start, _ = fy_bounds(line.financial_year)
        first = max(workdays.add_working_days(accepted, 10), fy_start)
        second = max(dt.date(line.financial_year, 10, 1), first + dt.timedelta(days=91))
        halves = largest_remainder(to_pence(line.decided), [1, 1])
        planned += [(due, line, pence) for due, pence in zip((first, second), halves, strict=True)]
    # Numbered in the order they fall due, so instalment 2 is never due before instalment 1.
    planned.sort(key=lambda p: (p[0], p[1].financial_year, p[1].stream.kind))
    return [Instalment.objects.create(case=case, stream=line.stream, financial_year=line.financial_year, number=number,
                                      due_on=due, amount=from_pence(pence))
            for number, (due, line, pence) in enumerate(planned, start=1)]


@transaction.atomic
def instalment_reduce(*, case: Case, stream, amount: Decimal, actor, note: str) -> Instalment:
    """Take `amount` off the award's next unpaid instalment of a stream (for money the cluster holds and did
    not spend) and release that much of the commitment back to the pot. Raises DomainError if there is no
    unpaid instalment of the stream, or it is smaller than the amount."""
    from sendfund.funds.services import ledger_release_amount

    _require(permissions.can_decide(actor), "Only the decision maker can reduce an instalment.")
    instalment = _found(Instalment.objects.select_for_update().filter(case=case, stream=stream, paid_on__isnull=True)
                        .order_by("due_on", "number").first(),
                        f"{case.reference} has no unpaid {stream.get_kind_display().lower()} instalment to reduce.")
    _require(amount <= instalment.amount, f"The next instalment is {format_pounds(instalment.amount)}, less than "
                                          f"{format_pounds(amount)}.")
    before = instalment.amount
    instalment.amount -= amount
    instalment.save(update_fields=["amount"])
    ledger_release_amount(stream=stream, financial_year=instalment.financial_year, amount=amount,
                          reference=case.reference, actor=actor, note=note)
    audit_record(actor=actor, verb="case.instalment_reduced", target=case, label=case.reference,
                 before={"instalment": instalment.number, "amount": before},
                 after={"instalment": instalment.number, "amount": instalment.amount, "note": note})
    return instalment


@transaction.atomic
def instalment_pay(*, instalment: Instalment, paid_on: dt.date, actor) -> Instalment:
    """Finance records a payment: the ledger records it against the award; the first one starts delivery.
    Returns the paid Instalment. Raises DomainError when the actor is not finance, the case is not accepted
    or in delivery, the instalment is paid already, the date is in the future or before it is payable, or
    the ledger refuses the payment."""
    from sendfund.funds.services import ledger_pay

    _require(permissions.can_record_payments(actor), "Only finance records payments.")
    instalment = Instalment.objects.select_for_update().select_related("case", "stream").get(pk=instalment.pk)
    case = instalment.case
    _require(allows(case, "pay"),
             "Payments are made after the cluster accepts the offer.")
    _require(instalment.paid_on is None, "This instalment has already been paid.")
    _require(paid_on <= timezone.localdate(), "The payment date cannot be in the future.")
    _require(paid_on >= instalment.payable_from,
             f"This instalment is paid from the {fy_label(instalment.financial_year)} pot, which opens on "
             f"{instalment.payable_from:%-d %B %Y}. Record the payment on or after that day.")
    entry = ledger_pay(stream=instalment.stream, financial_year=instalment.financial_year, amount=instalment.amount,
                       reference=case.reference, actor=actor, note=f"Instalment {instalment.number}")
    instalment.paid_on, instalment.paid_by, instalment.ledger_entry = paid_on, actor, entry
    instalment.save(update_fields=["paid_on", "paid_by", "ledger_entry"])
    audit_record(actor=actor, verb="case.payment_recorded", target=case, label=case.reference,
                 before={"paid_on": None},
                 after={"instalment": instalment.number, "stream": instalment.stream.kind,
                        "financial_year": instalment.financial_year, "amount": instalment.amount,
                        "due_on": instalment.due_on, "paid_on": paid_on, "ledger_entry": entry.pk})
    if case.status in TRANSITIONS["start_delivery"].sources:
        case_transition(case=case, move="start_delivery", actor=actor)
    return instalment


@transaction.atomic
def case_withdraw(*, case: Case, reason: str, actor) -> Case:
    """Withdraw a case (LA officer), with a reason; money committed but not paid goes back to the pot. Returns
    the Case. Raises DomainError when there is no reason or the case cannot be withdrawn from its state by
    the actor (case_transition)."""
    _require(bool(reason.strip()), "Give the reason for withdrawing.")
    return case_transition(case=case, move="withdraw", actor=actor, note=reason.strip())


def meeting_cancel(*, case: Case, actor, why: str) -> bool:
    """Cancel the case's meeting if it is still to come: everyone invited gets a cancellation (METHOD:CANCEL).
    Returns whether a meeting was cancelled. Call inside the transaction of the change that cancels it.
    Raises nothing."""
    from . import notifications

    meeting = Meeting.objects.select_for_update().filter(case=case).first()
    if meeting is None or meeting.cancelled_at is not None or meeting.starts_at <= timezone.now():
        return False
    before = {"starts_at": meeting.starts_at, "sequence": meeting.sequence}
    meeting.sequence += 1
    meeting.cancelled_at = timezone.now()
    meeting.save(update_fields=["sequence", "cancelled_at"])
    attendees = notifications.meeting_attendee_emails(meeting)
    audit_record(actor=actor, verb="meeting.cancelled", target=case, label=case.reference, before=before,
                 after={"cancelled": True, "why": why, "attendees": attendees, "sequence": meeting.sequence})
    notifications.meeting_cancelled(case, meeting, why=why)
    return True


@transaction.atomic
def case_close(*, case: Case, actor) -> Case:
    """Close a case (LA officer) from delivery, or once decided, when its guard allows (nothing left to pay).
    Returns the Case. Raises DomainError when the actor may not close it or the move is not allowed from
    its state (case_transition)."""
    return case_transition(case=case, move="close", actor=actor)


def _invitation_record(*, cluster, round_, stream_kind: str, evidence: list[str], actor, event: str, subject: str,
                       opening: str, heading: str):
    """Record an invitation to one stream of a round, audit it and email the cluster's contacts what the evidence
    shows. Returns the Invitation."""
    from sendfund.accounts.selectors import cluster_recipients
    from sendfund.core.notify import email_on_commit, site_url

    from .models import Invitation

    text = "\n".join(evidence)
    invitation = Invitation.objects.create(cluster=cluster, round=round_, stream_kind=stream_kind, evidence=text,
                                           invited_by=actor)
    emailed = cluster_recipients(cluster=cluster)
    audit_record(actor=actor, verb="cluster.invited", target=cluster,
                 after={"round": round_.name, "stream": stream_kind, "emailed": emailed})
    email_on_commit(to=emailed, template="cluster_invited", cluster_id=cluster.pk, about=cluster.name,
                    event=f"{event}:{invitation.pk}", subject=subject,
                    body="\n\n".join([opening, heading, text, f"Apply online: {site_url('/apply/')}",
                                       f"{council_name()}, SEND cluster funding"]))
    return invitation


def _invitable(*, cluster, round_, actor, stream_kind: str, already: str) -> None:
    from .models import Invitation

    _require(permissions.can_manage_cases(actor), "Only an LA officer can invite clusters to apply.")
    _require(round_ is not None and round_.is_open(), "There is no round open for applications.")
    if stream_kind == "development":
        _require(round_.streams.filter(kind="development").exists(), f"{round_.name} does not offer development funding.")
    _require(not Invitation.objects.filter(cluster=cluster, round=round_, stream_kind=stream_kind).exists(), already)


@transaction.atomic
def invitation_send(*, cluster, round_, actor):
    """Invite a cluster to apply to the capacity stream, emailing what the formula-versus-need evidence shows.
    Returns the Invitation.

    Raises DomainError if the actor is not an LA officer, the round is not open, there is no evidence for the
    cluster, or it was invited already.
    """
    from sendfund.formula.selectors import cluster_capacity_evidence

    _invitable(cluster=cluster, round_=round_, actor=actor, stream_kind="capacity",
               already=f"{cluster.name} has already been invited to {round_.name}." if round_ else "")
    evidence = _found(cluster_capacity_evidence(cluster=cluster), f"There is no formula evidence for {cluster.name} yet.")
    return _invitation_record(
        cluster=cluster, round_=round_, stream_kind="capacity", evidence=evidence.sentences, actor=actor,
        event="cluster.invited", subject=f"{cluster.name} is invited to apply for capacity funding",
        opening=f"The council's figures suggest the SEND funding formula leaves {cluster.name} short of what "
                f"its pupils need. We invite your cluster to apply to the capacity stream of {round_.name}, "
                f"which closes on {round_.closes_on:%-d %B %Y}.", heading="What the evidence shows:")


@transaction.atomic
def invitation_send_development(*, cluster, round_, sentences: list[str], actor):
    """Invite a cluster to apply to the development stream, emailing what its Health Check shows (the
    sentences are written by the caller, e.g. monitoring's moderated levels). Returns the Invitation. Raises
    DomainError if the actor is not an LA officer, the round is not open or does not offer the development
    stream, or the cluster was invited already."""
    _invitable(cluster=cluster, round_=round_, actor=actor, stream_kind="development",
               already=f"{cluster.name} has already been invited to the development stream of {round_.name}."
               if round_ else "")
    return _invitation_record(
        cluster=cluster, round_=round_, stream_kind="development", evidence=sentences, actor=actor,
        event="cluster.invited_development", subject=f"{cluster.name} is invited to apply for development funding",
        opening=f"Your cluster's SEND Cluster Health Check shows where development money would help. We "
                f"invite your cluster to apply to the development stream of {round_.name}, which closes on "
                f"{round_.closes_on:%-d %B %Y}.", heading="What the Health Check shows:")
