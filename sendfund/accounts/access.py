"""Who may open which URL: the expectations the authorisation test walks (tests/test_authorization.py).

Every app keeps an `access.py` with RULES (a list of `Rule`) and, if its URLs need records, a
`build_world(world)` function that adds them to the test world. A URL pattern that no rule names
fails the test, so a new page cannot ship without saying who may see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .roles import CLUSTER_ROLES, LA_ROLES, LA_STAFF_ROLES, Role

ANONYMOUS = "anonymous"
# Roles played in the test world by a second user: a host of *another* cluster.
OTHER_CLUSTER_HOST = "other_cluster_host"
EVERYONE = frozenset({*Role, ANONYMOUS, OTHER_CLUSTER_HOST})
SIGNED_IN = frozenset({*Role, OTHER_CLUSTER_HOST})
LA = frozenset(LA_ROLES)
LA_STAFF = frozenset(LA_STAFF_ROLES)
CLUSTER = frozenset(CLUSTER_ROLES)
ALL_ACTORS = EVERYONE


@dataclass(frozen=True)
class Rule:
    """`allowed` actors get 2xx or a redirect that is not to sign-in; the others get 403 or 404
    (signed in) or a redirect to sign-in (anonymous). `public=True`: anonymous visitors are allowed too.
    `method="api"` for REST API endpoints, which answer tokens: sendfund/api/tests walks those per role.
    `method="post"` for action URLs: the walker posts `data(world)` (empty by default) and expects an
    allowed actor not to be refused (any answer but 403/404/405 and sign-in)."""

    name: str
    allowed: frozenset
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[object], dict] = field(default=lambda world: {})
    note: str = ""


RULES = [
    # core's public pages (core sits below accounts, so its rules live here)
    Rule("core:start", EVERYONE),
    Rule("core:help", EVERYONE),
    Rule("core:accessibility", EVERYONE),
    Rule("core:privacy", EVERYONE),
    Rule("core:cookies", EVERYONE),
    Rule("core:healthz", EVERYONE),
    Rule("accounts:home", SIGNED_IN, note="sends each user to their area's home page"),
    Rule("accounts:sign-in", EVERYONE),
    Rule("accounts:sign-out", EVERYONE, method="post", note="Signing out is always allowed"),
    Rule("accounts:signed-out", EVERYONE),
    Rule("accounts:password-reset", EVERYONE),
    Rule("accounts:password-reset-sent", EVERYONE),
    Rule("accounts:password-reset-confirm", EVERYONE, kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}),
    Rule("manage-home", LA),
    Rule("apply-home", CLUSTER | {OTHER_CLUSTER_HOST}),
    # The Django admin checks is_staff itself (administrators only); the walker checks its index.
    Rule("admin:index", frozenset({Role.ADMINISTRATOR}), note="other admin:* URLs are guarded by the same site"),
]
