"""Send today's monitoring return reminders. Run it once a day (see the README's production notes)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from sendfund.monitoring.services import reminders_send_due


class Command(BaseCommand):
    help = "Email the cluster host and SEND lead about returns due soon, due today or overdue (each reminder once)."

    def handle(self, *args, **options):
        sent = reminders_send_due(today=timezone.localdate())
        self.stdout.write(f"Sent {len(sent)} reminder{'s' if len(sent) != 1 else ''}.")
