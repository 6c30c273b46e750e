"""Reads for the API, each through the one scoping rule: a token sees what its user sees on the site."""

from django.db.models import Q, QuerySet

from sendfund.accounts.scoping import clusters_in_scope, scope_for_user
from sendfund.applications.models import Application
from sendfund.applications.models import Status as ApplicationStatus
from sendfund.casework.models import AwardLine, Instalment
from sendfund.casework.selectors import cases_for_user
from sendfund.core.years import fy_label
from sendfund.funds.models import Round
from sendfund.registry.models import ClusterMembership, School, SchoolFigure


def schools_for_user(*, user) -> QuerySet:
    """LA staff: every school (one in no cluster too); a cluster's users: the schools that have been in their
    clusters in any year; anyone else none. By URN. The one scoping rule, through the schools' memberships.
    A QuerySet of School. Raises nothing."""
    return (scope_for_user(School.objects.all(), user, cluster_path="memberships__cluster")
            .distinct().order_by("urn"))


def clusters_for_user(*, user) -> QuerySet:
    """The clusters the user may see (the one scoping rule), by code. A QuerySet of Cluster. Raises
    nothing."""
    return clusters_in_scope(user).order_by("code")


def memberships_for_user(*, user) -> QuerySet:
    """The school memberships of the clusters the user may see (the one scoping rule), by year, cluster, URN.
    A QuerySet of ClusterMembership with cluster and school loaded. Raises nothing."""
    return (scope_for_user(ClusterMembership.objects.select_related("cluster", "school"), user)
            .order_by("academic_year", "cluster__code", "school__urn"))


def figures_for_user(*, user) -> QuerySet:
    """The census figures of the schools the user may see (`schools_for_user`), by URN, year and indicator. A
    QuerySet of SchoolFigure with school and indicator loaded. Raises nothing."""
    return (SchoolFigure.objects.filter(school__in=schools_for_user(user=user))
            .select_related("school", "indicator").order_by("school__urn", "academic_year", "indicator__code"))


def rounds_list() -> QuerySet:
    """Every round, oldest first: a round belongs to the fund, not to a cluster, so every signed-in user sees
    it. A QuerySet of Round with its fund and streams. Raises nothing."""
    return Round.objects.select_related("fund").prefetch_related("streams").order_by("opens_on", "pk")


def applications_for_user(*, user) -> QuerySet:
    """Clusters: their own applications; LA staff: submitted ones (as on the site). Anyone else none. A
    QuerySet of Application with cluster and round loaded, by id. Raises nothing."""
    return (scope_for_user(Application.objects.select_related("cluster", "round"), user,
                           staff_q=Q(status=ApplicationStatus.SUBMITTED)).order_by("pk"))


def awards_for_user(*, user) -> QuerySet:
    """Decided amounts per case, stream and financial year, for the cases the user may see. A QuerySet of
    AwardLine (amounts in Decimal pounds; financial year 2026 = FY 2026-27), by case reference, stream and
    year. Raises nothing."""
    return (AwardLine.objects.filter(case__in=cases_for_user(user=user), decided__isnull=False)
            .select_related("case", "case__cluster", "stream").order_by("case__reference", "stream__kind",
                                                                        "financial_year"))


def instalments_for_user(*, user) -> QuerySet:
    """The instalments of the cases the user may see (`cases_for_user`), by case reference and number, with
    case and stream loaded. A QuerySet of Instalment (amounts in Decimal pounds). Raises nothing."""
    return (Instalment.objects.filter(case__in=cases_for_user(user=user)).select_related("case", "stream")
            .order_by("case__reference", "number"))


def payment_out(instalment: Instalment) -> dict:
    """An instalment as the API shows it: a dict of id, case (reference), number, stream (kind),
    financial_year (label, FY 2026-27), due_on and paid_on (ISO dates; paid_on None while unpaid) and amount
    (pounds as a string with two decimals). Reads the instalment's case and stream (load them with it). Raises
    nothing."""
    return {"id": instalment.pk, "case": instalment.case.reference, "number": instalment.number,
            "stream": instalment.stream.kind, "financial_year": fy_label(instalment.financial_year),
            "due_on": instalment.due_on.isoformat(), "amount": f"{instalment.amount:.2f}",
            "paid_on": instalment.paid_on.isoformat() if instalment.paid_on else None}
