"""Tables of the grants app: awards, their budget, milestones, tranches, approvals, payments,
cancellations, clawbacks and the founders' milestone reports.

Money is ``DecimalField(14, 2)`` everywhere. What the database holds by itself:

* an award never exceeds the programme's cap as it stood at the decision (``cap`` is copied onto
  the award and checked against ``amount``);
* the award's running totals (``paid_total``, ``clawed_back_total``, kept by the services under
  a row lock) never show more paid out, net of clawbacks, than the award, nor more clawed back
  than paid;
* one payment per tranche, one payment per idempotency key, one approval per person per tranche,
  one cancellation per tranche, one award per participant, one budget line per kind.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The migrations name this module's ``private_storage``: it stays importable from here.
from technopark.core.storage import private_storage
from technopark.parks.models import Park
from technopark.parks.tenancy import ParkOwned
from technopark.programmes.models import Participant

ZERO = Decimal("0.00")


def money_field(label: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


class BudgetKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    SALARIES = "salaries", _("Salaries")
    SERVICES = "services", _("Services")
    MATERIALS = "materials", _("Materials")
    OTHER = "other", pgettext_lazy("expense category", "Other")


class GrantAward(ParkOwned):
    """A grant awarded to a programme participant by a decision."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="grant_awards")
    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="grant", verbose_name=_("participant")
    )
    amount = money_field(_("amount awarded"))
    # The programme's cap when the award was decided: the database checks the amount against it.
    cap = money_field(_("programme's grant cap"))
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    decision_reference = models.CharField(_("decision reference"), max_length=100)
    decided_on = models.DateField(_("decision date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    # Running totals, changed only by the paying and clawback services under the award's lock.
    paid_total = money_field(pgettext_lazy("amount paid", "paid"), default=ZERO)
    clawed_back_total = money_field(_("clawed back"), default=ZERO)
    # A whole award cancelled: its unpaid tranches are cancelled, what was paid stays (and may be
    # clawed back); nothing new is requested, approved or paid on it.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("grant award")
        verbose_name_plural = _("grant awards")
        # The ledger's page: the park's newest awards. Without it PostgreSQL joined all the
        # park's awards to participant, company, cohort and programme to sort them and keep 25
        # (10 ms at 2,000 awards); with it, it walks the index and stops after the page.
        indexes = [
            models.Index(fields=["park", "-decided_on", "-id"], name="grant_award_ledger_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_award_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount__lte=F("cap")), name="grant_award_within_cap"
            ),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(clawed_back_total__gte=0),
                name="grant_award_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(clawed_back_total__lte=F("paid_total")),
                name="grant_award_clawback_within_paid",
            ),
            models.CheckConstraint(
                condition=Q(paid_total__lte=F("amount") + F("clawed_back_total")),
                name="grant_award_never_overpaid",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancelled_by__isnull=True)
                | Q(cancelled_at__isnull=False, cancelled_by__isnull=False),
                name="grant_award_cancelled_with_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_reference}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def net_paid(self) -> Decimal:
        return self.paid_total - self.clawed_back_total

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.net_paid


class GrantPolicy(models.Model):
    """A park's rules for paying grants. No row means the defaults: both rules on."""

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="grant_policy")
    pay_only_accepted_reports = models.BooleanField(
        _("pay only against accepted reports"),
        default=True,
        help_text=_(
            "A tranche tied to a milestone is paid only when that milestone's report is accepted."
        ),
    )
    segregation_of_duties = models.BooleanField(
        _("segregation of duties"),
        default=True,
        help_text=_(
            "The requester of a tranche cannot approve it, the two approvers are different "
            "people, and the payer is neither."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("grant policy")
        verbose_name_plural = _("grant policies")

    def __str__(self) -> str:
        return f"{self.park_id}"

    @classmethod
    def for_park(cls, park: Park) -> GrantPolicy:
        """The park's policy, or an unsaved one with the defaults when none was set."""
        return cls.objects.filter(park_id=park.pk).first() or cls(park=park)

    # Segregation of duties, asked by the services (which refuse) and by the award page (which
    # then does not offer the button): one rule, two readers. ``None`` means allowed.

    def approval_refusal(self, *, requested_by_id: int | None, actor_id: int | None) -> Any:
        """Why this policy refuses ``actor_id`` approving a tranche, or ``None``."""
        if self.segregation_of_duties and actor_id is not None and requested_by_id == actor_id:
            return _(
                "You requested this tranche, so you cannot approve it: two other staff "
                "members must (segregation of duties)."
            )
        return None

    def payment_refusal(
        self,
        *,
        requested_by_id: int | None,
        approver_ids: Collection[int],
        actor_id: int | None,
    ) -> Any:
        """Why this policy refuses ``actor_id`` paying a tranche, or ``None``."""
        if not self.segregation_of_duties or actor_id is None:
            return None
        if requested_by_id == actor_id:
            return _(
                "You requested this tranche, so you cannot pay it: a staff member who neither "
                "requested nor approved it must (segregation of duties)."
            )
        if actor_id in approver_ids:
            return _(
                "You approved this tranche, so you cannot pay it: a staff member who neither "
                "requested nor approved it must (segregation of duties)."
            )
        return None

    def as_dict(self) -> dict[str, bool]:
        return {
            "pay_only_accepted_reports": self.pay_only_accepted_reports,
            "segregation_of_duties": self.segregation_of_duties,
        }


class BudgetLine(models.Model):
    award = models.ForeignKey(GrantAward, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("budget line"), max_length=20, choices=BudgetKind.choices)
    amount = money_field(_("amount"))
    # What park services (the engineering centre's charges) took from the line; never more
    # than the line (the check below), raised only under the award's row lock.
    charged = money_field(_("charged by park services"), default=Decimal("0.00"))

    class Meta:
        ordering = ["award", "kind"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["award", "kind"], name="budget_line_once_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
            models.CheckConstraint(
                condition=Q(charged__gte=0) & Q(charged__lte=models.F("amount")),
                name="budget_line_charged_within_line",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BudgetKind.values), name="budget_line_known_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


class MilestoneStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("milestone status", "Open")
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", pgettext_lazy("milestone status", "Accepted")


class Milestone(models.Model):
    award = models.ForeignKey(GrantAward, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(pgettext_lazy("title of a thing", "title"), max_length=200)
    deliverables = models.TextField(_("deliverables"), blank=True)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.OPEN,
    )

    class Meta:
        ordering = ["award", "number"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="milestone_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_known_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def is_overdue(self, today: Any) -> bool:
        """Due date passed and nothing reported yet."""
        return self.status == MilestoneStatus.OPEN and self.due_on < today


class TrancheStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("grant tranche status", "Requested")
    APPROVED = "approved", pgettext_lazy("grant tranche status", "Approved")
    PAID = "paid", pgettext_lazy("grant tranche status", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("grant tranche status", "Cancelled")


# Two different staff members approve every tranche before it may be paid.
APPROVALS_NEEDED = 2


class Tranche(models.Model):
    award = models.ForeignKey(GrantAward, on_delete=models.CASCADE, related_name="tranches")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="tranches", verbose_name=_("milestone")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    amount = money_field(_("amount"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=TrancheStatus.choices,
        default=TrancheStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="tranche_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=TrancheStatus.values), name="tranche_known_status"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class TrancheApproval(models.Model):
    tranche = models.ForeignKey(Tranche, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tranche", "approved_at", "pk"]
        verbose_name = _("tranche approval")
        verbose_name_plural = _("tranche approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["tranche", "approver"], name="tranche_approved_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tranche_id}: {self.approver_id}"


class Disbursement(models.Model):
    """The payment of one tranche: at most one per tranche, one per idempotency key."""

    award = models.ForeignKey(GrantAward, on_delete=models.PROTECT, related_name="disbursements")
    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="disbursement")
    amount = money_field(_("amount"))
    payment_reference = models.CharField(_("payment reference"), max_length=100)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    paid_on = models.DateField(_("payment date"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_at", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.payment_reference}: {self.amount}"


class TrancheCancellation(models.Model):
    """A tranche that will not be paid, and why: an entry of its own, never an edit."""

    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="cancellation")
    reason = models.TextField(pgettext_lazy("reason for a decision", "reason"))
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tranche cancellation")
        verbose_name_plural = _("tranche cancellations")

    def __str__(self) -> str:
        return f"{self.tranche_id}: {self.reason[:50]}"


class Clawback(models.Model):
    """Money the participant returns (misused or unspent): an entry of its own, never an edit."""

    award = models.ForeignKey(GrantAward, on_delete=models.PROTECT, related_name="clawbacks")
    amount = money_field(_("amount"))
    reason = models.TextField(pgettext_lazy("reason for a decision", "reason"))
    reference = models.CharField(_("reference"), max_length=100)
    decided_on = models.DateField(pgettext_lazy("date of a decision", "date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("clawback")
        verbose_name_plural = _("clawbacks")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("grant report status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("grant report status", "Accepted")
    RETURNED = "returned", pgettext_lazy("grant report status", "Returned for changes")


class GrantReport(models.Model):
    """A founder's report on a milestone: what was done, what was spent per budget line."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    summary = models.TextField(_("what was done"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=ReportStatus.choices,
        default=ReportStatus.SUBMITTED,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["milestone", "-filed_at", "-pk"]
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="grant_report_known_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.get_status_display()}"


class ReportSpending(models.Model):
    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="spending")
    kind = models.CharField(_("budget line"), max_length=20, choices=BudgetKind.choices)
    amount = money_field(_("spent"))

    class Meta:
        ordering = ["report", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind"], name="report_spending_once_per_kind"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_spending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


def _attachment_path(attachment: ReportAttachment, filename: str) -> str:
    return f"grants/{attachment.report_id}/{Path(filename).name}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=_attachment_path, max_length=300
    )
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.name
