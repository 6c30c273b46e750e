"""How monitoring's audit events read in a history (sendfund.core.history)."""

from sendfund.core.history import day, listing, money
from sendfund.core.years import ay_label

DESCRIBE = {
    "monitoring.schedule_changed": lambda e: f"{e.who} changed the monitoring returns {e.target_label} asks for",
    "return.scheduled": lambda e: f"The {e.after.get('kind', '')} return was set, due on {day(e.after.get('due_on'))}",
    "return.section_saved": lambda e: f"{e.who} saved the return's {str(e.after.get('section', '')).replace('-', ' ')}",
    "return.evidence_attached": lambda e: f"{e.who} attached {e.after.get('name', 'a file')} to the return",
    "return.evidence_removed": lambda e: f"{e.who} removed {e.before.get('name', 'a file')} from the return",
    "return.reminder_sent": lambda e: f"A reminder about the return was sent to {listing(list(e.after.get('to') or []))}",
    "return.underspend_proposed": lambda e: (
        f"{e.who} proposed what to do with {money(e.after.get('amount'))} not spent: "
        f"{str(e.after.get('action', '')).replace('_', ' ')}", [e.after["reason"]] if e.after.get("reason") else []),
    "return.underspend_confirmed": lambda e: (
        f"{e.who} confirmed what happens to the money not spent: {str(e.after.get('action', '')).replace('_', ' ')}"),
    "funding_lines.imported": lambda e: (f"{e.who} imported the SEND funding lines {e.target_label}",
                                         [f"{e.after.get('rows', 0)} lines, {money(e.after.get('total'))} in all."]),
    "health_check.framework_versioned": lambda e: f"{e.who} made version {e.after.get('version', '')} of the Health Check",
    "health_check.started": lambda e: f"{e.who} started the Health Check for {ay_label(int(e.after['academic_year']))}",
    "health_check.area_saved": lambda e: f"{e.who} saved the Health Check's {str(e.after.get('area', '')).replace('-', ' ')}",
    "health_check.area_moderated": lambda e: (
        f"{e.who} {'agreed' if e.after.get('agreed') else 'moderated'} the level for "
        f"{str(e.after.get('area', '')).replace('-', ' ')}", [e.after["reason"]] if e.after.get("reason") else []),
}
