from django.core.management.base import BaseCommand, CommandError

from sendfund.core.errors import DomainError
from sendfund.registry.setup import la_setup


class Command(BaseCommand):
    help = ("Set up any English council from the shipped national files: its schools (names, phases, types, "
            "postcodes, trusts), every census year shipped, the 2018-19 outcomes, and illustrative clusters for each "
            "census year that has no clusters yet. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--la", type=int, required=True, help="DfE LA code, e.g. 873 for Cambridgeshire")
        parser.add_argument("--org-id", default="", help="The council's org-id.guide identifier, e.g. GB-LAE-CAM")
        parser.add_argument("--no-clusters", action="store_true", help="Do not build illustrative clusters")

    def handle(self, *args, **options):
        try:
            la_setup(la_code=options["la"], org_id=options["org_id"], build_clusters=not options["no_clusters"],
                     progress=self.stdout.write)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
