import datetime as dt

from django.core.management.base import CommandError

from sendfund.registry.census import census_import, layouts
from sendfund.registry.names import name_keyed_import

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
        parser.add_argument("--mapping", help="for a file that names schools without URNs: the officer's reviewed "
                                              "mapping from match_school_names")
        parser.add_argument("--la-name", help="with --mapping: only the rows whose la_name is this")

    def handle(self, *args, **options):
        if options["mapping"]:
            if options["year"] is None:
                raise CommandError("Give the academic year with --year")
            self.run_import(lambda **kw: name_keyed_import(**kw)[0], path=options["path"], mapping=options["mapping"],
                            la_code=options["la"], academic_year=options["year"], la_name=options["la_name"])
            return
        self.run_import(census_import, path=options["path"], la_code=options["la"], academic_year=options["year"],
                        census_date=options["census_date"], add_missing_schools=options["add_missing_schools"],
                        layout=options["layout"], encoding=options["encoding"])
