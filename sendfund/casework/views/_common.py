"""What the casework pages share: loading the case the URL names, the way back to it, the letter, and
who was emailed."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .. import letters, selectors

SIMPLE_MOVES = {"start_assessment", "close"}


def _form(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _case(user, reference, **_url_kwargs):
    """The case the URL names, through the scoping rule (404 out of scope, or not assigned to this specialist):
    `requires(load=...)`."""
    return selectors.case_for_user(user=user, reference=reference)


def _back(reference):
    return redirect("casework:case-detail", reference=reference)


def _case_url(reference) -> str:
    return reverse("casework:case-detail", kwargs={"reference": reference})


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _fy(year):
    from sendfund.core.years import fy_label

    return fy_label(year)


def _letter_context(case):
    return letters.letter_context(case)


def _pdf(case) -> HttpResponse:
    """The letter as issued, served from storage (made now, once, if the background task has not)."""
    letter = letters.letter_current(case=case)
    response = HttpResponse(letters.letter_bytes(letter=letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-decision-letter.pdf"'
    return response


def _decided(case):
    if not case.decided_at:
        raise Http404("No decision yet")
    return case


def _possible(offer) -> bool:
    return offer is not None and offer.possible


def _open_round():
    from sendfund.funds.selectors import round_open

    return round_open()


def _emailed_sentence(cluster) -> str:
    """Say who was emailed (the cluster's people and contact addresses), and never that we emailed when
    nobody at the cluster can be emailed."""
    from sendfund.accounts.selectors import cluster_recipients

    emails = cluster_recipients(cluster=cluster)
    if emails:
        return f"We emailed the cluster at {', '.join(emails)}."
    return (f"Nobody at {cluster.name} was emailed: the cluster has no people who can sign in and no email address "
            "for its host or SEND lead. Tell them yourself, and add the host's address on the invitations page.")
