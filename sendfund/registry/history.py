"""How the registry's audit events read in a cluster's or school's history (sendfund.core.history)."""

from sendfund.core.history import listing
from sendfund.core.years import ay_label

LABELS = {"name": "name", "host_name": "host's name", "host_email": "host's email", "host_school": "host school",
          "send_lead_name": "SEND lead's name", "send_lead_email": "SEND lead's email",
          "is_illustrative": "illustrative"}


def _updated(e):
    order = list(LABELS)  # a fixed order: PostgreSQL's jsonb does not keep the payload's key order
    changed = sorted((k for k in e.after if e.before.get(k) != e.after.get(k) and not k.endswith("_id")),
                     key=lambda k: (order.index(k) if k in order else len(order), k))
    return (f"{e.who} changed the cluster's {listing([LABELS.get(k, k.replace('_', ' ')) for k in changed])}",
            [f"{LABELS.get(k, k)}: {e.after.get(k) or 'blank'} (was {e.before.get(k) or 'blank'})"
             for k in changed])


def _imported(what):
    def describe(e):
        a = e.after
        return (f"{e.who} imported the {what} file {a.get('file', '')}",
                [f"{a.get('rows', 0)} rows: {a.get('created', 0)} added, {a.get('updated', 0)} updated."])
    return describe


DESCRIBE = {
    "cluster.created": lambda e: f"{e.who} created the cluster {e.after.get('name', '')}",
    "cluster.updated": _updated,
    "cluster.membership_set": lambda e: (
        f"{e.who} put the school in {e.after.get('cluster', '')} for {ay_label(int(e.after['academic_year']))}"
        + (f" (it was in {e.before['cluster']})" if e.before.get("cluster") else "")),
    "registry.census_imported": _imported("school census"),
    "registry.spine_imported": _imported("performance tables"),
    "registry.links_imported": _imported("school links"),
    "registry.council_set": lambda e: (
        f"{e.who} set the site up for {e.after.get('name', 'a council')} (LA {e.after.get('la_code', '')})",
        [f"Area code {e.after.get('area_code') or 'not known'}; open data identifier {e.after.get('org_id') or 'not set'}."]),
    "registry.council_setup_started": lambda e: f"{e.who} started setting up {e.after.get('council', 'a council')}",
    "registry.memberships_imported": lambda e: (f"{e.who} imported the cluster list {e.after.get('file', '')}",
                                                [f"{e.after.get('rows', 0)} rows."]),
    "registry.memberships_carried_forward": lambda e: (
        f"{e.who} carried the clusters forward from {ay_label(int(e.after['from_year']))} to "
        f"{ay_label(int(e.after['to_year']))}",
        [f"{e.after.get('continuing', 0)} schools stayed; {len(e.after.get('converted') or [])} converted; "
         f"{len(e.after.get('closed') or [])} closed."]),
}
