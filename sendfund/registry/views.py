import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from sendfund.accounts.decorators import requires
from sendfund.accounts.permissions import can_administer, can_use_apply, can_view_audit, can_view_registry
from sendfund.accounts.scoping import (
    cluster_in_scope_or_404,
    clusters_in_scope,
    clusters_of,
    get_in_scope_or_404,
)
from sendfund.core.audit import audit_timeline
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.errors import DomainError
from sendfund.core.fields import search_text, whole_number
from sendfund.core.forms import form_error, run_form
from sendfund.core.history import history
from sendfund.core.paging import query_without_page
from sendfund.core.years import ay_label

from . import selectors
from . import setup as setup_service
from .forms import CarryForwardForm, CouncilSetupForm, MembershipUploadForm
from .memberships import carry_forward_apply, carry_forward_plan, cluster_memberships_import
from .models import Cluster, CouncilSetup, Phase, School
from .permissions import can_manage_clusters

PAGE_SIZE = 25


def _year(request) -> int | None:
    years = selectors.membership_years()
    wanted = whole_number(request.GET.get("year"), maximum=9999)
    if wanted in years:
        return wanted
    return years[0] if years else selectors.latest_year()


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


CLUSTERS_DOWNLOAD = ListDownload("clusters", "Clusters", [
    Field("Cluster", lambda c: c.name, width=30), Field("Code", lambda c: c.code),
    Field("Host school", lambda c: c.host_school.name if c.host_school else "Not set", width=30),
    Field("Schools", lambda c: c.school_count, "integer"), Field("Pupils", lambda c: c.pupils or 0, "integer")])


@requires(can_view_registry)
def cluster_list(request, fmt=None):
    year = _year(request)
    search = search_text(request.GET.get("q"))
    clusters = selectors.cluster_list(user=request.user, search=search, academic_year=year)
    if fmt:
        return CLUSTERS_DOWNLOAD.response(request, fmt, clusters, filters=[
            ("Academic year", ay_label(year) if year else "None"), *([("Search", search)] if search else [])])
    page = _page(request, clusters)
    return render(request, "registry/cluster_list.html", {"page": page, "search": search, "year": year,
                                                          "years": selectors.membership_years(),
                                                          "pagination_query": query_without_page(request)})


def _cluster_context(cluster, year):
    schools = selectors.cluster_schools(cluster=cluster, academic_year=year)
    return {"cluster": cluster, "year": year, "years": selectors.membership_years(),
            "table": selectors.figures_for_schools(schools=schools, academic_year=year)}


@requires(can_view_registry)
def cluster_detail(request, code):
    cluster = get_in_scope_or_404(Cluster.objects.select_related("host_school"), request.user, cluster_path="pk", code=code)
    return render(request, "registry/cluster_detail.html", {**_cluster_context(cluster, _year(request)), "area": "manage",
                                                            "link_schools": True})


SCHOOLS_DOWNLOAD = ListDownload("schools", "Schools", [
    Field("School", lambda s: s.name, width=40), Field("URN", lambda s: s.urn, "integer"),
    Field("Phase", lambda s: s.get_phase_display()), Field("Town", lambda s: s.town),
    Field("Postcode", lambda s: s.postcode), Field("Cluster", lambda s: s.cluster_name or "None", width=30),
    Field("Open", lambda s: "Open" if s.is_open else "Closed")])


@requires(can_view_registry)
def school_list(request, fmt=None):
    year = _year(request)
    search = search_text(request.GET.get("q"))
    phase = request.GET.get("phase", "")
    if phase not in Phase.values:
        phase = ""
    schools = selectors.school_list(search=search, phase=phase, academic_year=year)
    if fmt:
        return SCHOOLS_DOWNLOAD.response(request, fmt, schools, filters=[
            ("Clusters in", ay_label(year) if year else "None"), *([("Search", search)] if search else []),
            *([("Phase", Phase(phase).label)] if phase else [])])
    page = _page(request, schools)
    return render(request, "registry/school_list.html", {"page": page, "search": search, "phase": phase,
                                                         "phases": Phase.choices, "year": year,
                                                         "pagination_query": query_without_page(request)})


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
    cluster = cluster_in_scope_or_404(request.user, code=code)
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


# --- setting up the council, its own clusters, and carrying clusters forward ------------------------


@requires(can_administer)
def council_setup(request):
    form = CouncilSetupForm(request.POST if request.method == "POST" else None)
    done = run_form(request, form, lambda d: setup_service.council_setup_start(
        la_code=d["la_code"], org_id=d["org_id"], actor=request.user),
        redirect_to=lambda started: reverse("registry:council-setup-detail", kwargs={"pk": started.pk}))
    if done:
        return done
    return render(request, "registry/council_setup.html", {
        "form": form, "council": selectors.council(), "setups": selectors.council_setups()})


@requires(can_administer)
def council_setup_detail(request, pk):
    setup = get_object_or_404(CouncilSetup, pk=pk)
    return render(request, "registry/council_setup_detail.html", {"setup": setup})


@requires(can_manage_clusters)
def membership_import(request):
    council = selectors.council()
    result = None
    # Not run_form: a council not yet set up is an error above the form, the importer's on the file.
    if request.method == "POST":
        form = MembershipUploadForm(request.POST, request.FILES)
        if form.is_valid() and council is None:
            form.add_error(None, "Set up the council first, so the site knows which schools are the council's")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "upload.csv"
                path.write_bytes(upload.read())
                try:
                    result = cluster_memberships_import(path=path, la_code=council.la_code, name=upload.name[:100],
                                                        actor=request.user)
                except DomainError as exc:
                    form_error(form, exc, field="file")
            if result is not None:
                messages.success(request, result.summary())
                return redirect("registry:cluster-list")
    else:
        form = MembershipUploadForm()
    return render(request, "registry/membership_import.html", {"form": form, "council": council})


def _carry_years(request) -> tuple[int | None, int | None]:
    years = sorted(selectors.census_years())
    held = set(selectors.membership_years())
    wanted_to = request.GET.get("to", "")
    to_year = int(wanted_to) if wanted_to.isdigit() and int(wanted_to) in years else (years[-1] if years else None)
    earlier = [y for y in held if to_year is not None and y < to_year]
    return (max(earlier) if earlier else None), to_year


@requires(can_manage_clusters)
def carry_forward(request):
    council = selectors.council()
    from_year, to_year = _carry_years(request)
    plan, form, problem = None, None, None
    if council is None or from_year is None or to_year is None:
        problem = "There are no clusters in an earlier census year to carry forward."
    else:
        try:
            plan = carry_forward_plan(la_code=council.la_code, from_year=from_year, to_year=to_year)
        except DomainError as exc:
            problem = exc.message
    if plan is not None:
        clusters = list(clusters_in_scope(request.user).filter(memberships__academic_year=from_year).distinct()
                        .order_by("name"))
        form = CarryForwardForm(request.POST if request.method == "POST" else None, plan=plan, clusters=clusters)
        by_code = {c.code: c for c in clusters}
        done = run_form(request, form, lambda d: carry_forward_apply(
            la_code=council.la_code, from_year=from_year, to_year=to_year, actor=request.user,
            new_schools={school.urn: by_code.get(d[f"school_{school.urn}"]) for school, _s in plan.new}),
            success_message=f"Clusters carried forward to {ay_label(to_year)}",
            redirect_to=f"{reverse('registry:cluster-list')}?year={to_year}")
        if done:
            return done
    return render(request, "registry/carry_forward.html", {"plan": plan, "form": form, "problem": problem,
                                                           "posted": request.method == "POST",
                                                           "from_year": from_year, "to_year": to_year})
