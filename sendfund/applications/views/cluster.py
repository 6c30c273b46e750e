"""The cluster's pages before an application: the open rounds, starting an application, and the cluster's
list of its applications."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sendfund.accounts.decorators import requires
from sendfund.accounts.permissions import roles_of
from sendfund.accounts.scoping import clusters_of
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.errors import DomainError
from sendfund.core.forms import form_error
from sendfund.core.navigation import ENTRIES
from sendfund.funds.models import Round

from .. import selectors, services
from ..forms import StartForm
from ..permissions import WRITERS, can_start_application, can_use_applications
from ..status import status_for_cluster
from ._common import PAGE_SIZE


@requires(can_use_applications)
def rounds(request):
    today = timezone.localdate()
    open_rounds = list(Round.objects.open_on(today).select_related("fund").prefetch_related("streams")
                       .order_by("closes_on", "id"))
    return render(request, "applications/rounds.html", {
        "rounds": open_rounds})


@requires(can_start_application)
def start(request, round_pk):
    round_ = get_object_or_404(Round.objects.open_on(timezone.localdate()).prefetch_related("streams"), pk=round_pk)
    roles = roles_of(request.user)
    clusters = [c for c in clusters_of(request.user) if roles.has_cluster_role(c.pk, *WRITERS)]
    offered = [(s.kind, s.get_kind_display()) for s in round_.streams.all()]
    form = StartForm(request.POST if request.method == "POST" else None, initial={"clusters": clusters})
    form.fields["streams"].choices = offered
    # Not run_form: success has two outcomes, a new application or the one already in progress, each with its
    # own kind of message; a broken rule still reaches the form through form_error.
    if request.method == "POST" and form.is_valid():
        cluster = clusters[0] if len(clusters) == 1 else next(c for c in clusters
                                                             if str(c.pk) == form.cleaned_data["cluster"])
        try:
            application = services.application_start(cluster=cluster, round=round_,
                                                     streams=form.cleaned_data["streams"], actor=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            if application.opened_existing:
                messages.info(request, f"Your cluster already has an application in progress for "
                                       f"{application.streams_label.lower()} funding in {round_.name}. Here it is: "
                                       "carry on with this one.")
            else:
                messages.success(request, "Your application has been started. It is saved as you go.")
            return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/start.html", {"round": round_, "form": form, "streams": round_.streams.all()})


def _casework_links(user) -> list[dict]:
    """The slot for casework's apply-side pages ("What the council has asked"), which casework registers
    with navigation.register(area="apply", url_name="casework:...")."""
    links = []
    for entry in ENTRIES:
        if entry.area == "apply" and entry.url_name.startswith("casework:") and entry.check(user):
            try:
                links.append({"text": entry.text, "href": reverse(entry.url_name), "description": entry.description})
            except NoReverseMatch:
                continue
    return links


CLUSTER_DOWNLOAD = ListDownload("applications", "Your cluster's applications", [
    Field("Reference", lambda a: a.reference or "Not sent yet"), Field("Cluster", lambda a: a.cluster.name, width=30),
    Field("Round", lambda a: a.round.name, width=24), Field("Funding", lambda a: a.streams_label),
    Field("Status", lambda a: status_for_cluster(a).text, width=24),
    Field("Last changed", lambda a: timezone.localtime(a.updated_at).replace(tzinfo=None), "datetime")])


@requires(can_use_applications)
def dashboard(request, fmt=None):
    if fmt:
        return CLUSTER_DOWNLOAD.response(request, fmt, selectors.cluster_applications(user=request.user))
    page = Paginator(selectors.cluster_applications(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    la_asks = _casework_links(request.user)
    return render(request, "applications/dashboard.html", {
        "page": page, "la_asks": la_asks,
        "has_open_round": Round.objects.open_on(timezone.localdate()).exists()})
