"""Experts' profiles and their reviews: save a draft, file, compute the total; reminders.

The total of a review is the weighted mean of the criteria that were scored, as a percentage of
each criterion's scale: ``Σ wᵢ·sᵢ/maxᵢ / Σ wᵢ × 100`` over the scored criteria only. A criterion
marked "not applicable" is left out of both sums — never counted as zero. A review with no
scored criterion at all cannot be filed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.scopes import in_park
from technopark.parks.models import Direction, Park
from technopark.selection.models import (
    AssignmentStatus,
    Criterion,
    CriterionScore,
    ExpertProfile,
    Recommendation,
    Review,
    ReviewAssignment,
)
from technopark.selection.queries.conflicts import expert_conflicts
from technopark.selection.services.ranking import ranking_refresh

__all__ = [
    "NOT_APPLICABLE",
    "assignment_mark_reminded",
    "expert_profile_save",
    "review_file",
    "review_save",
    "review_total",
    "reviews_overdue",
]

# The value that marks a criterion "not applicable" in the scores a caller passes.
NOT_APPLICABLE = None
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def review_total(scored: Iterable[tuple[Criterion, int | None]]) -> Decimal | None:
    """The weighted mean of the scored criteria as a percentage (two decimals), or None when no
    criterion was scored. ``None`` scores (not applicable) are left out."""
    weights = Decimal(0)
    points = Decimal(0)
    for criterion, score in scored:
        if score is None:
            continue
        weights += criterion.weight
        points += criterion.weight * Decimal(score) / Decimal(criterion.scale_max)
    if weights == 0:
        return None
    return (points / weights * _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def expert_profile_save(
    *,
    park: Park,
    user: Any,
    directions: Iterable[Direction],
    affiliations: str,
    default_capacity: int,
) -> ExpertProfile:
    """Create or change the expert's profile in ``park``. Locks the profile row."""
    directions = list(directions)
    if not all(in_park(park, d) for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    if not 0 <= default_capacity <= 1000:
        raise ValidationError({"default_capacity": _("Give a number from 0 to 1000.")})
    lines = [line.strip() for line in affiliations.splitlines() if line.strip()]
    if len(lines) > 50 or any(len(line) > 300 for line in lines):
        raise ValidationError({"affiliations": _("Up to 50 lines of at most 300 characters each.")})
    profile, _created = ExpertProfile.all_parks.select_for_update().get_or_create(
        park=park, user=user, defaults={"default_capacity": default_capacity}
    )
    profile.affiliations = "\n".join(lines)
    profile.default_capacity = default_capacity
    profile.save()
    profile.directions.set(directions)
    writes("selection", park_id=park.pk)
    return profile


def _locked_assignment(assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application", "expert__user")
        .get(pk=assignment.pk)
    )
    if locked.status != AssignmentStatus.PUBLISHED or locked.expert.user_id != actor.pk:
        raise ValidationError({"assignment": _("This is not one of your review assignments.")})
    if expert_conflicts(expert=locked.expert, application=locked.application):
        raise ValidationError(
            {"assignment": _("You have a conflict of interest with this application.")}
        )
    return locked


def _write(
    *,
    assignment: ReviewAssignment,
    scores: Mapping[int, int | None] | None,
    recommendation: str | None,
    note_for_council: str | None,
    note_for_applicant: str | None,
) -> tuple[Review, dict[int, Criterion], dict[int, int | None]]:
    criteria = {c.pk: c for c in Criterion.objects.filter(call_id=assignment.application.call_id)}
    review, _created = Review.objects.get_or_create(assignment=assignment)
    if review.submitted_at is not None:
        raise ValidationError({"review": _("The review has been filed; it can no longer change.")})
    errors: dict[str, str] = {}
    if scores is not None:
        for criterion_id, score in scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                errors["scores"] = _("Score the criteria of this call only.")
            elif score is not None and not 0 <= score <= criterion.scale_max:
                errors[f"score_{criterion_id}"] = _("Give a score from 0 to %(max)s.") % {
                    "max": criterion.scale_max
                }
    if recommendation not in (None, "", *Recommendation.values):
        errors["recommendation"] = _("Choose a recommendation.")
    for name, text in (
        ("note_for_council", note_for_council),
        ("note_for_applicant", note_for_applicant),
    ):
        if text is not None and len(text) > 20_000:
            errors[name] = _("A note has at most 20,000 characters.")
    if errors:
        raise ValidationError(errors)
    if scores is not None:
        CriterionScore.objects.filter(review=review).exclude(criterion_id__in=list(scores)).delete()
        existing = {s.criterion_id: s for s in CriterionScore.objects.filter(review=review)}
        for criterion_id, score in scores.items():
            row = existing.get(criterion_id)
            if row is None:
                CriterionScore.objects.create(review=review, criterion_id=criterion_id, score=score)
            elif row.score != score:
                row.score = score
                row.save(update_fields=["score"])
    if recommendation is not None:
        review.recommendation = recommendation
    if note_for_council is not None:
        review.note_for_council = note_for_council.strip()
    if note_for_applicant is not None:
        review.note_for_applicant = note_for_applicant.strip()
    review.save()
    current = dict(
        CriterionScore.objects.filter(review=review).values_list("criterion_id", "score")
    )
    return review, criteria, current


@transaction.atomic
def review_save(
    *,
    assignment: ReviewAssignment,
    actor: User,
    scores: Mapping[int, int | None] | None = None,
    recommendation: str | None = None,
    note_for_council: str | None = None,
    note_for_applicant: str | None = None,
) -> Review:
    """Save the expert's draft. ``scores`` maps criterion ids to a score or ``None`` (not
    applicable); a criterion left out of ``scores`` is unanswered (when ``scores`` is given it
    replaces the draft's). Arguments left as ``None`` keep their saved value. Locks the
    assignment; refused once filed, for someone else's assignment, or across a conflict."""
    locked = _locked_assignment(assignment, actor)
    # The expert's queue shows a draft as begun (the fragment ``REVIEW_QUEUE``).
    writes("selection", park_id=locked.application.park_id)
    review, _criteria, _current = _write(
        assignment=locked,
        scores=scores,
        recommendation=recommendation,
        note_for_council=note_for_council,
        note_for_applicant=note_for_applicant,
    )
    return review


@transaction.atomic
def review_file(
    *,
    assignment: ReviewAssignment,
    actor: User,
    scores: Mapping[int, int | None] | None = None,
    recommendation: str | None = None,
    note_for_council: str | None = None,
    note_for_applicant: str | None = None,
) -> Review:
    """Save and file the review: every criterion answered (a score or "not applicable"), at least
    one scored, a recommendation chosen. Computes the total and marks the park's pages stale
    (the ranking table is cached per park version). Locks the assignment. Audit-logged as
    ``selection.review_file`` with the scores, the total and the recommendation (not the notes)."""
    locked = _locked_assignment(assignment, actor)
    writes("selection", park_id=locked.application.park_id)  # the ranking counts filed reviews
    review, criteria, current = _write(
        assignment=locked,
        scores=scores,
        recommendation=recommendation,
        note_for_council=note_for_council,
        note_for_applicant=note_for_applicant,
    )
    errors: dict[str, str] = {}
    for criterion_id in criteria:
        if criterion_id not in current:
            errors[f"score_{criterion_id}"] = _("Score this criterion or mark it not applicable.")
    if criteria and not errors and all(score is None for score in current.values()):
        errors["scores"] = _("Score at least one criterion.")
    if not review.recommendation:
        errors["recommendation"] = _("Choose a recommendation.")
    if errors:
        raise ValidationError(errors)
    review.total = review_total(
        (criteria[cid], score) for cid, score in current.items() if cid in criteria
    )
    review.submitted_at = timezone.now()
    review.save(update_fields=["total", "submitted_at", "updated_at"])
    application = locked.application
    ranking_refresh(park_id=application.park_id, application_ids=[application.pk])
    audit_record(
        park=application.park,
        actor=actor,
        action="selection.review_file",
        target=review,
        summary=f"application {application.pk}: {review.total} ({review.recommendation})",
        after={
            "assignment_id": locked.pk,
            "application_id": application.pk,
            "expert_id": locked.expert_id,
            "scores": {str(cid): score for cid, score in sorted(current.items())},
            "total": review.total,
            "recommendation": review.recommendation,
        },
    )
    return review


def reviews_overdue(*, park_id: int | None = None, now: Any = None) -> Any:
    """Published assignments past their due date without a filed review, not reminded in the
    last day (a queryset with the expert's user and the application loaded)."""
    now = now or timezone.now()
    rows = (
        ReviewAssignment.objects.filter(status=AssignmentStatus.PUBLISHED, due_at__lt=now)
        .exclude(review__submitted_at__isnull=False)
        .exclude(reminded_at__gt=now - timedelta(days=1))
        .select_related("expert__user", "application__park", "application__call")
        .order_by("expert_id", "due_at", "id")
    )
    if park_id is not None:
        rows = rows.filter(application__park_id=park_id)
    return rows


@transaction.atomic
def assignment_mark_reminded(*, assignment_ids: list[int], at: Any = None) -> int:
    """Note that the experts were reminded of these assignments (no lock: a timestamp only)."""
    return ReviewAssignment.objects.filter(pk__in=assignment_ids).update(
        reminded_at=at or timezone.now()
    )
