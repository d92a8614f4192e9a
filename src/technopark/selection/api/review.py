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

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.types import Id
from technopark.parks.http import access_of, park_of, require
from technopark.selection.models import ReviewAssignment
from technopark.selection.queries import review as queries
from technopark.selection.queries.review_sheet import applicant_seen, review_sheet
from technopark.selection.rules import review as rules
from technopark.selection.schemas.review import (
    MyReviewDetailOut,
    MyReviewIn,
    MyReviewListOut,
    RecuseIn,
    RecuseOut,
)
from technopark.selection.services import assignment as assignment_services
from technopark.selection.services import review as services

router = Router(tags=["selection"])


def _state(assignment: ReviewAssignment) -> tuple[str, str | None]:
    review = queries.own_review(assignment)
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
        applicant = applicant_seen(application, team=False)
        items.append(
            {
                "id": assignment.pk,
                "application_id": application.pk,
                "application_title": application.title,
                "call_id": application.call_id,
                "call_title": application.call.title,
                "applicant": None if applicant is None else applicant.short_name,
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


def _detail(assignment: ReviewAssignment) -> dict[str, Any]:
    sheet = review_sheet(assignment=assignment)
    review = sheet.review
    applicant = sheet.applicant

    def total_of(total: Any) -> str | None:
        return None if total is None else str(total)

    def scores_of(pairs: Any) -> list[dict[str, Any]]:
        return [{"criterion_id": criterion_id, "score": score} for criterion_id, score in pairs]

    return {
        "id": sheet.assignment_id,
        "call_id": sheet.call.pk,
        "call_title": sheet.call.title,
        "blind": sheet.blind,
        "due_at": sheet.due_at,
        "overdue": sheet.overdue,
        "application": {
            "id": sheet.application_id,
            "title": sheet.title,
            "directions": [d.code for d in sheet.directions],
            "applicant": None
            if applicant is None
            else {
                "short_name": applicant.short_name,
                "legal_name": applicant.legal_name,
                "inn": applicant.inn,
                "team": [
                    {"full_name": m.full_name, "position": m.position} for m in applicant.team
                ],
            },
            "answers": [{"question": a.question, "answer": a.answer} for a in sheet.answers],
        },
        "criteria": [
            {
                "id": c.pk,
                "name": c.name,
                "description": c.description,
                "weight": str(c.weight),
                "scale_max": c.scale_max,
            }
            for c in sheet.criteria
        ],
        "review": None
        if review is None
        else {
            "recommendation": review.recommendation or None,
            "note_for_council": review.note_for_council,
            "note_for_applicant": review.note_for_applicant,
            "scores": scores_of((s.criterion_id, s.score) for s in review.scores.all()),
            "total": total_of(review.total),
            "submitted_at": review.submitted_at,
        },
        "others": None
        if sheet.others is None
        else [
            {
                "expert": other.expert,
                "recommendation": other.recommendation or None,
                "total": total_of(other.total),
                "note_for_council": other.note_for_council,
                "scores": scores_of(other.scores),
            }
            for other in sheet.others
        ],
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
    return _detail(_assignment(request, assignment_id))


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
        actor=signed_in_user(request),
        scores=scores,
        recommendation=data.get("recommendation"),
        note_for_council=data.get("note_for_council"),
        note_for_applicant=data.get("note_for_applicant"),
    )
    fresh = queries.review_assignment(park=park_of(request), user=request.user, pk=assignment_id)
    if fresh is None:  # pragma: no cover - it was there a moment ago, inside this request
        raise Http404
    return _detail(fresh)


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


@router.post(
    "/parks/{slug:park_slug}/reviews/{assignment_id}/recuse",
    auth=signed_in,
    **documented({200: RecuseOut}, 400, 401, 403, 404, 422),
    summary="Recuse from an assignment for a conflict of interest",
)
def review_recuse(
    request: HttpRequest, park_slug: str, assignment_id: Id, payload: RecuseIn
) -> Any:
    """As the review page's "I have a conflict": the reason becomes a declared conflict with
    the applicant, the assignment leaves the expert's queue, the optimiser proposes a
    replacement and the managers are told. Refused (422) once the review is filed."""
    assignment = _assignment(request, assignment_id)
    result = assignment_services.assignment_recuse(
        assignment=assignment, actor=signed_in_user(request), reason=payload.reason
    )
    return {
        "conflict_id": result.conflict.pk,
        "replacement_proposed": result.replacement is not None,
    }
