from sendfund.registry.memberships import cluster_memberships_import

from ._base import ImportCommand


class Command(ImportCommand):
    help = ("Load a council's own cluster lists from a CSV: urn (or laestab), cluster, academic_year, and optionally "
            "host_urn, host_email, send_lead_email. All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--la", type=int, required=True, help="DfE LA code of the council")

    def handle(self, *args, **options):
        self.run_import(cluster_memberships_import, path=options["path"], la_code=options["la"])
