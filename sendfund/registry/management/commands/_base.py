from django.core.management.base import BaseCommand, CommandError

from sendfund.core.errors import DomainError


class ImportCommand(BaseCommand):
    """Runs one importer; a bad file stops with its message and a non-zero exit, leaving the database as it was."""

    def run_import(self, func, **kwargs):
        try:
            result = func(**kwargs)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.summary())
        return result
