"""How the formula's audit events read in a history (sendfund.core.history)."""

from sendfund.core.years import ay_label, fy_label

DESCRIBE = {
    "formula.version_created": lambda e: f"{e.who} created the formula version {e.target_label}",
    "formula.version_updated": lambda e: f"{e.who} changed the formula version {e.target_label}",
    "formula.run_created": lambda e: (
        f"{e.who} ran the formula {e.after.get('version', '')} for {fy_label(int(e.after['financial_year']))} "
        f"on the census of {ay_label(int(e.after['academic_year']))}"),
}
