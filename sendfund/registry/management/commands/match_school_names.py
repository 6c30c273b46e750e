from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendfund.core.errors import DomainError
from sendfund.registry.names import mapping_write, name_match


class Command(BaseCommand):
    help = ("Match the school names of a file without URNs to the registry and write the mapping for the officer to "
            "review (status exact / one candidate / several / none). Fill the urn column with a URN or 'skip' for "
            "every row, then: manage.py import_census FILE --la N --year Y --mapping MAPPING.csv")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--la", type=int, required=True)
        parser.add_argument("--year", type=int, required=True, help="academic year of the file (2022 = AY 2022/23)")
        parser.add_argument("--la-name", help="only the rows whose la_name is this (for a national file)")
        parser.add_argument("--out", required=True, help="where to write the mapping CSV")

    def handle(self, *args, **options):
        try:
            matches = name_match(path=options["path"], la_code=options["la"], academic_year=options["year"],
                                 la_name=options["la_name"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        Path(options["out"]).write_text(mapping_write(matches), encoding="utf-8")
        counts = Counter(m.status for m in matches)
        self.stdout.write(f"{len(matches)} rows: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                          + f". Review {options['out']} and fill in every empty urn (a URN, or skip).")
