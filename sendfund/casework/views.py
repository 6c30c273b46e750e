"""Casework pages: /manage/casework/... for the LA, /apply/funding-decisions/... and /apply/requests/... for
clusters. Thin views: forms check shape, services check rules, selectors read through the scoping rule."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404
from sendfund.accounts.selectors import clusters_nobody_can_email
from sendfund.applications.status import status_for_cluster
from sendfund.core.downloads import Field, ListDownload, filters_shown
from sendfund.core.errors import DomainError
from sendfund.core.forms import run_form
from sendfund.core.paging import query_without_page

from . import forms, letters, permissions, selectors, services
from .models import Case, Instalment, State
from .workflow import TRANSITIONS, allows, offered_moves

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


# --- the LA's pages ---------------------------------------------------------------------------------

QUEUE_DOWNLOAD: ListDownload[selectors.QueueRow] = ListDownload(
    "casework", "Casework: applications and cases", [
    Field("Reference", lambda r: r.reference), Field("Cluster", lambda r: r.cluster_name, width=30),
    Field("Stream", lambda r: r.streams), Field("State", lambda r: r.state_label, width=24),
    Field("Waiting for", lambda r: selectors.WAITING_LABELS.get(r.waiting_for, r.waiting_for)),
    Field("Submitted", lambda r: r.submitted_on, "date"),
    Field("Signed off late", lambda r: "Yes" if r.late else "No"),
    Field("Next step", lambda r: r.due_what), Field("Due", lambda r: r.due_on, "date"),
    Field("Overdue", lambda r: "Yes" if r.overdue else "No"), Field("Officer", lambda r: r.officer)])


@requires(permissions.can_view_cases)
def queue(request, fmt=None):
    filters, page = forms.queue_filters(request.GET)
    if fmt:
        choices = selectors.queue_filter_choices(user=request.user)
        return QUEUE_DOWNLOAD.response(request, fmt, selectors.case_queue_page(
            user=request.user, filters=filters, per_page=None).rows, filters=filters_shown(request.GET, {
                "state": ("State", dict(State.choices)), "waiting": ("Waiting for", selectors.WAITING_LABELS),
                "stream": ("Stream", {"capacity": "Capacity", "development": "Development"}),
                "round": ("Round", dict(choices["rounds"])), "cluster": ("Cluster", dict(choices["clusters"])),
                "officer": ("Officer", dict(choices["officers"])), "overdue": ("Overdue only", {"1": "Yes"})}))
    result = selectors.case_queue_page(user=request.user, filters=filters, page=page,
                                       per_page=selectors.QUEUE_PAGE_SIZE)
    unreachable = clusters_nobody_can_email(clusters={r.case.cluster for r in result.rows if r.case})
    return render(request, "casework/queue.html", {
        "page": result, "rows": result.rows, "unreachable": unreachable, "filters": filters, "states": State.choices,
        "filter_choices": selectors.queue_filter_choices(user=request.user),
        "waiting_labels": selectors.WAITING_LABELS.items(), "query": query_without_page(request),
    })


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _money_filters_shown(request, choices) -> list[tuple[str, str]]:
    return filters_shown(request.GET, {
        "stream": ("Stream", selectors.STREAM_NAMES), "year": ("Financial year", dict(choices["years"])),
        "round": ("Round", dict(choices["rounds"])), "cluster": ("Cluster", dict(choices["clusters"])),
        "status": ("Payment", selectors.PAYMENT_STATUSES)})


def _money_choices(request) -> dict:
    from sendfund.core.years import fy_label

    choices = selectors.queue_filter_choices(user=request.user)
    today = timezone.localdate()
    first = today.year - 1 if today.month < 4 else today.year
    choices["years"] = [(y, fy_label(y)) for y in range(first + 1, first - 4, -1)]
    return choices


AWARDS_DOWNLOAD: ListDownload[selectors.Award] = ListDownload("awards", "Awards", [
    Field("Reference", lambda c: c.reference), Field("Cluster", lambda c: c.cluster.name, width=30),
    Field("Round", lambda c: c.application.round.name, width=24), Field("Outcome", lambda c: c.get_outcome_display()),
    Field("State", lambda c: c.get_status_display(), width=20), Field("Decided", lambda c: _local(c.decided_at), "datetime"),
    Field("Capacity awarded", lambda c: c.awarded_capacity or 0, "money"),
    Field("Development awarded", lambda c: c.awarded_development or 0, "money"),
    Field("Total awarded", lambda c: c.awarded or 0, "money"), Field("Paid", lambda c: c.paid or 0, "money")])


@requires(permissions.can_view_cases)
def awards(request, fmt=None):
    """Every award the user may see (decided with an offer), with what was awarded and paid."""
    filters = forms.money_filters(request.GET)
    choices = _money_choices(request)
    rows = selectors.awards_for_user(user=request.user, filters=filters)
    if fmt:
        return AWARDS_DOWNLOAD.response(request, fmt, rows, filters=_money_filters_shown(request, choices))
    return render(request, "casework/awards.html", {
        "page": Paginator(rows, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page")), "filters": filters,
        "choices": choices, "streams": selectors.STREAM_NAMES.items(), "query": query_without_page(request)})


PAYMENTS_DOWNLOAD: ListDownload[Instalment] = ListDownload("payments", "Payments", [
    Field("Reference", lambda i: i.case.reference), Field("Cluster", lambda i: i.case.cluster.name, width=30),
    Field("Stream", lambda i: i.stream.get_kind_display()), Field("Financial year", lambda i: _fy(i.financial_year)),
    Field("Instalment", lambda i: i.number, "integer"), Field("Due", lambda i: i.due_on, "date"),
    Field("Amount", lambda i: i.amount, "money"),
    Field("Status", lambda i: selectors.PAYMENT_STATUSES[selectors.payment_status(i)]),
    Field("Paid on", lambda i: i.paid_on, "date"), Field("Recorded by", lambda i: i.paid_by.full_name if i.paid_by else "")])


def _fy(year):
    from sendfund.core.years import fy_label

    return fy_label(year)


@requires(permissions.can_view_cases)
def payments_list(request, fmt=None):
    """Every instalment of the awards the user may see: not due yet, due and not paid, or paid."""
    filters = forms.money_filters(request.GET)
    choices = _money_choices(request)
    rows = selectors.payments_for_user(user=request.user, filters=filters)
    if fmt:
        return PAYMENTS_DOWNLOAD.response(request, fmt, rows, filters=_money_filters_shown(request, choices))
    page = Paginator(rows, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "casework/payments_list.html", {
        "page": page, "rows": [(i, selectors.PAYMENT_STATUSES[selectors.payment_status(i, today)]) for i in page],
        "filters": filters, "choices": choices, "streams": selectors.STREAM_NAMES.items(),
        "statuses": selectors.PAYMENT_STATUSES.items(), "query": query_without_page(request)})


@requires(permissions.can_manage_cases)
def emails(request):
    """What was emailed to whom about what, what failed and why, with a retry for failed and held emails."""
    from sendfund.core.selectors import notifications_list, notifications_undelivered_count

    undelivered_only = request.GET.get("show") == "undelivered"
    return render(request, "casework/emails.html", {
        "rows": notifications_list(undelivered_only=undelivered_only), "undelivered_only": undelivered_only,
        "undelivered_count": notifications_undelivered_count(),
    })


@require_POST
@requires(permissions.can_manage_cases)
def email_retry(request, pk):
    from django.shortcuts import get_object_or_404

    from sendfund.core.models import Notification
    from sendfund.core.outbox import notification_retry

    notification = get_object_or_404(Notification, pk=pk)
    try:
        if notification.status == Notification.Status.NO_RECIPIENT and notification.cluster_id:
            from sendfund.accounts.selectors import cluster_recipients
            from sendfund.core.outbox import notification_readdress
            cluster = cluster_in_scope_or_404(request.user, pk=notification.cluster_id)
            sent = notification_readdress(notification=notification, to=cluster_recipients(cluster=cluster),
                                          actor=request.user)
            messages.success(request, f"The email will be sent to {len(sent)} "
                                      f"{'person' if len(sent) == 1 else 'people'} at {cluster.name}.")
        else:
            notification_retry(notification=notification, actor=request.user)
            messages.success(request, f"The email to {notification.recipient} will be sent again.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('casework:emails')}?show=undelivered")


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


@requires(permissions.can_manage_cases, load=_case)
def meeting(request, case, reference):
    current = getattr(case, "meeting", None) if hasattr(case, "meeting") else None
    initial = {"duration_minutes": 60, "cluster_attendees": "\n".join(
        filter(None, [f"{case.cluster.host_name} (cluster host)" if case.cluster.host_name else "",
                      f"{case.cluster.send_lead_name} (cluster SEND lead)" if case.cluster.send_lead_name else ""])),
        "la_attendees": [u for u in (case.officer_id, case.education_specialist_id, case.business_specialist_id) if u]}
    if current:
        local = timezone.localtime(current.starts_at)
        initial.update(day=local.date(), time=local.time().replace(second=0), duration_minutes=current.duration_minutes,
                       place=current.place, online_link=current.online_link,
                       cluster_attendees=current.cluster_attendees,
                       la_attendees=list(current.la_attendees.values_list("pk", flat=True)))
    form = _form(forms.MeetingForm, request, initial=initial)
    done = run_form(request, form, lambda d: services.meeting_arrange(
        case=case, starts_at=d["starts_at"], duration_minutes=d["duration_minutes"], place=d["place"],
        online_link=d["online_link"], cluster_attendees=d["cluster_attendees"], la_attendees=list(d["la_attendees"]),
        actor=request.user),
        success_message=lambda _: ("Meeting arranged. The council's attendees have been emailed a calendar "
                                   "invitation. " + _emailed_sentence(case.cluster)),
        redirect_to=_case_url(reference))
    if done:
        for warning in form.warnings:
            messages.warning(request, warning)
        return done
    return render(request, "casework/form.html", {
        "case": case, "form": form, "title": "Rearrange the meeting" if current else "Arrange the meeting",
        "button": "Send the invitation",
        "intro": "Meet the cluster host and the cluster's representatives with the council's education and "
                 "business specialists. Everyone gets an email with a calendar invitation."})


@requires(permissions.can_manage_cases, load=_case)
def meeting_notes(request, case, reference):
    if not hasattr(case, "meeting"):
        raise Http404("No meeting")
    form = _form(forms.NotesForm, request, initial={"notes": case.meeting.notes, "actions": case.meeting.actions})
    done = run_form(request, form, lambda d: services.meeting_record_notes(case=case, actor=request.user, **d),
                    success_message="Notes and actions recorded.", redirect_to=_case_url(reference))
    if done:
        return done
    return render(request, "casework/form.html", {"case": case, "form": form, "title": "Record the meeting",
                                                  "button": "Save notes"})


@requires(permissions.can_view_cases, load=_case)
def meeting_ics(request, case, reference):
    from .notifications import meeting_ics_text

    if not hasattr(case, "meeting"):
        raise Http404("No meeting")
    body = meeting_ics_text(case.meeting, cancel=case.meeting.cancelled_at is not None)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-meeting.ics"'
    return response


@require_POST
@requires(permissions.can_view_cases, load=_case)
def move(request, case, reference, name):
    if name not in SIMPLE_MOVES:
        raise Http404("No such step")
    try:
        services.case_transition(case=case, move=name, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Done: {TRANSITIONS[name].label.lower()}.")
    return _back(reference)


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


@requires(permissions.can_view_cases, load=_case)
def letter(request, case, reference):
    case = _decided(case)
    return render(request, "casework/letter.html", {**_letter_context(case), "area": "manage"})


@requires(permissions.can_view_cases, load=_case)
def letter_pdf(request, case, reference):
    return _pdf(_decided(case))


@requires(permissions.can_record_payments, load=_case)
def payments(request, case, reference):
    form = _form(forms.PaymentForm, request)
    def pay(d) -> Instalment:
        instalment = case.instalments.filter(pk=d["instalment"]).first()
        if instalment is None:
            raise DomainError("Choose an instalment of this case.")
        services.instalment_pay(instalment=instalment, paid_on=d["paid_on"], actor=request.user)
        return instalment

    done = run_form(request, form, pay, success_message=lambda i: f"Payment of instalment {i.number} recorded.",
                    redirect_to=reverse("casework:payments", kwargs={"reference": reference}))
    if done:
        return done
    posted = ({"instalment": form.cleaned_data.get("instalment") if hasattr(form, "cleaned_data") else None,
               "paid_on": request.POST.get("paid_on", "")} if form.is_bound else {})
    return render(request, "casework/payments.html", {
        "case": case, "form": form, "today": timezone.localdate(), "posted": posted, "payments_open": allows(case, "pay"),
        "instalments": list(Instalment.objects.filter(case=case).select_related("stream", "paid_by"))})


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


# --- the cluster's pages ---------------------------------------------------------------------------------

@requires(permissions.can_view_funding_decisions)
def apply_cases(request, fmt=None):
    cases = selectors.cluster_cases(user=request.user)
    if fmt:
        return CLUSTER_CASES_DOWNLOAD.response(request, fmt, cases)
    return render(request, "casework/apply_cases.html", {"cases": list(cases)})


CLUSTER_CASES_DOWNLOAD: ListDownload[Case] = ListDownload("funding-decisions", "Your funding decisions", [
    Field("Reference", lambda c: c.reference), Field("Cluster", lambda c: c.cluster.name, width=30),
    Field("Stream", lambda c: c.application.streams_label),
    Field("Where it is", lambda c: status_for_cluster(c.application).text, width=24),
    Field("Submitted", lambda c: timezone.localdate(c.submitted_at), "date")])


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_case(request, case, reference):
    return render(request, "casework/apply_case.html", {
        **_letter_context(case), "meeting": getattr(case, "meeting", None) if hasattr(case, "meeting") else None,
        "requests": list(case.information_requests.all()),
        "history": selectors.case_history_for_cluster(case=case),
        "may_accept": _possible(offered_moves(case, request.user).get("accept_offer"))})


def _possible(offer) -> bool:
    return offer is not None and offer.possible


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_letter_pdf(request, case, reference):
    return _pdf(_decided(case))


@requires(permissions.can_view_funding_decisions, load=_case)
def apply_accept(request, case, reference):
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "Confirm that your cluster accepts the offer and its conditions"
        else:
            try:
                services.case_accept_offer(case=case, actor=request.user)
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, "You have accepted the offer. Your payment schedule is below.")
                return redirect("casework:apply-case", reference=reference)
    return render(request, "casework/apply_accept.html", {**_letter_context(case), "error": error,
                                                          "page_has_errors": bool(error)})


@requires(permissions.can_view_funding_decisions)
def apply_requests(request):
    return render(request, "casework/apply_requests.html", {
        "requests": list(selectors.cluster_open_requests(user=request.user))})


@requires(permissions.can_view_funding_decisions)
def apply_answer(request, pk):
    info = selectors.request_for_user(user=request.user, pk=pk)
    form = _form(forms.AnswerForm, request)
    done = run_form(request, form,
                    lambda d: services.information_answer(request=info, answer=d["answer"], actor=request.user),
                    success_message="Thank you. Your answer has been sent to the council.",
                    redirect_to=reverse("casework:apply-case", kwargs={"reference": info.case.reference}))
    if done:
        return done
    return render(request, "casework/apply_answer.html", {"info": info, "case": info.case, "form": form})


def _open_round():
    from sendfund.funds.selectors import round_open

    return round_open()


@requires(permissions.can_manage_cases)
def invitations(request):
    round_ = _open_round()
    run, candidates = selectors.invitation_candidates(round_=round_)
    return render(request, "casework/invitations.html", {"run": run, "candidates": candidates, "round": round_})


@require_POST
@requires(permissions.can_manage_cases)
def invite(request, code):
    cluster = cluster_in_scope_or_404(request.user, code=code)
    try:
        services.invitation_send(cluster=cluster, round_=_open_round(), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{cluster.name} has been invited to apply. {_emailed_sentence(cluster)}")
    return redirect("casework:invitations")


def _emailed_sentence(cluster) -> str:
    """Say who was emailed (the cluster's people and contact addresses), and never that we emailed when
    nobody at the cluster can be emailed."""
    from sendfund.accounts.selectors import cluster_recipients

    emails = cluster_recipients(cluster=cluster)
    if emails:
        return f"We emailed the cluster at {', '.join(emails)}."
    return (f"Nobody at {cluster.name} was emailed: the cluster has no people who can sign in and no email address "
            "for its host or SEND lead. Tell them yourself, and add the host's address on the invitations page.")


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
