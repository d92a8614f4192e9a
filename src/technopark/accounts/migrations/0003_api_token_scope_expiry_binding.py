"""API tokens get a scope, an expiry, their owner's password fingerprint and staff flag.

Existing tokens keep working for the read-and-write scope they always had, expire 90 days from
this migration, are bound to their owner's current password and count as made by staff when the
owner is staff now (so that they still need two-factor sign-in where it is required).
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "technopark.accounts.ApiToken.password"  # models.PASSWORD_FINGERPRINT_SALT
STAFF_ROLES = ("park_admin", "manager")


def bind_existing(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    Membership = apps.get_model("parks", "Membership")
    expires = timezone.now() + timedelta(days=90)
    staff_ids = set(
        Membership._base_manager.filter(role__in=STAFF_ROLES, status="active").values_list(
            "user_id", flat=True
        )
    )
    for token in ApiToken.objects.select_related("user"):
        user = token.user
        token.scope = "write"
        token.expires_at = expires
        token.password_fingerprint = salted_hmac(
            SALT, user.password or "", algorithm="sha256"
        ).hexdigest()
        token.for_staff = bool(
            user.global_role == "platform_admin" or user.is_superuser or user.pk in staff_ids
        )
        token.save(update_fields=["scope", "expires_at", "password_fingerprint", "for_staff"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("parks", "0002_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=10,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("owner", "by its owner"),
                    ("admin", "by an administrator"),
                    ("password", "the password was changed"),
                    ("role", "its owner became park staff"),
                ],
                default="",
                max_length=10,
                verbose_name="revocation reason",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="for_staff",
            field=models.BooleanField(default=False, verbose_name="made by staff"),
        ),
        migrations.RunPython(bind_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("scope__in", ["read", "write"])),
                name="api_token_scope_known",
            ),
        ),
    ]
