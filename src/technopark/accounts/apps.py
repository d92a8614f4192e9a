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
