"""The append-only, keyed, hash-chained log of decisions and money.

There is one chain per park (``chain`` is the park's id) and one for the platform (``chain`` 0,
entries without a park). Each entry carries the HMAC of its content and of the entry before it in
its chain, under a key kept outside the database (``audit.keys``; ``key_id`` names it, so keys can
rotate); each chain's head row holds its last sequence number and hash, so that a deleted tail is
detected too, and signed checkpoint files outside the database hold the heads as they were.
Entries are never updated or deleted by the code: ``save`` refuses an existing row and ``delete``
refuses always. ``manage.py audit_verify`` recomputes every chain, checks every checkpoint and
reconciles the money, and names the first entry that does not match.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS = "0" * 64
PLATFORM_CHAIN = 0  # the chain of entries without a park


class AuditEntry(models.Model):
    # The park's id, or PLATFORM_CHAIN: a column of its own so that (chain, sequence) is unique on
    # every database (a NULL park would not be).
    chain = models.BigIntegerField(_("chain"), default=PLATFORM_CHAIN)
    sequence = models.BigIntegerField(_("number"))
    at = models.DateTimeField(pgettext_lazy("audit entry", "when"))
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
    target_id = models.CharField(
        pgettext_lazy("audit entry: the record changed", "record"), max_length=64
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    before = models.JSONField(
        pgettext_lazy("audit entry: the record before", "before"), default=dict, blank=True
    )
    after = models.JSONField(
        pgettext_lazy("audit entry: the record after", "after"), default=dict, blank=True
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which key (its fingerprint, audit.keys) and which algorithm made ``hash``.
    key_id = models.CharField(_("key"), max_length=16)
    algorithm = models.PositiveSmallIntegerField(_("algorithm"))

    class Meta:
        ordering = ["id"]  # the order entries were appended in, across chains
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_sequence_per_chain"),
        ]
        indexes = [
            models.Index(fields=["park", "target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["action"], name="audit_action_idx"),
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
    """One row per chain: its last sequence number and hash. Appending locks the chain's row only,
    so the parks' writers never queue on each other."""

    chain = models.BigIntegerField(unique=True)
    park = models.ForeignKey(
        "parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.hash[:12]}"
