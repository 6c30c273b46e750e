import datetime as dt

from sendfund.registry.importers import DEFAULT_CENSUS_DATE, DEFAULT_CENSUS_YEAR, census_import

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Load one LA's rows of a DfE school census file (england_census.csv layout) as dated school figures."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--la", type=int, required=True, help="DfE LA code, e.g. 926 for Norfolk")
        parser.add_argument("--year", type=int, default=DEFAULT_CENSUS_YEAR,
                            help="Start year of the census's academic year (2018 = AY 2018/19)")
        parser.add_argument("--census-date", type=dt.date.fromisoformat, default=DEFAULT_CENSUS_DATE)
        parser.add_argument("--add-missing-schools", action="store_true",
                            help="Add schools that are not in the registry instead of stopping")
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args, **options):
        self.run_import(census_import, path=options["path"], la_code=options["la"], academic_year=options["year"],
                        census_date=options["census_date"], add_missing_schools=options["add_missing_schools"],
                        encoding=options["encoding"])
