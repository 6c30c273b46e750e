"""Demo sign-ins: one user for each role, in the LA or in one cluster (and a host of a second cluster)."""

from .models import User
from .roles import CLUSTER_ROLES, Role
from .services import membership_grant, user_create

DEMO_PASSWORD = "demo-password-2026"

LA_PEOPLE = {
    Role.LA_OFFICER: ("officer@norfolk.example", "Olivia Officer"),
    Role.EDUCATION_SPECIALIST: ("education@norfolk.example", "Esther Education"),
    Role.BUSINESS_SPECIALIST: ("business@norfolk.example", "Bilal Business"),
    Role.DECISION_MAKER: ("decisions@norfolk.example", "Dev Decision"),
    Role.FORUM_MEMBER: ("forum@norfolk.example", "Fern Forum"),
    Role.ADMINISTRATOR: ("admin@norfolk.example", "Ada Administrator"),
}
CLUSTER_PEOPLE = {
    Role.CLUSTER_HOST: ("host@cluster.example", "Hana Host"),
    Role.CLUSTER_SEND_LEAD: ("sendlead@cluster.example", "Sam SEND-Lead"),
    Role.CERTIFIER: ("head@cluster.example", "Harriet Head"),
}


def _user(email, name):
    return User.objects.filter(email=email).first() or user_create(email=email, full_name=name, password=DEMO_PASSWORD)


def load(context) -> None:
    from sendfund.registry.services import cluster_update

    context.users = {}
    for role, (email, name) in LA_PEOPLE.items():
        context.users[role] = _user(email, name)
        membership_grant(user=context.users[role], role=role)
    cluster = context.clusters[0]
    other = context.clusters[1]
    context.demo_cluster, context.other_cluster = cluster, other
    for role, (email, name) in CLUSTER_PEOPLE.items():
        context.users[role] = _user(email, name)
        membership_grant(user=context.users[role], role=role, cluster=cluster)
    cluster_update(cluster=cluster, host_name="Hana Host", host_email="host@cluster.example",
                   send_lead_name="Sam SEND-Lead", send_lead_email="sendlead@cluster.example")
    other_host = _user("host2@cluster.example", "Omar Other-Host")
    membership_grant(user=other_host, role=Role.CLUSTER_HOST, cluster=other)
    cluster_update(cluster=other, host_name="Omar Other-Host", host_email="host2@cluster.example")
    context.users["other_host"] = other_host
    context.sign_ins = [(role.label + (f" ({cluster.name})" if role in CLUSTER_ROLES else ""), email)
                        for role, (email, _n) in [*LA_PEOPLE.items(), *CLUSTER_PEOPLE.items()]]
    context.sign_ins.append((f"Cluster host ({other.name})", "host2@cluster.example"))
