"""How the pot's ledger entries read in a history (sendfund.core.history)."""

from sendfund.core.history import money

WORDS = {"allocation": "allocated", "adjustment": "adjusted the pot by", "commitment": "committed",
         "payment": "recorded a payment of", "clawback": "clawed back"}


def _entry(kind):
    def describe(e):
        reference = e.after.get("reference")
        return f"{e.who} {WORDS[kind]} {money(e.after.get('amount'))}" + (f" for {reference}" if reference else "")
    return describe


DESCRIBE = {f"ledger.{kind}": _entry(kind) for kind in WORDS}
