import csv

from django.core.management.base import BaseCommand, CommandError

from sendfund.core.errors import DomainError
from sendfund.registry.memberships import carry_forward_apply, carry_forward_plan
from sendfund.registry.models import Cluster


class Command(BaseCommand):
    help = ("Carry cluster memberships to a new academic year, following GIAS successor links. Without --apply it "
            "lists the converted, closed and new schools; with --apply and --decisions (a CSV of urn,cluster for "
            "every new school, cluster empty to leave it out) it writes them.")

    def add_arguments(self, parser):
        parser.add_argument("--la", type=int, required=True)
        parser.add_argument("--from-year", type=int, required=True, help="e.g. 2018 for AY 2018/19")
        parser.add_argument("--to-year", type=int, required=True, help="e.g. 2022 for AY 2022/23")
        parser.add_argument("--decisions", help="CSV: urn,cluster")
        parser.add_argument("--accept-suggestions", action="store_true",
                            help="Put each new school in the suggested cluster (the nearest host's)")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args, la, from_year, to_year, decisions, accept_suggestions, apply, **options):
        try:
            plan = carry_forward_plan(la_code=la, from_year=from_year, to_year=to_year)
            out = self.stdout.write
            out(f"{len(plan.continuing)} schools keep their cluster; {plan.already} are already placed.")
            for old, new, cluster in plan.converted:
                out(f"Converted: {old.name} (URN {old.urn}) -> URN {new.urn}, stays in {cluster.name}")
            for school, cluster in plan.closed:
                out(f"Closed: {school.name} (URN {school.urn}), was in {cluster.name}")
            for school, suggestion in plan.new:
                out(f"New: {school.name} (URN {school.urn}); suggested {suggestion.name if suggestion else 'none'}")
            if not apply:
                return
            chosen = {s.urn: c for s, c in plan.new} if accept_suggestions else {}
            if decisions:
                names = {c.name.lower(): c for c in Cluster.objects.all()}
                with open(decisions, encoding="utf-8-sig", newline="") as f:
                    for n, row in enumerate(csv.DictReader(f), start=2):
                        name = (row.get("cluster") or "").strip()
                        if name and name.lower() not in names:
                            raise DomainError(f"{decisions}, row {n} (counting the header as row 1), column cluster: "
                                              f"there is no cluster called {name}")
                        if not (row.get("urn") or "").isdigit():
                            raise DomainError(f"{decisions}, row {n} (counting the header as row 1), column urn: "
                                              "not a URN")
                        chosen[int(row["urn"])] = names.get(name.lower()) if name else None
            carry_forward_apply(la_code=la, from_year=from_year, to_year=to_year, new_schools=chosen)
            out("Applied.")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
