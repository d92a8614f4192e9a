from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "technopark.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from technopark.accounts import caching
        from technopark.accounts.models import User

        def forget(sender: type, instance: User, **kwargs: object) -> None:
            # Not a business rule: a saved user must not be served from the cache.
            caching.forget_user(user_id=instance.pk)

        post_save.connect(forget, sender=User, dispatch_uid="technopark.accounts.forget_user")
        post_delete.connect(forget, sender=User, dispatch_uid="technopark.accounts.forget_user_d")

        from technopark.notices.signals import unread_changed

        def forget_unread(sender: type, user_ids: list[int], **kwargs: object) -> None:
            # The cached user carries the count of unread notices (accounts.queries.user_by_id).
            for user_id in user_ids:
                caching.forget_user(user_id=user_id)

        unread_changed.connect(forget_unread, dispatch_uid="technopark.accounts.forget_unread")
        self._bind_tokens_to_accounts()

        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.accounts import agenda as accounts_agenda
        from technopark.parks import agenda

        agenda.add_provider("accounts", accounts_agenda.provider)

        from django.contrib.auth.signals import user_logged_in

        from technopark.accounts.middleware import speak_the_users_language

        user_logged_in.connect(
            speak_the_users_language, dispatch_uid="technopark.accounts.language_at_sign_in"
        )

    @staticmethod
    def _bind_tokens_to_accounts() -> None:
        """API tokens end with the password they were made under and with a promotion to staff.

        The rule is ``services.api_tokens_reconcile``, also checked on every request; these
        receivers only make it take effect (and be audited) when the change is saved, whatever
        path saved it: allauth's pages, a reset link, the admin, a membership service.
        """
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_delete, post_save

        from technopark.accounts import caching, services
        from technopark.accounts.models import ApiToken, User
        from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus

        watched = {"password", "global_role", "is_superuser"}

        def user_saved(sender: type, instance: User, **kwargs: Any) -> None:
            update_fields = kwargs.get("update_fields")
            if kwargs.get("raw") or kwargs.get("created"):
                return  # a new account has no token yet: nothing to forget or revoke
            if update_fields is not None and not watched & set(update_fields):
                return  # a sign-in's last_login, a new name: nothing a token depends on
            if update_fields is None or "password" in update_fields:
                # Not a rule: the cached token entries carry the password fingerprint, which a
                # re-hash of the same password moves to the new hash (User.check_password).
                caching.forget_tokens_of(user_id=instance.pk)
            services.api_tokens_reconcile(user=instance)

        def membership_changed(sender: type, instance: Membership, **kwargs: Any) -> None:
            if kwargs.get("raw"):
                return
            # Not a rule: the cached token entries carry the owner's staff state.
            caching.forget_tokens_of(user_id=instance.user_id)
            if (
                kwargs.get("signal") is post_save
                and instance.role in STAFF_ROLES
                and instance.status == MembershipStatus.ACTIVE
            ):
                services.api_tokens_reconcile(user=instance.user, staff=True)

        def authenticator_changed(sender: type, instance: Authenticator, **kwargs: Any) -> None:
            # Not a rule: the cached token entries carry whether the owner has a second factor.
            caching.forget_tokens_of(user_id=instance.user_id)

        def token_deleted(sender: type, instance: ApiToken, **kwargs: Any) -> None:
            caching.forget_token(key_hash=instance.key_hash)

        uid = "technopark.accounts.tokens."
        post_save.connect(user_saved, sender=User, dispatch_uid=uid + "user")
        post_save.connect(membership_changed, sender=Membership, dispatch_uid=uid + "membership")
        post_delete.connect(
            membership_changed, sender=Membership, dispatch_uid=uid + "membership_d"
        )
        post_save.connect(authenticator_changed, sender=Authenticator, dispatch_uid=uid + "mfa")
        post_delete.connect(authenticator_changed, sender=Authenticator, dispatch_uid=uid + "mfa_d")
        post_delete.connect(token_deleted, sender=ApiToken, dispatch_uid=uid + "deleted")
