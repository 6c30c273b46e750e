from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from sendfund.accounts.decorators import requires
from sendfund.accounts.permissions import can_use_apply, can_view_audit, can_view_registry
from sendfund.accounts.scoping import clusters_of, get_in_scope_or_404
from sendfund.core.audit import audit_timeline
from sendfund.core.history import history

from . import selectors
from .models import Cluster, Phase, School

PAGE_SIZE = 25


def _year(request) -> int | None:
    years = selectors.membership_years()
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and int(wanted) in years:
        return int(wanted)
    return years[0] if years else selectors.latest_year()


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    """The current filters as a query string ending in '&', for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


@requires(can_view_registry)
def cluster_list(request):
    year = _year(request)
    search = request.GET.get("q", "").strip()[:100]
    page = _page(request, selectors.cluster_list(search=search, academic_year=year))
    return render(request, "registry/cluster_list.html", {"page": page, "search": search, "year": year,
                                                          "years": selectors.membership_years(),
                                                          "pagination_query": _query_without_page(request)})


def _cluster_context(cluster, year):
    schools = selectors.cluster_schools(cluster=cluster, academic_year=year)
    return {"cluster": cluster, "year": year, "years": selectors.membership_years(),
            "table": selectors.figures_for_schools(schools=schools, academic_year=year)}


@requires(can_view_registry)
def cluster_detail(request, code):
    cluster = get_object_or_404(Cluster.objects.select_related("host_school"), code=code)
    return render(request, "registry/cluster_detail.html", {**_cluster_context(cluster, _year(request)), "area": "manage",
                                                            "link_schools": True})


@requires(can_view_registry)
def school_list(request):
    year = _year(request)
    search = request.GET.get("q", "").strip()[:100]
    phase = request.GET.get("phase", "")
    if phase not in Phase.values:
        phase = ""
    page = _page(request, selectors.school_list(search=search, phase=phase, academic_year=year))
    return render(request, "registry/school_list.html", {"page": page, "search": search, "phase": phase,
                                                         "phases": Phase.choices, "year": year,
                                                         "pagination_query": _query_without_page(request)})


@requires(can_view_registry)
def school_detail(request, urn):
    school = get_object_or_404(School, urn=urn)
    return render(request, "registry/school_detail.html", {
        "school": school, "table": selectors.school_figures_by_year(school=school),
        "memberships": selectors.school_memberships(school=school),
        "links": list(school.links.all()),
    })


@requires(can_view_audit)
def cluster_history(request, code):
    cluster = get_object_or_404(Cluster, code=code)
    return render(request, "registry/history.html", {"subject": cluster, "history": history(audit_timeline(target=cluster)[:200]),
                                                     "back": ("registry:cluster-detail", cluster.code)})


@requires(can_view_audit)
def school_history(request, urn):
    school = get_object_or_404(School, urn=urn)
    return render(request, "registry/history.html", {"subject": school, "history": history(audit_timeline(target=school)[:200]),
                                                     "back": ("registry:school-detail", school.urn)})


@requires(can_use_apply)
def your_cluster(request):
    clusters = list(clusters_of(request.user))
    if len(clusters) == 1:
        return redirect("registry:your-cluster-detail", code=clusters[0].code)
    return render(request, "registry/your_clusters.html", {"clusters": clusters})


@requires(can_use_apply)
def your_cluster_detail(request, code):
    cluster = get_in_scope_or_404(Cluster.objects.select_related("host_school"), request.user, cluster_path="pk", code=code)
    return render(request, "registry/cluster_detail.html", {**_cluster_context(cluster, _year(request)), "area": "apply"})
