from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import acheck_password, check_password
from django.contrib.auth.models import PermissionsMixin
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.models import Role
from technopark.parks.tenancy import ParkOwned


class GlobalRole(models.TextChoices):
    NONE = "", pgettext_lazy("global role", "None")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    NATIONAL_OBSERVER = "national_observer", _("National observer")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("global_role", GlobalRole.PLATFORM_ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address; roles are held per park through memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    global_role = models.CharField(
        _("global role"), max_length=20, choices=GlobalRole.choices, blank=True, default=""
    )
    is_active = models.BooleanField(pgettext_lazy("user account", "active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"), default=False, help_text=_("May open the technical admin site.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The language the person reads the site and their e-mail in; blank: the browser's choice on
    # pages and the park's language in e-mail (accounts.middleware, notices.notify).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("Pages, e-mails and API messages use it once you are signed in."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(global_role__in=GlobalRole.values), name="user_global_role_known"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_platform_admin(self) -> bool:
        return self.global_role == GlobalRole.PLATFORM_ADMIN

    @property
    def is_national_observer(self) -> bool:
        return self.global_role == GlobalRole.NATIONAL_OBSERVER

    def check_password(self, raw_password: str | None) -> bool:
        """Django's check, except that re-hashing the same password keeps the API tokens.

        Django re-hashes a correct password in a stronger form (more iterations, another hasher)
        and saves it; the password itself is unchanged, so the owner's tokens made under the old
        hash are moved to the new one before the save (which would otherwise end them).
        """
        return check_password(raw_password, self.password, self._rehash_keeping_tokens)

    async def acheck_password(self, raw_password: str | None) -> bool:
        return await acheck_password(
            raw_password, self.password, sync_to_async(self._rehash_keeping_tokens)
        )

    def _rehash_keeping_tokens(self, raw_password: str | None) -> None:
        old_fingerprint = password_fingerprint(self.password)
        self.set_password(raw_password)
        self._password = None  # the same password: nothing for the password validators
        with transaction.atomic():
            # Only tokens bound to the hash just checked: a token of an older password stays
            # bound to that one and still ends at its next use.
            # The save drops their cached entries, which hold the old fingerprint (apps.py).
            ApiToken.objects.filter(
                user_id=self.pk, revoked_at__isnull=True, password_fingerprint=old_fingerprint
            ).update(password_fingerprint=password_fingerprint(self.password))
            self.save(update_fields=["password"])

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class TokenScope(models.TextChoices):
    """What a personal API token may do: read only (safe methods), or read and write."""

    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class TokenRevocation(models.TextChoices):
    """Why a token was revoked (shown on the account page and kept in the audit chain)."""

    OWNER = "owner", pgettext_lazy("token revoked by", "by its owner")
    ADMIN = "admin", pgettext_lazy("token revoked by", "by an administrator")
    PASSWORD = "password", pgettext_lazy("token revoked by", "the password was changed")
    ROLE = "role", pgettext_lazy("token revoked by", "its owner became park staff")


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once, at creation.

    It carries a scope (read, or read and write), an expiry, a fingerprint of its owner's
    password when it was made (a new password, by any path, ends it) and whether its owner was
    staff then (a token made before the owner became staff stops working).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(pgettext_lazy("name of a thing", "name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        pgettext_lazy("API token", "scope"),
        max_length=10,
        choices=TokenScope.choices,
        default=TokenScope.READ,
    )
    created_at = models.DateTimeField(pgettext_lazy("API token", "created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("revocation reason"),
        max_length=10,
        choices=TokenRevocation.choices,
        blank=True,
        default="",
    )
    password_fingerprint = models.CharField(max_length=64, blank=True, default="")
    for_staff = models.BooleanField(_("made by staff"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Invitation(ParkOwned):
    """Staff invite a person by e-mail to a role in their park; the link holds a one-time secret."""

    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(
        pgettext_lazy("invitation", "accepted"), null=True, blank=True
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


PASSWORD_FINGERPRINT_SALT = "technopark.accounts.ApiToken.password"  # noqa: S105 - a salt name


def password_fingerprint(password_hash: str) -> str:
    """A keyed digest of a user's stored password hash: it changes whenever the password does."""
    from django.utils.crypto import salted_hmac

    return salted_hmac(
        PASSWORD_FINGERPRINT_SALT, password_hash or "", algorithm="sha256"
    ).hexdigest()
