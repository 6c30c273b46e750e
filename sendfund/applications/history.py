"""How an application's audit events read in its history (sendfund.core.history): section titles, not keys."""

from sendfund.core.history import day, listing

from .models import DocumentKind

ITEM_WORDS = {"activities": "activity", "costs": "cost", "outcomes": "outcome"}


def _section(key) -> str:
    from .sections import BY_KEY

    spec = BY_KEY.get(key)
    return spec.title if spec else "a section"


def _kind(value) -> str:
    return DocumentKind(value).label if value in DocumentKind.values else "document"


def _section_saved(e):
    title = _section(e.after.get("section"))
    done = " and marked it completed" if e.after.get("completed") else ""
    return f"{e.who} saved '{title}'{done}"


def _item(kind, removed):
    def describe(e):
        values = e.before if removed else e.after
        text = values.get("what") or values.get("description") or values.get("measure") or ""
        verb = "removed" if removed else ("changed" if e.before else "added")
        return f"{e.who} {verb} the {ITEM_WORDS[kind]} '{text[:80]}'" if text else f"{e.who} {verb} an {ITEM_WORDS[kind]}"
    return describe


def _streams(values) -> str:
    return listing([str(s) for s in values or []])


def _submitted(e):
    a = e.after
    details = [f"Reference {a.get('reference', '')}."]
    if a.get("late"):
        details.append(f"Signed off after the round closed on {day(a.get('round_closes_on'))}, within the days "
                       "allowed for sign-off.")
    return f"{e.who} signed off and submitted the application", details


DESCRIBE = {
    "application.started": lambda e: f"{e.who} started the application for {_streams(e.after.get('streams'))} "
                                     f"funding in {e.after.get('round', '')}",
    "application.section_saved": _section_saved,
    "application.document_attached": lambda e: f"{e.who} attached the {_kind(e.after.get('kind'))} "
                                               f"'{e.after.get('name', '')}'",
    "application.document_removed": lambda e: f"{e.who} removed the {_kind(e.before.get('kind'))} "
                                              f"'{e.before.get('name', '')}'",
    **{f"application.{kind}_saved": _item(kind, False) for kind in ITEM_WORDS},
    **{f"application.{kind}_removed": _item(kind, True) for kind in ITEM_WORDS},
    "application.sign_off_requested": lambda e: (
        f"{e.who} sent the application to the head or chair to sign off",
        [f"It can be signed off until {day(e.after.get('sign_off_until'))} (the round closes on "
         f"{day(e.after.get('round_closes_on'))})."] if e.after.get("sign_off_until") else []),
    "application.submitted": _submitted,
    "application.sent_back": lambda e: (f"{e.who} sent the application back to be changed",
                                        [f"Why: {e.after.get('reason')}"] if e.after.get("reason") else []),
}

