"""Deliver the email outbox: once, or as a long-running worker beside `db_worker` (`--loop`)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections

from sendfund.core.outbox import outbox_deliver, worker_name

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send every due email in the outbox (emails whose lease ran out, or whose retry time has come)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, looking again every --every seconds")
        parser.add_argument("--every", type=float, default=10.0, help="Seconds between looks when --loop (10)")

    def handle(self, *args, loop: bool, every: float, **options):
        worker = worker_name()
        while True:
            if not loop:
                tried = outbox_deliver(worker=worker)
            else:
                # A long-running worker outlives database restarts: take a fresh connection when the old one
                # has gone, and carry on (rows it was holding are taken again when their lease runs out).
                close_old_connections()
                try:
                    tried = outbox_deliver(worker=worker)
                except (OperationalError, InterfaceError) as exc:
                    log.warning("The email outbox could not be read: %s", exc)
                    tried = 0
            if tried and options["verbosity"] > 0:
                self.stdout.write(f"Tried {tried} email(s).")
            if not loop:
                return
            time.sleep(every)
