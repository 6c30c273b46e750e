"""The demo's Schools' Forum report: one report for the current financial year, issued by the LA officer through
the real service (audited, its PDF frozen), so a demo Forum member's home lists a report to open.

`load(context)` runs after monitoring's demo (INSTALLED_APPS order), so the report holds the demo's awards,
returns, Health Checks and all SEND money.
"""

import datetime as dt

from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.core.years import financial_year_of, fy_label

from .services import forum_report_issue

MEETING_IN_DAYS = 14  # the demo's next Forum meeting


def load(context) -> None:
    today = timezone.localdate()
    report = forum_report_issue(financial_year=financial_year_of(today), meeting_on=today + dt.timedelta(
        days=MEETING_IN_DAYS), actor=context.users[Role.LA_OFFICER])
    context.stdout.write(f"Schools' Forum report: {fy_label(report.financial_year)}, version {report.version}")
