"""Tables of the residency app: resident status with its history, quarterly reports, reminders.

A company holds at most one *current* resident status (active or suspended) per park: a partial
unique constraint, so a company that left and is admitted again gets a new row and keeps the old
one in the register's history. Reports belong to the residency they were filed under and are
unique per company and quarter. Money is ``Decimal(14, 2)`` and never negative (check constraints).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.parks.models import Direction, Park, Site
from technopark.parks.tenancy import ParkOwned
from technopark.residency.schedule import Quarter


class ResidentState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("resident status", "Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    ENDED = "ended", _("Ended")


# A resident in one of these states is *current*: at most one such status per company and park.
CURRENT_STATES = (ResidentState.ACTIVE, ResidentState.SUSPENDED)


def period_of(year: int, quarter: int) -> int:
    """A quarter as one increasing integer (2026 Q1 → 8104), so ranges compare in SQL."""
    return year * 4 + quarter - 1


class ResidentStatus(ParkOwned):
    """A company's resident status in a park under a resident agreement."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="resident_statuses")
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="resident_statuses",
    )
    agreement_number = models.CharField(_("agreement number"), max_length=60)
    start_date = models.DateField(_("agreement date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    directions = models.ManyToManyField(
        Direction, verbose_name=_("directions"), related_name="+", blank=True
    )
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=ResidentState.choices,
        default=ResidentState.ACTIVE,
    )
    status_since = models.DateField(_("status since"))
    # The first quarter a report is owed for (``period_of``): the quarter of the start date.
    reports_from = models.PositiveIntegerField(editable=False)
    # The selection app's application that led to the admission, if any (no foreign key: the
    # residency app does not depend on selection).
    application_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["park", "company__short_name", "id"]
        verbose_name = _("resident status")
        verbose_name_plural = _("resident statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "company"],
                condition=models.Q(status__in=CURRENT_STATES),
                name="resident_one_current_per_company",
            ),
            models.UniqueConstraint(
                fields=["park", "agreement_number"], name="resident_unique_agreement_in_park"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ResidentState.values), name="resident_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="resident_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["park", "status"], name="resident_park_status_idx"),
            models.Index(fields=["park", "company"], name="resident_park_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} — {self.agreement_number}"

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATES


class StatusChange(models.Model):
    """One step in a resident's status history: admitted, suspended, reinstated, revoked, ended."""

    resident = models.ForeignKey(ResidentStatus, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(
        pgettext_lazy("status change", "from"),
        max_length=20,
        choices=ResidentState.choices,
        blank=True,
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=20, choices=ResidentState.choices
    )
    reason = models.TextField(pgettext_lazy("reason for a decision", "reason"), blank=True)
    effective_on = models.DateField(pgettext_lazy("date a change takes effect", "date"))
    decided_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["resident", "-decided_at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_status__in=ResidentState.values),
                name="resident_change_to_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident}: {self.from_status or '—'} → {self.to_status}"


class ReportReview(models.TextChoices):
    """Where a quarterly report stands with the park's staff: figures count once accepted."""

    FILED = "filed", pgettext_lazy("quarterly report", "Filed, not reviewed")
    ACCEPTED = "accepted", pgettext_lazy("quarterly report", "Accepted")
    RETURNED = "returned", pgettext_lazy("quarterly report", "Returned for correction")


class QuarterlyReport(ParkOwned):
    """What a resident reports for one quarter, due by the 5th day after it ends. Filed once;
    staff accept it or return it with a note, and a returned report is corrected and filed again
    (the same row: the audit chain keeps every version of the figures)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(ResidentStatus, on_delete=models.CASCADE, related_name="reports")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    period = models.PositiveIntegerField(editable=False)
    revenue = models.DecimalField(_("revenue, ₽"), max_digits=14, decimal_places=2)
    taxes_paid = models.DecimalField(_("taxes paid, ₽"), max_digits=14, decimal_places=2)
    investment_raised = models.DecimalField(
        _("investment raised, ₽"), max_digits=14, decimal_places=2
    )
    rnd_spending = models.DecimalField(_("R&D spending, ₽"), max_digits=14, decimal_places=2)
    exports = models.DecimalField(_("exports, ₽"), max_digits=14, decimal_places=2)
    headcount = models.PositiveIntegerField(_("headcount"))
    ip_registered = models.PositiveIntegerField(_("intellectual property registered"))
    ip_note = models.TextField(_("intellectual property, details"), blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("quarterly report: when filed", "filed"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    review = models.CharField(
        pgettext_lazy("quarterly report: the park's check", "review"),
        max_length=10,
        choices=ReportReview.choices,
        default=ReportReview.FILED,
    )
    review_note = models.TextField(_("note of the review"), blank=True)
    reviewed_at = models.DateTimeField(
        pgettext_lazy("quarterly report: when reviewed", "reviewed"), null=True, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-period", "company__short_name", "id"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "quarter"], name="report_one_per_company_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=models.Q(period=models.F("year") * 4 + models.F("quarter") - 1),
                name="report_period_matches",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    revenue__gte=0,
                    taxes_paid__gte=0,
                    investment_raised__gte=0,
                    rnd_spending__gte=0,
                    exports__gte=0,
                ),
                name="report_money_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(review__in=ReportReview.values), name="report_known_review"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "period"], name="report_park_period_idx"),
            models.Index(fields=["resident", "period"], name="report_resident_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.quarter_label}"

    @property
    def quarter_label(self) -> str:
        """The report's quarter in the reader's language ("Q3 2026", «3 кв. 2026»)."""
        return str(Quarter(self.year, self.quarter))


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    AFTER = "after", _("After the due date")


class ReportReminder(ParkOwned):
    """A reminder sent about one quarter's report: each kind once per company and quarter."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(ResidentStatus, on_delete=models.CASCADE, related_name="reminders")
    period = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "period", "kind"], name="report_reminder_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values), name="report_reminder_kind_known"
            ),
        ]
