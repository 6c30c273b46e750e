"""Demo cases in every state, a pot partly committed and paid. Also drives cases for tests (tests/factories.py).

`load(context)` runs after the applications app's demo (INSTALLED_APPS order): it allocates the years the
open round asks for, then takes applications from several clusters along the usual path to each state.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.core.years import financial_year_of

from . import services
from .models import Case, Criterion, Outcome, State

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
    officer, dm, finance = u[Role.LA_OFFICER], u[Role.DECISION_MAKER], u[Role.FINANCE]
    case = case_or_application if isinstance(case_or_application, Case) else None
    if case is None:
        case = services.case_acknowledge(application=case_or_application, actor=officer)
    if to == State.INFORMATION_REQUESTED:
        services.information_request(case=case, question="How many schools take part?", actor=officer)
        return Case.objects.get(pk=case.pk)
    if to == State.WITHDRAWN:
        return services.case_withdraw(case=case, reason="The cluster asked to withdraw.", actor=officer)
    for state in PATH[PATH.index(State(case.status)) + 1 if case.status in PATH else 0:]:
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
            if to == State.CLOSED and outcome != Outcome.DECLINED:
                # A finished award can only have been paid from years that have started: fund those alone.
                this_year = financial_year_of(timezone.localdate())
                outcome = Outcome.APPROVED_IN_PART
                amounts = {ln.pk: (ln.requested / 2).quantize(Decimal("0.01")) if ln.financial_year <= this_year
                           else Decimal("0.00") for ln in lines}
            elif outcome == Outcome.APPROVED:
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
            first = case.instalments.first()
            if first is not None:
                services.instalment_pay(instalment=first, paid_on=timezone.localdate(), actor=finance)
        elif state == State.CLOSED:
            for instalment in case.instalments.filter(paid_on__isnull=True):
                services.instalment_pay(instalment=instalment, paid_on=timezone.localdate(), actor=finance)
            services.case_close(case=case, actor=officer)
        case = Case.objects.get(pk=case.pk)
    return Case.objects.get(pk=case.pk)


def load(context) -> None:
    from types import SimpleNamespace

    from sendfund.accounts.demo import DEMO_PASSWORD
    from sendfund.accounts.models import User
    from sendfund.accounts.services import membership_grant, user_create
    from sendfund.applications.models import Status

    from .criteria import criteria_ensure_defaults

    criteria_ensure_defaults()
    users = dict(context.users)
    users["other_cluster_host"] = context.users["other_host"]
    world = SimpleNamespace(users=users, cluster=context.demo_cluster, round=context.round)
    extra = [c for c in context.clusters if c not in (context.demo_cluster, context.other_cluster)]

    def host_for(cluster):
        email = f"host-{cluster.code}@cluster.example"[:254]
        user = User.objects.filter(email=email).first() or user_create(email=email, full_name=f"Host of {cluster.name}",
                                                                       password=DEMO_PASSWORD)
        membership_grant(user=user, role=Role.CLUSTER_HOST, cluster=cluster)
        membership_grant(user=user, role=Role.CERTIFIER, cluster=cluster)
        return user

    def application_from(cluster, streams):
        from sendfund.applications import services as app_services
        from sendfund.applications.demo import fill, submit

        host = host_for(cluster)
        application = app_services.application_start(cluster=cluster, round=context.round, streams=streams, actor=host)
        return submit(fill(application, actor=host), writer=host, certifier=host), host

    plan = [  # (state, outcome, streams)
        (State.ACKNOWLEDGED, None, ["capacity"]),
        (State.MEETING_ARRANGED, None, ["development"]),
        (State.UNDER_ASSESSMENT, None, ["capacity", "development"]),
        (State.INFORMATION_REQUESTED, None, ["capacity"]),
        (State.RECOMMENDED, None, ["development"]),
        (State.DECIDED, Outcome.APPROVED, ["capacity"]),
        (State.OFFER_ACCEPTED, Outcome.APPROVED, ["development"]),
        (State.IN_DELIVERY, Outcome.APPROVED_IN_PART, ["capacity", "development"]),
        (State.CLOSED, Outcome.APPROVED_IN_PART, ["capacity"]),
        (State.CLOSED, Outcome.DECLINED, ["development"]),
        (State.WITHDRAWN, None, ["capacity"]),
    ]
    cases = []
    for (state, outcome, streams), cluster in zip(plan, extra, strict=False):
        application, host = application_from(cluster, streams)
        users[Role.CLUSTER_HOST] = host  # accepts the offer for its own cluster
        world.cluster = cluster
        if state == State.INFORMATION_REQUESTED:
            case = advance(world, application, State.UNDER_ASSESSMENT)
            cases.append(advance(world, case, State.INFORMATION_REQUESTED))
        elif state == State.WITHDRAWN:
            case = advance(world, application, State.ACKNOWLEDGED)
            cases.append(advance(world, case, State.WITHDRAWN))
        elif state == State.CLOSED and outcome == Outcome.DECLINED:
            case = advance(world, application, State.DECIDED, outcome=outcome)
            services.case_close(case=case, actor=users[Role.LA_OFFICER])
            cases.append(case)
        else:
            cases.append(advance(world, application, state, outcome=outcome or Outcome.APPROVED_IN_PART))
    # The demo cluster's own submitted application: decided in part, waiting for the host to accept it
    # online; the other cluster's stays "submitted" for an officer to acknowledge.
    world.cluster = context.demo_cluster
    users[Role.CLUSTER_HOST] = context.users[Role.CLUSTER_HOST]
    submitted = type(context.applications["submitted"]).objects.get(pk=context.applications["submitted"].pk)
    if submitted.status == Status.SUBMITTED:
        cases.append(advance(world, submitted, State.DECIDED, outcome=Outcome.APPROVED_IN_PART))
    context.cases = cases
