"""Every write to accounts: API tokens and invitations."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from technopark.accounts import caching, queries
from technopark.accounts.models import (
    ApiToken,
    Invitation,
    TokenRevocation,
    TokenScope,
    User,
    password_fingerprint,
)
from technopark.audit.services import audit_record
from technopark.parks import rules as park_rules
from technopark.parks import services as park_services
from technopark.parks.models import Park, Role

TOKEN_PREFIX = "tp_"  # noqa: S105 - a public marker that starts every token, not a secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _same(stored: str, expected: str) -> bool:
    """A constant-time comparison; a tampered value with non-ASCII characters is a mismatch."""
    return hmac.compare_digest(stored.encode(), expected.encode())


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, language: str | None = None) -> User:
    """Change the name a person is shown by (it may not be blank) and, when ``language`` is
    given, the language they read the site and their e-mail in ("" for none chosen)."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter your name.")})
    if len(full_name) > 200:
        raise ValidationError({"full_name": _("The name can be at most 200 characters long.")})
    fields = ["full_name"]
    if language is not None:
        _check_language(language)
        user.language = language
        fields.append("language")
    user.full_name = full_name
    user.save(update_fields=fields)
    return user


def _check_language(language: str) -> None:
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language of this site.")})


def user_set_language(*, user: User, language: str) -> User:
    """Remember ``language`` as the one ``user`` reads the site in (the header's language switch
    for a signed-in person); a language the site does not have is refused."""
    _check_language(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; return it with the secret, which is never stored and never shown again.

    ``scope`` is read only or read and write; the token expires after ``days`` (default
    ``TECHNOPARK_API_TOKEN_DAYS``, at most ``TECHNOPARK_API_TOKEN_MAX_DAYS``). With
    ``TECHNOPARK_MFA_REQUIRED_FOR_STAFF``, staff need an authenticator app first. The token is
    bound to the owner's current password and staff state, and its creation is audited. The
    page that calls this asks for a recent re-authentication first.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose what the token may do.")})
    max_days = settings.TECHNOPARK_API_TOKEN_MAX_DAYS
    days = settings.TECHNOPARK_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= max_days:
        raise ValidationError(
            {"days": _("A token can last from 1 to %(max)d days.") % {"max": max_days}}
        )
    staff = queries.holds_staff_role(user=user)
    if staff and settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF and not queries.has_totp(user=user):
        raise ValidationError(
            _(
                "Your role requires two-factor sign-in: set up an authenticator app before you "
                "create a token."
            )
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:12],
        key_hash=_digest(secret),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
        password_fingerprint=password_fingerprint(user.password),
        for_staff=staff,
    )
    audit_record(
        park=None,
        actor=user,
        action="accounts.token_create",
        target=token,
        summary=f"API token “{token.name}” ({token.prefix}…)",
        after=_token_state(token),
    )
    return token, secret


def _token_state(token: ApiToken) -> dict[str, Any]:
    return {
        "user": token.user_id,
        "name": token.name,
        "prefix": token.prefix,
        "scope": token.scope,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "revoked_reason": token.revoked_reason,
    }


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, actor: Any = None, reason: str = TokenRevocation.OWNER
) -> ApiToken:
    """Revoke a token: it stops working at the next request (its cached owner is dropped).

    Locks the token row; revoking a revoked token changes nothing. Audited.
    """
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        before = _token_state(locked)
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            park=None,
            actor=actor,
            action="accounts.token_revoke",
            target=locked,
            summary=f"API token “{locked.name}” ({locked.prefix}…): {reason}",
            before=before,
            after=_token_state(locked),
        )
    caching.forget_token(key_hash=locked.key_hash)
    token.revoked_at, token.revoked_reason = locked.revoked_at, locked.revoked_reason
    return locked


def api_tokens_reconcile(*, user: Any, staff: bool | None = None) -> int:
    """Revoke the live tokens of ``user`` that their account no longer allows; how many.

    A token made under another password is revoked (the password was changed or reset, by any
    path: the account pages, a reset link, the admin), and so is a token made before its owner
    became staff. Called when a user or a membership is saved (``AccountsConfig.ready``); the
    same two rules are checked again on every request (``api_token_check``), so a change that
    skipped the signal (a bulk update) still ends the token at its next use.
    """
    tokens = list(ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True))
    if not tokens:
        return 0
    if staff is None:
        staff = queries.holds_staff_role(user=user)
    fingerprint = password_fingerprint(user.password)
    revoked = 0
    for token in tokens:
        reason = ""
        if not _same(token.password_fingerprint, fingerprint):
            reason = TokenRevocation.PASSWORD
        elif staff and not token.for_staff:
            reason = TokenRevocation.ROLE
        if reason:
            api_token_revoke(token=token, actor=None, reason=reason)
            revoked += 1
    return revoked


@dataclass(frozen=True)
class TokenCheck:
    """What a request's token allows: its owner and scope, or a refusal (status and message)."""

    user: User | None
    scope: str = ""
    status: int = 200
    message: str = ""

    @property
    def refused(self) -> bool:
        return self.user is None


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _refused(status: int, message: str) -> TokenCheck:
    return TokenCheck(user=None, status=status, message=message)


def api_token_check(*, secret: str, method: str = "GET") -> TokenCheck:
    """Who may act with this token for a request of ``method``, or why not.

    Refused with 401: unknown, revoked or expired tokens, tokens of inactive people, tokens made
    before the owner's password changed or before the owner became staff (those two are revoked
    here, once, and audited). Refused with 403: staff tokens while staff need two-factor sign-in
    and the owner has none, and a read-only token on an unsafe method. Marks the token used at
    most once a minute. Token and user come from the cache on most calls (``accounts.caching``).
    """
    invalid = _refused(401, _("The API token is invalid or has been revoked."))
    if not secret.startswith(TOKEN_PREFIX):
        return invalid
    key_hash = _digest(secret)
    entry = caching.token_owner(key_hash=key_hash)
    if entry is None:
        return invalid
    user = caching.user_by_id(user_id=entry.user_id)
    if user is None or not user.is_active:
        return invalid
    now = timezone.now()
    staff = bool(user.is_platform_admin or user.is_superuser or entry.staff_member)
    if not _same(entry.fingerprint, password_fingerprint(user.password)):
        _revoke_by_id(entry.token_id, TokenRevocation.PASSWORD)
        return _refused(
            401, _("The API token was revoked because the password of its owner was changed.")
        )
    if staff and not entry.for_staff:
        _revoke_by_id(entry.token_id, TokenRevocation.ROLE)
        return _refused(
            401,
            _("The API token was revoked because its owner became park staff. Create a new one."),
        )
    if entry.expires_at <= now:
        return _refused(401, _("The API token has expired. Create a new one on your account page."))
    if staff and settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF and not entry.totp:
        return _refused(
            403, _("Your role requires two-factor sign-in. Set it up before using an API token.")
        )
    if entry.scope != TokenScope.WRITE and method.upper() not in SAFE_METHODS:
        return _refused(
            403,
            _(
                "This API token may only read. Create a token with the “read and write” scope "
                "to make changes."
            ),
        )
    if entry.last_used is None or now - entry.last_used > timedelta(minutes=1):
        ApiToken.objects.filter(pk=entry.token_id).update(last_used_at=now)
        caching.remember_token_use(key_hash=key_hash, entry=entry._replace(last_used=now))
    return TokenCheck(user=user, scope=entry.scope)


def _revoke_by_id(token_id: int, reason: str) -> None:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is not None:
        api_token_revoke(token=token, actor=None, reason=reason)


def api_token_user(*, secret: str) -> User | None:
    """The user a token acts for on a reading request, or None (see ``api_token_check``)."""
    return api_token_check(secret=secret).user


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


class InvitationForAnotherAddress(PermissionDenied):
    """The invitation was sent to an address the person does not hold (confirmed)."""


def invitation_is_for(*, invitation: Invitation, user: Any) -> bool:
    """Only the invited address may accept: ``user`` must hold it, confirmed (any letter case)."""
    return bool(getattr(user, "is_authenticated", False)) and queries.holds_verified_address(
        user=user, email=invitation.email
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> Invitation:
    """Accept an open invitation as ``user``: they get the role in the park. Works once.

    Only for the person who holds the invited address, confirmed (``invitation_is_for``):
    anyone else gets ``InvitationForAnotherAddress`` and nothing changes. Locks the invitation
    row; the acceptance is audited (``accounts.invitation_accept``).
    """
    locked = Invitation.all_parks.select_for_update().get(
        park_id=invitation.park_id, pk=invitation.pk
    )
    if not locked.is_open:
        raise ValidationError(_("This invitation has expired or has already been used."))
    if not invitation_is_for(invitation=locked, user=user):
        raise InvitationForAnotherAddress(_("This invitation was sent to another e-mail address."))
    park_services.membership_grant(
        park=locked.park, user=user, role=locked.role, granted_by=locked.invited_by
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        park=locked.park,
        actor=user,
        action="accounts.invitation_accept",
        target=locked,
        summary=f"{locked.email} → {locked.role}",
        before={"accepted_at": None, "accepted_by": None},
        after={
            "email": locked.email,
            "role": locked.role,
            "accepted_at": locked.accepted_at,
            "accepted_by": user.pk,
            "invited_by": locked.invited_by_id,
        },
    )
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
def invitation_revoke(*, invitation: Invitation, actor: Any = None) -> Invitation:
    """Withdraw an invitation that is not accepted: its link stops working. Works once.

    Locks the invitation row; revoking an accepted or revoked invitation changes nothing. The
    revocation is audited (``accounts.invitation_revoke``) in the invitation's park.
    """
    locked = Invitation.all_parks.select_for_update().get(
        park_id=invitation.park_id, pk=invitation.pk
    )
    if locked.accepted_at is None and locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            park=locked.park,
            actor=actor,
            action="accounts.invitation_revoke",
            target=locked,
            summary=f"{locked.email} → {locked.role}",
            before={"revoked_at": None},
            after={
                "email": locked.email,
                "role": locked.role,
                "expires_at": locked.expires_at,
                "revoked_at": locked.revoked_at,
            },
        )
    invitation.revoked_at = locked.revoked_at
    return locked
