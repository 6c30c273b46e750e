"""Reads for monitoring returns (house rule 1). Every list and detail goes through the one scoping rule."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from sendfund.accounts.scoping import get_in_scope_or_404, scope_for_user
from sendfund.core import collection
from sendfund.core.privacy import identity_problems
from sendfund.funds.selectors import reference_balances, references_balances

from .models import MonitoringReturn, ReturnKind, ReturnSection, ReturnStatus, SpendLine
from .sections import RETURN_BY_KEY, RETURN_SECTIONS

ZERO = Decimal("0.00")
S = ReturnStatus


def returns_queryset() -> QuerySet:
    """Monitoring returns with their case, cluster and round loaded: the base of every return read, not scoped
    (use returns_for_user or return_for_user). Raises nothing."""
    return MonitoringReturn.objects.select_related("case", "cluster", "case__application__round")


def returns_for_user(*, user) -> QuerySet:
    """Returns the user may see: LA staff all; a cluster its own. Earliest due first: a QuerySet of
    MonitoringReturn. Raises nothing."""
    return scope_for_user(returns_queryset(), user).order_by("due_on", "id")


def return_for_user(*, user, pk: int) -> MonitoringReturn:
    """One return the user may see (the one scoping rule). Raises Http404 when there is none `pk` or it is
    another cluster's."""
    return get_in_scope_or_404(returns_queryset(), user, pk=pk)


def is_overdue(ret: MonitoringReturn, today: dt.date | None = None) -> bool:
    """True when the cluster still holds the return (draft or awaiting sign-off) after its due date (`today`
    by default). No queries. Raises nothing."""
    return ret.status in (S.DRAFT, S.AWAITING_SIGN_OFF) and ret.due_on < (today or timezone.localdate())


def who_acts(ret: MonitoringReturn) -> str:
    """Who must act next, in words for both audiences. A final return may read its money (a few queries).
    Raises nothing."""
    if ret.status == S.DRAFT:
        return "The cluster host or SEND lead" + (" (sent back to change)" if ret.sent_back_comments else "")
    if ret.status == S.AWAITING_SIGN_OFF:
        return "The cluster's head or chair, to sign it off"
    if ret.status == S.SUBMITTED:
        return "An LA officer, to review it"
    if ret.is_final and not hasattr(ret, "underspend") and return_money(monitoring_return=ret).unspent > 0:
        return "An LA officer, to propose what happens to the underspend"
    underspend = getattr(ret, "underspend", None)
    if underspend is not None and underspend.status == "proposed":
        return "The decision maker, to confirm the underspend decision"
    return "Nobody: complete"


def return_counts(*, user) -> dict[str, int]:
    """How many of the returns the user may see wait for review, are overdue, and are with the cluster, by
    name. One query. Raises nothing."""
    today = timezone.localdate()
    rows = list(returns_for_user(user=user).values_list("status", "due_on"))
    return {"waiting_for_review": sum(1 for s, _ in rows if s == S.SUBMITTED),
            "overdue": sum(1 for s, d in rows if s in (S.DRAFT, S.AWAITING_SIGN_OFF) and d < today),
            "due_in_month": sum(1 for s, d in rows if s in (S.DRAFT, S.AWAITING_SIGN_OFF)
                                and today <= d <= today + dt.timedelta(days=31))}


@dataclass
class ReturnLoaded(collection.SectionsLoaded):
    ret: MonitoringReturn
    sections: dict[str, ReturnSection]
    progress: list
    spend: list
    outcomes: list
    evidence: list


def return_load(*, monitoring_return: MonitoringReturn) -> ReturnLoaded:
    """Everything on the task list and check page, in a fixed number of queries. Returns a ReturnLoaded.
    Raises nothing."""
    ret = monitoring_return
    return ReturnLoaded(
        ret, {s.key: s for s in ReturnSection.objects.filter(monitoring_return=ret).select_related("updated_by")},
        list(ret.progress.select_related("activity")),
        list(ret.spend.select_related("cost_line")),
        list(ret.outcomes.select_related("outcome")),
        list(ret.evidence.all()))


def return_previous(*, monitoring_return: MonitoringReturn) -> MonitoringReturn | None:
    """The award's earlier return (the final's interim), whose answers pre-fill this one. None for an interim
    return or when there is none. Raises nothing."""
    if monitoring_return.kind != ReturnKind.FINAL:
        return None
    return (MonitoringReturn.objects.filter(case_id=monitoring_return.case_id, kind=ReturnKind.INTERIM)
            .exclude(pk=monitoring_return.pk).first())


def return_initial(*, loaded: ReturnLoaded, key: str) -> dict:
    """A section's answers as saved, or where nothing is saved yet, the earlier return's answers. A dict of
    form initial values (money as Decimal pounds); empty for a section with nothing to pre-fill. Raises
    nothing."""
    previous = return_previous(monitoring_return=loaded.ret) if loaded.version(key) == 0 else None
    if key == "progress":
        before = {r.activity_id: r for r in previous.progress.all()} if previous else {}
        initial = {}
        for row in loaded.progress:
            source = row if (row.progress or not before.get(row.activity_id)) else before[row.activity_id]
            initial[f"progress_{row.pk}"], initial[f"note_{row.pk}"] = source.progress, source.note
        return initial
    if key == "outcomes":
        before = {r.outcome_id: r.latest for r in previous.outcomes.all()} if previous else {}
        return {f"latest_{row.pk}": row.latest or before.get(row.outcome_id, "") for row in loaded.outcomes}
    if key == "spend":
        before = ({(r.cost_line_id, r.financial_year): r.spent for r in previous.spend.all()} if previous else {})
        initial = {f"spent_{row.pk}": (f"{v:.2f}" if (v := row.spent if row.spent is not None else
                                                     before.get((row.cost_line_id, row.financial_year))) is not None
                                       else "") for row in loaded.spend}
        initial["explanation"] = loaded.answers("spend").get("explanation", "")
        return initial
    if key == "changes":
        return dict(loaded.answers("changes") or (previous and _answers(previous, "changes")) or {})
    return {}


def _answers(ret: MonitoringReturn, key: str) -> dict:
    section = ret.sections.filter(key=key).first()
    return section.answers if section else {}


def return_section_status(loaded: ReturnLoaded, key: str) -> str:
    """A section's status on the return's task list (not started, in progress, completed). No queries. Raises
    nothing."""
    return collection.status_of(loaded.sections.get(key))


def return_tasks(*, loaded: ReturnLoaded, url) -> list:
    """The return's task list: groups of sections, each with its status and where `url` leads. No queries.
    Raises nothing."""
    return collection.task_groups(RETURN_SECTIONS, status=lambda spec: return_section_status(loaded, spec.key),
                                  url=url)


def return_incomplete_sections(*, monitoring_return: MonitoringReturn, loaded: ReturnLoaded | None = None) -> list:
    """The return's sections not completed yet, in order (empty when it can be sent). Loads the return unless
    given `loaded`. Raises nothing."""
    loaded = loaded or return_load(monitoring_return=monitoring_return)
    return [s for s in RETURN_SECTIONS if return_section_status(loaded, s.key) != collection.COMPLETED]


def return_identity_findings(*, monitoring_return: MonitoringReturn) -> list[collection.Finding]:
    """The privacy screen over everything the cluster typed into the return. A list of Finding (section,
    field, what was found). Raises nothing."""
    loaded = return_load(monitoring_return=monitoring_return)
    texts = [(RETURN_BY_KEY["progress"].title, f"Activity {n}", row.note)
             for n, row in enumerate(loaded.progress, start=1)]
    texts += [(RETURN_BY_KEY["outcomes"].title, f"Outcome {n}", row.latest)
              for n, row in enumerate(loaded.outcomes, start=1)]
    texts += [(RETURN_BY_KEY[key].title, name, value) for key in ("spend", "changes")
              for name, value in loaded.answers(key).items()]
    return collection.identity_findings(texts, screen=identity_problems)


def paid_by_stream_year(*, case) -> dict[tuple[str, int], Decimal]:
    """What the ledger has paid an award, net of clawbacks, by (stream kind, financial year), in Decimal
    pounds. One query. Raises nothing."""
    return {key: balance.paid for key, balance in reference_balances(reference=case.reference).items()}


@dataclass(frozen=True)
class MoneyRow:
    stream_kind: str
    stream_id: int
    financial_year: int
    awarded: Decimal
    paid: Decimal
    spent: Decimal

    @property
    def unspent(self) -> Decimal:
        """Paid but not spent: what could come back to the pot."""
        return max(self.paid - self.spent, ZERO)

    @property
    def not_paid(self) -> Decimal:
        return self.awarded - self.paid


@dataclass(frozen=True)
class ReturnMoney:
    rows: list[MoneyRow]

    @property
    def awarded(self) -> Decimal:
        return sum((r.awarded for r in self.rows), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((r.paid for r in self.rows), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((r.spent for r in self.rows), ZERO)

    @property
    def unspent(self) -> Decimal:
        return sum((r.unspent for r in self.rows), ZERO)

    @property
    def overspent(self) -> bool:
        """More spent than paid in some stream and year: what a return must explain (services._over_paid)."""
        return any(r.spent > r.paid for r in self.rows)


def return_money(*, monitoring_return: MonitoringReturn) -> ReturnMoney:
    """Per stream and financial year: awarded (the decision), paid (the ledger), spent (the return) and
    what was paid but not spent. Spend on a cost line counts against its stream and year. A ReturnMoney:
    one MoneyRow per decided award line, in Decimal pounds. Three queries (`returns_money`; four when
    the return's case is not loaded). Raises nothing."""
    return returns_money(returns=[monitoring_return])[monitoring_return.pk]


def returns_money(*, returns) -> dict[int, ReturnMoney]:
    """`return_money` of many returns (return id -> its money), in three queries however many there are: the
    returns' spend, their awards' decided lines and what the ledger paid each award. Each a ReturnMoney in
    Decimal pounds; empty for no returns. Reads each return's case (load it with the returns, or it costs a
    query each). Raises nothing."""
    from sendfund.casework.models import AwardLine

    returns = list(returns)
    if not returns:
        return {}
    spent: dict[int, dict[tuple[str, int], Decimal]] = {}
    for ret_id, kind, year, amount in (SpendLine.objects.filter(monitoring_return__in=[r.pk for r in returns])
                                       .values_list("monitoring_return_id", "stream_kind", "financial_year", "spent")
                                       .order_by()):
        by_key = spent.setdefault(ret_id, {})
        by_key[(kind, year)] = by_key.get((kind, year), ZERO) + (amount or ZERO)
    lines: dict[int, list] = {}
    for line in (AwardLine.objects.filter(case_id__in={r.case_id for r in returns}, decided__gt=0)
                 .select_related("stream").order_by("stream__kind", "financial_year")):
        lines.setdefault(line.case_id, []).append(line)
    paid = references_balances(references={r.case.reference for r in returns})
    out = {}
    for ret in returns:
        balances, spend = paid.get(ret.case.reference, {}), spent.get(ret.pk, {})
        rows = []
        for line in lines.get(ret.case_id, []):
            key = (line.stream.kind, line.financial_year)
            balance = balances.get(key)
            rows.append(MoneyRow(line.stream.kind, line.stream_id, line.financial_year, line.decided,
                                 balance.paid if balance else ZERO, spend.get(key, ZERO)))
        out[ret.pk] = ReturnMoney(rows)
    return out


@dataclass
class OutcomeRow:
    reference: str
    measure: str
    baseline: str
    target: str
    latest: str = ""
    reported_in: str = ""


def cluster_outcomes(*, user, cluster) -> list[OutcomeRow]:
    """Each outcome measure of the cluster's awards: baseline and target from the application, and the latest
    value from the newest return the council has (submitted or accepted), through the scoping rule (none when
    `user` may not see the cluster). Two queries. Raises nothing."""
    from .models import OutcomeProgress

    rows: dict[int, OutcomeRow] = {}
    progress = (scope_for_user(OutcomeProgress.objects.all(), user, cluster_path="monitoring_return__cluster")
                .filter(monitoring_return__cluster=cluster)
                .select_related("outcome", "monitoring_return__case")
                .order_by("monitoring_return__case_id", "outcome_id", "monitoring_return__due_on"))
    for p in progress:
        ret = p.monitoring_return
        row = rows.setdefault(p.outcome_id, OutcomeRow(ret.case.reference, p.outcome.measure, p.outcome.baseline,
                                                        p.outcome.target))
        if p.latest and ret.status in (S.SUBMITTED, S.ACCEPTED):
            row.latest, row.reported_in = p.latest, ret.get_kind_display()
    return list(rows.values())


def returns_waiting(*, user, state: str = "") -> QuerySet:
    """The returns the user may see in status `state`, or overdue with the cluster for state overdue; with no
    state, all but accepted interim returns. A QuerySet of MonitoringReturn. Raises nothing."""
    qs = returns_for_user(user=user)
    if state == "overdue":
        return qs.filter(status__in=[S.DRAFT, S.AWAITING_SIGN_OFF], due_on__lt=timezone.localdate())
    if state == "due":  # due in the next month and not yet sent (return_counts' "due_in_month")
        today = timezone.localdate()
        return qs.filter(status__in=[S.DRAFT, S.AWAITING_SIGN_OFF], due_on__gte=today,
                         due_on__lte=today + dt.timedelta(days=31))
    if state in S.values:
        return qs.filter(status=state)
    return qs.filter(~Q(status=S.ACCEPTED) | Q(kind=ReturnKind.FINAL))
