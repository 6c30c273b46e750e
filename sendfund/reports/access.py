"""Who may open each reports URL (walked by tests/test_authorization.py): the open data is public."""

from sendfund.accounts.access import EVERYONE, Rule

RULES = [
    Rule("reports:open-data", EVERYONE, note="published open data: no sign-in"),
    Rule("reports:360giving-json", EVERYONE, note="published open data: no sign-in"),
    Rule("reports:360giving-xlsx", EVERYONE, note="published open data: no sign-in"),
]
