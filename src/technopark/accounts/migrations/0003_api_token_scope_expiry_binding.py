"""API tokens get a scope, an expiry, their owner's password fingerprint and staff flag.

Existing tokens keep the read-and-write scope they always had, expire 90 days from this migration
and are bound to their owner's current password. None counts as made by staff: a token may have
been made before its owner was promoted, which the new rules no longer allow, so a staff owner's
old token is revoked (and audited) at its next use and they make a new one under the new rules.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "technopark.accounts.ApiToken.password"  # models.PASSWORD_FINGERPRINT_SALT


def bind_existing(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + timedelta(days=90)
    for token in ApiToken.objects.select_related("user"):
        token.scope = "write"
        token.expires_at = expires
        token.password_fingerprint = salted_hmac(
            SALT, token.user.password or "", algorithm="sha256"
        ).hexdigest()
        token.for_staff = False  # not known to be made under the staff rules: see above
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
