"""One case's LA pages: acknowledging, the case page, assigning, the simple moves, asking the cluster,
recommending, deciding, the decision letter and withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.selectors import clusters_nobody_can_email
from sendfund.core.errors import DomainError
from sendfund.core.forms import run_action, run_form

from .. import forms, permissions, selectors, services
from ..workflow import TRANSITIONS
from ._common import (
    SIMPLE_MOVES,
    _back,
    _case,
    _case_url,
    _decided,
    _emailed_sentence,
    _form,
    _letter_context,
    _pdf,
)


@requires(permissions.can_manage_cases)
def acknowledge(request, pk):
    application = selectors.application_to_acknowledge(user=request.user, pk=pk)
    from sendfund.applications.selectors import application_requested_amounts

    error = ""
    if request.method == "POST":
        try:
            case = services.case_acknowledge(application=application, actor=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"{case.reference} acknowledged. {_emailed_sentence(case.cluster)}")
            return _back(case.reference)
    requested = sorted(application_requested_amounts(application=application).items())
    return render(request, "casework/acknowledge.html", {"application": application, "requested": requested,
                                                         "error": error})


@requires(permissions.can_view_cases, load=_case)
def case_detail(request, case, reference):
    detail = selectors.case_detail(case=case)
    actions = selectors.case_actions(case=case, user=request.user, detail=detail)
    return render(request, "casework/case_detail.html", {
        "case": case, "nobody_to_email": bool(clusters_nobody_can_email(clusters=[case.cluster])), "d": detail,
        "offered": [a for a in actions if not a.reason], "waiting": [a for a in actions if a.reason],
    })


@requires(permissions.can_manage_cases, load=_case)
def assign(request, case, reference):
    form = _form(forms.AssignForm, request, initial={"officer": case.officer_id,
                                                     "education_specialist": case.education_specialist_id,
                                                     "business_specialist": case.business_specialist_id})
    done = run_form(request, form, lambda d: services.case_assign(case=case, actor=request.user, **d),
                    success_message="People assigned.", redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/form.html", {"case": case, "form": form, "title": "Assign people",
                                                  "button": "Save"})


@require_POST
@requires(permissions.can_view_cases, load=_case)
def move(request, case, reference, name):
    if name not in SIMPLE_MOVES:
        raise Http404("No such step")
    return run_action(request, lambda: services.case_transition(case=case, move=name, actor=request.user),
                      success_message=f"Done: {TRANSITIONS[name].label.lower()}.",
                      redirect_to=_case_url(reference))


@requires(permissions.can_manage_cases, load=_case)
def request_information(request, case, reference):
    form = _form(forms.QuestionForm, request)
    done = run_form(request, form,
                    lambda d: services.information_request(case=case, question=d["question"], actor=request.user),
                    success_message="Question sent. The case waits for the cluster's answer.",
                    redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/form.html", {"case": case, "form": form, "button": "Send the question",
                                                  "title": "Ask the cluster for more information"})


@requires(permissions.can_manage_cases, load=_case)
def recommend(request, case, reference):
    lines = list(case.lines.select_related("stream"))
    form = _form(forms.RecommendForm, request, lines=lines, field="recommended",
                 initial={"recommendation": case.recommendation})
    done = run_form(request, form, lambda d: services.case_recommend(
        case=case, amounts=form.amounts(), recommendation=d["recommendation"], actor=request.user),
        success_message="Recommendation sent for decision.", redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/form.html", {
        "case": case, "form": form, "title": "Recommend an award", "button": "Send for decision",
        "intro": "For each stream and financial year, recommend at most what the cluster asked for.",
        "moderation": selectors.case_moderation(case=case)})


@requires(permissions.can_decide, load=_case)
def decide(request, case, reference):
    from sendfund.funds.selectors import pot_balance

    lines = list(case.lines.select_related("stream"))
    form = _form(forms.DecideForm, request, lines=lines, field="recommended",
                 initial={"outcome": case.outcome, "reasons": case.reasons, "conditions": case.conditions})
    done = run_form(request, form, lambda d: services.case_decide(
        case=case, outcome=d["outcome"], amounts=form.amounts(), reasons=d["reasons"], conditions=d["conditions"],
        actor=request.user),
        success_message="Decision recorded. The cluster has been emailed its decision letter.",
        redirect_to=_case_url(reference))
    if done:
        return done
    remaining = [(line, pot_balance(stream=line.stream, financial_year=line.financial_year).remaining)
                 for line in lines]
    return render(request, "casework/form.html", {
        "case": case, "form": form, "title": "Decide", "button": "Record the decision", "remaining": remaining,
        "intro": "Award at most what was asked for and at most what is left in the pot. The money is committed "
                 "when you record the decision."})


@requires(permissions.can_view_cases, load=_case)
def letter(request, case, reference):
    case = _decided(case)
    return render(request, "casework/letter.html", {**_letter_context(case), "area": "manage"})


@requires(permissions.can_view_cases, load=_case)
def letter_pdf(request, case, reference):
    return _pdf(_decided(case))


@requires(permissions.can_manage_cases, load=_case)
def withdraw(request, case, reference):
    form = _form(forms.WithdrawForm, request)
    done = run_form(request, form, lambda d: services.case_withdraw(case=case, reason=d["reason"], actor=request.user),
                    success_message="Application withdrawn. Any money committed and not paid is back in the pot.",
                    redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/form.html", {"case": case, "form": form, "title": "Withdraw the application",
                                                  "button": "Withdraw", "warning": True})
