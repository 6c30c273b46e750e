"""The REST API, /api/v1/: reads of the registry, the formula, rounds, applications, cases, awards,
payments and pots, and one write (finance records a payment), for personal tokens.

A token acts as its user: the same roles, the same scoping (a cluster's token sees its own cluster
only). Money is a string of pounds with two decimals ("1234.50"); years are labelled as on the site
(FY 2026-27, AY 2026/27). Lists are paginated (`limit`, `offset`) in a stable order. Views call
selectors and services only.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Header, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from ninja.throttling import AuthRateThrottle

from sendfund.casework.permissions import can_record_payments, can_view_cases, can_view_funding_decisions
from sendfund.core.years import ay_label, fy_label
from sendfund.formula import selectors as formula_selectors
from sendfund.formula.permissions import can_view_formula
from sendfund.funds import selectors as fund_selectors
from sendfund.funds.permissions import can_view_pot

from . import selectors, services
from .auth import PersonalToken

api = NinjaAPI(
    title="SendFund API", version="1", urls_namespace="api",
    description=("Read the council's SEND cluster funding records and record payments from a finance system. "
                 "Authenticate with a personal token made on your account page: `Authorization: Bearer sfk_...`. "
                 "Money is a string of pounds with two decimals."),
    auth=PersonalToken(), throttle=[AuthRateThrottle("600/m")], docs_url=None,  # our own page: views.docs
)


# Every number a client sends is bounded before it reaches the database: an id or an offset past what a
# 64-bit column holds made SQLite fail with "datatype mismatch" (a 500) instead of an empty answer.
MAX_RECORD_ID = 2**53
MAX_OFFSET = 10_000_000
MAX_LIMIT = 500


class Paging(LimitOffsetPagination):
    """Limit and offset, both bounded: at most 500 rows a page (100 by default)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class Problem(Schema):
    detail: str


DENIED = {401: Problem, 403: Problem, 429: Problem}


def _require(request: HttpRequest, check) -> None:
    """403 for a role that may never use this endpoint (records out of scope are simply not listed)."""
    if not check(request.user):
        raise HttpError(403, "Your role cannot use this part of the API")


class SchoolOut(Schema):
    urn: int
    name: str
    la_code: int
    estab: int | None
    phase: str
    school_type: str
    town: str
    postcode: str
    is_open: bool


class ClusterOut(Schema):
    code: str
    name: str
    host_school_urn: int | None
    is_illustrative: bool


class MembershipOut(Schema):
    cluster: str
    school_urn: int
    academic_year: str


class FigureOut(Schema):
    school_urn: int
    indicator: str
    academic_year: str
    census_date: dt.date
    value: int | None


class VersionOut(Schema):
    id: int
    name: str
    valid_from: dt.date
    lump_sum_per_school: str
    lump_sum_per_cluster: str


class RunOut(Schema):
    id: int
    version_id: int
    kind: str
    financial_year: str
    academic_year: str
    pot: str


class AllocationOut(Schema):
    cluster: str
    allocation: str
    schools: int
    pupils: int
    funding_share: float
    need_allocation: str | None
    gap: str | None
    gap_rank: int | None


class RoundOut(Schema):
    id: int
    name: str
    opens_on: dt.date
    closes_on: dt.date
    streams: list[str]


class ApplicationOut(Schema):
    id: int
    reference: str | None
    cluster: str
    round_id: int
    status: str
    streams: list[str]
    submitted_at: dt.datetime | None


class CaseOut(Schema):
    reference: str
    cluster: str
    status: str
    outcome: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None


class AwardOut(Schema):
    case: str
    cluster: str
    stream: str
    financial_year: str
    requested: str
    decided: str


class PaymentOut(Schema):
    id: int
    case: str
    number: int
    stream: str
    financial_year: str
    due_on: dt.date
    amount: str
    paid_on: dt.date | None


class PotOut(Schema):
    stream: str
    financial_year: str
    allocated: str
    committed: str
    paid: str
    remaining: str


class PaymentIn(Schema):
    paid_on: dt.date


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


@api.get("/schools", response={200: list[SchoolOut], **DENIED}, tags=["registry"])
@paginate(Paging)
def list_schools(request):
    """Schools: every school for LA staff; the schools of their own clusters for a cluster's users."""
    return selectors.schools_for_user(user=request.user)


@api.get("/clusters", response={200: list[ClusterOut], **DENIED}, tags=["registry"])
@paginate(Paging)
def list_clusters(request):
    """Clusters: all for LA staff, their own for a cluster's users."""
    return [{"code": c.code, "name": c.name, "host_school_urn": c.host_school.urn if c.host_school else None,
             "is_illustrative": c.is_illustrative}
            for c in selectors.clusters_for_user(user=request.user).select_related("host_school")]


@api.get("/cluster-memberships", response={200: list[MembershipOut], **DENIED}, tags=["registry"])
@paginate(Paging)
def list_memberships(request):
    """Which school was in which cluster in each academic year."""
    return [{"cluster": m.cluster.code, "school_urn": m.school.urn, "academic_year": ay_label(m.academic_year)}
            for m in selectors.memberships_for_user(user=request.user)]


@api.get("/census-figures", response={200: list[FigureOut], **DENIED}, tags=["registry"])
@paginate(Paging)
def list_figures(request, urn: int | None = Query(None, ge=1, le=2_147_483_647)):
    """Census figures per school, indicator and academic year (the schools the user may see)."""
    figures = selectors.figures_for_user(user=request.user)
    if urn is not None:
        figures = figures.filter(school__urn=urn)
    return [{"school_urn": f.school.urn, "indicator": f.indicator.code, "academic_year": ay_label(f.academic_year),
             "census_date": f.census_date, "value": f.value} for f in figures]


@api.get("/formula/versions", response={200: list[VersionOut], **DENIED}, tags=["formula"])
@paginate(Paging)
def list_versions(request):
    """Formula versions (LA staff)."""
    _require(request, can_view_formula)
    return [{"id": v.pk, "name": v.name, "valid_from": v.valid_from, "lump_sum_per_school": _money(v.lump_sum_per_school),
             "lump_sum_per_cluster": _money(v.lump_sum_per_cluster)}
            for v in formula_selectors.version_list().order_by("pk")]


@api.get("/formula/runs", response={200: list[RunOut], **DENIED}, tags=["formula"])
@paginate(Paging)
def list_runs(request):
    """Formula runs (LA staff)."""
    _require(request, can_view_formula)
    return [{"id": r.pk, "version_id": r.version_id, "kind": r.kind, "financial_year": fy_label(r.financial_year),
             "academic_year": ay_label(r.academic_year), "pot": _money(r.pot)}
            for r in formula_selectors.run_list().order_by("pk")]


@api.get("/formula/runs/{run_id}/allocations", response={200: list[AllocationOut], **DENIED, 404: Problem},
         tags=["formula"])
@paginate(Paging)
def list_allocations(request, run_id: int = Path(..., ge=1, le=MAX_RECORD_ID)):
    """Each cluster's allocation in a run, with its need and capacity gap (LA staff)."""
    _require(request, can_view_formula)
    run = formula_selectors.run_list().filter(pk=run_id).first()
    if run is None:
        raise HttpError(404, "Not found")
    return [{"cluster": r.cluster.code, "allocation": _money(r.allocation), "schools": r.schools, "pupils": r.pupils,
             "funding_share": r.funding_share, "need_allocation": _money(r.need_allocation), "gap": _money(r.gap),
             "gap_rank": r.gap_rank}
            for r in sorted(formula_selectors.run_results(run=run), key=lambda r: r.cluster.code)]


@api.get("/rounds", response={200: list[RoundOut], **DENIED}, tags=["fund"])
@paginate(Paging)
def list_rounds(request):
    """The fund's rounds and the streams each takes."""
    return [{"id": r.pk, "name": r.name, "opens_on": r.opens_on, "closes_on": r.closes_on,
             "streams": sorted(s.kind for s in r.streams.all())} for r in selectors.rounds_list()]


@api.get("/applications", response={200: list[ApplicationOut], **DENIED}, tags=["applications"])
@paginate(Paging)
def list_applications(request):
    """Applications: a cluster's own (any status); submitted ones for LA staff."""
    return [{"id": a.pk, "reference": a.reference, "cluster": a.cluster.code, "round_id": a.round_id,
             "status": a.status, "streams": list(a.streams_requested), "submitted_at": a.submitted_at}
            for a in selectors.applications_for_user(user=request.user)]


@api.get("/cases", response={200: list[CaseOut], **DENIED}, tags=["casework"])
@paginate(Paging)
def list_cases(request):
    """Cases the user may see (a specialist: those assigned to them; a cluster: its own)."""
    from sendfund.casework.selectors import cases_for_user

    _require(request, lambda user: can_view_cases(user) or can_view_funding_decisions(user))
    return [{"reference": c.reference, "cluster": c.cluster.code, "status": c.status, "outcome": c.outcome,
             "submitted_at": c.submitted_at, "decided_at": c.decided_at}
            for c in cases_for_user(user=request.user).order_by("pk")]


@api.get("/awards", response={200: list[AwardOut], **DENIED}, tags=["casework"])
@paginate(Paging)
def list_awards(request):
    """What was decided per case, stream and financial year."""
    return [{"case": a.case.reference, "cluster": a.case.cluster.code, "stream": a.stream.kind,
             "financial_year": fy_label(a.financial_year), "requested": _money(a.requested), "decided": _money(a.decided)}
            for a in selectors.awards_for_user(user=request.user)]


@api.get("/payments", response={200: list[PaymentOut], **DENIED}, tags=["casework"])
@paginate(Paging)
def list_payments(request):
    """Instalments of awards, with when each was paid."""
    return [selectors.payment_out(i) for i in selectors.instalments_for_user(user=request.user)]


@api.post("/payments/{payment_id}/record", response={201: PaymentOut, 400: Problem, 404: Problem, 409: Problem,
                                                     422: Problem, **DENIED}, tags=["casework"])
def record_payment(request, payload: PaymentIn, payment_id: int = Path(..., ge=1, le=MAX_RECORD_ID),
                   idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100,
                                                 pattern=r"^[A-Za-z0-9._:-]+$")):
    """Finance records that an instalment was paid. Send an `Idempotency-Key` header: the same key with the
    same request records one payment and gives the same answer, however often it is sent. The rules are the web
    page's: an instalment may be paid before its due date, from the day its financial year's pot opens, and not
    on a date in the future. Refused (409) before then, when it is already paid, or when the offer is not yet
    accepted."""
    _require(request, can_record_payments)
    status, body = services.payment_record_idempotent(user=request.user, key=idempotency_key,
                                                      instalment_id=payment_id, paid_on=payload.paid_on)
    return Status(status, body)


@api.get("/pots", response={200: list[PotOut], **DENIED}, tags=["fund"])
@paginate(Paging)
def list_pots(request):
    """Each stream's pot per financial year: allocated, committed, paid and remaining."""
    _require(request, can_view_pot)
    fund = fund_selectors.fund_current()
    rows = fund_selectors.pot_rows(fund=fund) if fund else []
    return [{"stream": r.stream_kind, "financial_year": r.year_label, "allocated": _money(r.balance.allocated),
             "committed": _money(r.balance.committed), "paid": _money(r.balance.paid),
             "remaining": _money(r.balance.remaining)} for r in rows]
