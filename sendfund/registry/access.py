from sendfund.accounts.access import CLUSTER, LA_STAFF, OTHER_CLUSTER_HOST, Role, Rule

AUDITORS = frozenset({Role.LA_OFFICER, Role.DECISION_MAKER, Role.ADMINISTRATOR})

RULES = [
    Rule("registry:cluster-list", LA_STAFF),
    Rule("registry:cluster-detail", LA_STAFF, kwargs=lambda w: {"code": w.cluster.code}),
    Rule("registry:cluster-history", AUDITORS, kwargs=lambda w: {"code": w.cluster.code}),
    Rule("registry:school-list", LA_STAFF),
    Rule("registry:school-detail", LA_STAFF, kwargs=lambda w: {"urn": w.school.urn}),
    Rule("registry:school-history", AUDITORS, kwargs=lambda w: {"urn": w.school.urn}),
    Rule("registry:your-cluster", CLUSTER | {OTHER_CLUSTER_HOST}),
    Rule("registry:your-cluster-detail", CLUSTER, kwargs=lambda w: {"code": w.cluster.code},
         note="the host of another cluster gets 404"),
    Rule("registry:your-cluster-detail", frozenset({OTHER_CLUSTER_HOST}), kwargs=lambda w: {"code": w.other_cluster.code}),
]
