"""Demo returns in every state (one overdue), Health Checks for two academic years, illustrative other SEND
funding lines, and one award dated between the two census years so that impact has a before and an after.
Also drives returns for tests (tests/factories.py), through the real services.

`load(context)` runs after casework's demo (INSTALLED_APPS order), whose accepted offers created returns.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.core.years import financial_year_of

from . import services
from .models import MonitoringReturn, ReturnStatus

S = ReturnStatus


def fill_return(ret: MonitoringReturn, *, actor, spent_share: Decimal = Decimal("0.5")) -> MonitoringReturn:
    """Complete every section of a return: on track, latest values, `spent_share` of each planned line spent."""
    data: dict = {}
    for row in ret.progress.all():
        data[f"progress_{row.pk}"], data[f"note_{row.pk}"] = "on_track", "Delivered as planned this term."
    services.return_section_save(monitoring_return=ret, key="progress", data=data, completed=True,
                                 expected_version=None, actor=actor)
    services.return_section_save(monitoring_return=ret, key="outcomes", completed=True, expected_version=None,
                                 data={f"latest_{r.pk}": "Improving" for r in ret.outcomes.all()}, actor=actor)
    services.return_section_save(monitoring_return=ret, key="changes", completed=True, expected_version=None,
                                 data={"any_changes": "no"}, actor=actor)
    spent = {f"spent_{r.pk}": (r.planned * spent_share).quantize(Decimal("0.01")) for r in ret.spend.all()}
    services.return_section_save(monitoring_return=ret, key="spend", completed=True, expected_version=None,
                                 data={**spent, "explanation": "Spend includes the cluster's own contribution."},
                                 actor=actor)
    services.return_section_save(monitoring_return=ret, key="evidence", completed=True, expected_version=None,
                                 data={}, actor=actor)
    return MonitoringReturn.objects.get(pk=ret.pk)


def submit_return(ret: MonitoringReturn, *, writer, certifier) -> MonitoringReturn:
    services.return_transition(monitoring_return=ret, to=S.AWAITING_SIGN_OFF, actor=writer)
    return services.return_transition(monitoring_return=ret, to=S.SUBMITTED, actor=certifier)


def _cluster_user(cluster, role):
    from sendfund.accounts.models import User

    return User.objects.filter(memberships__organisation__cluster=cluster, memberships__role=role).first()


def load(context) -> None:
    from sendfund.casework.services import instalment_pay

    officer, finance = context.users[Role.LA_OFFICER], context.users[Role.FINANCE]
    by_case: dict = {}
    for ret in MonitoringReturn.objects.select_related("case", "cluster").order_by("case_id", "kind"):
        by_case.setdefault(ret.case_id, {})[ret.kind] = ret
    today = timezone.localdate()
    for n, kinds in enumerate(by_case.values()):
        interim, final = kinds["interim"], kinds["final"]
        host = _cluster_user(interim.cluster, Role.CLUSTER_HOST)
        certifier = _cluster_user(interim.cluster, Role.CERTIFIER) or host
        if n == 0:
            # One overdue (due 12 days ago, not started) and one due in a week.
            MonitoringReturn.objects.filter(pk=interim.pk).update(due_on=today - dt.timedelta(days=12))
            MonitoringReturn.objects.filter(pk=final.pk).update(due_on=today + dt.timedelta(days=7))
            continue
        for instalment in interim.case.instalments.filter(paid_on__isnull=True, financial_year__lte=financial_year_of(today)):
            instalment_pay(instalment=instalment, paid_on=today, actor=finance)
        interim = submit_return(fill_return(interim, actor=host), writer=host, certifier=certifier)
        final = fill_return(final, actor=host, spent_share=Decimal("0.4"))
        if n == 1:  # the interim waits for the council; the final waits for the head's sign-off
            services.return_transition(monitoring_return=final, to=S.AWAITING_SIGN_OFF, actor=host)
            continue
        # Sent back once, amended and resubmitted, then accepted; the final shows an underspend.
        services.return_transition(monitoring_return=interim, to=S.DRAFT, actor=officer,
                                   comments="Say which schools the training reached.")
        interim = submit_return(interim, writer=host, certifier=certifier)
        services.return_transition(monitoring_return=interim, to=S.ACCEPTED, actor=officer)
        final = submit_return(final, writer=host, certifier=certifier)
        services.return_transition(monitoring_return=final, to=S.ACCEPTED, actor=officer)
        services.underspend_propose(monitoring_return=final, action="clawback", actor=officer,
                                    reason="The cluster did not need all the supply cover it planned.")
    load_health_checks(context)
    load_funding_lines(context)
    date_an_earlier_award(context)


def date_an_earlier_award(context) -> None:
    """Impact compares a funded cluster's measures in the census year before its first award with the latest
    census year. The demo's awards are all accepted today, after the latest census loaded (January 2023), so the
    award whose returns are all accepted is dated 15 January 2021 (AY 2020/21, illustrative): between the January
    2019 and January 2023 censuses, so its cluster's impact page shows before and after from the real files."""
    from sendfund.casework.models import Case

    from . import impact

    case = (Case.objects.filter(accepted_at__isnull=False, monitoring_returns__status=S.ACCEPTED)
            .select_related("cluster").order_by("id").first())
    if case is None:
        return
    Case.objects.filter(pk=case.pk).update(accepted_at=timezone.make_aware(dt.datetime(2021, 1, 15, 12)))
    result = impact.cluster_impact(cluster=case.cluster)
    context.stdout.write(f"Impact: {case.reference} ({case.cluster.name}) dated AY 2020/21 (illustrative); "
                         f"compared with {len(result.comparable)} unfunded clusters of similar size and need.")


def fill_health_check(hc, *, actor, levels: list[int]):
    """Complete every area of a Health Check with the given levels, in the framework's order."""
    from . import health

    for rating, level in zip(health.health_check_ratings(health_check=hc), levels, strict=False):
        health.rating_save(health_check=hc, area=rating.area, level=level, completed=True, expected_version=None,
                           evidence=f"The cluster's review this year found level {level} in this area.", actor=actor)
    return hc


def sign_off_health_check(hc, *, lead, host):
    from . import health

    health.health_check_transition(health_check=hc, to="awaiting_sign_off", actor=lead)
    return health.health_check_transition(health_check=hc, to="submitted", actor=host)


HEALTH_LEVELS = [  # two academic years of levels per area, for the first demo clusters
    ([2, 2, 1, 2, 2, 1, 2], [3, 2, 2, 3, 2, 2, 3]),
    ([3, 3, 3, 2, 3, 3, 3], [3, 4, 3, 3, 3, 3, 4]),
    ([1, 2, 2, 1, 2, 1, 2], [2, 2, 2, 1, 2, 2, 2]),
    ([3, 2, 3, 3, 2, 3, 2], [3, 3, 3, 3, 3, 3, 3]),
]


def load_health_checks(context) -> None:
    """Health Checks for two academic years: last year's all moderated (one disagreement each), this year's
    signed off and waiting for moderation, except the demo cluster's, which is still in progress."""
    from sendfund.core.years import academic_year_of

    from . import health

    officer = context.users[Role.LA_OFFICER]
    year = academic_year_of(timezone.localdate())
    clusters = [context.demo_cluster, *[c for c in context.clusters if c != context.demo_cluster]][:len(HEALTH_LEVELS)]
    for cluster, (last_levels, this_levels) in zip(clusters, HEALTH_LEVELS, strict=False):
        host = _cluster_user(cluster, Role.CLUSTER_HOST)
        lead = _cluster_user(cluster, Role.CLUSTER_SEND_LEAD) or host
        last = fill_health_check(health.health_check_start(cluster=cluster, academic_year=year - 1, actor=lead),
                                 actor=lead, levels=last_levels)
        last = sign_off_health_check(last, lead=lead, host=host)
        for n, rating in enumerate(health.health_check_ratings(health_check=last)):
            agreed = n != 0 or rating.level == 1
            health.rating_moderate(health_check=last, area=rating.area, agreed=agreed, actor=officer,
                                   level=None if agreed else rating.level - 1,
                                   reason="" if agreed else "The governors have not yet reviewed the SEND plan.")
        health.health_check_transition(health_check=last, to="moderated", actor=officer)
        this = fill_health_check(health.health_check_start(cluster=cluster, academic_year=year, actor=lead),
                                 actor=lead, levels=this_levels)
        if cluster != context.demo_cluster:
            sign_off_health_check(this, lead=lead, host=host)


def load_funding_lines(context) -> None:
    """Illustrative other SEND funding lines for this financial year (labelled illustrative on every page):
    a notional SEN budget per school from its pupils and SEN support, and high-needs top-up per EHC plan,
    so that the LA's total is in the tens of millions, as the information sheet says."""
    from sendfund.core.years import financial_year_of
    from sendfund.registry.models import SchoolFigure

    from . import money

    fy = financial_year_of(timezone.localdate())
    label = f"{fy}-{(fy + 1) % 100:02d}"
    figures: dict[int, dict[str, int]] = {}
    # Each school's latest published figures (a figure the DfE did not publish is None and is skipped).
    for urn, code, value in (SchoolFigure.objects.filter(school__memberships__isnull=False, value__isnull=False,
                                                         indicator__code__in=["pupils", "sen_support", "ehc_plans"])
                             .order_by("academic_year", "school__urn")
                             .values_list("school__urn", "indicator__code", "value").distinct()):
        figures.setdefault(urn, {})[code] = value
    rows = ["urn,cluster,line,financial_year,amount"]
    for urn, f in sorted(figures.items()):
        notional = Decimal(f.get("pupils") or 0) * 130 + Decimal(f.get("sen_support") or 0) * 600
        rows.append(f"{urn},,Notional SEN budget (illustrative),{label},{notional:.2f}")
        if f.get("ehc_plans"):
            rows.append(f"{urn},,High-needs top-up (illustrative),{label},{Decimal(f["ehc_plans"]) * 3900:.2f}")
    money.funding_lines_import(content="\n".join(rows).encode(), file_name="illustrative-send-lines.csv",
                               actor=context.users[Role.ADMINISTRATOR], illustrative=True)
