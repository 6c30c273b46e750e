from sendfund.registry.census import census_import
from sendfund.registry.setup import OUTCOME_FILES

from ._base import ImportCommand


class Command(ImportCommand):
    help = ("Load one LA's 2018-19 absence and KS4 results from the shipped DfE files (data/dfe-school-outcomes/) "
            "as school figures for AY 2018/19: absence_pct, persistent_absence_pct, attainment8, progress8. "
            "Schools the registry does not hold are skipped. Give a path to load one file of either layout instead.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="an absence or KS4 file (default: both shipped files)")
        parser.add_argument("--la", type=int, required=True, help="DfE LA code, e.g. 926 for Norfolk")
        parser.add_argument("--year", type=int, default=None, help="academic year of a file you give (2018 = AY 2018/19)")

    def handle(self, *args, **options):
        files = [(options["year"], [options["path"]])] if options["path"] else OUTCOME_FILES
        for year, paths in files:
            for path in paths:
                self.run_import(census_import, path=path, la_code=options["la"], academic_year=year,
                                skip_unknown_schools=True)
