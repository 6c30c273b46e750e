"""python manage.py formula_allocate --schools FILE.csv --pot AMOUNT --version FILE.json --output FILE.csv

A thin wrapper over `sendfund.formula.fileio.run` (file formats: sendfund/formula/README.md).
Bad input: a message naming the file, row and column on stderr, and exit status 1.
"""

from django.core.management.base import BaseCommand, CommandError

from sendfund.formula.fileio import FormulaInputError, run


class Command(BaseCommand):
    help = "Allocate a cluster SEND pot by a formula version, from files, without touching the database."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # The brief's interface has --version FILE.json, which Django's own --version would shadow:
        # let ours replace it (python -m django --version still prints Django's version).
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--schools", required=True, help="schools CSV: URN,cluster,<indicator columns>")
        parser.add_argument("--pot", required=True, help='the pot in pounds, e.g. "9400000.00"')
        parser.add_argument("--version", dest="version_file", required=True, help="formula version JSON")
        parser.add_argument("--output", required=True, help="output CSV, one row per cluster")
        parser.add_argument("--previous", help="last year's output CSV (protection and evidence over years)")
        parser.add_argument("--compare", dest="compare_with", help="current version JSON to compare with")
        parser.add_argument("--scenarios", type=int, default=0, help="weight scenarios for the sensitivity sweep")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--schools-output", help="also write one row per school to this CSV")

    def handle(self, *args, **o):
        try:
            result = run(schools=o["schools"], pot=o["pot"], version=o["version_file"], output=o["output"],
                         previous=o["previous"], compare_with=o["compare_with"], scenarios=o["scenarios"],
                         seed=o["seed"], schools_output=o["schools_output"])
        except FormulaInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
        self.stdout.write(f"Written to {o['output']}")
