"""Writes for users, organisations and memberships. Each change writes an audit event."""

from django.db import transaction

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError

from .models import Membership, Organisation, User
from .permissions import forget_roles
from .roles import CLUSTER_ROLES, Role


def organisation_for_la(*, name: str | None = None) -> Organisation:
    """The one local authority organisation (created on first use); given a name, it takes that name (the council
    the site is set up for). Returns the Organisation. Raises nothing."""
    org, _ = Organisation.objects.get_or_create(kind=Organisation.Kind.LOCAL_AUTHORITY,
                                                defaults={"name": name or "The council"})
    if name and org.name != name:
        before = {"name": org.name}
        org.name = name
        org.save(update_fields=["name", "updated_at"])
        audit_record(actor=None, verb="organisation.renamed", target=org, before=before, after={"name": name})
    return org


def organisation_for_cluster(*, cluster) -> Organisation:
    """The cluster's organisation (created on first use, named after the cluster). Returns the Organisation.
    Raises nothing."""
    org, _ = Organisation.objects.get_or_create(
        cluster=cluster, defaults={"kind": Organisation.Kind.CLUSTER, "name": cluster.name})
    return org


@transaction.atomic
def user_create(*, email: str, full_name: str, password: str | None, actor=None) -> User:
    """Create a user who signs in by email. Raises DomainError if the email is taken."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError(f"There is already an account for {email}", field="email")
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    audit_record(actor=actor, verb="user.created", target=user, after={"email": email, "full_name": full_name})
    return user


@transaction.atomic
def membership_grant(*, user: User, role: Role | str, cluster=None, actor=None) -> Membership:
    """Give a user a role: cluster roles need a cluster, LA roles must not have one. Returns the Membership
    (the one the user has already when they hold the role; granting the administrator role makes the user
    staff and superuser too). Raises DomainError when a cluster role has no cluster (field `cluster`) or an LA
    role has one (field `role`), and ValueError when `role` is not a Role."""
    role = Role(role)
    if role in CLUSTER_ROLES and cluster is None:
        raise DomainError(f"Choose the cluster for the role {role.label}", field="cluster")
    if role not in CLUSTER_ROLES and cluster is not None:
        raise DomainError(f"{role.label} is a local authority role, not a cluster role", field="role")
    organisation = organisation_for_cluster(cluster=cluster) if cluster else organisation_for_la()
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        audit_record(actor=actor, verb="membership.granted", target=user,
                     after={"role": role.value, "organisation": organisation.name})
        if role == Role.ADMINISTRATOR and not user.is_staff:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
    forget_roles(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor=None) -> None:
    """Take one role away from a user (delete the membership), with an audit event. Returns None. Raises
    nothing."""
    user = membership.user
    audit_record(actor=actor, verb="membership.revoked", target=user,
                 before={"role": membership.role, "organisation": membership.organisation.name})
    membership.delete()
    forget_roles(user)


def sign_in_record(*, user: User) -> None:
    """Record a successful sign-in (an audit event). Returns None. Raises nothing."""
    audit_record(actor=user, verb="user.signed_in", target=user)


def sign_out_record(*, user: User) -> None:
    """Record a sign-out (an audit event). Returns None. Raises nothing."""
    audit_record(actor=user, verb="user.signed_out", target=user)
