"""Deliver the email outbox: once, or as a long-running worker beside `db_worker` (`--loop`)."""

import time

from django.core.management.base import BaseCommand

from sendfund.core.outbox import outbox_deliver, worker_name


class Command(BaseCommand):
    help = "Send every due email in the outbox (emails whose lease ran out, or whose retry time has come)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, looking again every --every seconds")
        parser.add_argument("--every", type=float, default=10.0, help="Seconds between looks when --loop (10)")

    def handle(self, *args, loop: bool, every: float, **options):
        worker = worker_name()
        while True:
            tried = outbox_deliver(worker=worker)
            if tried and options["verbosity"] > 0:
                self.stdout.write(f"Tried {tried} email(s).")
            if not loop:
                return
            time.sleep(every)
