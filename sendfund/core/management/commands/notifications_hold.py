"""After a restore: hold the emails the backup still shows as unsent, so the restored copy sends none twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sendfund.core.outbox import outbox_hold_before


class Command(BaseCommand):
    help = ("Hold every email written before the given time that is not marked sent (run on a restored copy "
            "before email is unpaused). Held emails are listed on the officer's email page with a retry button.")

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True,
                            help="When the backup was taken, ISO 8601 with a time zone, e.g. 2026-11-30T05:00:00Z")

    def handle(self, *args, before: str, **options):
        try:
            when = dt.datetime.fromisoformat(before)
        except ValueError as exc:
            raise CommandError("Give --before as an ISO 8601 time, e.g. 2026-11-30T05:00:00Z") from exc
        if when.tzinfo is None:
            raise CommandError("Give --before with a time zone, e.g. 2026-11-30T05:00:00Z")
        held = outbox_hold_before(before=when)
        self.stdout.write(f"Held {held} email(s) written before {when.isoformat()}.")
