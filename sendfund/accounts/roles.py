"""The roles of product.md, and which kind of organisation each belongs to."""

from django.db import models


class Role(models.TextChoices):
    CLUSTER_HOST = "cluster_host", "Cluster host"
    CLUSTER_SEND_LEAD = "cluster_send_lead", "Cluster SEND lead"
    CERTIFIER = "certifier", "Head or chair (certifier)"
    LA_OFFICER = "la_officer", "LA officer"
    EDUCATION_SPECIALIST = "education_specialist", "Education specialist"
    BUSINESS_SPECIALIST = "business_specialist", "Business specialist"
    DECISION_MAKER = "decision_maker", "Decision maker (budget holder)"
    FINANCE = "finance", "Finance"
    FORUM_MEMBER = "forum_member", "Schools' Forum member"
    ADMINISTRATOR = "administrator", "Administrator"


CLUSTER_ROLES = frozenset({Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD, Role.CERTIFIER})
LA_ROLES = frozenset(set(Role) - CLUSTER_ROLES)
# LA roles that work with records (cases, clusters, schools). Forum members see aggregates only.
LA_STAFF_ROLES = frozenset(LA_ROLES - {Role.FORUM_MEMBER})
# Separation of duties: the person who decides an award is never the one who pays it. Finance records
# payments; the decision maker decides and holds the budget. The demo gives the roles to different people.
