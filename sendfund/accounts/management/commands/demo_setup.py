"""Load the demo: each app's `demo.load(context)`, lowest layer first, then print one sign-in per role."""

from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse


class Command(BaseCommand):
    help = "Load the demonstration data (real Norfolk schools, illustrative clusters, a sign-in for each role)."

    def handle(self, *args, **options):
        from sendfund.accounts.models import User

        if User.objects.filter(email="officer@norfolk.example").exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            context = SimpleNamespace(stdout=self.stdout)
            # The demo's own emails (receipts, decisions) are kept in memory, not printed.
            with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}), \
                    transaction.atomic():
                for app in settings.INSTALLED_APPS:
                    if not app.startswith("sendfund."):
                        continue
                    try:
                        module = import_module(f"{app}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{app}.demo":
                            raise
                        continue
                    module.load(context)
        self.print_sign_ins()

    def print_sign_ins(self):
        from sendfund.accounts.demo import CLUSTER_PEOPLE, DEMO_PASSWORD, LA_PEOPLE
        from sendfund.accounts.models import User
        from sendfund.core.notify import site_url

        self.stdout.write(f"\nSign in at {site_url(reverse('accounts:sign-in'))} with the password "
                          f"{DEMO_PASSWORD} and one of these email addresses:\n")
        emails = [e for e, _n in [*LA_PEOPLE.values(), *CLUSTER_PEOPLE.values()]] + ["host2@cluster.example"]
        for user in sorted(User.objects.filter(email__in=emails).prefetch_related("memberships__organisation"),
                           key=lambda u: emails.index(u.email)):
            for m in user.memberships.all():
                self.stdout.write(f"  {m.get_role_display():<30} {m.organisation.name:<45} {user.email}")
