"""Invitations: staff invite by e-mail, the task mails a one-time link, the person accepts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from technopark.accounts import services
from technopark.accounts.models import GlobalRole, Invitation
from technopark.audit.models import AuditEntry
from technopark.parks.models import Membership, MembershipStatus, Role
from technopark.parks.rules import access_for
from tests.factories import MembershipFactory, UserFactory


def _accept_path(message) -> str:
    match = re.search(r"http://testserver(/account/invitations/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _invite(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/yakutia/people/invite/", data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def invitation(world):
    """An open invitation made by the manager, with the secret of its link."""
    return services.invitation_create(
        park=world.park,
        access=access_for(world.users["manager"], world.park),
        email="guest@example.org",
        role=Role.MENTOR,
        base_url="http://testserver/",
    )


def test_manager_invites_a_mentor_and_the_mail_carries_the_link(
    world, client_for, django_capture_on_commit_callbacks
):
    response = _invite(
        client_for("manager"),
        django_capture_on_commit_callbacks,
        email="Guest@Example.org",
        role=Role.MENTOR,
    )
    assert response.status_code == 302
    invitation = Invitation.all_parks.get()
    assert (invitation.park, invitation.email, invitation.role) == (
        world.park,
        "guest@example.org",
        Role.MENTOR,
    )
    assert invitation.invited_by == world.users["manager"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["guest@example.org"]
    # One prefix for every mail of the platform: the park's name (core.mail.subject_line).
    assert message.subject == "[Technopark Yakutia] An invitation to join the park"
    assert "Mentor" in message.body
    path = _accept_path(message)
    # The secret in the link is stored only as a hash.
    secret = path.rstrip("/").rsplit("/", 1)[1]
    assert secret not in invitation.key_hash
    assert services.invitation_by_secret(secret=secret) == invitation


def test_invitation_mail_follows_the_inviters_language(
    client_for, django_capture_on_commit_callbacks
):
    client = client_for("manager")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/yakutia/people/invite/",
            {"email": "guest@example.org", "role": Role.EXPERT},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    # The mail is rendered in the inviter's language: the park's Russian name.
    assert mail.outbox[0].subject == "[Технопарк Якутия] Приглашение в парк"


def test_manager_cannot_invite_a_manager(world, client_for, django_capture_on_commit_callbacks):
    response = _invite(
        client_for("manager"),
        django_capture_on_commit_callbacks,
        email="boss@example.org",
        role=Role.MANAGER,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_role_error"' in body
    assert "Only park administrators can invite people to this role." in body
    assert not Invitation.all_parks.exists()
    assert mail.outbox == []


def test_park_admin_can_invite_a_manager(world, client, django_capture_on_commit_callbacks):
    admin = UserFactory()
    MembershipFactory(park=world.park, user=admin, role=Role.PARK_ADMIN)
    client.force_login(admin)
    response = _invite(
        client, django_capture_on_commit_callbacks, email="boss@example.org", role=Role.MANAGER
    )
    assert response.status_code == 302
    assert Invitation.all_parks.get().role == Role.MANAGER


def test_bad_address_is_refused_next_to_the_field(client_for, django_capture_on_commit_callbacks):
    response = _invite(
        client_for("manager"), django_capture_on_commit_callbacks, email="nope", role=Role.EXPERT
    )
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert not Invitation.all_parks.exists()


def test_signed_in_person_accepts_after_confirming(world, invitation):
    _invitation, secret = invitation
    guest = UserFactory(email="guest@example.org")
    client = Client()
    client.force_login(guest)
    path = f"/account/invitations/{secret}/"

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'data-testid="invited-email">guest@example.org<' in response.content.decode()
    assert not Membership.all_parks.filter(user=guest).exists()  # nothing before the POST

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/yakutia/"
    membership = Membership.all_parks.get(user=guest)
    assert (membership.park, membership.role, membership.status) == (
        world.park,
        Role.MENTOR,
        MembershipStatus.ACTIVE,
    )
    _invitation.refresh_from_db()
    assert _invitation.accepted_by == guest


def test_someone_else_holding_the_link_is_refused_and_not_shown_the_address(
    world, invitation, client_for
):
    _invitation, secret = invitation
    response = client_for("expert").get(
        f"/account/invitations/{secret}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="invitation-other-address"' in body
    assert "guest@example.org" not in body


def test_a_staff_invitation_for_one_address_is_refused_for_another_account(world, client_for):
    admin = UserFactory()
    MembershipFactory(park=world.park, user=admin, role=Role.PARK_ADMIN)
    invitation, secret = services.invitation_create(
        park=world.park,
        access=access_for(admin, world.park),
        email="new.manager@example.org",
        role=Role.MANAGER,
        base_url="http://testserver/",
    )
    response = client_for("founder").post(f"/account/invitations/{secret}/")
    assert response.status_code == 403
    assert not Membership.all_parks.filter(user=world.users["founder"], role=Role.MANAGER).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.is_open
    # And the service refuses it too, whoever calls it.
    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(invitation=invitation, user=world.users["founder"])
    assert not AuditEntry.objects.filter(action="accounts.invitation_accept").exists()


def test_the_invited_address_matches_in_any_letter_case_once_confirmed(world, invitation):
    _invitation, secret = invitation
    guest = UserFactory(email="Guest@Example.ORG")
    EmailAddress.objects.create(user=guest, email="Guest@Example.ORG", verified=True, primary=True)
    client = Client()
    client.force_login(guest)
    assert client.post(f"/account/invitations/{secret}/").status_code == 302
    assert Membership.all_parks.get(user=guest).role == Role.MENTOR
    entry = AuditEntry.objects.get(action="accounts.invitation_accept")
    assert (entry.park_id, entry.actor_id) == (world.park.pk, guest.pk)
    assert entry.after["role"] == Role.MENTOR


def test_an_unconfirmed_invited_address_is_not_enough(world, invitation):
    _invitation, secret = invitation
    squatter = UserFactory(email="guest@example.org")
    EmailAddress.objects.create(user=squatter, email="guest@example.org", verified=False)
    client = Client()
    client.force_login(squatter)
    assert client.post(f"/account/invitations/{secret}/").status_code == 403
    assert not Membership.all_parks.filter(user=squatter).exists()


def test_reuse_is_refused(world, invitation, client_for):
    _invitation, secret = invitation
    path = f"/account/invitations/{secret}/"
    guest = UserFactory(email="guest@example.org")
    client = Client()
    client.force_login(guest)
    assert client.post(path).status_code == 302
    response = client.post(path)
    assert response.status_code == 410
    assert 'data-testid="invitation-closed"' in response.content.decode()
    response = client_for("observer").post(path)
    assert response.status_code == 410
    assert not Membership.all_parks.filter(user=world.users["observer"], role=Role.MENTOR).exists()


def test_expired_invitation_changes_nothing(world, invitation, client_for):
    _invitation, secret = invitation
    Invitation.all_parks.filter(pk=_invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = client_for("expert")
    response = client.get(f"/account/invitations/{secret}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()
    assert client.post(f"/account/invitations/{secret}/").status_code == 410
    assert not Membership.all_parks.filter(user=world.users["expert"], role=Role.MENTOR).exists()


def test_revoked_invitation_changes_nothing(world, invitation, client_for):
    _invitation, secret = invitation
    url = f"/yakutia/people/invitations/{_invitation.pk}/revoke/"
    asked = client_for("manager").post(url)
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.content.decode()
    _invitation.refresh_from_db()
    assert _invitation.revoked_at is None  # asking changed nothing
    response = client_for("manager").post(url, {"confirmed": "1"})
    assert response.status_code == 302
    _invitation.refresh_from_db()
    assert _invitation.revoked_at is not None
    response = client_for("expert").post(
        f"/account/invitations/{secret}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not Membership.all_parks.filter(user=world.users["expert"], role=Role.MENTOR).exists()


def test_non_staff_cannot_revoke(world, invitation, client_for):
    _invitation, _secret = invitation
    assert (
        client_for("founder")
        .post(f"/yakutia/people/invitations/{_invitation.pk}/revoke/")
        .status_code
        == 403
    )
    _invitation.refresh_from_db()
    assert _invitation.revoked_at is None


def test_manager_cannot_revoke_an_invitation_to_a_staff_role(world, client_for):
    admin = UserFactory()
    MembershipFactory(park=world.park, user=admin, role=Role.PARK_ADMIN)
    boss, _secret = services.invitation_create(
        park=world.park,
        access=access_for(admin, world.park),
        email="b@example.org",
        role=Role.MANAGER,
        base_url="http://testserver/",
    )
    assert (
        client_for("manager").post(f"/yakutia/people/invitations/{boss.pk}/revoke/").status_code
        == 403
    )
    boss.refresh_from_db()
    assert boss.revoked_at is None


def test_unknown_secret_is_404(db, client_for):
    assert Client().get("/account/invitations/not-a-secret/").status_code == 404


def _link(html: str, testid: str) -> str:
    found = re.search(rf'href="([^"]+)" data-testid="{testid}"', html)
    assert found, testid
    return found.group(1).replace("&amp;", "&")


def test_anonymous_sees_who_invited_to_which_park_and_role_and_signs_up_with_the_address(
    world, invitation
):
    _invitation, secret = invitation
    path = f"/account/invitations/{secret}/"
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="invited-role">Mentor<' in html
    assert "Technopark Yakutia" in html
    assert 'data-testid="invited-by">Manager<' in html
    signup = _link(html, "invitation-signup")
    assert signup.startswith("/accounts/signup/?next=")
    assert secret in signup and "email=guest%40example.org" in signup
    # The sign-up form comes with the invited address filled in.
    form = Client().get(signup).content.decode()
    assert 'value="guest@example.org"' in form


def test_anonymous_with_an_account_is_sent_to_sign_in(world, invitation):
    _invitation, secret = invitation
    UserFactory(email="guest@example.org")
    html = Client().get(f"/account/invitations/{secret}/").content.decode()
    assert _link(html, "invitation-signin").startswith("/accounts/login/?next=")
    assert 'data-testid="invitation-signup"' not in html


def test_mailing_renews_the_secret_so_only_the_mailed_link_works(world, invitation):
    from technopark.accounts.tasks import invitation_send

    _invitation, first_secret = invitation
    invitation_send.call(invitation_id=_invitation.pk, base_url="http://testserver/", language="en")
    mailed = _accept_path(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert services.invitation_by_secret(secret=first_secret) is None
    assert services.invitation_by_secret(secret=mailed) == _invitation


def test_no_mail_for_a_revoked_invitation(world, invitation):
    from technopark.accounts.tasks import invitation_send

    _invitation, _secret = invitation
    services.invitation_revoke(invitation=_invitation)
    sent = invitation_send.call(
        invitation_id=_invitation.pk, base_url="http://testserver/", language="en"
    )
    assert sent is False
    assert mail.outbox == []


def test_a_newcomer_signs_up_from_the_link_and_accepts(world, invitation):
    _invitation, secret = invitation
    path = f"/account/invitations/{secret}/"
    client = Client()
    signup_url = _link(client.get(path).content.decode(), "invitation-signup")
    client.post(
        signup_url,
        {
            "full_name": "Гость",
            "email": "guest@example.org",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "next": path,
        },
    )
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert confirm
    response = client.post(confirm.group(1))
    assert response["Location"] == path
    assert client.post(path).status_code == 302
    assert Membership.all_parks.get(user__email="guest@example.org").role == Role.MENTOR


def test_a_rolled_back_invitation_queues_no_mail(world, django_capture_on_commit_callbacks):
    class Aborted(Exception):
        pass

    manager = access_for(world.users["manager"], world.park)
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(Aborted),
        transaction.atomic(),
    ):
        services.invitation_create(
            park=world.park,
            access=manager,
            email="gone@example.org",
            role=Role.MENTOR,
            base_url="http://testserver/",
        )
        raise Aborted
    assert queued == [] and mail.outbox == []
    assert not Invitation.all_parks.exists()
    # The same call committed queues exactly one mail, once the invitation is there.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.invitation_create(
            park=world.park,
            access=manager,
            email="kept@example.org",
            role=Role.MENTOR,
            base_url="http://testserver/",
        )
    assert queued and [m.to for m in mail.outbox] == [["kept@example.org"]]


@pytest.fixture
def root(client):
    admin = UserFactory(
        email="root@example.org",
        is_staff=True,
        is_superuser=True,
        global_role=GlobalRole.PLATFORM_ADMIN,
    )
    client.force_login(admin)
    return client


def test_an_invitation_cannot_be_edited_or_deleted_in_the_admin(world, invitation, root):
    _invitation, _secret = invitation
    services.invitation_revoke(invitation=_invitation)
    url = f"/admin/accounts/invitation/{_invitation.pk}/change/"
    page = root.get(url).content.decode()
    for field in ("email", "role", "park", "expires_at", "revoked_at"):
        assert f'name="{field}' not in page
    root.post(
        url,
        {
            "email": "other@example.org",
            "role": Role.PARK_ADMIN,
            "park": world.park.pk,
            "expires_at_0": "2099-01-01",
            "expires_at_1": "00:00:00",
            "revoked_at_0": "",
            "revoked_at_1": "",
        },
    )
    response = root.post(f"/admin/accounts/invitation/{_invitation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    stored = Invitation.all_parks.get(pk=_invitation.pk)
    assert (stored.email, stored.role, stored.expires_at) == (
        _invitation.email,
        _invitation.role,
        _invitation.expires_at,
    )
    assert stored.revoked_at is not None


def test_the_admin_revokes_invitations_with_an_audited_action(world, invitation, root):
    _invitation, _secret = invitation
    response = root.post(
        "/admin/accounts/invitation/",
        {"action": "revoke", "_selected_action": [_invitation.pk]},
    )
    assert response.status_code == 302
    _invitation.refresh_from_db()
    assert _invitation.revoked_at is not None
    assert not _invitation.is_open
    entry = AuditEntry.objects.get(action="accounts.invitation_revoke")
    assert entry.actor.email == "root@example.org"
    assert entry.park_id == world.park.pk


def test_revoking_on_the_people_page_is_audited(world, invitation, client_for):
    _invitation, _secret = invitation
    client_for("manager").post(
        f"/yakutia/people/invitations/{_invitation.pk}/revoke/", {"confirmed": "1"}
    )
    entry = AuditEntry.objects.get(action="accounts.invitation_revoke")
    assert entry.actor == world.users["manager"]
    # Revoking again changes nothing and records nothing.
    client_for("manager").post(
        f"/yakutia/people/invitations/{_invitation.pk}/revoke/", {"confirmed": "1"}
    )
    assert AuditEntry.objects.filter(action="accounts.invitation_revoke").count() == 1
