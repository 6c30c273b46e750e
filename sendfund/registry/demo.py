"""Demo data for the registry: real Norfolk schools and census figures, grouped into illustrative clusters."""

from django.conf import settings

from sendfund.accounts.demo import CLUSTER_PEOPLE, OTHER_HOST, demo_user
from sendfund.accounts.roles import Role
from sendfund.accounts.services import membership_grant

from .importers import census_import, links_import, spine_import
from .services import cluster_update, demo_clusters_build

DATA = settings.BASE_DIR / "data"
NORFOLK = 926


def load(context) -> None:
    out = context.stdout
    out.write(spine_import(path=DATA / "dfe-school-census-2019" / "england_spine_2017-18_norfolk.csv", la_code=NORFOLK).summary())
    out.write(census_import(path=DATA / "dfe-school-census-2019" / "norfolk_census_2018-19.csv", la_code=NORFOLK,
                            add_missing_schools=True).summary())
    out.write(links_import(path=DATA / "gias-norfolk" / "gias_links_norfolk_20250422.csv").summary())
    clusters = demo_clusters_build(la_code=NORFOLK, academic_year=2018)
    out.write(f"{len(clusters)} illustrative clusters for AY 2018/19.")
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
