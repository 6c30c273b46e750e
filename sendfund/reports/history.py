"""How the reports app's audit events read in a history (sendfund.core.history)."""

from sendfund.core.history import day, fy

DESCRIBE = {
    "forum_report.issued": lambda e: (
        f"{e.who} issued version {e.after.get('version', '')} of the Schools' Forum report for "
        f"{fy(e.after.get('financial_year'))}, for the meeting on {day(e.after.get('meeting_on'))}"),
}
