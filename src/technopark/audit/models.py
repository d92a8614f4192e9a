"""The append-only, hash-chained log of decisions and money.

Each entry carries the hash of the one before it; the head row holds the last sequence number and
hash, so that a deleted tail is detected too. Entries are never updated or deleted by the code:
``save`` refuses an existing row and ``delete`` refuses always. ``manage.py audit_verify`` recomputes
the chain and names the first entry that does not match.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEntry(models.Model):
    sequence = models.BigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("when"))
    park = models.ForeignKey(
        "parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # PROTECT: a person named in the chain is deactivated, never deleted (the hash covers them).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("record type"), max_length=80)
    target_id = models.CharField(_("record"), max_length=64)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["park", "target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """One row: the chain's last sequence number and hash. Appending locks it."""

    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
