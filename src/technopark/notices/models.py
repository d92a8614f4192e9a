"""Notices: a line in the recipient's inbox (and an e-mail) for every step that waits on them.

A notice belongs to one person, across parks: ``park`` says which park it is about (empty for the
whole installation). It is not a park-owned table: the inbox spans parks, and only the recipient
ever reads it (every query filters by ``recipient``). ``key`` names the waiting step
(``tranche:17:approve``): a person is told of one step once, however many times it is asked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KIND_MAX = 60
SUBJECT_MAX = 200
BODY_MAX = 4000
URL_MAX = 500
KEY_MAX = 200


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    park = models.ForeignKey(
        "parks.Park",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("model name", "park"),
    )
    kind = models.CharField(pgettext_lazy("notice", "kind"), max_length=KIND_MAX)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("text"), max_length=BODY_MAX, blank=True)
    url = models.CharField(_("address"), max_length=URL_MAX)
    key = models.CharField(_("key"), max_length=KEY_MAX, blank=True, default="")
    created_at = models.DateTimeField(pgettext_lazy("notice", "created"))
    read_at = models.DateTimeField(pgettext_lazy("notice", "read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # the inbox: a person's notices, unread first filter, newest first; and the count
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notice_once_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(url__startswith="/") & ~models.Q(url__startswith="//"),
                name="notice_url_inside_site",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
