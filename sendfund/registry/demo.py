"""Demo data for the registry: Norfolk set up from the shipped files (real schools, the January 2019 and January
2023 censuses, 2018-19 outcomes), grouped into illustrative clusters for AY 2018/19 and AY 2022/23."""

from sendfund.accounts.demo import CLUSTER_PEOPLE, OTHER_HOST, demo_user
from sendfund.accounts.roles import Role
from sendfund.accounts.services import membership_grant

from .models import Cluster
from .services import cluster_update
from .setup import la_setup

NORFOLK = 926


def load(context) -> None:
    la_setup(la_code=NORFOLK, org_id="GB-LAE-NFK", progress=lambda text: context.stdout.write(text[:200]))
    # The clusters of AY 2018/19 (both years use the same hosts where the secondary school kept its URN).
    clusters = Cluster.objects.filter(memberships__academic_year=2018).distinct()
    context.clusters = sorted(clusters, key=lambda c: c.name)

    # Cluster sign-ins: host, SEND lead and certifier of the first cluster; a host of the second.
    cluster, other = context.clusters[0], context.clusters[1]
    context.demo_cluster, context.other_cluster = cluster, other
    for role, (email, name) in CLUSTER_PEOPLE.items():
        context.users[role] = demo_user(email, name)
        membership_grant(user=context.users[role], role=role, cluster=cluster)
    cluster_update(cluster=cluster, host_name=CLUSTER_PEOPLE[Role.CLUSTER_HOST][1], host_email=CLUSTER_PEOPLE[Role.CLUSTER_HOST][0],
                   send_lead_name=CLUSTER_PEOPLE[Role.CLUSTER_SEND_LEAD][1],
                   send_lead_email=CLUSTER_PEOPLE[Role.CLUSTER_SEND_LEAD][0])
    context.users["other_host"] = demo_user(*OTHER_HOST)
    membership_grant(user=context.users["other_host"], role=Role.CLUSTER_HOST, cluster=other)
    cluster_update(cluster=other, host_name=OTHER_HOST[1], host_email=OTHER_HOST[0])
