"""python manage.py load_bank_holidays FILE: add England and Wales bank holidays from a GOV.UK bank-holidays
JSON file (the format of https://www.gov.uk/bank-holidays.json), so working-day deadlines stay right after the
calendar bundled with the service ends."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendfund.core.calendar_load import bank_holidays_load
from sendfund.core.errors import DomainError
from sendfund.core.workdays import calendar_ends_on, forget_calendar


class Command(BaseCommand):
    help = "Load England and Wales bank holidays from a file in the GOV.UK bank-holidays JSON format."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GOV.UK bank-holidays JSON file, saved from gov.uk/bank-holidays.json")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it ({exc}).") from None
        try:
            loaded = bank_holidays_load(text=text, source=path.name)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        forget_calendar()
        self.stdout.write(f"{path.name}: {loaded.added} bank holidays added, {loaded.updated} updated, from "
                          f"{loaded.first:%-d %B %Y} to {loaded.last:%-d %B %Y}. Working days are now known to "
                          f"{calendar_ends_on():%-d %B %Y}.")
