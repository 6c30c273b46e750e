"""Who may open each reports URL (walked by tests/test_authorization.py): the open data is public; the Schools'
Forum report is for every LA role, Forum members included, and only an LA officer issues it.

A Forum member sees aggregates and clusters' public money only. FORUM_MEMBER_MAY_OPEN lists every page a Forum
member may open; sendfund/reports/tests/test_forum.py fails when any app's rule lets a Forum member open
another page (a single application, case, return, Health Check, score or person)."""

from sendfund.accounts.tests.access import EVERYONE, LA, Role, Rule

OFFICER = frozenset({Role.LA_OFFICER})

FORUM_MEMBER_MAY_OPEN = frozenset({
    "core:start", "core:help", "core:accessibility", "core:privacy", "core:cookies", "core:healthz",
    "accounts:home", "accounts:sign-in", "accounts:sign-out", "accounts:signed-out", "accounts:password-reset",
    "accounts:password-reset-sent", "accounts:password-reset-confirm", "manage-home",
    "api-tokens:list", "api-tokens:docs", "api:openapi-json",  # their own tokens; the API's public description
    "reports:open-data", "reports:360giving-json", "reports:360giving-xlsx",
    "reports:forum-home", "reports:forum-report", "reports:forum-issued", "reports:forum-issued-pdf",
})

def _issued(world) -> dict:
    """One issued report of this financial year, made the first time a walker asks for it (rendering the PDF
    takes about a second, so the many tests that build the world without walking these pages do not pay it)."""
    if getattr(world, "forum_report", None) is None:
        from django.utils import timezone

        from sendfund.core.years import financial_year_of

        from ..services import forum_report_issue

        world.forum_report = forum_report_issue(financial_year=financial_year_of(timezone.localdate()),
                                                meeting_on=timezone.localdate(), actor=world.users[Role.LA_OFFICER])
    return {"pk": world.forum_report.pk}


RULES = [
    Rule("reports:open-data", EVERYONE, note="published open data: no sign-in"),
    Rule("reports:360giving-json", EVERYONE, note="published open data: no sign-in"),
    Rule("reports:360giving-xlsx", EVERYONE, note="published open data: no sign-in"),
    Rule("reports:forum-home", LA, note="aggregates only: every LA role, Forum members included"),
    Rule("reports:forum-report", LA),
    Rule("reports:forum-issue", OFFICER),
    Rule("reports:forum-issue", OFFICER, method="post", data=lambda w: {"year": "2000"},
         note="the meeting date is missing, so the officer sees the form's errors"),
    Rule("reports:forum-issued", LA, kwargs=_issued),
    Rule("reports:forum-issued-pdf", LA, kwargs=_issued),
]
