from sendfund.accounts.tests.access import CLUSTER, LA_STAFF, OTHER_CLUSTER_HOST, Role, Rule

from ..permissions import CLUSTER_MANAGERS

AUDITORS = frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR})
MANAGERS = frozenset(CLUSTER_MANAGERS)
ADMIN = frozenset({Role.ADMINISTRATOR})

RULES = [
    Rule("registry:membership-import", MANAGERS),
    Rule("registry:membership-import", MANAGERS, method="post", note="an empty post shows the form's errors"),
    Rule("registry:carry-forward", MANAGERS),
    Rule("registry:carry-forward", MANAGERS, method="post"),
    Rule("registry:council-setup", ADMIN),
    Rule("registry:council-setup", ADMIN, method="post", note="an empty post shows the form's errors"),
    Rule("registry:council-setup-detail", ADMIN, kwargs=lambda w: {"pk": w.council_setup.pk}),
    Rule("registry:cluster-list", LA_STAFF),
    Rule("registry:cluster-list-download", LA_STAFF, kwargs=lambda w: {"fmt": "csv"}),
    Rule("registry:cluster-detail", LA_STAFF, kwargs=lambda w: {"code": w.cluster.code}),
    Rule("registry:cluster-history", AUDITORS, kwargs=lambda w: {"code": w.cluster.code}),
    Rule("registry:school-list", LA_STAFF),
    Rule("registry:school-list-download", LA_STAFF, kwargs=lambda w: {"fmt": "xlsx"}),
    Rule("registry:school-detail", LA_STAFF, kwargs=lambda w: {"urn": w.school.urn}),
    Rule("registry:school-history", AUDITORS, kwargs=lambda w: {"urn": w.school.urn}),
    Rule("registry:your-cluster", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("registry:your-cluster-detail", CLUSTER, kwargs=lambda w: {"code": w.cluster.code},
         note="the host of another cluster gets 404"),
    Rule("registry:your-cluster-detail", frozenset({OTHER_CLUSTER_HOST}), kwargs=lambda w: {"code": w.other_cluster.code},
         not_found=CLUSTER),
]


def build_world(world) -> None:
    """A finished council setup, for its progress page."""
    from ..models import CouncilSetup

    world.council_setup = CouncilSetup.objects.create(la_code=926, status=CouncilSetup.Status.DONE,
                                                      steps=["Council: Norfolk County Council (LA 926, E10000020)."])
