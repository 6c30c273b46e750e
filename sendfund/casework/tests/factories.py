"""Cases for tests, driven through the real services (the applications app's demo fills and submits)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.casework import services
from sendfund.casework.models import Case, Criterion, Outcome, State

# The order a case normally goes through.
PATH = [State.ACKNOWLEDGED, State.MEETING_ARRANGED, State.UNDER_ASSESSMENT, State.RECOMMENDED, State.DECIDED,
        State.OFFER_ACCEPTED, State.IN_DELIVERY, State.CLOSED]


def submitted_application(world, *, streams=("capacity", "development"), cluster=None):
    from sendfund.applications import services as app_services
    from sendfund.applications.demo import fill, submit

    cluster = cluster or world.cluster
    if cluster == world.cluster:
        host, certifier = world.users[Role.CLUSTER_HOST], world.users[Role.CERTIFIER]
    else:
        host = certifier = world.users["other_cluster_host"]
        from sendfund.accounts.services import membership_grant

        membership_grant(user=host, role=Role.CERTIFIER, cluster=cluster)
    application = app_services.application_start(cluster=cluster, round=world.round, streams=list(streams), actor=host)
    return submit(fill(application, actor=host), writer=host, certifier=certifier)


def score_all(case, user, value=4):
    scores = {c.code: (value, f"Scored {value} because the evidence is clear.") for c in Criterion.objects.all()}
    services.conflict_declare(case=case, user=user, has_conflict=False, details="")
    services.review_save(case=case, reviewer=user, scores=scores, summary="Sound bid.", finish=True)


def advance(world, case_or_application, to: str, *, outcome=Outcome.APPROVED_IN_PART) -> Case:
    """Take a submitted application (or a case) along the usual path up to the state `to`."""
    u = world.users
    officer, dm = u[Role.LA_OFFICER], u[Role.DECISION_MAKER]
    case = case_or_application if isinstance(case_or_application, Case) else None
    if case is None:
        case = services.case_acknowledge(application=case_or_application, actor=officer)
    if to == State.INFORMATION_REQUESTED:
        services.information_request(case=case, question="How many schools take part?", actor=officer)
        return Case.objects.get(pk=case.pk)
    if to == State.WITHDRAWN:
        return services.case_withdraw(case=case, reason="The cluster asked to withdraw.", actor=officer)
    for state in PATH[PATH.index(case.status) + 1 if case.status in PATH else 0:]:
        if case.status == to:
            break
        if state == State.MEETING_ARRANGED:
            services.case_assign(case=case, education_specialist=u[Role.EDUCATION_SPECIALIST],
                                 business_specialist=u[Role.BUSINESS_SPECIALIST], actor=officer)
            services.meeting_arrange(case=case, starts_at=timezone.now() + dt.timedelta(days=7), duration_minutes=60,
                                     place="County Hall, Norwich", online_link="", cluster_attendees="Hana Host",
                                     la_attendees=[u[Role.EDUCATION_SPECIALIST], u[Role.BUSINESS_SPECIALIST]],
                                     actor=officer)
        elif state == State.UNDER_ASSESSMENT:
            services.meeting_record_notes(case=case, notes="We discussed the plan.", actions="Send costs.",
                                          actor=officer)
            services.case_transition(case=case, move="start_assessment", actor=officer)
        elif state == State.RECOMMENDED:
            score_all(case, u[Role.EDUCATION_SPECIALIST], 4)
            score_all(case, u[Role.BUSINESS_SPECIALIST], 3)
            services.case_recommend(case=case, amounts={ln.pk: ln.requested for ln in case.lines.all()},
                                    recommendation="A strong bid.", actor=officer)
        elif state == State.DECIDED:
            lines = list(case.lines.all())
            if outcome == Outcome.APPROVED:
                amounts = {ln.pk: ln.requested for ln in lines}
            elif outcome == Outcome.DECLINED:
                amounts = {ln.pk: Decimal("0.00") for ln in lines}
            else:
                amounts = {ln.pk: (ln.requested / 2).quantize(Decimal("0.01")) for ln in lines}
            services.case_decide(case=case, outcome=outcome, amounts=amounts, reasons="Meets the criteria.",
                                 conditions="Report each term.", actor=dm)
        elif state == State.OFFER_ACCEPTED:
            services.case_accept_offer(case=case, actor=u[Role.CLUSTER_HOST] if case.cluster == world.cluster
                                       else u["other_cluster_host"])
        elif state == State.IN_DELIVERY:
            services.instalment_pay(instalment=case.instalments.first(), paid_on=timezone.localdate(), actor=dm)
        elif state == State.CLOSED:
            for instalment in case.instalments.filter(paid_on__isnull=True):
                services.instalment_pay(instalment=instalment, paid_on=timezone.localdate(), actor=dm)
            services.case_close(case=case, actor=officer)
        case = Case.objects.get(pk=case.pk)
    return Case.objects.get(pk=case.pk)
