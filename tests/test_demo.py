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
    _monitoring_is_populated(printed)
    _the_forum_has_a_report(printed)
    call_command("demo_setup", stdout=StringIO())  # a second run changes nothing and does not fail


def _monitoring_is_populated(printed):
    """Returns in every state (one overdue), Health Checks for two academic years, and an impact page with a
    before and after against comparable clusters from the real census files."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from sendfund.accounts.models import User
    from sendfund.casework.models import Case
    from sendfund.monitoring import impact
    from sendfund.monitoring.models import HealthCheck, MonitoringReturn, ReturnStatus

    assert set(MonitoringReturn.objects.values_list("status", flat=True)) == set(ReturnStatus.values)
    assert MonitoringReturn.objects.filter(status__in=[ReturnStatus.DRAFT, ReturnStatus.AWAITING_SIGN_OFF],
                                           due_on__lt=timezone.localdate()).count() == 1
    assert len(set(HealthCheck.objects.values_list("academic_year", flat=True))) == 2
    case = Case.objects.get(accepted_at__year=2021)
    result = impact.cluster_impact(cluster=case.cluster)
    assert (result.before_year, result.after_year) == (2018, 2022) and result.comparable
    assert f"Impact: {case.reference}" in printed
    client = Client()
    client.force_login(User.objects.get(email="officer@norfolk.example"),
                       backend="sendfund.accounts.backends.EmailBackend")
    client.get("/healthz")
    page = client.get(reverse("monitoring:impact", kwargs={"cluster_pk": case.cluster_id})).content.decode()
    assert "Before: AY 2018/19. Latest: AY 2022/23." in page


def _the_forum_has_a_report(printed):
    """One Forum report for the current financial year, issued by the LA officer through the service (audited),
    listed on the Forum member's home with its PDF."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from sendfund.accounts.models import User
    from sendfund.core.models import AuditEvent
    from sendfund.core.years import financial_year_of, fy_label
    from sendfund.reports.models import IssuedReport

    year = financial_year_of(timezone.localdate())
    report = IssuedReport.objects.get()
    officer = User.objects.get(email="officer@norfolk.example")
    assert (report.financial_year, report.version, report.issued_by) == (year, 1, officer)
    assert AuditEvent.objects.filter(verb="forum_report.issued", actor=officer).count() == 1
    assert f"Schools' Forum report: {fy_label(year)}, version 1" in printed
    client = Client()
    client.force_login(User.objects.get(email="forum@norfolk.example"), backend="sendfund.accounts.backends.EmailBackend")
    client.get("/healthz")
    home = client.get(reverse("reports:forum-home")).content.decode()
    assert "No report has been issued to the Forum yet" not in home
    assert f"{fy_label(year)}, version 1" in home
    assert reverse("reports:forum-issued-pdf", kwargs={"pk": report.pk}) in home
