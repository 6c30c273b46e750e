"""The emails each move of an application sends to its cluster, queued through core.notify in the move's
transaction (they go when it commits). They link to the signed-in service and carry nothing sensitive."""

from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.core.notify import email_on_commit, site_url
from sendfund.registry.selectors import council_name


def _link(application) -> str:
    return site_url(reverse("applications:detail", kwargs={"pk": application.pk}))


def _email(application, template: str, **message) -> None:
    email_on_commit(template=template, cluster_id=application.cluster_id, about=application.reference or str(application),
                    context={"cluster": application.cluster.name, "reference": application.reference}, **message)


def _certifier_emails(application) -> list[str]:
    from sendfund.accounts.selectors import cluster_recipients

    return cluster_recipients(cluster=application.cluster, roles=(Role.CERTIFIER,))


def _writer_emails(application) -> list[str]:
    """The cluster's hosts and SEND leads (users and contact addresses), and whoever started the application."""
    from sendfund.accounts.selectors import cluster_recipients

    return [*cluster_recipients(cluster=application.cluster, roles=(Role.CLUSTER_HOST, Role.CLUSTER_SEND_LEAD)),
            application.created_by.email if application.created_by else ""]


def sign_off_requested(application, actor, note: str = "") -> None:
    _email(application, "application_ready_to_sign_off", to=_certifier_emails(application),
           subject="An application is ready for you to sign off",
           body=f"An application from your cluster is ready for you to check and sign off.\n\n"
                f"Sign in to see it: {_link(application)}\n")


def submitted(application, actor, note: str = "") -> None:
    _email(application, "application_submitted", to=[*_writer_emails(application), actor.email],
           subject=f"Application {application.reference} submitted",
           body=(f"Your cluster's application {application.reference} has been submitted to "
                 f"{council_name()}.\n\nWe will contact your cluster host to arrange a "
                 f"meeting.\n\nSign in to see it: {_link(application)}\n"))


def sent_back(application, actor, note: str = "") -> None:
    _email(application, "application_sent_back", to=_writer_emails(application),
           subject="Your application has been sent back",
           body=f"Your cluster's application has been sent back to change something.\n\n"
                f"Sign in to see why: {_link(application)}\n")
