"""Issued Schools' Forum reports, kept exactly as the Forum saw them."""

from django.conf import settings
from django.db import models


class IssuedReport(models.Model):
    """One issue of the Forum report for a meeting: its figures (JSON, money as text) and its PDF, frozen.

    Nothing changes an issued report; issuing the same year again makes the next version."""

    financial_year = models.PositiveSmallIntegerField(help_text="2026 means FY 2026-27")
    version = models.PositiveSmallIntegerField(help_text="1 for the year's first issue, then 2, 3 ...")
    meeting_on = models.DateField(help_text="The date of the Forum meeting it was issued for")
    figures = models.JSONField(help_text="Every figure and table as issued (sendfund.reports.forum)")
    pdf = models.BinaryField(help_text="The PDF as issued")
    sha256 = models.CharField(max_length=64, help_text="sha256 of the PDF, checked on every download")
    size_bytes = models.PositiveIntegerField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["financial_year", "version"], name="one_forum_report_version")]

    def __str__(self):
        from sendfund.core.years import fy_label

        return f"Schools' Forum report {fy_label(self.financial_year)}, version {self.version}"
