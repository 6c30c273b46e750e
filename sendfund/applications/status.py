"""The one place that turns where an application is into words for its cluster.

An application's own status says how far the cluster has got (draft, waiting for sign-off, submitted);
once submitted, its case's state says what the council is doing with it. Every cluster page shows
`status_for_cluster(application)`, so a withdrawn or funded application never reads "Submitted" and
one waiting for sign-off never reads "Draft". Case states are matched by their stored values, so this
module needs nothing from casework (a higher layer); casework's tests check every state has words here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatusWords:
    text: str
    colour: str  # a GOV.UK tag colour


APPLICATION_WORDS = {
    "draft": StatusWords("Draft", "grey"),
    "awaiting_sign_off": StatusWords("Waiting for sign-off", "yellow"),
    "submitted": StatusWords("Submitted", "blue"),
}

CASE_WORDS = {
    "submitted": StatusWords("Submitted", "blue"),
    "acknowledged": StatusWords("Received by the council", "light-blue"),
    "meeting_arranged": StatusWords("Meeting arranged", "light-blue"),
    "under_assessment": StatusWords("Being assessed", "light-blue"),
    "recommended": StatusWords("Waiting for a decision", "light-blue"),
    "information_requested": StatusWords("More information needed", "orange"),
    "offer_accepted": StatusWords("Offer accepted", "green"),
    "in_delivery": StatusWords("Funded: in delivery", "green"),
    "closed": StatusWords("Closed", "grey"),
    "withdrawn": StatusWords("Withdrawn", "grey"),
}

# A decided case reads by its outcome.
DECIDED_WORDS = {
    "approved": StatusWords("Approved: offer made", "purple"),
    "approved_in_part": StatusWords("Approved in part: offer made", "purple"),
    "declined": StatusWords("Not approved", "red"),
}


def status_for_cluster(application) -> StatusWords:
    """Words and a tag colour for where `application` is, as its cluster should read it."""
    case = getattr(application, "case", None)
    if case is None or application.status != "submitted":
        return APPLICATION_WORDS[application.status]
    if case.status == "decided":
        return DECIDED_WORDS.get(case.outcome, StatusWords("Decided", "purple"))
    return CASE_WORDS[case.status]
