from sendfund.registry.importers import links_import

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Load GIAS predecessor and successor links (links_edubasealldata.csv layout) for schools in the registry."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--encoding", default="utf-8-sig",
                            help="GIAS downloads are Windows-1252: pass --encoding cp1252 for an unconverted file")

    def handle(self, *args, **options):
        self.run_import(links_import, path=options["path"], encoding=options["encoding"])
