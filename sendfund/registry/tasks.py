"""Background work for the registry: setting up a council takes a minute, so the page runs it as a task."""

from django.tasks import task

from sendfund.core.errors import DomainError

from .models import CouncilSetup
from .setup import la_setup


@task
def council_setup_run(*, setup_id: int) -> None:
    """Run la_setup for a CouncilSetup, saving each step as it finishes so the page shows progress."""
    setup = CouncilSetup.objects.select_related("started_by").get(pk=setup_id)
    setup.status = CouncilSetup.Status.RUNNING
    setup.save(update_fields=["status", "updated_at"])

    def progress(text: str) -> None:
        setup.steps = [*setup.steps, text[:1000]]
        setup.save(update_fields=["steps", "updated_at"])

    try:
        la_setup(la_code=setup.la_code, org_id=setup.org_id, actor=setup.started_by, progress=progress)
    except DomainError as exc:
        setup.status, setup.problem = CouncilSetup.Status.FAILED, exc.message
    else:
        setup.status = CouncilSetup.Status.DONE
    setup.save(update_fields=["status", "problem", "updated_at"])
