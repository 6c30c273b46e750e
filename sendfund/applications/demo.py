"""Demo applications: a draft and a submitted one for the demo cluster, a submitted one for the other cluster.

`fill(...)` answers every section through the services, as a cluster would; the test world uses it too.
"""

import datetime as dt
from decimal import Decimal

from sendfund.accounts.roles import Role

from . import selectors, services
from .models import Application, Status

TEXT = {
    "unmet_need": ("Requests for SEN support have risen by a third in two years across our 9 schools. "
                   "38 pupils are waiting for speech and language support and our formula allocation "
                   "does not cover a shared specialist."),
    "current_practice": "Each school runs its own SEN support with a termly cluster SENCO meeting.",
    "want_to_develop": "A shared approach to early help for social, emotional and mental health needs.",
    "development_plan_priorities": "Earlier identification of need; shared training; transition from Year 6 to 7.",
    "action_plan_priorities": "Speech and language screening in Reception; a cluster outreach worker.",
    "after_funding": "Trained staff stay in post and the screening becomes part of each school's routine.",
    "how_agreed": "The heads of all member schools agreed the bid at their cluster meeting.",
}


def fill(application: Application, *, actor) -> Application:
    """Answer every section of a draft through the services (for the demo and the tests)."""
    a = application
    schools = selectors.application_member_schools(application=a)
    save = lambda key, answers: services.section_save(application=a, key=key, answers=answers,  # noqa: E731
                                                        completed=True, expected_version=None, actor=actor)
    save("cluster-details", {"details_correct": "yes", "corrections": ""})
    if a.wants_capacity:
        save("evidence-capacity", {"unmet_need": TEXT["unmet_need"]})
    if a.wants_development:
        save("evidence-development", {"current_practice": TEXT["current_practice"],
                                      "want_to_develop": TEXT["want_to_develop"]})
    save("plans", {"development_plan_priorities": TEXT["development_plan_priorities"],
                   "action_plan_priorities": TEXT["action_plan_priorities"]})
    first_year = a.financial_years[0]
    services.item_save(application=a, kind="activities", item=None, expected_version=None, actor=actor, data={
        "what": "Speech and language screening and small-group support", "delivered_by": "Cluster outreach worker",
        "schools": [s.pk for s in schools], "starts_on": dt.date(first_year, 9, 1),
        "ends_on": dt.date(first_year + 1, 7, 31)})
    for kind in a.streams_requested:
        services.item_save(application=a, kind="costs", item=None, expected_version=None, actor=actor, data={
            "stream_kind": kind, "category": "staff", "description": "Outreach worker, 3 days a week",
            "recurrence": "recurring",
            "amounts": {first_year: Decimal("12500.00"), first_year + 1: Decimal("7500.00")}})
    services.item_save(application=a, kind="outcomes", item=None, expected_version=None, actor=actor, data={
        "measure": "Pupils waiting for speech and language support", "baseline": "38", "target": "10",
        "by_when": dt.date(first_year + 1, 7, 31), "how_measured": "The cluster SENCO's termly count."})
    for kind in ("activities", "costs", "outcomes"):
        services.section_finish(application=a, kind=kind, finished=True, expected_version=None, actor=actor)
    save("sustainability", {"after_funding": TEXT["after_funding"]})
    holder = a.cluster.host_school or (schools[0] if schools else None)
    save("governance", {"how_agreed": TEXT["how_agreed"], "fund_holder": str(holder.urn) if holder else "",
                        "conflicts": ""})
    save("declarations", {"accurate": True, "no_pupil_data": True, "monitoring": True})
    return a


def submit(application: Application, *, writer, certifier) -> Application:
    services.application_transition(application=application, to=Status.AWAITING_SIGN_OFF, actor=writer)
    return services.application_transition(application=application, to=Status.SUBMITTED, actor=certifier)


def load(context) -> None:
    host, certifier = context.users[Role.CLUSTER_HOST], context.users[Role.CERTIFIER]
    submitted = services.application_start(cluster=context.demo_cluster, round=context.round,
                                           streams=["capacity", "development"], actor=host)
    submit(fill(submitted, actor=host), writer=host, certifier=certifier)
    # Started after the submitted one: a cluster has one application in progress per round and stream.
    draft = services.application_start(cluster=context.demo_cluster, round=context.round, streams=["capacity"],
                                       actor=host)
    services.section_save(application=draft, key="cluster-details", answers={"details_correct": "yes"},
                          completed=True, expected_version=None, actor=host)
    other_host = context.users["other_host"]
    from sendfund.accounts.demo import DEMO_PASSWORD
    from sendfund.accounts.services import membership_grant, user_create

    other = services.application_start(cluster=context.other_cluster, round=context.round, streams=["capacity"],
                                       actor=other_host)
    fill(other, actor=other_host)
    other_head = user_create(email="head2@cluster.example", full_name="Olu Other-Head", password=DEMO_PASSWORD)
    membership_grant(user=other_head, role=Role.CERTIFIER, cluster=context.other_cluster)
    submit(other, writer=other_host, certifier=other_head)
    context.applications = {"draft": draft, "submitted": submitted, "other": other}
    context.stdout.write("Applications: a draft and a submitted one for "
                         f"{context.demo_cluster.name}, a submitted one for {context.other_cluster.name}.")
