import datetime as dt

from sendfund.registry.census import census_import, layouts

from ._base import ImportCommand


class Command(ImportCommand):
    help = ("Load one LA's rows of a DfE census publication as dated school figures. The layout is recognised from "
            "the header: " + "; ".join(f"{code} ({lay.name})" for code, lay in layouts().items()) + ".")

    def add_arguments(self, parser):
        parser.add_argument("path", help="a CSV file, or a .csv.gz")
        parser.add_argument("--la", type=int, required=True, help="DfE LA code, e.g. 926 for Norfolk")
        parser.add_argument("--year", type=int, default=None,
                            help="Start year of the census's academic year (2022 = AY 2022/23), for a file that "
                                 "does not say; a file that does must agree")
        parser.add_argument("--census-date", type=dt.date.fromisoformat, default=None,
                            help="Census day (default: the third Thursday of January)")
        parser.add_argument("--layout", choices=sorted(layouts()), default=None,
                            help="Refuse the file unless it has this layout")
        parser.add_argument("--add-missing-schools", action="store_true",
                            help="Add schools that are not in the registry instead of stopping")
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args, **options):
        self.run_import(census_import, path=options["path"], la_code=options["la"], academic_year=options["year"],
                        census_date=options["census_date"], add_missing_schools=options["add_missing_schools"],
                        layout=options["layout"], encoding=options["encoding"])
