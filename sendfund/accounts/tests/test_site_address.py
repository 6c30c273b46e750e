"""Links printed by the demo and written in emails point to the address the site runs at (make demo PORT=...)."""

import io
import subprocess
from pathlib import Path

import pytest

from sendfund.accounts.management.commands.demo_setup import Command
from sendfund.core.notify import site_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_the_demo_prints_the_sign_in_at_the_sites_own_address(settings):
    settings.SENDFUND_SITE_URL = "http://127.0.0.1:8103"
    out = io.StringIO()
    command = Command(stdout=out)
    command.print_sign_ins()
    assert "Sign in at http://127.0.0.1:8103/account/sign-in/" in out.getvalue()
    assert site_url("/apply/") == "http://127.0.0.1:8103/apply/"


def test_make_demo_gives_every_step_the_sites_own_address():
    """`make demo PORT=8103` passes its address to each step (make -n prints the steps without running them)."""
    steps = subprocess.run(["make", "-n", "--no-print-directory", "demo", "PORT=8103"], cwd=ROOT, capture_output=True,
                           text=True, check=True, env={"PATH": "/usr/bin:/bin"}).stdout.splitlines()
    django_steps = [s for s in steps if "manage.py" in s]
    assert len(django_steps) == 3 and django_steps[-1].endswith("runserver 127.0.0.1:8103")
    assert all("SENDFUND_SITE_URL=http://127.0.0.1:8103 " in s for s in django_steps)
