"""Inviting clusters to apply to the open round, and adding a cluster host's email address."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404
from sendfund.core.forms import run_action, run_form

from .. import forms, permissions, selectors, services
from ._common import _emailed_sentence, _form, _open_round


@requires(permissions.can_manage_cases)
def invitations(request):
    round_ = _open_round()
    run, candidates = selectors.invitation_candidates(user=request.user, round_=round_)
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
