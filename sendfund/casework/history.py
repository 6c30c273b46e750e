"""How casework's audit events read in a case's history (sendfund.core.history). The council reads every
event; the cluster reads only those concerning it, without scores, notes, recommendations or internal reasons."""

from sendfund.core.history import amounts, day, fy, listing, moment, money, name

from .models import Outcome, State


def _state(value) -> str:
    return State(value).label.lower() if value in State.values else "changed"


def _outcome(value) -> str:
    return Outcome(value).label.lower() if value in Outcome.values else "not decided"


def _opened(e):
    return f"{e.who} opened the case", [f"Asked for {amounts(e.after.get('lines'), 'requested')}."]


def _assigned(e):
    roles = (("officer", "Officer"), ("education_specialist", "Education specialist"),
             ("business_specialist", "Business specialist"))
    changes = [f"{label}: {name(e.after.get(key))} (was {name(e.before.get(key))})"
               if e.before.get(key) != e.after.get(key) else f"{label}: {name(e.after.get(key))}"
               for key, label in roles]
    return f"{e.who} assigned people to the case", changes


def _arranged(e):
    a = e.after
    where = listing([a.get("place", ""), f"online at {a['online_link']}" if a.get("online_link") else ""])
    verb = "rearranged" if e.before else "arranged"
    details = [f"Where: {where}."]
    if not e.for_cluster:
        details.append("From the council: " + (listing([name(p) for p in a.get("la_attendees") or []]) or "nobody")
                       + ".")
    if e.before and e.before.get("starts_at") != a.get("starts_at"):
        details.append(f"It was {moment(e.before.get('starts_at'))}.")
    return f"{e.who} {verb} the meeting for {moment(a.get('starts_at'))}", details


def _cancelled(e):
    return (f"{e.who} cancelled the meeting of {moment(e.before.get('starts_at'))}",
            [f"Why: {e.after.get('why', 'not given')}.",
             f"Everyone invited was sent a cancellation ({len(e.after.get('attendees') or [])} people)."])


def _notes(e):
    return f"{e.who} recorded the meeting's notes", [f"Notes: {e.after.get('notes', '')}",
                                                      f"Agreed actions: {e.after.get('actions', '') or 'none'}"]


def _conflict(e):
    if e.after.get("has_conflict"):
        return (f"{name(e.after.get('specialist'))} declared a conflict of interest and will not score",
                [f"Details: {e.after.get('details', '')}"])
    return f"{name(e.after.get('specialist'))} declared no conflict of interest"


def _review(e):
    kind = e.after.get("kind", "")
    scores = e.after.get("scores") or []
    done = "finished" if e.verb == "review.finished" else "saved"
    details = [f"{s.get('criterion')}: {s.get('score')} out of 5. {s.get('justification')}" for s in scores]
    if e.after.get("summary"):
        details.append(f"Summary: {e.after['summary']}")
    return f"{e.who} {done} the {kind} review ({len(scores)} of the criteria scored)", details


def _answered(e):
    return f"{e.who} answered the council's question", [f"Question: {e.after.get('question', '')}",
                                                        f"Answer: {e.after.get('answer', '')}"]


def _paid(e):
    a = e.after
    return (f"{e.who} recorded payment of instalment {a.get('instalment')}: {money(a.get('amount'))} for "
            f"{a.get('stream', 'funding')} in {fy(a.get('financial_year'))}",
            [f"Paid on {day(a.get('paid_on'))}."])


def _move(words: str):
    def describe(e):
        return f"{e.who} {words}"
    return describe


def _recommend(e):
    a = e.after
    details = [f"Reasons: {a.get('recommendation', '')}"]
    if e.before.get("lines") and any(ln.get("recommended") is not None for ln in e.before["lines"]):
        details.append(f"Before: {amounts(e.before['lines'], 'recommended')}.")
    return f"{e.who} recommended {amounts(a.get('lines'), 'recommended')}", details


def _decide(e):
    a = e.after
    details = [f"Reasons: {a.get('reasons', '') or 'none given'}",
               f"Conditions: {a.get('conditions', '') or 'none'}"]
    if not e.for_cluster and a.get("recommendation"):
        details.append(f"The officer had recommended {amounts(a.get('lines'), 'recommended')}.")
    return (f"{e.who} decided: {_outcome(a.get('outcome'))}, awarding {amounts(a.get('lines'), 'decided')}",
            details)


def _accepted(e):
    return f"{e.who} accepted the offer", [
        f"Instalment {i.get('number')}: {money(i.get('amount'))} for {i.get('stream', 'funding')} in "
        f"{fy(i['financial_year'])}, due {day(i.get('due_on'))}." for i in e.after.get("instalments") or []]


def _requested(e):
    return f"{e.who} asked the cluster a question", [f"Question: {e.after.get('note') or ''}"]


def _withdraw(e):
    details = [f"Reason: {e.after.get('note') or 'not given'}"]
    if e.after.get("meeting_cancelled"):
        details.append("The meeting was cancelled.")
    if any(ln.get("decided") for ln in e.before.get("lines") or []):
        details.append("Money committed and not paid went back to the pot.")
    return f"{e.who} withdrew the application (it was {_state(e.before.get('status'))})", details


def _invited(e):
    a = e.after
    emailed = "We emailed the cluster host." if a.get("emailed") else "Nobody was emailed: the cluster has no " \
                                                                        "email address."
    return f"{e.who} invited the cluster to apply to {a.get('round', 'the round')} ({a.get('stream', '')})", [emailed]


DESCRIBE = {
    "case.opened": _opened,
    "case.assigned": _assigned,
    "meeting.arranged": _arranged,
    "meeting.cancelled": _cancelled,
    "meeting.notes_recorded": _notes,
    "case.conflict_declared": _conflict,
    "review.saved": _review,
    "review.finished": _review,
    "case.information_answered": _answered,
    "case.payment_recorded": _paid,
    "case.acknowledge": _move("acknowledged the application"),
    "case.arrange_meeting": _move("sent the meeting invitation"),
    "case.start_assessment": _move("started the assessment"),
    "case.recommend": _recommend,
    "case.decide": _decide,
    "case.accept_offer": _accepted,
    "case.start_delivery": _move("started delivery"),
    "case.close": _move("closed the case"),
    "case.request_information": _requested,
    "case.answer_information": _move("sent the cluster's answers"),
    "case.withdraw": _withdraw,
    "cluster.invited": _invited,
    "letter.issued": lambda e: ("The decision letter was issued" if e.after.get("kind") == "decision"
                                else "The decision letter was issued again with the payment schedule"),
    "case.instalment_reduced": lambda e: (
        f"{e.who} reduced instalment {e.after.get('instalment', '')} to {money(e.after.get('amount'))} "
        f"(it was {money(e.before.get('amount'))})", [e.after["note"]] if e.after.get("note") else []),
}
