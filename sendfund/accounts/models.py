from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from sendfund.core.models import TimeStampedModel

from .roles import CLUSTER_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the administration site")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(TimeStampedModel):
    """The local authority, or one cluster."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        CLUSTER = "cluster", "Cluster"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Not unique: an organisation is the council or one cluster, and a cluster may share a name with the council.
    name = models.CharField(max_length=150)
    cluster = models.OneToOneField("registry.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="organisation")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="cluster", cluster__isnull=False) | models.Q(kind="la", cluster__isnull=True)),
                name="cluster_org_has_cluster",
            ),
            models.UniqueConstraint(fields=["kind"], condition=models.Q(kind="la"), name="one_local_authority"),
        ]

    def __str__(self):
        return self.name


class Membership(TimeStampedModel):
    """A user's role in an organisation. Cluster roles need a cluster; LA roles need the LA."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership")]
        ordering = ["organisation__name", "role"]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    @property
    def is_cluster_role(self) -> bool:
        return self.role in CLUSTER_ROLES
