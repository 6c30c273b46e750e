"""Personal API tokens and the idempotency records of the API's one write."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A personal token: it acts as its user, with the same roles and scoping. Only its sha256 is kept;
    the token itself is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the user calls it, e.g. 'Finance system'")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell tokens apart")
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(help_text="The last day the token works")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}...)"


class IdempotencyRecord(models.Model):
    """The answer given to a write with an Idempotency-Key, given again for the same key and request."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_sha256 = models.CharField(max_length=64, help_text="Hash of the method, path and body")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_record_per_user_and_key")]

    def __str__(self):
        return f"{self.key} ({self.status_code})"
