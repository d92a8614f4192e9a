"""API of the review part: an expert's own assignments and reviews (list, read, save, file).

The same rules as the pages (``selection.rules.review``), asked before a record is looked up:
anonymous → 401, not an expert of the park → 403, not one's own published assignment → 404,
in conflict with the application → 403. Refusals of the services are 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.types import Id
from technopark.parks.http import access_of, park_of, require
from technopark.selection.models import Answer, ReviewAssignment
from technopark.selection.models.applications import answer_display
from technopark.selection.queries import review as queries
from technopark.selection.rules import review as rules
from technopark.selection.schemas.review import (
    MyReviewDetailOut,
    MyReviewIn,
    MyReviewListOut,
)
from technopark.selection.services import review as services

router = Router(tags=["selection"])


def _state(assignment: ReviewAssignment) -> tuple[str, str | None]:
    review = assignment.review if queries._loaded_review(assignment) else None
    if review is None:
        return "not_started", None
    if review.submitted_at is None:
        return "draft", None
    return "filed", None if review.total is None else str(review.total)


@router.get(
    "/parks/{slug:park_slug}/reviews",
    auth=signed_in,
    **documented({200: MyReviewListOut}, 401, 403, 404),
    summary="My review assignments",
)
def review_list(request: HttpRequest, park_slug: str) -> Any:
    """The expert's published assignments in the park, soonest due first (two queries)."""
    require(rules.can_review(access_of(request)))
    now = timezone.now()
    items = []
    for assignment in queries.review_queue(park=park_of(request), user=request.user):
        state, total = _state(assignment)
        application = assignment.application
        items.append(
            {
                "id": assignment.pk,
                "application_id": application.pk,
                "application_title": application.title,
                "call_id": application.call_id,
                "call_title": application.call.title,
                "applicant": None
                if application.call.blind_review
                else application.company.short_name,
                "due_at": assignment.due_at,
                "overdue": queries.is_overdue(assignment, now),
                "state": state,
                "total": total,
            }
        )
    return {"count": len(items), "items": items}


def _assignment(request: HttpRequest, assignment_id: int) -> ReviewAssignment:
    access = access_of(request)
    require(rules.can_review(access))
    assignment = queries.review_assignment(
        park=park_of(request), user=request.user, pk=assignment_id
    )
    if assignment is None:
        raise Http404
    require(rules.can_review_assignment(access, assignment))
    return assignment


def _detail(request: HttpRequest, assignment: ReviewAssignment) -> dict[str, Any]:
    application = assignment.application
    call = application.call
    blind = call.blind_review
    review = assignment.review if queries._loaded_review(assignment) else None
    answers = []
    for answer in (
        Answer.objects.filter(application=application)
        .select_related("field")
        .order_by("field__position", "field_id")
    ):
        if answer.field.kind == "file":
            value = _("A file is attached.") if blind else answer.file_name
        else:
            value = answer_display(answer.field, answer)
        answers.append({"question": answer.field.label, "answer": value})

    def scores_of(item: Any) -> list[dict[str, Any]]:
        return [{"criterion_id": s.criterion_id, "score": s.score} for s in item.scores.all()]

    others = None
    if rules.can_see_other_reviews(access_of(request), assignment):
        others = [
            {
                "expert": str(
                    other.assignment.expert.user.full_name or other.assignment.expert.user.email
                ),
                "recommendation": other.recommendation or None,
                "total": None if other.total is None else str(other.total),
                "note_for_council": other.note_for_council,
                "scores": scores_of(other),
            }
            for other in queries.other_reviews(assignment=assignment)
        ]
    return {
        "id": assignment.pk,
        "call_id": call.pk,
        "call_title": call.title,
        "blind": blind,
        "due_at": assignment.due_at,
        "overdue": queries.is_overdue(assignment),
        "application": {
            "id": application.pk,
            "title": application.title,
            "directions": [d.code for d in application.directions.all()],
            "applicant": None
            if blind
            else {
                "short_name": application.company.short_name,
                "legal_name": application.company.legal_name,
                "inn": application.company.inn,
                "team": [
                    {"full_name": str(m.user.full_name or m.user.email), "position": m.position}
                    for m in application.company.team.all()
                ],
            },
            "answers": answers,
        },
        "criteria": [
            {
                "id": c.pk,
                "name": c.name,
                "description": c.description,
                "weight": str(c.weight),
                "scale_max": c.scale_max,
            }
            for c in call.criteria.all()
        ],
        "review": None
        if review is None
        else {
            "recommendation": review.recommendation or None,
            "note_for_council": review.note_for_council,
            "note_for_applicant": review.note_for_applicant,
            "scores": scores_of(review),
            "total": None if review.total is None else str(review.total),
            "submitted_at": review.submitted_at,
        },
        "others": others,
    }


@router.get(
    "/parks/{slug:park_slug}/reviews/{assignment_id}",
    auth=signed_in,
    **documented({200: MyReviewDetailOut}, 401, 403, 404, 422),
    summary="One of my review assignments, with my review",
)
def review_detail(request: HttpRequest, park_slug: str, assignment_id: Id) -> Any:
    """The application (without who applied, for a blind call), the criteria, the expert's
    review, and others' filed reviews once the expert's own is filed."""
    return _detail(request, _assignment(request, assignment_id))


def _write(request: HttpRequest, assignment_id: int, payload: MyReviewIn, *, file: bool) -> Any:
    assignment = _assignment(request, assignment_id)
    data = payload.dict(exclude_unset=True)
    scores = None
    if "scores" in data:
        scores = {}
        for item in data["scores"]:
            if item["criterion_id"] in scores:
                raise ValidationError({"scores": _("Each criterion once only.")})
            scores[item["criterion_id"]] = item["score"]
    service = services.review_file if file else services.review_save
    service(
        assignment=assignment,
        actor=request.user,
        scores=scores,
        recommendation=data.get("recommendation"),
        note_for_council=data.get("note_for_council"),
        note_for_applicant=data.get("note_for_applicant"),
    )
    fresh = queries.review_assignment(park=park_of(request), user=request.user, pk=assignment_id)
    if fresh is None:  # pragma: no cover - it was there a moment ago, inside this request
        raise Http404
    return _detail(request, fresh)


@router.patch(
    "/parks/{slug:park_slug}/reviews/{assignment_id}",
    auth=signed_in,
    **documented({200: MyReviewDetailOut}, 400, 401, 403, 404, 422),
    summary="Save my review as a draft",
)
def review_save(
    request: HttpRequest, park_slug: str, assignment_id: Id, payload: MyReviewIn
) -> Any:
    """Only the fields sent change; ``scores`` replaces the saved scores. Refused once filed."""
    return _write(request, assignment_id, payload, file=False)


@router.post(
    "/parks/{slug:park_slug}/reviews/{assignment_id}/file",
    auth=signed_in,
    **documented({200: MyReviewDetailOut}, 400, 401, 403, 404, 422),
    summary="File my review",
)
def review_file(
    request: HttpRequest, park_slug: str, assignment_id: Id, payload: MyReviewIn
) -> Any:
    """Save what is sent, then file: every criterion answered (a score or null for not
    applicable), at least one scored, a recommendation chosen. The total is computed then."""
    return _write(request, assignment_id, payload, file=True)
