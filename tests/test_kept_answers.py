"""A form sent after the session has ended keeps its answers until the same user has signed in again
(sendfund.core.middleware.KeptAnswersMiddleware), without JavaScript."""

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.applications.models import Section
from sendfund.core.middleware import KeptAnswersMiddleware

COOKIE = KeptAnswersMiddleware.USER_COOKIE
BACKEND = "sendfund.accounts.backends.EmailBackend"


def _section_url(world):
    return reverse("applications:section", kwargs={"pk": world.application_draft.pk, "key": "sustainability"})


def _send_after_the_session_ended(client, world, user):
    """Sign in, open the form, lose the session (the browser keeps its other cookies), press Continue."""
    client.force_login(user, backend=BACKEND)
    url = _section_url(world)
    assert client.get(url).status_code == 200
    last_user = client.cookies[COOKIE].value
    client.logout()
    client.cookies[COOKIE] = last_user
    response = client.post(url, {"after_funding": "Typed while the session ran out", "action": "continue"})
    sign_in = reverse("accounts:sign-in")
    assert response.status_code == 302 and response["Location"].startswith(sign_in)
    page = client.get(response["Location"]).content.decode()
    assert "Sign in again and we will send the answers you typed" in page
    return url


def _answers(world):
    section = Section.objects.filter(application=world.application_draft, key="sustainability").first()
    return section.answers if section else {}


@pytest.mark.django_db
def test_answers_sent_after_the_session_ended_are_sent_again_once_the_user_has_signed_in(client, world):
    user = world.users[Role.CLUSTER_SEND_LEAD]
    url = _send_after_the_session_ended(client, world, user)
    assert _answers(world).get("after_funding") != "Typed while the session ran out"
    client.force_login(user, backend=BACKEND)
    response = client.get(url, follow=True)
    assert _answers(world)["after_funding"] == "Typed while the session ran out"
    assert "We kept them and have sent them now" in response.content.decode()
    # Sent once: opening the form again shows it, and does not send anything again.
    assert client.get(url).status_code == 200
    assert KeptAnswersMiddleware.SESSION_KEY not in client.session


@pytest.mark.django_db
def test_kept_answers_go_to_nobody_else(client, world):
    url = _send_after_the_session_ended(client, world, world.users[Role.CLUSTER_SEND_LEAD])
    client.force_login(world.users[Role.CLUSTER_HOST], backend=BACKEND)
    client.get(url)
    assert _answers(world).get("after_funding") != "Typed while the session ran out"
    assert KeptAnswersMiddleware.SESSION_KEY not in client.session


@pytest.mark.django_db
def test_kept_answers_are_dropped_when_the_user_goes_elsewhere_first(client, world):
    user = world.users[Role.CLUSTER_SEND_LEAD]
    url = _send_after_the_session_ended(client, world, user)
    client.force_login(user, backend=BACKEND)
    client.get(reverse("accounts:home"))
    client.get(url)
    assert _answers(world).get("after_funding") != "Typed while the session ran out"


@pytest.mark.django_db
def test_nothing_is_kept_without_knowing_whose_answers_they_are(client, world):
    response = client.post(_section_url(world), {"after_funding": "Typed", "action": "continue"})
    assert response.status_code == 302
    assert KeptAnswersMiddleware.SESSION_KEY not in client.session
