"""Reads for casework. Every list and detail goes through the one scoping rule: LA officers, decision
makers and administrators see every case; a specialist sees only the cases assigned to them; a cluster
sees only its own. Each page's reads run a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sendfund.accounts.scoping import get_in_scope_or_404, scope_for_user
from sendfund.core.audit import audit_timeline
from sendfund.core.history import Entry, history

from . import permissions, workdays
from .models import AwardLine, Case, Criterion, InformationRequest, Instalment, Outcome, Review, Score, State

# Who must act next in each state (the queue's "waiting for" column and filter).
WAITING_FOR = {
    State.SUBMITTED: "officer", State.ACKNOWLEDGED: "officer", State.MEETING_ARRANGED: "officer",
    State.UNDER_ASSESSMENT: "specialists", State.RECOMMENDED: "decision maker", State.DECIDED: "cluster",
    State.OFFER_ACCEPTED: "finance", State.IN_DELIVERY: "finance", State.INFORMATION_REQUESTED: "cluster",
    State.CLOSED: "nobody", State.WITHDRAWN: "nobody",
}
WAITING_LABELS = {"officer": "LA officer", "specialists": "Specialists", "decision maker": "Decision maker",
                  "cluster": "Cluster", "finance": "Finance", "nobody": "Nobody"}


def _staff_q(user) -> Q | None:
    """Specialists (without a role that sees every case) see only the cases assigned to them."""
    if permissions.sees_all_cases(user):
        return None
    return Q(education_specialist=user) | Q(business_specialist=user)


def case_queryset() -> QuerySet:
    return Case.objects.select_related("cluster", "officer", "education_specialist", "business_specialist",
                                       "application__round__fund")


def cases_for_user(*, user) -> QuerySet:
    return scope_for_user(case_queryset(), user, staff_q=_staff_q(user))


def case_for_user(*, user, reference: str) -> Case:
    """One case the user may see, or 404."""
    return get_in_scope_or_404(case_queryset(), user, staff_q=_staff_q(user), reference=reference)


@dataclass
class QueueRow:
    reference: str
    cluster_name: str
    streams: str
    state: str
    state_label: str
    waiting_for: str
    submitted_on: dt.date
    due_on: dt.date | None
    due_what: str
    overdue: bool
    officer: str
    case: Case | None
    application_pk: int
    late: bool = False  # signed off after the round closed (within its sign-off days)

    @property
    def beyond_calendar(self) -> bool:
        """The deadline is past the bank-holiday calendar's last date, so it may be a day early."""
        return workdays.beyond_calendar(self.due_on)


def _deadline(case_state: str, submitted_on: dt.date, open_requests: list) -> tuple[dt.date | None, str]:
    if case_state == State.SUBMITTED:
        return workdays.add_working_days(submitted_on, workdays.ACKNOWLEDGE_WITHIN), "Acknowledge"
    if case_state == State.ACKNOWLEDGED:
        return workdays.add_working_days(submitted_on, workdays.CONTACT_WITHIN), "Arrange the meeting"
    if case_state == State.INFORMATION_REQUESTED and open_requests:
        return min(r.due_on for r in open_requests), "Cluster to answer"
    return None, ""


def case_queue(*, user, state: str = "", waiting_for: str = "", overdue_only: bool = False,
               today: dt.date | None = None) -> list[QueueRow]:
    """The officer's work queue: submitted applications not yet acknowledged, then every case, with
    who acts next and the working-day deadline. Three queries, whatever the number of cases."""
    from sendfund.applications.selectors import submitted_applications

    today = today or timezone.localdate()
    rows: list[QueueRow] = []
    if permissions.sees_all_cases(user):
        for app in submitted_applications(user=user).filter(case__isnull=True).order_by("submitted_at", "id"):
            submitted_on = timezone.localdate(app.submitted_at)
            due, what = _deadline(State.SUBMITTED, submitted_on, [])
            rows.append(QueueRow(app.reference, app.cluster.name, app.streams_label, State.SUBMITTED,
                                 State.SUBMITTED.label, "officer", submitted_on, due, what, due < today, "", None, app.pk,
                                 app.submitted_late))
    cases = (cases_for_user(user=user).order_by("submitted_at", "id")
             .prefetch_related(Prefetch("information_requests",
                                        queryset=InformationRequest.objects.filter(answered_at__isnull=True),
                                        to_attr="open_requests")))
    for case in cases:
        submitted_on = timezone.localdate(case.submitted_at)
        due, what = _deadline(case.status, submitted_on, case.open_requests)
        app = case.application
        rows.append(QueueRow(case.reference, case.cluster.name, app.streams_label, case.status,
                             case.get_status_display() + (f": {case.get_outcome_display().lower()}" if case.outcome else ""),
                             WAITING_FOR[case.status], submitted_on, due, what, bool(due and due < today),
                             case.officer.full_name if case.officer else "", case, app.pk, app.submitted_late))
    if state:
        rows = [r for r in rows if r.state == state]
    if waiting_for:
        rows = [r for r in rows if r.waiting_for == waiting_for]
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    return rows


def application_to_acknowledge(*, user, pk: int):
    """A submitted application with no case yet, for the acknowledgement page (404 otherwise)."""
    from sendfund.applications.selectors import application_for_user

    application = application_for_user(user=user, pk=pk)
    if Case.objects.filter(application=application).exists():
        from django.http import Http404

        raise Http404("Already acknowledged")
    return application


@dataclass
class ModerationRow:
    criterion: Criterion
    education: Score | None
    business: Score | None

    @property
    def scores(self) -> list[int]:
        return [s.score for s in (self.education, self.business) if s is not None]

    @property
    def mean(self) -> Decimal | None:
        return (Decimal(sum(self.scores)) / len(self.scores)).quantize(Decimal("0.1")) if self.scores else None

    @property
    def spread(self) -> int | None:
        return max(self.scores) - min(self.scores) if self.scores else None


@dataclass
class Moderation:
    rows: list[ModerationRow]
    reviews: dict[str, Review]

    def _total(self, kind: str | None) -> Decimal | None:
        """Weighted total out of 100: the sum over criteria of weight x score / 5."""
        total, weights = Decimal(0), Decimal(0)
        for row in self.rows:
            if kind is None:
                value = Decimal(sum(row.scores)) / len(row.scores) if row.scores else None
            else:
                score = row.education if kind == "education" else row.business
                value = Decimal(score.score) if score else None
            if value is None:
                return None
            total += row.criterion.weight * value / 5
            weights += row.criterion.weight
        return (total * 100 / weights).quantize(Decimal("0.1")) if weights else None

    @property
    def education_total(self):
        return self._total("education")

    @property
    def business_total(self):
        return self._total("business")

    @property
    def weighted_total(self):
        return self._total(None)

    @property
    def largest_spread(self) -> int | None:
        spreads = [r.spread for r in self.rows if r.spread is not None]
        return max(spreads) if spreads else None


def case_moderation(*, case: Case) -> Moderation:
    """Every score side by side with the weighted totals and the spread between the two reviewers. Two queries."""
    criteria = list(Criterion.objects.filter(is_active=True))
    reviews = {r.kind: r for r in Review.objects.filter(case=case).select_related("reviewer")
               .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))}
    by = {kind: {s.criterion_id: s for s in r.scores.all()} for kind, r in reviews.items()}
    rows = [ModerationRow(c, by.get("education", {}).get(c.pk), by.get("business", {}).get(c.pk)) for c in criteria]
    return Moderation(rows, reviews)


@dataclass
class CaseDetail:
    case: Case
    lines: list[AwardLine]
    meeting: object
    la_attendees: list
    declarations: list
    requests: list
    instalments: list[Instalment]
    moderation: Moderation
    history: list[Entry]
    deadline: tuple

    @property
    def totals(self) -> dict[str, Decimal]:
        return {"requested": sum((ln.requested for ln in self.lines), Decimal(0)),
                "recommended": sum((ln.recommended or 0 for ln in self.lines), Decimal(0)),
                "decided": sum((ln.decided or 0 for ln in self.lines), Decimal(0))}

    @property
    def paid(self) -> Decimal:
        return sum((i.amount for i in self.instalments if i.paid_on), Decimal(0))

    @property
    def calendar_ends_on(self) -> dt.date:
        return workdays.calendar_ends_on()

    @property
    def dates_beyond_calendar(self) -> bool:
        """A deadline or payment date past the bank-holiday calendar's last date may be a day early: warn."""
        dates = [self.deadline[0], *(r.due_on for r in self.requests if not r.answered_at),
                 *(i.due_on for i in self.instalments if not i.paid_on)]
        return any(workdays.beyond_calendar(d) for d in dates if d)

    @property
    def conflicts_to_resolve(self) -> list:
        """Declared conflicts of specialists still assigned: the officer must assign someone else."""
        assigned = {self.case.education_specialist_id, self.case.business_specialist_id}
        return [d for d in self.declarations if d.has_conflict and d.user_id in assigned]


def case_detail(*, case: Case) -> CaseDetail:
    """Everything on the case page in a fixed number of queries."""
    from django.db.models import prefetch_related_objects

    from .models import ConflictDeclaration, Meeting

    meeting = Meeting.objects.filter(case=case).prefetch_related("la_attendees").first()
    case._state.fields_cache["meeting"] = meeting  # the guards read it (None: no meeting) without asking again
    prefetch_related_objects([case], Prefetch("instalments", queryset=Instalment.objects.select_related(
        "stream", "paid_by")))
    requests = list(case.information_requests.select_related("asked_by", "answered_by"))
    open_requests = [r for r in requests if not r.answered_at]
    return CaseDetail(
        case=case,
        lines=list(case.lines.select_related("stream")),
        meeting=meeting,
        la_attendees=list(meeting.la_attendees.all()) if meeting else [],
        declarations=list(ConflictDeclaration.objects.filter(case=case).select_related("user")),
        requests=requests,
        instalments=list(case.instalments.all()),
        moderation=case_moderation(case=case),
        history=history(audit_timeline(target=case)[:100]),
        deadline=_deadline(case.status, timezone.localdate(case.submitted_at), open_requests),
    )


def case_history_for_cluster(*, case: Case) -> list[Entry]:
    """The case's history as its cluster reads it: what concerns the cluster only (no scores, notes or
    recommendations), the council's people as "The council", in plain English. Two queries."""
    from sendfund.accounts.scoping import cluster_user_ids

    return history(audit_timeline(target=case)[:100], for_cluster=True,
                   own_user_ids=cluster_user_ids(cluster_id=case.cluster_id))


def cluster_cases(*, user) -> QuerySet:
    """The user's clusters' cases (apply side), newest first."""
    return scope_for_user(case_queryset(), user).order_by("-submitted_at", "-id")


def cluster_open_requests(*, user) -> QuerySet:
    """Questions from the council the user's clusters have not answered yet."""
    return (scope_for_user(InformationRequest.objects.select_related("case__cluster"), user, cluster_path="case__cluster")
            .filter(answered_at__isnull=True, case__status=State.INFORMATION_REQUESTED).order_by("due_on", "id"))


def request_for_user(*, user, pk: int) -> InformationRequest:
    return get_in_scope_or_404(InformationRequest.objects.select_related("case__cluster"), user,
                               cluster_path="case__cluster", pk=pk)


def criteria() -> list[Criterion]:
    return list(Criterion.objects.filter(is_active=True))


def is_offer(case: Case) -> bool:
    return case.outcome in (Outcome.APPROVED, Outcome.APPROVED_IN_PART)


@dataclass
class Candidate:
    cluster: object
    gap: Decimal
    gap_rank: int
    clear_evidence: bool
    top_frequency: float | None
    invitation: object | None


def invitation_candidates(*, round_) -> tuple[object | None, list[Candidate]]:
    """The strongest candidates for the capacity stream: the clusters in the top of the latest allocation
    run's capacity-gap ranking (the formula marks them `top`: about 10 with a positive gap), with any
    invitation already sent for this round. Three queries."""
    from sendfund.formula.models import RunCluster
    from sendfund.formula.selectors import latest_allocation_run

    from .models import Invitation

    run = latest_allocation_run()
    if run is None:
        return None, []
    results = list(RunCluster.objects.filter(run=run, top=True).select_related("cluster").order_by("gap_rank"))
    sent = {i.cluster_id: i for i in Invitation.objects.filter(round=round_, stream_kind="capacity")} if round_ else {}
    return run, [Candidate(r.cluster, r.gap, r.gap_rank, r.clear_evidence, r.top_frequency, sent.get(r.cluster_id))
                 for r in results]


def review_kind_for(*, case: Case, user) -> str:
    """Which review ("education" or "business") the user is assigned to on this case, or ""."""
    if case.education_specialist_id == user.pk:
        return "education"
    if case.business_specialist_id == user.pk:
        return "business"
    return ""


@dataclass
class Action:
    """Something the user may do on the case page: offered when `reason` is empty, otherwise shown with why it
    waits. `url_name` takes the case's reference; `post` actions are buttons."""

    label: str
    url_name: str
    reason: str = ""
    post: bool = False
    move: str = ""


def case_actions(*, case: Case, user, detail: "CaseDetail") -> list[Action]:
    """The case page's actions for this user: only what they may do from the case's state, each either
    offered (its guard passes) or with the reason it waits. A specialist who declared a conflict is not
    offered scoring. No queries beyond the case page's own reads."""
    from .workflow import moves_for, waiting_reason

    actions: list[Action] = []
    manage = permissions.can_manage_cases(user)
    meeting = detail.meeting
    live_meeting = meeting is not None and meeting.cancelled_at is None
    if manage and case.status in (State.ACKNOWLEDGED, State.MEETING_ARRANGED):
        actions.append(Action("Rearrange the meeting" if live_meeting else "Arrange the meeting", "casework:meeting"))
    if manage and case.status == State.MEETING_ARRANGED:
        actions.append(Action("Record the meeting's notes", "casework:meeting-notes",
                              "" if live_meeting else "Arrange the meeting first."))
    kind = review_kind_for(case=case, user=user)
    if kind and case.status == State.UNDER_ASSESSMENT:
        mine = next((d for d in detail.declarations if d.user_id == user.pk), None)
        review = detail.moderation.reviews.get(kind)
        if mine is not None and mine.has_conflict:
            actions.append(Action("Score this application", "", "You declared a conflict of interest in this case, "
                                  "so you do not score it. The officer will assign another specialist."))
        elif review is not None and review.completed_at:
            actions.append(Action("Score this application", "", "You have finished your review."))
        else:
            actions.append(Action("Score this application", "casework:review"))
    moves = {m.name: m for m in moves_for(case, user)}
    offered = [("start_assessment", "Start the assessment", "casework:move", True),
               ("request_information", "Ask the cluster for more information", "casework:request-information", False),
               ("recommend", "Recommend an award", "casework:recommend", False),
               ("decide", "Decide", "casework:decide", False),
               ("close", "Close the case", "casework:move", True),
               ("withdraw", "Withdraw the application", "casework:withdraw", False)]
    for name, label, url_name, post in offered:
        if name in moves:
            actions.append(Action(label, url_name, waiting_reason(moves[name], case), post=post, move=name))
    if permissions.can_record_payments(user) and detail.instalments:
        actions.append(Action("Payments", "casework:payments"))
    return actions
