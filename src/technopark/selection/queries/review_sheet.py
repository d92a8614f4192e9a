"""What an expert may see of one review assignment, for the review page and the API alike.

Blind review is a rule about what leaves the database, not about how a page draws it: for a blind
call the sheet simply has no applicant (company names, INN, team) and no file names, so neither
the template nor the API schema can show them by mistake. Other experts' filed reviews are on the
sheet only once the viewer has filed their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from technopark.parks.models import Direction
from technopark.selection.models import (
    Answer,
    Application,
    Call,
    Criterion,
    Review,
    ReviewAssignment,
)
from technopark.selection.models.applications import answer_display
from technopark.selection.queries.review import is_overdue, other_reviews, own_review

__all__ = [
    "AnswerSeen",
    "ApplicantSeen",
    "OtherReviewSeen",
    "ReviewSheet",
    "TeamMemberSeen",
    "applicant_seen",
    "review_sheet",
]


@dataclass(frozen=True)
class TeamMemberSeen:
    full_name: str
    position: str


@dataclass(frozen=True)
class ApplicantSeen:
    """Who applied: shown only for a call that is not reviewed blind."""

    short_name: str
    legal_name: str
    inn: str
    team: tuple[TeamMemberSeen, ...]


@dataclass(frozen=True)
class AnswerSeen:
    question: str
    answer: str


@dataclass(frozen=True)
class OtherReviewSeen:
    expert: str
    recommendation: str  # a Recommendation code, or "" when none was chosen
    recommendation_label: str
    total: Decimal | None
    note_for_council: str
    scores: tuple[tuple[int, int | None], ...]  # (criterion id, score or None for n/a)


@dataclass(frozen=True)
class ReviewSheet:
    """One assignment as its expert may see it, already redacted for a blind call."""

    assignment_id: int
    call: Call
    application_id: int
    title: str
    directions: tuple[Direction, ...]
    due_at: datetime | None
    overdue: bool
    blind: bool
    applicant: ApplicantSeen | None  # None for a blind call
    answers: tuple[AnswerSeen, ...]
    criteria: tuple[Criterion, ...]
    review: Review | None  # the viewer's own review
    others: tuple[OtherReviewSeen, ...] | None  # None until the viewer's review is filed


def applicant_seen(application: Application, *, team: bool = True) -> ApplicantSeen | None:
    """The applicant as an expert may see it: nothing for a blind call. Needs the application's
    call, company and (with ``team``) ``company__team__user`` loaded to run no query; lists pass
    ``team=False`` and get an empty team."""
    if application.call.blind_review:
        return None
    company = application.company
    return ApplicantSeen(
        short_name=company.short_name,
        legal_name=company.legal_name,
        inn=company.inn,
        team=tuple(
            TeamMemberSeen(full_name=member.user.get_full_name(), position=member.position)
            for member in (company.team.all() if team else ())
        ),
    )


def _answers(application: Application, *, blind: bool) -> tuple[AnswerSeen, ...]:
    rows = (
        Answer.objects.filter(application=application)
        .select_related("field")
        .order_by("field__position", "field_id")
    )
    seen = []
    for answer in rows:
        if answer.field.kind == "file":
            # A file's name can say who applied.
            value = _("A file is attached.") if blind else answer.file_name
        else:
            value = answer_display(answer.field, answer)
        seen.append(AnswerSeen(question=answer.field.label, answer=value))
    return tuple(seen)


def _other(review: Review) -> OtherReviewSeen:
    return OtherReviewSeen(
        expert=review.assignment.expert.user.get_full_name(),
        recommendation=review.recommendation,
        recommendation_label=review.get_recommendation_display(),
        total=review.total,
        note_for_council=review.note_for_council,
        scores=tuple((s.criterion_id, s.score) for s in review.scores.all()),
    )


def review_sheet(*, assignment: ReviewAssignment, now: Any = None) -> ReviewSheet:
    """The sheet of an assignment loaded by ``queries.review.review_assignment``; ask
    ``rules.can_review_assignment`` first. Two queries for the answers and, once the viewer's
    review is filed, two for the other reviews."""
    application = assignment.application
    call = application.call
    review = own_review(assignment)
    filed = review is not None and review.submitted_at is not None
    return ReviewSheet(
        assignment_id=assignment.pk,
        call=call,
        application_id=application.pk,
        title=application.title,
        directions=tuple(application.directions.all()),
        due_at=assignment.due_at,
        overdue=is_overdue(assignment, now),
        blind=call.blind_review,
        applicant=applicant_seen(application),
        answers=_answers(application, blind=call.blind_review),
        criteria=tuple(call.criteria.all()),
        review=review,
        others=tuple(_other(r) for r in other_reviews(assignment=assignment)) if filed else None,
    )
