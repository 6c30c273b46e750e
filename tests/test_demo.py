"""`make demo` loads: the whole demo (every app's demo.load, through the services) runs to the end on an
empty database and prints a sign-in for every role."""

from io import StringIO

import pytest
from django.core.management import call_command

from sendfund.accounts.roles import Role


@pytest.mark.django_db(transaction=True)
def test_the_demo_loads_and_prints_a_sign_in_for_every_role():
    out = StringIO()
    call_command("demo_setup", stdout=out)
    printed = out.getvalue()
    for role in Role:
        assert role.label.split(" (")[0] in printed, role
    assert "demo-password-2026" in printed
    call_command("demo_setup", stdout=StringIO())  # a second run changes nothing and does not fail
