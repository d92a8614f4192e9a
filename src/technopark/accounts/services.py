"""Every write to accounts: API tokens and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from technopark.accounts import caching
from technopark.accounts.models import ApiToken, Invitation, User
from technopark.parks import rules as park_rules
from technopark.parks import services as park_services
from technopark.parks.models import Park, Role

TOKEN_PREFIX = "tp_"  # noqa: S105 - a public marker that starts every token, not a secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def user_update_profile(*, user: User, full_name: str) -> User:
    """Change the name a person is shown by; it may not be blank."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter your name.")})
    if len(full_name) > 200:
        raise ValidationError({"full_name": _("The name can be at most 200 characters long.")})
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with the secret, which is never stored and never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:12], key_hash=_digest(secret)
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token: it stops working at the next request (its cached owner is dropped)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        caching.forget_token(key_hash=token.key_hash)
    return token


def api_token_user(*, secret: str) -> User | None:
    """The active user behind a token, or None. Marks the token used at most once a minute.

    Token and user come from the cache on most calls (``accounts.caching``).
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    key_hash = _digest(secret)
    entry = caching.token_owner(key_hash=key_hash)
    if entry is None:
        return None
    user_id, token_id, last_used = entry
    user = caching.user_by_id(user_id=user_id)
    if user is None or not user.is_active:
        return None
    now = timezone.now()
    if last_used is not None and timezone.is_naive(last_used):
        last_used = last_used.replace(tzinfo=UTC)  # SQLite hands a raw column back without a zone
    if last_used is None or now - last_used > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        caching.remember_token_use(key_hash=key_hash, entry=(user_id, token_id, now))
    return user


@transaction.atomic
@transaction.atomic
def invitation_create(
    *, park: Park, access: park_rules.ParkAccess, email: str, role: str, base_url: str
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``role``; return the invitation and the secret for its link.

    Managers may invite to every role except the staff roles, which only park admins grant. The
    invitation mail (``tasks.invitation_send``, with a fresh link to ``base_url``, in the current
    language) is queued once the invitation is committed: never for one that is rolled back.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if not park_rules.can_grant_role(access, role):
        raise PermissionDenied
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.all_parks.create(
        park=park,
        email=email,
        role=role,
        key_hash=_digest(secret),
        invited_by=access.user,
        expires_at=timezone.now() + timedelta(days=settings.TECHNOPARK_INVITATION_DAYS),
    )
    _queue_invitation_mail(invitation, base_url)
    return invitation, secret


def _queue_invitation_mail(invitation: Invitation, base_url: str) -> None:
    # The task mails a fresh link itself: the secret never sits in the task queue. Imported
    # here: the task reads through this module.
    from technopark.accounts.tasks import invitation_send

    invitation_id = invitation.pk
    language = get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: invitation_send.enqueue(
            invitation_id=invitation_id, base_url=base_url, language=language
        )
    )


def invitation_by_secret(*, secret: str) -> Invitation | None:
    return Invitation.all_parks.select_related("park").filter(key_hash=_digest(secret)).first()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> Invitation:
    """Accept an open invitation as ``user``: they get the role in the park. Works once."""
    locked = Invitation.all_parks.select_for_update().get(
        park_id=invitation.park_id, pk=invitation.pk
    )
    if not locked.is_open:
        raise ValidationError(_("This invitation has expired or has already been used."))
    park_services.membership_grant(
        park=locked.park, user=user, role=locked.role, granted_by=locked.invited_by
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return locked


@transaction.atomic
def invitation_secret_renew(*, invitation: Invitation) -> str:
    """Give an open invitation a fresh secret and return it; the previous link stops working.

    The invitation mail is sent by a background task that calls this, so the secret travels only
    in the e-mail and never sits in the task queue. Locks the invitation row.
    """
    locked = Invitation.all_parks.select_for_update().get(
        park_id=invitation.park_id, pk=invitation.pk
    )
    if not locked.is_open:
        raise ValidationError(_("This invitation has expired or has already been used."))
    secret = secrets.token_urlsafe(32)
    locked.key_hash = _digest(secret)
    locked.save(update_fields=["key_hash"])
    return secret


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation
