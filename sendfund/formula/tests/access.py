"""Who may open each formula URL (walked by tests/test_authorization.py)."""

from decimal import Decimal

from sendfund.accounts.tests.access import CLUSTER, LA_STAFF, OTHER_CLUSTER_HOST, Role, Rule

RUNNERS = frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR})
ADMIN = frozenset({Role.ADMINISTRATOR})

RULES = [
    Rule("formula:index", LA_STAFF),
    Rule("formula:index-download", LA_STAFF, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("formula:version-create", ADMIN),
    Rule("formula:version-detail", LA_STAFF, kwargs=lambda w: {"pk": w.formula_version.pk}),
    Rule("formula:version-edit", ADMIN, kwargs=lambda w: {"pk": w.formula_draft.pk},
         note="a version a run has used redirects to its page instead"),
    Rule("formula:version-download", LA_STAFF, kwargs=lambda w: {"pk": w.formula_version.pk}),
    Rule("formula:run-create", RUNNERS),
    Rule("formula:run-detail", LA_STAFF, kwargs=lambda w: {"pk": w.formula_run.pk}),
    Rule("formula:run-gap", LA_STAFF, kwargs=lambda w: {"pk": w.formula_run.pk}),
    Rule("formula:run-compare", LA_STAFF, kwargs=lambda w: {"pk": w.formula_run.pk}),
    Rule("formula:run-verify", RUNNERS, kwargs=lambda w: {"pk": w.formula_run.pk}, method="post"),
    Rule("formula:run-chart", LA_STAFF, kwargs=lambda w: {"pk": w.formula_run.pk, "name": "gap"}),
    Rule("formula:run-download", LA_STAFF, kwargs=lambda w: {"pk": w.formula_run.pk, "fmt": "csv"}),
    Rule("formula:your-allocation", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("formula:your-allocation-detail", CLUSTER, kwargs=lambda w: {"code": w.cluster.code},
         note="the host of another cluster gets 404"),
    Rule("formula:your-allocation-detail", frozenset({OTHER_CLUSTER_HOST}), kwargs=lambda w: {"code": w.other_cluster.code},
         not_found=CLUSTER),
]


def build_world(world) -> None:
    """A version, a draft version no run has used, and an allocation run of the world's clusters."""
    import datetime as dt

    from ..services import formula_run_create, formula_version_save

    admin = world.users[Role.ADMINISTRATOR]
    world.formula_version = formula_version_save(
        actor=admin, name="Test formula", valid_from=dt.date(2019, 4, 1),
        weights={"pupils": Decimal("0.5"), "fsm": Decimal("0.3"), "sen_support": Decimal("0.2")},
        need_weights={"sen_support": Decimal("0.5"), "ehc_plans": Decimal("0.5")},
        lump_sum_per_school=Decimal("1000.00"))
    world.formula_draft = formula_version_save(
        actor=admin, name="Draft formula", valid_from=dt.date(2020, 4, 1), weights={"pupils": Decimal("1")})
    world.formula_run = formula_run_create(actor=admin, version=world.formula_version, financial_year=world.year + 1,
                                           academic_year=world.year, pot=Decimal("100000.00"), scenarios=100)
