"""Reads of core's own records (house rule 1): the email outbox."""

from .models import Notification


def notifications_list(*, undelivered_only: bool = False, limit: int = 200):
    """The newest emails first (one query), or only those not delivered: failed, held, or with nobody to send
    to. A sliced QuerySet of Notification, at most `limit`. Raises nothing. Every cluster's and the council's own,
    by design, so it takes no user: the outbox is the LA officer's page alone (casework's `can_manage_cases`)."""
    rows = Notification.objects.all()
    if undelivered_only:
        rows = rows.filter(status__in=Notification.UNDELIVERED)
    return rows.order_by("-created_at", "-id")[:limit]


def notifications_undelivered_count() -> int:
    """How many emails failed, were held after a restore, or had nobody to go to. One query. Raises nothing."""
    return Notification.objects.filter(status__in=Notification.UNDELIVERED).count()
