"""Experts, their conflicts of interest, their assignments to applications, and their reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.parks.models import Direction, Park
from technopark.parks.tenancy import ParkOwned
from technopark.selection.models.applications import Application
from technopark.selection.models.calls import Call, Criterion

__all__ = [
    "AssignmentStatus",
    "ConflictKind",
    "ConflictOfInterest",
    "CriterionScore",
    "ExpertCapacity",
    "ExpertProfile",
    "Recommendation",
    "Review",
    "ReviewAssignment",
]


class ExpertProfile(ParkOwned):
    """An expert of a park: what they know, where they work, how much they can take."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="expert_profiles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profiles"
    )
    directions = models.ManyToManyField(
        Direction, blank=True, related_name="+", verbose_name=_("directions")
    )
    affiliations = models.TextField(
        _("affiliations"),
        blank=True,
        help_text=_("Organisations you work for or with, one per line (name or INN)."),
    )
    default_capacity = models.PositiveSmallIntegerField(_("applications per call"), default=10)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")
        constraints = [
            models.UniqueConstraint(fields=["park", "user"], name="expert_profile_one_per_park")
        ]

    def __str__(self) -> str:
        return str(self.user)


class ExpertCapacity(models.Model):
    """How many applications of one call an expert takes (overrides the profile's default)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="expert_capacities")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="capacities")
    capacity = models.PositiveSmallIntegerField(_("applications"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "expert"], name="expert_capacity_once_per_call")
        ]
        verbose_name = _("expert capacity")
        verbose_name_plural = _("expert capacities")

    def __str__(self) -> str:
        return f"{self.expert_id}@{self.call_id}: {self.capacity}"


class ConflictKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class ConflictOfInterest(models.Model):
    """A declared conflict. The obvious ones (team member, shared affiliation or e-mail domain)
    are found by the platform and need no row."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(_("with"), max_length=20, choices=ConflictKind.choices)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    reason = models.CharField(
        pgettext_lazy("conflict of interest", "reason"), max_length=300, blank=True
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    # Who declared it when not the expert: a manager, for them.
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The assignment the expert recused from, when the conflict came from the review page.
    recused_from = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="company", company__isnull=False)
                    | models.Q(kind="person", person__isnull=False)
                    | (models.Q(kind="organisation") & ~models.Q(organisation=""))
                ),
                name="conflict_names_its_party",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ConflictKind.COMPANY and self.company_id:
            return str(self.company)
        if self.kind == ConflictKind.PERSON and self.person_id:
            return str(self.person)
        return self.organisation


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("assignment status", "Proposed")
    PUBLISHED = "published", pgettext_lazy("assignment status", "Published")


class ReviewAssignment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PROPOSED,
    )
    explanation = models.CharField(_("why"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the optimiser saw when it proposed the pair (the page explains the choice from them in
    # the reader's language): the expert's load with this assignment, and their capacity.
    proposed_load = models.PositiveSmallIntegerField(null=True, blank=True)
    proposed_capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(
        pgettext_lazy("date published", "published"), null=True, blank=True
    )
    # The last reminder of an overdue review (one a day at most).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="assignment_once_per_expert"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssignmentStatus.values),
                name="assignment_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["expert", "status"], name="assignment_expert_status_idx"),
            # The staff's agenda: proposed assignments and overdue ones, read as a range.
            models.Index(
                fields=["status", "due_at", "application"], name="assignment_status_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ← {self.expert_id} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == AssignmentStatus.PUBLISHED


class Recommendation(models.TextChoices):
    ADMIT = "admit", _("Admit")
    ADMIT_WITH_CONDITIONS = "conditions", _("Admit with conditions")
    REJECT = "reject", pgettext_lazy("expert recommendation", "Reject")


class Review(models.Model):
    """An expert's review. ``total`` is the weighted mean of the scored criteria, as a percentage
    of the scale (0–100); a criterion marked "not applicable" is left out, never counted as zero.
    It is computed when the review is filed (``submitted_at`` set)."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    note_for_council = models.TextField(_("note for the council"), blank=True)
    note_for_applicant = models.TextField(_("note for the applicant"), blank=True)
    total = models.DecimalField(
        _("weighted total"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(
        pgettext_lazy("date a review was filed", "filed"), null=True, blank=True
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True)
                | (models.Q(total__gte=0) & models.Q(total__lte=100)),
                name="review_total_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"review of {self.assignment_id}"

    @property
    def is_filed(self) -> bool:
        return self.submitted_at is not None


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        pgettext_lazy("review score", "score"),
        null=True,
        blank=True,
        help_text=_("Empty means not applicable."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"
