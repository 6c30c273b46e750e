from django.core.management.base import BaseCommand, CommandError

from sendfund.core.errors import DomainError
from sendfund.registry.services import demo_clusters_build


class Command(BaseCommand):
    help = "Group an LA's schools into illustrative clusters around its secondary schools (see docs/adr/0005)."

    def add_arguments(self, parser):
        parser.add_argument("--la", type=int, default=926)
        parser.add_argument("--year", type=int, default=2018)

    def handle(self, *args, **options):
        try:
            clusters = demo_clusters_build(la_code=options["la"], academic_year=options["year"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{len(clusters)} illustrative clusters for LA {options['la']}.")
