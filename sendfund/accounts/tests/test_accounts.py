import pytest
from django.core import mail
from django.urls import reverse

from sendfund.accounts.models import User
from sendfund.accounts.permissions import (
    can_use_apply,
    can_use_manage,
    can_view_cluster,
    can_view_registry,
    roles_of,
)
from sendfund.accounts.roles import Role
from sendfund.accounts.scoping import get_in_scope_or_404, scope_for_user
from sendfund.accounts.services import membership_grant, user_create
from sendfund.accounts.tests.access import OTHER_CLUSTER_HOST
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent


def sign_in(client, email, password):
    return client.post(reverse("accounts:sign-in"), {"username": email, "password": password})


def test_signing_in_by_email_in_any_case_is_audited(client, world):
    response = sign_in(client, "LA_OFFICER@test.example", world.password)
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).url == reverse("manage-home")
    event = AuditEvent.objects.filter(verb="user.signed_in").first()
    assert event.actor == world.users[Role.LA_OFFICER]


def test_a_wrong_password_gets_a_clear_message(client, world):
    response = sign_in(client, "la_officer@test.example", "wrong")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert response.context["form"].errors


def test_the_account_locks_after_five_failures(client, world):
    for _ in range(5):
        sign_in(client, "cluster_host@test.example", "wrong")
    response = sign_in(client, "cluster_host@test.example", world.password)
    assert response.status_code in (403, 429)
    assert "Your account is locked" in response.content.decode()


def test_password_reset_sends_a_link_that_works(client, world):
    response = client.post(reverse("accounts:password-reset"), {"email": "certifier@test.example"})
    assert response.url == reverse("accounts:password-reset-sent")
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "correct horse battery staple",
                                      "new_password2": "correct horse battery staple"})
    assert response.url == reverse("accounts:sign-in")
    assert sign_in(client, "certifier@test.example", "correct horse battery staple").status_code == 302


def test_the_reset_email_is_signed_by_the_council_the_site_is_set_up_for(client, world):
    from sendfund.accounts.services import organisation_for_la

    organisation_for_la(name="Cambridgeshire County Council")
    client.post(reverse("accounts:password-reset"), {"email": "certifier@test.example"})
    assert "Cambridgeshire County Council, SEND cluster funding" in mail.outbox[0].body
    assert "Norfolk" not in mail.outbox[0].body


def test_password_reset_does_not_reveal_whether_an_account_exists(client, world):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@test.example"})
    assert response.url == reverse("accounts:password-reset-sent")
    assert mail.outbox == []


def test_sign_out_needs_a_post_and_is_audited(client, world):
    client.force_login(world.users[Role.CERTIFIER])
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert client.post(reverse("accounts:sign-out")).status_code == 302
    assert AuditEvent.objects.filter(verb="user.signed_out").exists()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_roles_and_permissions(world):
    officer, forum = world.users[Role.LA_OFFICER], world.users[Role.FORUM_MEMBER]
    host, other = world.users[Role.CLUSTER_HOST], world.users[OTHER_CLUSTER_HOST]
    assert can_use_manage(officer) and can_view_registry(officer)
    assert can_use_manage(forum) and not can_view_registry(forum)
    assert can_use_apply(host) and not can_use_manage(host)
    assert can_view_cluster(host, world.cluster) and not can_view_cluster(other, world.cluster)
    assert roles_of(host).has_cluster_role(world.cluster.pk, Role.CLUSTER_HOST)


def test_one_scoping_rule_for_lists_and_details(world):
    from django.http import Http404

    host, other = world.users[Role.CLUSTER_HOST], world.users[OTHER_CLUSTER_HOST]
    officer, forum = world.users[Role.LA_OFFICER], world.users[Role.FORUM_MEMBER]
    clusters = type(world.cluster).objects.all()  # registry sits above accounts: no import
    assert list(scope_for_user(clusters, host, cluster_path="pk")) == [world.cluster]
    assert list(scope_for_user(clusters, other, cluster_path="pk")) == [world.other_cluster]
    assert scope_for_user(clusters, officer, cluster_path="pk").count() == 2
    assert scope_for_user(clusters, forum, cluster_path="pk").count() == 0
    with pytest.raises(Http404):
        get_in_scope_or_404(clusters, other, cluster_path="pk", pk=world.cluster.pk)


def test_membership_rules(world):
    user = user_create(email="new@test.example", full_name="New Person", password=None)
    with pytest.raises(DomainError, match="Choose the cluster"):
        membership_grant(user=user, role=Role.CLUSTER_HOST)
    with pytest.raises(DomainError, match="local authority role"):
        membership_grant(user=user, role=Role.LA_OFFICER, cluster=world.cluster)
    with pytest.raises(DomainError, match="already an account"):
        user_create(email="NEW@test.example", full_name="Again", password=None)
    membership_grant(user=user, role=Role.ADMINISTRATOR)
    user.refresh_from_db()
    assert user.is_staff
    assert AuditEvent.objects.filter(verb="membership.granted", target_id=str(user.pk)).exists()


def test_a_user_without_a_role_is_told_so(client, world):
    user = User.objects.create_user("lonely@test.example", "x" * 12, full_name="Lonely")
    client.force_login(user)
    assert "Your account has no role yet" in client.get(reverse("accounts:home")).content.decode()

