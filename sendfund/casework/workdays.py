"""Casework's working-day targets. The calendar (weekends and England and Wales bank holidays, bundled and
loaded) is `sendfund.core.workdays`, shared with the applications' sign-off window."""

from sendfund.core.workdays import (  # noqa: F401  (casework's callers read them here)
    add_working_days,
    beyond_calendar,
    calendar_ends_on,
    is_working_day,
    latest_start_overdue_by,
    working_days_between,
)

# The service's targets (product.md part 5): acknowledge a submission, and contact the cluster host
# to arrange the meeting, within this many working days of submission.
ACKNOWLEDGE_WITHIN = 5
CONTACT_WITHIN = 10
# The cluster is asked to answer a request for more information within this many working days.
ANSWER_WITHIN = 10
