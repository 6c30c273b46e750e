"""Demo sign-ins for the LA roles. (Cluster users are added by the registry's demo, once clusters exist.)"""

from .models import User
from .roles import Role
from .services import membership_grant, user_create

DEMO_PASSWORD = "demo-password-2026"

LA_PEOPLE = {
    Role.LA_OFFICER: ("officer@norfolk.example", "Olivia Officer"),
    Role.EDUCATION_SPECIALIST: ("education@norfolk.example", "Esther Education"),
    Role.BUSINESS_SPECIALIST: ("business@norfolk.example", "Bilal Business"),
    Role.DECISION_MAKER: ("decisions@norfolk.example", "Dev Decision"),
    Role.FINANCE: ("finance@norfolk.example", "Faye Finance"),
    Role.FORUM_MEMBER: ("forum@norfolk.example", "Fern Forum"),
    Role.ADMINISTRATOR: ("admin@norfolk.example", "Ada Administrator"),
}
CLUSTER_PEOPLE = {
    Role.CLUSTER_HOST: ("host@cluster.example", "Hana Host"),
    Role.CLUSTER_SEND_LEAD: ("sendlead@cluster.example", "Sam SEND-Lead"),
    Role.CERTIFIER: ("head@cluster.example", "Harriet Head"),
}
OTHER_HOST = ("host2@cluster.example", "Omar Other-Host")


def demo_user(email: str, name: str) -> User:
    return User.objects.filter(email=email).first() or user_create(email=email, full_name=name, password=DEMO_PASSWORD)


def load(context) -> None:
    context.users = {}
    for role, (email, name) in LA_PEOPLE.items():
        context.users[role] = demo_user(email, name)
        membership_grant(user=context.users[role], role=role)
