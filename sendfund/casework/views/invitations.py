"""Inviting clusters to apply to the open round, and adding a cluster host's email address."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404
from sendfund.core.downloads import Field, ListDownload
from sendfund.core.forms import run_action, run_form

from .. import forms, permissions, selectors, services
from ._common import _emailed_sentence, _form, _open_round

INVITATIONS_DOWNLOAD: ListDownload[selectors.Candidate] = ListDownload(
    "capacity-invitations", "Invitations to the capacity stream", [
        Field("Rank", lambda c: c.gap_rank, "integer"), Field("Cluster", lambda c: c.cluster.name, width=30),
        Field("Short of need by", lambda c: c.gap, "money"),
        Field("Clear evidence", lambda c: "Yes" if c.clear_evidence else "No"),
        Field("In the top under other weights (% of scenarios)",
              lambda c: None if c.top_frequency is None else round(c.top_frequency * 100, 1), "number"),
        Field("Who is emailed", lambda c: ", ".join(c.recipients) or "Nobody at this cluster can be emailed",
              width=40),
        Field("Invited", lambda c: timezone.localtime(c.invitation.invited_at).replace(tzinfo=None)
              if c.invitation else None, "datetime")])


@requires(permissions.can_manage_cases)
def invitations(request, fmt=None):
    round_ = _open_round()
    run, candidates = selectors.invitation_candidates(user=request.user, round_=round_)
    if fmt:
        return INVITATIONS_DOWNLOAD.response(request, fmt, candidates, filters=[
            ("Round", round_.name if round_ else "No round open"),
            ("Allocation run", f"{run.pk}: {run}" if run else "None yet")])
    return render(request, "casework/invitations.html", {"run": run, "candidates": candidates, "round": round_})


@require_POST
@requires(permissions.can_manage_cases)
def invite(request, code):
    cluster = cluster_in_scope_or_404(request.user, code=code)
    return run_action(request, lambda: services.invitation_send(cluster=cluster, round_=_open_round(),
                                                                 actor=request.user),
                      success_message=lambda _invitation: f"{cluster.name} has been invited to apply. "
                                                          f"{_emailed_sentence(cluster)}",
                      redirect_to=reverse("casework:invitations"))


@requires(permissions.can_manage_cases)
def cluster_contact(request, code):
    """Add or correct the cluster host's email address, so invitations and letters reach someone."""
    from sendfund.registry.services import cluster_update

    cluster = cluster_in_scope_or_404(request.user, code=code)
    form = _form(forms.ClusterContactForm, request, initial={"host_name": cluster.host_name,
                                                             "host_email": cluster.host_email})
    done = run_form(request, form, lambda d: cluster_update(cluster=cluster, actor=request.user,
                                                             host_email=d["host_email"],
                                                             host_name=d["host_name"] or cluster.host_name),
                    success_message=lambda _: f"{cluster.name}'s host email address is now {cluster.host_email}.",
                    redirect_to=reverse("casework:invitations"))
    if done:
        return done
    return render(request, "casework/form.html", {
        "case": None, "form": form, "title": f"Add the cluster host's email address: {cluster.name}",
        "button": "Save", "back": "casework:invitations",
        "intro": "Invitations, meeting invitations and decisions are emailed to the cluster host and SEND lead."})
