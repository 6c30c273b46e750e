"""Who may open which URL: the expectations the authorisation test walks (tests/test_authorization.py).

Every app keeps a `tests/access.py` with RULES (a list of `Rule`) and, if its URLs need records, a
`build_world(world)` function that adds them to the test world. A URL pattern that no rule names
fails the test, so a new page cannot ship without saying who may see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..roles import CLUSTER_ROLES, LA_ROLES, LA_STAFF_ROLES, Role

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
    """`allowed` actors get 2xx or a redirect that is not to sign-in; anonymous visitors who are not allowed
    are sent to sign-in. A signed-in actor who is not allowed gets 404 when the record the URL names is out of
    their scope (`not_found`), and 403 otherwise: their role may never use the page, or may not do it to
    this record now. `not_found` by default: the host of another cluster, for an /apply/ URL that names a
    record (the world's records belong to the world's cluster); a rule about another cluster's record, or a
    case not assigned to a specialist, says who is out of scope (docs/adr/0061-one-shape-for-rules.md).
    `method="api"` for REST API endpoints, which answer tokens: sendfund/api/tests walks those per role.
    `method="post"` for action URLs: the walker posts `data(world)` (empty by default) and expects an
    allowed actor not to be refused (any answer but 403/404/405 and sign-in)."""

    name: str
    allowed: frozenset
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[object], dict] = field(default=lambda world: {})
    note: str = ""
    not_found: frozenset | None = None

    def out_of_scope(self, path: str, kwargs: dict) -> frozenset:
        """The actors who must get 404 at `path` (the URL this rule names, with `kwargs`)."""
        if self.not_found is not None:
            return self.not_found
        return frozenset({OTHER_CLUSTER_HOST}) if kwargs and path.startswith("/apply/") else frozenset()


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
