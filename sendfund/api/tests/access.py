"""Who may use the API and the token pages (tests/test_authorization.py walks the pages; the API's
endpoints, which answer tokens and not sessions, are walked with a token per role by
sendfund/api/tests/test_api.py from the ENDPOINTS below)."""

from sendfund.accounts.roles import Role
from sendfund.accounts.tests.access import EVERYONE, LA_STAFF, SIGNED_IN, Rule

FINANCE = frozenset({Role.FINANCE})
POT = frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.FINANCE, Role.ADMINISTRATOR})


def _run(w):
    return {"run_id": w.formula_run.pk}


RULES = [
    Rule("api-tokens:list", SIGNED_IN),
    Rule("api-tokens:revoke", frozenset({Role.LA_OFFICER}), kwargs=lambda w: {"pk": w.api_token.pk}, method="post",
         note="the world's token is the LA officer's: only its own user can revoke it; others get 404",
         not_found=SIGNED_IN - {Role.LA_OFFICER}),
    Rule("api:openapi-json", EVERYONE, note="the API's description is public"),
    Rule("api-tokens:docs", EVERYONE, note="the API's documentation is public"),
    Rule("api:api-root", EVERYONE, method="api", note="the API's root answers 404 to everyone"),
    # Endpoints: every signed-in role may call them (each sees only what it may see) unless listed below.
    *[Rule(f"api:{name}", SIGNED_IN, method="api") for name in (
        "list_schools", "list_clusters", "list_memberships", "list_figures", "list_rounds", "list_applications",
        "list_awards", "list_payments")],
    Rule("api:list_cases", SIGNED_IN - {Role.FORUM_MEMBER}, method="api"),
    Rule("api:list_versions", LA_STAFF, method="api"),
    Rule("api:list_runs", LA_STAFF, method="api"),
    Rule("api:list_allocations", LA_STAFF, kwargs=_run, method="api"),
    Rule("api:list_pots", POT, method="api"),
    Rule("api:record_payment", FINANCE, kwargs=lambda w: {"payment_id": 2**31 - 1}, method="api"),
]


def build_world(world) -> None:
    from ..services import api_token_create

    world.api_token, _secret = api_token_create(user=world.users[Role.LA_OFFICER], name="Test token")

