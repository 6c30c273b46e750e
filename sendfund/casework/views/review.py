"""Scoring: the conflict-of-interest declaration, the specialist's review and the moderation page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from sendfund.accounts.decorators import requires
from sendfund.core.forms import run_form

from .. import forms, permissions, selectors, services
from ._common import _back, _case, _case_url, _form


@requires(permissions.can_review, load=_case)
def declare(request, case, reference):
    form = _form(forms.DeclarationForm, request)
    done = run_form(
        request, form, lambda d: services.conflict_declare(case=case, user=request.user, **d),
        success_message=lambda _: ("Your conflict of interest is recorded. You will not score this case; the "
                                   "officer will assign someone else." if form.cleaned_data["has_conflict"] else ""),
        redirect_to=lambda _: (_case_url(reference) if form.cleaned_data["has_conflict"]
                               else reverse("casework:review", kwargs={"reference": reference})))
    if done:
        return done
    return render(request, "casework/form.html", {
        "case": case, "form": form, "title": "Declare your interests", "button": "Continue",
        "intro": "Before you score, say whether you have a conflict of interest. If you do, you will not score."})


@requires(permissions.can_review, load=_case)
def review(request, case, reference):
    kind = selectors.review_kind_for(case=case, user=request.user)
    if not kind:
        raise Http404("Not your review")
    declaration = case.declarations.filter(user=request.user).first()
    if declaration is None:
        return redirect("casework:declare", reference=reference)
    if declaration.has_conflict:
        messages.info(request, "You declared a conflict of interest in this case, so you do not score it.")
        return _back(reference)
    existing_review = case.reviews.filter(kind=kind).prefetch_related("scores").first()
    existing = {s.criterion_id: s for s in existing_review.scores.all()} if existing_review else {}
    form = _form(forms.ReviewForm, request, criteria=selectors.criteria(), existing=existing,
                 initial={"summary": existing_review.summary if existing_review else ""})
    finish = request.POST.get("action") == "finish"
    done = run_form(request, form, lambda d: services.review_save(case=case, reviewer=request.user,
                                                                   scores=form.scores(), summary=d["summary"],
                                                                   finish=finish),
                    success_message="Review finished." if finish else "Scores saved.",
                    redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/review.html", {"case": case, "form": form, "kind": kind,
                                                    "declaration": declaration, "review": existing_review})


@requires(permissions.can_view_cases, load=_case)
def moderation(request, case, reference):
    return render(request, "casework/moderation.html", {"case": case, "m": selectors.case_moderation(case=case)})
