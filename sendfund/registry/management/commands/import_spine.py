from sendfund.registry.importers import spine_import

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Load one LA's schools from a DfE performance-tables spine file (name, town, postcode, type, status)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--la", type=int, required=True, help="DfE LA code, e.g. 926 for Norfolk")
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args, **options):
        self.run_import(spine_import, path=options["path"], la_code=options["la"], encoding=options["encoding"])
