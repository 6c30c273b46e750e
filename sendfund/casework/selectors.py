"""Reads for casework. Every list and detail goes through the one scoping rule: LA officers, decision
makers and administrators see every case; a specialist sees only the cases assigned to them; a cluster
sees only its own. Each page's reads run a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from sendfund.accounts.models import User
from sendfund.accounts.roles import Role
from sendfund.accounts.scoping import clusters_in_scope, get_in_scope_or_404, scope_for_user
from sendfund.accounts.selectors import cluster_user_to_email, clusters_recipients, nobody_can_email
from sendfund.applications.models import Application
from sendfund.applications.models import Status as ApplicationStatus
from sendfund.core.audit import audit_timeline
from sendfund.core.history import Entry, history
from sendfund.core.paging import CountedPaginator
from sendfund.funds.models import Round

from . import permissions, workdays
from .models import AwardLine, Case, Criterion, InformationRequest, Instalment, Outcome, Review, Score, State

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from sendfund.formula.models import FormulaRun
    from sendfund.registry.models import Cluster

    from .models import Invitation, Meeting

# Who must act next in each state (the queue's "waiting for" column and filter).
WAITING_FOR: dict[str, str] = {
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
    """Cases with their cluster, officer, specialists and application loaded: the base of every case read, not
    scoped (use cases_for_user or case_for_user). Raises nothing."""
    return Case.objects.select_related("cluster", "officer", "education_specialist", "business_specialist",
                                       "application__round__fund")


def cases_for_user(*, user) -> QuerySet:
    """The cases `user` may see (the one scoping rule): every case for LA staff, assigned cases for a
    specialist, their own for a cluster. A QuerySet of Case. Raises nothing."""
    return scope_for_user(case_queryset(), user, staff_q=_staff_q(user))


def case_for_user(*, user, reference: str) -> Case:
    """One case the user may see, or 404, with its meeting (if any): most case pages read it. Raises Http404
    when no case has that reference or the user may not see it (another cluster's, or a specialist's case
    assigned to someone else)."""
    return get_in_scope_or_404(case_queryset().select_related("meeting"), user, staff_q=_staff_q(user),
                               reference=reference)


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
    cluster: "Cluster | None" = None  # loaded with the row: a submitted application's before it has a case
    nobody_to_email: bool = False  # no contact address and no user at the cluster (accounts.selectors.nobody_can_email)

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


@dataclass(frozen=True)
class QueueFilters:
    """What the officer narrowed the work queue to. Empty strings and None mean "any"."""

    state: str = ""
    waiting_for: str = ""
    overdue_only: bool = False
    stream: str = ""  # "capacity" or "development"
    round_id: int | None = None
    cluster_id: int | None = None
    officer_id: int | None = None


@dataclass
class QueuePage:
    rows: list[QueueRow]
    page: Page  # Django's page over the matching items: number, paginator.count, has_next...
    state_counts: dict[str, int]  # items per state, under every filter but the state
    overdue_count: int  # items overdue, under every filter but "overdue only"


QUEUE_PAGE_SIZE = 50


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _overdue_q(today: dt.date) -> tuple[Q, Q]:
    """Conditions for "overdue on `today`" for cases and for applications not yet acknowledged, the same
    rule as `_deadline` (working days from submission; a request's own due date)."""
    def submitted_by(days: int) -> Q:
        cutoff = workdays.latest_start_overdue_by(today, days) + dt.timedelta(days=1)
        return Q(submitted_at__lt=timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min)))

    late_answer = InformationRequest.objects.filter(case=OuterRef("pk"), answered_at__isnull=True, due_on__lt=today)
    case_q = (Q(status=State.SUBMITTED) & submitted_by(workdays.ACKNOWLEDGE_WITHIN)
              | Q(status=State.ACKNOWLEDGED) & submitted_by(workdays.CONTACT_WITHIN)
              | Q(Exists(late_answer), status=State.INFORMATION_REQUESTED))
    return case_q, submitted_by(workdays.ACKNOWLEDGE_WITHIN)


# The states in which a deadline can pass (the rule of `_deadline` and `_overdue_q`).
DEADLINE_STATES = (State.SUBMITTED, State.ACKNOWLEDGED, State.INFORMATION_REQUESTED)


def _queue_sources(user, filters: QueueFilters, today: dt.date, *,
                   use_state: bool = True) -> tuple[QuerySet | None, QuerySet]:
    """The two sources of the queue, filtered in the database: submitted applications with no case yet
    (None when the filters rule them out or the user may not see them) and cases."""
    apps: QuerySet | None = None
    if permissions.sees_all_cases(user):
        # Acknowledging opens the case and stamps the application (case_acknowledge), so this reads only the
        # few applications waiting, from their partial index, not every application the council has had.
        apps = scope_for_user(Application.objects.all(), user).filter(
            status=ApplicationStatus.SUBMITTED, acknowledged_at__isnull=True)
    cases = cases_for_user(user=user)
    if use_state and filters.state:
        cases = cases.filter(status=filters.state)
        if filters.state != State.SUBMITTED:
            apps = None
    if filters.waiting_for:
        cases = cases.filter(status__in=[s for s, who in WAITING_FOR.items() if who == filters.waiting_for])
        if WAITING_FOR[State.SUBMITTED] != filters.waiting_for:
            apps = None
    if filters.stream in ("capacity", "development"):
        cases = cases.filter(**{f"application__wants_{filters.stream}": True})
        apps = apps.filter(**{f"wants_{filters.stream}": True}) if apps is not None else None
    if filters.round_id:
        cases = cases.filter(application__round_id=filters.round_id)
        apps = apps.filter(round_id=filters.round_id) if apps is not None else None
    if filters.cluster_id:
        cases = cases.filter(cluster_id=filters.cluster_id)
        apps = apps.filter(cluster_id=filters.cluster_id) if apps is not None else None
    if filters.officer_id:
        cases = cases.filter(officer_id=filters.officer_id)
        apps = None  # nobody is the officer of an application not yet acknowledged
    if filters.overdue_only:
        case_late, app_late = _overdue_q(today)
        cases = cases.filter(case_late)
        apps = apps.filter(app_late) if apps is not None else None
    return apps, cases


def _counts_by_state(apps: QuerySet | None, cases: QuerySet, today: dt.date) -> tuple[dict[str, int], dict[str, int]]:
    """Items per state and overdue items per state of the queue's two sources (applications not yet
    acknowledged count as submitted): three queries whatever the number of cases. The count per state reads
    only the case status index; the overdue count reads only the states a deadline can pass in."""
    case_late, app_late = _overdue_q(today)
    counts: dict[str, int] = dict(cases.order_by().values_list("status").annotate(n=Count("id")))
    late: dict[str, int] = dict(cases.filter(case_late, status__in=DEADLINE_STATES).order_by()
                                .values_list("status").annotate(n=Count("id")))
    if apps is not None:
        totals = apps.aggregate(n=Count("id"), late=Count("id", filter=app_late))
        if totals["n"]:
            counts[State.SUBMITTED] = counts.get(State.SUBMITTED, 0) + totals["n"]
        if totals["late"]:
            late[State.SUBMITTED] = late.get(State.SUBMITTED, 0) + totals["late"]
    return counts, late


def _queue_counts(user, filters: QueueFilters, today: dt.date) -> tuple[dict[str, int], int]:
    """Items per state (under every filter but the state) and items overdue (under every filter)."""
    apps, cases = _queue_sources(user, filters, today, use_state=False)
    counts, late = _counts_by_state(apps, cases, today)
    return counts, (late.get(filters.state, 0) if filters.state else sum(late.values()))


def case_queue_page(*, user, filters: QueueFilters | None = None, page: int = 1,
                    per_page: int | None = QUEUE_PAGE_SIZE, today: dt.date | None = None) -> QueuePage:
    """One page of the officer's work queue: submitted applications not yet acknowledged and every case the
    user may see, oldest first, with who acts next and the working-day deadline. Filters, ordering and
    paging run in the database; the page's rows are then loaded by primary key, so the number of queries is
    the same whatever the number of cases. A page past the last shows the last page. `per_page=None`
    returns every matching row on one page. Raises nothing: a page number past the end gives the last page."""

    filters = filters or QueueFilters()
    today = today or timezone.localdate()
    apps, cases = _queue_sources(user, filters, today)
    keys = cases.order_by().annotate(kind=Value(1)).values_list("kind", "id", "submitted_at")
    if apps is not None:
        keys = (apps.order_by().annotate(kind=Value(0)).values_list("kind", "id", "submitted_at")
                .union(keys, all=True))
    keys = keys.order_by("submitted_at", "id")
    counts, overdue_count = _queue_counts(user, filters, today)
    # The counts are under every filter but the state, so they give the number of matching items: no count of
    # the queue itself (a second pass over every case).
    total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    paged = CountedPaginator(keys, per_page or max(total, 1), count=total).get_page(page)
    window = list(paged.object_list)

    app_ids = [pk for kind, pk, _ in window if kind == 0]
    case_ids = [pk for kind, pk, _ in window if kind == 1]
    # Each row says whether anyone at its cluster can be emailed, read with the row (no query of its own).
    found_apps = ({a.pk: a for a in Application.objects.filter(pk__in=app_ids).select_related("cluster")
                   .only("id", "reference", "submitted_at", "submitted_late", "wants_capacity", "wants_development",
                         "cluster__name", "cluster__host_email", "cluster__send_lead_email")
                   .annotate(cluster_user_to_email=cluster_user_to_email())}
                  if app_ids else {})
    found_cases = ({c.pk: c for c in Case.objects.filter(pk__in=case_ids)
                    .select_related("cluster", "officer", "application")
                    .only("id", "reference", "status", "outcome", "submitted_at", "cluster__name", "cluster__host_email",
                          "cluster__send_lead_email", "officer__full_name",
                          "application__id", "application__wants_capacity", "application__wants_development",
                          "application__submitted_late")
                    .annotate(cluster_user_to_email=cluster_user_to_email())
                    .prefetch_related(Prefetch("information_requests",
                                               queryset=InformationRequest.objects.filter(answered_at__isnull=True)
                                               .only("id", "case_id", "due_on"),
                                               to_attr="open_requests"))}
                   if case_ids else {})
    rows = []
    for kind, pk, _ in window:
        rows.append(_app_row(found_apps[pk], today) if kind == 0 else _case_row(found_cases[pk], today, found_cases[pk].open_requests))
    return QueuePage(rows=rows, page=paged, state_counts=counts, overdue_count=overdue_count)


def _app_row(app, today: dt.date) -> QueueRow:
    submitted_on = timezone.localdate(app.submitted_at)
    due, what = _deadline(State.SUBMITTED, submitted_on, [])
    return QueueRow(app.reference, app.cluster.name, app.streams_label, State.SUBMITTED, State.SUBMITTED.label,
                    "officer", submitted_on, due, what, bool(due and due < today), "", None, app.pk, app.submitted_late,
                    app.cluster, nobody_can_email(app.cluster, has_user=app.cluster_user_to_email))


def _case_row(case: Case, today: dt.date, open_requests: list[InformationRequest]) -> QueueRow:
    submitted_on = timezone.localdate(case.submitted_at)
    due, what = _deadline(case.status, submitted_on, open_requests)
    label = case.get_status_display() + (f": {case.get_outcome_display().lower()}" if case.outcome else "")
    return QueueRow(case.reference, case.cluster.name, case.application.streams_label, case.status, label,
                    WAITING_FOR[case.status], submitted_on, due, what, bool(due and due < today),
                    case.officer.full_name if case.officer else "", case, case.application.pk,
                    case.application.submitted_late, case.cluster,
                    nobody_can_email(case.cluster, has_user=case.cluster_user_to_email))  # type: ignore[attr-defined]  # annotated above


def case_queue(*, user, state: str = "", waiting_for: str = "", overdue_only: bool = False,
               today: dt.date | None = None) -> list[QueueRow]:
    """Every row of the work queue under these filters, oldest first (for exports and tests; pages use
    `case_queue_page`). A list of QueueRow. Raises nothing."""
    filters = QueueFilters(state=state, waiting_for=waiting_for, overdue_only=overdue_only)
    return case_queue_page(user=user, filters=filters, per_page=None, today=today).rows


def application_to_acknowledge(*, user, pk: int):
    """A submitted application with no case yet, for the acknowledgement page (404 otherwise). Raises Http404
    when the user may not see it (application_for_user) or it has a case already."""
    from sendfund.applications.selectors import application_for_user

    application = application_for_user(user=user, pk=pk)
    if Case.objects.filter(application=application).exists():
        from django.http import Http404

        raise Http404("Already acknowledged")
    return application


# A spread is the distance between the education and the business reviewer's marks: on a criterion in
# points out of 5, on the weighted total in points out of 100. From these the reviewers should talk.
CRITERION_SPREAD_TO_DISCUSS = 2
TOTAL_SPREAD_TO_DISCUSS = Decimal(20)


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
        """How far apart the two reviewers are on this criterion, in points out of 5; None until both have scored."""
        return max(self.scores) - min(self.scores) if len(self.scores) == 2 else None

    @property
    def to_discuss(self) -> bool:
        return self.spread is not None and self.spread >= CRITERION_SPREAD_TO_DISCUSS


@dataclass
class Moderation:
    rows: list[ModerationRow]
    reviews: dict[str, Review]
    criterion_discuss: int = CRITERION_SPREAD_TO_DISCUSS
    total_discuss: Decimal = TOTAL_SPREAD_TO_DISCUSS

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

    @property
    def total_spread(self) -> Decimal | None:
        """How far apart the two reviewers' weighted totals are, in points out of 100 (80.0 and 60.0: 20.0)."""
        education, business = self.education_total, self.business_total
        return abs(education - business) if education is not None and business is not None else None

    @property
    def total_to_discuss(self) -> bool:
        return self.total_spread is not None and self.total_spread >= TOTAL_SPREAD_TO_DISCUSS


def case_moderation(*, case: Case) -> Moderation:
    """Every score side by side with the weighted totals and the spread between the two reviewers. Two
    queries. Raises nothing."""
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
    meeting: "Meeting | None"
    la_attendees: list
    declarations: list
    requests: list
    instalments: list[Instalment]
    moderation: Moderation
    history: list[Entry]
    deadline: tuple

    @property
    def totals(self) -> dict[str, Decimal | None]:
        """The money table's totals in Decimal pounds: what was asked for, and what was recommended and decided,
        each None until some line has a figure (the page shows "–" there, as on the lines)."""
        def total(figures):
            given = [f for f in figures if f is not None]
            return sum(given, Decimal(0)) if given else None

        return {"requested": sum((ln.requested for ln in self.lines), Decimal(0)),
                "recommended": total(ln.recommended for ln in self.lines),
                "decided": total(ln.decided for ln in self.lines)}

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
    """Everything on the case page in a fixed number of queries. Money in Decimal pounds. Raises nothing."""
    from django.db.models import prefetch_related_objects

    from .models import ConflictDeclaration

    meeting = getattr(case, "meeting", None)  # loaded with the case by case_for_user (a query otherwise)
    if meeting is not None:
        prefetch_related_objects([meeting], "la_attendees")
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
    recommendations), the council's people as "The council", in plain English. Two queries. A list of
    history Entry. Raises nothing."""
    from sendfund.accounts.scoping import cluster_user_ids

    return history(audit_timeline(target=case)[:100], for_cluster=True,
                   own_user_ids=cluster_user_ids(cluster_id=case.cluster_id))


def cluster_cases(*, user) -> QuerySet:
    """The user's clusters' cases (apply side), newest first. A QuerySet of Case. Raises nothing."""
    return scope_for_user(case_queryset(), user).order_by("-submitted_at", "-id")


def cluster_open_requests(*, user) -> QuerySet:
    """Questions from the council the user's clusters have not answered yet. A QuerySet of InformationRequest,
    oldest due first. Raises nothing."""
    return (scope_for_user(InformationRequest.objects.select_related("case__cluster"), user, cluster_path="case__cluster")
            .filter(answered_at__isnull=True, case__status=State.INFORMATION_REQUESTED).order_by("due_on", "id"))


def request_for_user(*, user, pk: int) -> InformationRequest:
    """One information request whose case's cluster the user may see. Raises Http404 when there is none `pk`
    or it is another cluster's."""
    return get_in_scope_or_404(InformationRequest.objects.select_related("case__cluster"), user,
                               cluster_path="case__cluster", pk=pk)


def criteria() -> list[Criterion]:
    """The active scoring criteria, in their order. One query. Raises nothing."""
    return list(Criterion.objects.filter(is_active=True))


@dataclass
class Candidate:
    cluster: "Cluster"
    gap: Decimal | None
    gap_rank: int | None
    clear_evidence: bool
    top_frequency: float | None
    invitation: "Invitation | None"
    recipients: list[str]  # who an invitation is emailed to (accounts.selectors.cluster_recipients); [] nobody


def invitation_candidates(*, user, round_) -> "tuple[FormulaRun | None, list[Candidate]]":
    """The strongest candidates for the capacity stream among the clusters `user` may see (the one scoping rule:
    LA staff every cluster): the clusters in the top of the latest allocation run's capacity-gap ranking (the
    formula marks them `top`: about 10 with a positive gap), with any invitation already sent for this round.
    Each carries who an invitation would be emailed to. Four queries. Returns (the run or None, the
    candidates; gaps in Decimal pounds). Raises nothing."""
    from sendfund.formula.models import RunCluster
    from sendfund.formula.selectors import latest_allocation_run

    from .models import Invitation

    run = latest_allocation_run()
    if run is None:
        return None, []
    results = list(scope_for_user(RunCluster.objects.filter(run=run, top=True), user)
                   .select_related("cluster").order_by("gap_rank"))
    sent = ({i.cluster_id: i for i in scope_for_user(Invitation.objects.filter(round=round_, stream_kind="capacity"),
                                                      user)} if round_ else {})
    recipients = clusters_recipients(clusters=[r.cluster for r in results])
    return run, [Candidate(r.cluster, r.gap, r.gap_rank, r.clear_evidence, r.top_frequency, sent.get(r.cluster_id),
                           recipients[r.cluster_id]) for r in results]


def review_kind_for(*, case: Case, user) -> str:
    """Which review ("education" or "business") the user is assigned to on this case, or "". No queries.
    Raises nothing."""
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
    """The case page's actions for this user: only what they may do from the case's state, each either offered
    (its guard passes) or with the reason it waits. A specialist who declared a conflict is not offered
    scoring. No queries beyond the case page's own reads. Raises nothing."""
    from .workflow import allows, offered_moves

    actions: list[Action] = []
    manage = permissions.can_manage_cases(user)
    meeting = detail.meeting
    live_meeting = meeting is not None and meeting.cancelled_at is None
    if manage and allows(case, "arrange_meeting"):
        actions.append(Action("Rearrange the meeting" if live_meeting else "Arrange the meeting", "casework:meeting"))
    if manage and allows(case, "record_meeting_notes"):
        actions.append(Action("Record the meeting's notes", "casework:meeting-notes",
                              "" if live_meeting else "Arrange the meeting first."))
    kind = review_kind_for(case=case, user=user)
    if kind and allows(case, "score"):
        mine = next((d for d in detail.declarations if d.user_id == user.pk), None)
        review = detail.moderation.reviews.get(kind)
        if mine is not None and mine.has_conflict:
            actions.append(Action("Score this application", "", "You declared a conflict of interest in this case, "
                                  "so you do not score it. The officer will assign another specialist."))
        elif review is not None and review.completed_at:
            actions.append(Action("Score this application", "", "You have finished your review."))
        else:
            actions.append(Action("Score this application", "casework:review"))
    for name, offer in offered_moves(case, user).items():
        move = offer.move
        if move.page:
            actions.append(Action(move.page_label or move.label, move.page, offer.reason,
                                  post=move.page == "casework:move", move=name))
    if permissions.can_record_payments(user) and detail.instalments:
        actions.append(Action("Payments", "casework:payments"))
    return actions


def queue_filter_choices(*, user) -> dict[str, list[tuple[int, str]]]:
    """The rounds, the clusters `user` may see (the one scoping rule) and the officers the work queue can be
    narrowed to (three queries). Each a list of (id, name). Raises nothing."""

    return {
        "rounds": list(Round.objects.order_by("-opens_on").values_list("pk", "name")),
        "clusters": list(clusters_in_scope(user).order_by("name").values_list("pk", "name")),
        "officers": list(User.objects.filter(memberships__role=Role.LA_OFFICER).distinct().order_by("full_name")
                         .values_list("pk", "full_name")),
    }


# The states of an accepted award: the grants the council publishes as open data (sendfund/reports/opendata.py).
PUBLISHED_STATES = (State.OFFER_ACCEPTED, State.IN_DELIVERY, State.CLOSED)


def published_awards() -> list[Case]:
    """Awards decided with an offer (approved or approved in part) that the cluster accepted: offer accepted,
    in delivery or closed. Withdrawn and declined cases are never among them. Four queries, oldest decision
    first, with the award lines, the application's activities and its governance answers (the school
    holding the money). Raises nothing.

    Every cluster's, by design, so it takes no user: the council publishes these grants to everyone as open data
    (sendfund/reports/opendata.py), and the open data shows only what a grant publishes (cluster, school holding
    the money, amounts, dates, activities), never a person or a pupil."""
    from sendfund.applications.models import Section

    return list(Case.objects.filter(status__in=PUBLISHED_STATES, outcome__in=(Outcome.APPROVED, Outcome.APPROVED_IN_PART))
                .select_related("cluster__host_school", "application")
                .prefetch_related(Prefetch("lines", queryset=AwardLine.objects.select_related("stream")),
                                  "application__activities",
                                  Prefetch("application__sections", queryset=Section.objects.filter(key="governance"),
                                           to_attr="governance_sections"))
                .order_by("decided_at", "id"))


def first_invited_expression(*, stream_kind: str, since: dt.date, until: dt.date) -> Subquery:
    """For a query of clusters: when the cluster was first invited to apply to a stream between two days
    (inclusive, the council's days), as a date and time (NULL when it was not; its day is `timezone.localdate` of
    it), to read with the clusters instead of a query of its own. Raises nothing. Every cluster's, by design, so it
    takes no user: for the Schools' Forum report only, which LA roles alone open."""
    from .models import Invitation

    return Subquery(Invitation.objects.filter(cluster=OuterRef("pk"), stream_kind=stream_kind,
                                              invited_at__date__range=(since, until))
                    .order_by("invited_at").values("invited_at")[:1])


# --- the lists of awards and payments ----------------------------------------------------------------------------

STREAM_NAMES = {"capacity": "Capacity", "development": "Development"}


@dataclass(frozen=True)
class MoneyFilters:
    """What the awards or payments list is narrowed to. Empty strings and None mean "any"."""

    stream: str = ""  # "capacity" or "development"
    financial_year: int | None = None
    round_id: int | None = None
    cluster_id: int | None = None
    status: str = ""  # payments only: "scheduled", "due", "paid"


def _line_total(kind: str | None = None):
    from django.db.models import DecimalField, OuterRef, Subquery, Sum

    lines = AwardLine.objects.filter(case=OuterRef("pk"))
    if kind:
        lines = lines.filter(stream__kind=kind)
    return Subquery(lines.order_by().values("case").annotate(t=Sum("decided")).values("t"),
                    output_field=DecimalField(max_digits=14, decimal_places=2))


class AwardTotals(TypedDict):
    """What `awards_for_user` adds to each case, in Decimal pounds (None where there is nothing)."""

    awarded: Decimal | None
    awarded_capacity: Decimal | None
    awarded_development: Decimal | None
    paid: Decimal | None


if TYPE_CHECKING:
    Award = WithAnnotations[Case, AwardTotals]  # a row of awards_for_user


def awards_for_user(*, user, filters: MoneyFilters | None = None) -> QuerySet:
    """The awards the user may see: cases decided with an offer (approved or approved in part), whatever happened
    after, with what was awarded per stream and in all, and what has been paid, newest decision first. One
    query. A QuerySet of Case with the AwardTotals (Decimal pounds, None where there is nothing). Raises
    nothing."""
    from django.db.models import DecimalField, Subquery, Sum

    filters = filters or MoneyFilters()
    qs = cases_for_user(user=user).filter(outcome__in=(Outcome.APPROVED, Outcome.APPROVED_IN_PART))
    if filters.stream in STREAM_NAMES:
        qs = qs.filter(Exists(AwardLine.objects.filter(case=OuterRef("pk"), stream__kind=filters.stream,
                                                       decided__gt=0)))
    if filters.financial_year is not None:
        qs = qs.filter(Exists(AwardLine.objects.filter(case=OuterRef("pk"), financial_year=filters.financial_year,
                                                       decided__gt=0)))
    if filters.round_id:
        qs = qs.filter(application__round_id=filters.round_id)
    if filters.cluster_id:
        qs = qs.filter(cluster_id=filters.cluster_id)
    paid = (Instalment.objects.filter(case=OuterRef("pk"), paid_on__isnull=False).order_by().values("case")
            .annotate(t=Sum("amount")).values("t"))
    return qs.annotate(awarded=_line_total(), awarded_capacity=_line_total("capacity"),
                       awarded_development=_line_total("development"),
                       paid=Subquery(paid, output_field=DecimalField(max_digits=14, decimal_places=2))
                       ).order_by("-decided_at", "-id")


PAYMENT_STATUSES = {"scheduled": "Not due yet", "due": "Due, not paid", "paid": "Paid"}


def payments_for_user(*, user, filters: MoneyFilters | None = None, today: dt.date | None = None) -> QuerySet:
    """The instalments of the awards the user may see, by due date: scheduled (not due yet), due and not paid,
    or paid. One query. `today` (by default today) tells due from scheduled. A QuerySet of Instalment
    (amounts in Decimal pounds) with case, cluster, stream and payer loaded. Raises nothing."""
    filters = filters or MoneyFilters()
    today = today or timezone.localdate()
    qs = (Instalment.objects.filter(case__in=cases_for_user(user=user).values("pk"))
          .select_related("case__cluster", "stream", "paid_by").order_by("due_on", "case__reference", "number"))
    if filters.stream in STREAM_NAMES:
        qs = qs.filter(stream__kind=filters.stream)
    if filters.financial_year is not None:
        qs = qs.filter(financial_year=filters.financial_year)
    if filters.round_id:
        qs = qs.filter(case__application__round_id=filters.round_id)
    if filters.cluster_id:
        qs = qs.filter(case__cluster_id=filters.cluster_id)
    if filters.status == "paid":
        qs = qs.filter(paid_on__isnull=False)
    elif filters.status == "due":
        qs = qs.filter(paid_on__isnull=True, due_on__lte=today)
    elif filters.status == "scheduled":
        qs = qs.filter(paid_on__isnull=True, due_on__gt=today)
    return qs


def payment_status(instalment: Instalment, today: dt.date | None = None) -> str:
    """Which of PAYMENT_STATUSES an instalment is in. On `today` (by default today): "paid", "due" (due on or
    before it, not paid) or "scheduled". No queries. Raises nothing."""
    if instalment.paid_on:
        return "paid"
    return "due" if instalment.due_on <= (today or timezone.localdate()) else "scheduled"


@dataclass(frozen=True)
class QueueSummary:
    """The whole work queue in figures (the LA's home): items per state, and how many are overdue in each."""

    state_counts: dict[str, int]
    overdue_counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.state_counts.values())

    @property
    def overdue(self) -> int:
        return sum(self.overdue_counts.values())

    def waiting_counts(self) -> dict[str, int]:
        """Items by who must act next (WAITING_FOR), in WAITING_LABELS' order; nobody's items are left out."""
        counts = dict.fromkeys(WAITING_LABELS, 0)
        for state, n in self.state_counts.items():
            counts[WAITING_FOR[state]] += n
        counts.pop("nobody")
        return counts



def queue_summary(*, user, today: dt.date | None = None) -> QueueSummary:
    """Every item of the user's work queue counted by state, with the overdue ones (the rule of `_deadline`):
    three queries whatever the number of cases (`_counts_by_state`). A QueueSummary. Raises nothing."""
    today = today or timezone.localdate()
    counts, late = _counts_by_state(*_queue_sources(user, QueueFilters(), today), today)
    return QueueSummary({s: n for s, n in counts.items() if n}, {s: n for s, n in late.items() if n})
