"""The LA's casework queue (and its downloads) and the emails page with its retry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sendfund.accounts.decorators import requires
from sendfund.accounts.scoping import cluster_in_scope_or_404
from sendfund.core.downloads import Field, ListDownload, filters_shown
from sendfund.core.errors import DomainError
from sendfund.core.paging import query_without_page

from .. import forms, permissions, selectors
from ..models import State

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
    return render(request, "casework/queue.html", {
        "page": result, "rows": result.rows, "filters": filters, "states": State.choices,
        "filter_choices": selectors.queue_filter_choices(user=request.user),
        "waiting_labels": selectors.WAITING_LABELS.items(), "query": query_without_page(request),
    })


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
