"""The council's decisions on applications: admit, reject, or ask for more information.

An application gets at most one final decision (admit or reject: a partial unique constraint); a
request for more information sends it back to the applicant, after which it can be decided again.
Every decision is also appended to the audit chain (``selection.services.council``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.models import Park, Site
from technopark.parks.tenancy import ParkOwned
from technopark.selection.models.applications import Application

__all__ = ["FINAL_OUTCOMES", "Decision", "DecisionOutcome"]


class DecisionOutcome(models.TextChoices):
    ADMIT = "admit", _("Admit")
    REJECT = "reject", pgettext_lazy("council decision", "Reject")
    MORE_INFO = "more_info", _("Ask for more information")


# Outcomes that close an application: each application gets one of them at most.
FINAL_OUTCOMES = (DecisionOutcome.ADMIT, DecisionOutcome.REJECT)


class Decision(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="selection_decisions")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=20, choices=DecisionOutcome.choices)
    rationale = models.TextField(
        _("rationale"), help_text=_("For the council's record; the applicant never sees it.")
    )
    message_for_applicant = models.TextField(
        _("message for the applicant"),
        blank=True,
        help_text=_("Sent to the applicant with the decision."),
    )
    # Admission to a residency call: the resident agreement.
    agreement_number = models.CharField(_("agreement number"), max_length=50, blank=True)
    start_date = models.DateField(_("residency starts on"), null=True, blank=True)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(pgettext_lazy("date of a decision", "decided"))
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(outcome__in=["admit", "reject"]),
                name="decision_one_final_per_application",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["admit", "reject", "more_info"]),
                name="decision_known_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["application", "-decided_at"], name="decision_application_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} #{self.application_id}"
