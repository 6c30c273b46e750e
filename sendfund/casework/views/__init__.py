"""Casework pages: /manage/casework/... for the LA, /apply/funding-decisions/... and /apply/requests/... for
clusters. Thin views: forms check shape (`core.forms.run_form` runs them), services check rules, selectors
read through the scoping rule. One module a page group; `urls.py` names them through this package."""

from ._common import _emailed_sentence
from .case import (
    acknowledge,
    assign,
    case_detail,
    decide,
    letter,
    letter_pdf,
    move,
    recommend,
    request_information,
    withdraw,
)
from .cluster import (
    apply_accept,
    apply_answer,
    apply_case,
    apply_cases,
    apply_letter_pdf,
    apply_meeting_ics,
    apply_requests,
)
from .invitations import cluster_contact, invitations, invite
from .meeting import meeting, meeting_ics, meeting_notes
from .money import awards, payments, payments_list
from .queue import email_retry, emails, queue
from .review import declare, moderation, review

__all__ = [
    "queue", "emails", "email_retry", "awards", "payments_list", "payments", "acknowledge", "case_detail",
    "assign", "move", "request_information", "recommend", "decide", "letter", "letter_pdf", "withdraw",
    "meeting", "meeting_notes", "meeting_ics", "declare", "review", "moderation", "apply_cases", "apply_meeting_ics",
    "apply_case", "apply_letter_pdf", "apply_accept", "apply_requests", "apply_answer", "invitations",
    "invite", "cluster_contact", "_emailed_sentence",
]
