"""Reads of the review part, shaped for its pages and API: the expert's queue, one review, the
assignment board of a call, the experts of a park."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from technopark.companies.models import TeamMember
from technopark.parks.models import Direction, Park
from technopark.selection.models import (
    Application,
    AssignmentStatus,
    Call,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    ExpertProfile,
    Review,
    ReviewAssignment,
)
from technopark.selection.queries.conflicts import conflict_pairs, experts_of_park
from technopark.selection.services.assignment import (
    REVIEWABLE_STATUSES,
    assignable,
    assignment_explanation,
    capacities_for_call,
)

__all__ = [
    "AssignmentBoard",
    "assignment_board",
    "assignment_in_call",
    "call_for_assignments",
    "expert_in_park",
    "expert_list",
    "expert_profile_of",
    "other_reviews",
    "own_review",
    "review_assignment",
    "review_queue",
    "review_queue_rows",
]


def review_queue(*, park: Park, user: Any) -> QuerySet[ReviewAssignment]:
    """The expert's published assignments in ``park``, soonest due first, each with its
    application, call, company and review loaded: one query however many there are."""
    return (
        ReviewAssignment.objects.filter(
            expert__park=park,
            expert__user_id=user.pk,
            status=AssignmentStatus.PUBLISHED,
            application__park=park,
        )
        .select_related("application__call", "application__company", "review")
        .order_by("due_at", "application__call_id", "id")
    )


def review_queue_rows(*, park: Park, user: Any) -> QuerySet[ReviewAssignment]:
    """``review_queue`` with only what the queue's page shows and filters by (the applications,
    calls and companies have long texts the list never reads): one query."""
    return review_queue(park=park, user=user).only(
        "id",
        "application_id",
        "expert_id",
        "status",
        "due_at",
        "application__id",
        "application__park_id",
        "application__title",
        "application__call_id",
        "application__company_id",
        "application__created_by_id",
        "application__call__id",
        "application__call__title",
        "application__call__blind_review",
        "application__company__id",
        "application__company__short_name",
        "application__company__legal_name",
        "application__company__inn",
        "review__id",
        "review__assignment_id",
        "review__submitted_at",
        "review__total",
    )


def review_assignment(*, park: Park, user: Any, pk: int) -> ReviewAssignment | None:
    """One of the expert's published assignments with what its review page shows (the review,
    its scores, the criteria, the application's directions and the company's team)."""
    return (
        review_queue(park=park, user=user)
        .filter(pk=pk)
        .select_related("expert__user", "application__created_by")
        .prefetch_related(
            Prefetch(
                "application__call__criteria", queryset=Criterion.objects.order_by("position", "id")
            ),
            Prefetch("application__directions", queryset=Direction.objects.order_by("position")),
            Prefetch(
                "application__company__team",
                queryset=TeamMember.objects.select_related("user").order_by("id"),
            ),
            Prefetch("review__scores", queryset=CriterionScore.objects.order_by("criterion_id")),
        )
        .first()
    )


def other_reviews(*, assignment: ReviewAssignment) -> list[Review]:
    """The filed reviews of the same application by other experts, with their scores (two
    queries). Show them only when ``rules.can_see_other_reviews`` allows."""
    return list(
        Review.objects.filter(
            assignment__application_id=assignment.application_id,
            submitted_at__isnull=False,
        )
        .exclude(assignment_id=assignment.pk)
        .select_related("assignment__expert__user")
        .prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.order_by("criterion_id"))
        )
        .order_by("submitted_at", "id")
    )


def expert_profile_of(*, park: Park, user: Any) -> ExpertProfile | None:
    return (
        ExpertProfile.all_parks.filter(park=park, user_id=user.pk)
        .select_related("user")
        .prefetch_related(
            "directions",
            Prefetch(
                "conflicts",
                queryset=ConflictOfInterest.objects.select_related("company", "person").order_by(
                    "-declared_at", "-id"
                ),
            ),
        )
        .first()
    )


def expert_list(*, park: Park) -> QuerySet[ExpertProfile]:
    """The park's experts (people with the expert role and a profile), with their directions,
    declared conflicts and how many published assignments they have (three queries)."""
    return (
        experts_of_park(park=park)
        .select_related("user")
        .prefetch_related(
            Prefetch("directions", queryset=Direction.objects.order_by("position")),
            Prefetch(
                "conflicts",
                queryset=ConflictOfInterest.objects.select_related("company", "person"),
            ),
        )
        .annotate(published_count=Count("assignments", distinct=True))
        .order_by("user__full_name", "user__email", "id")
    )


def expert_in_park(*, park: Park, pk: int) -> ExpertProfile | None:
    return experts_of_park(park=park).filter(pk=pk).select_related("user").first()


def experts_to_pick(*, park: Park) -> QuerySet[ExpertProfile]:
    """The park's experts for a picker, by name (one query per page of choices)."""
    qs: QuerySet[ExpertProfile] = (
        experts_of_park(park=park)
        .select_related("user")
        .order_by("user__full_name", "user__email", "id")
    )
    return qs


def applications_to_assign(*, call: Call) -> QuerySet[Application]:
    """The call's applications experts may be given (submitted and not ineligible), for a
    picker."""
    return (
        assignable(Application.all_parks.filter(park_id=call.park_id, call=call))
        .select_related("company")
        .order_by("submitted_at", "id")
    )


def companies_to_pick(*, park: Park) -> QuerySet[Any]:
    from technopark.companies.models import Company

    return Company.all_parks.filter(park=park).order_by("short_name", "id")


def declared_conflicts(*, park: Park) -> list[ConflictOfInterest]:
    """Every declared conflict of the park's experts, newest first (one query)."""
    return list(
        ConflictOfInterest.objects.filter(expert__park=park)
        .select_related("expert__user", "company", "person", "declared_by")
        .order_by("-declared_at", "-id")[:500]
    )


def call_for_assignments(*, park: Park, pk: int) -> Call | None:
    return Call.all_parks.filter(park=park, pk=pk).first()


def assignment_in_call(*, call: Call, pk: int) -> ReviewAssignment | None:
    return (
        ReviewAssignment.objects.filter(application__call=call, pk=pk)
        .select_related("application__call__park", "expert__user")
        .first()
    )


@dataclass
class BoardRow:
    application: Application
    assignments: list[ReviewAssignment]
    missing: int


@dataclass
class AssignmentBoard:
    call: Call
    page: Any  # a Django Page of the call's applications
    rows: list[BoardRow]
    experts: list[ExpertProfile]  # each with .capacity and .load for the call
    applications: int
    proposed: int
    published: int
    missing: int
    not_eligible: int = 0


def assignment_board(*, call: Call, page: Any = 1, per_page: int = 25) -> AssignmentBoard:
    """One page of the call's submitted applications with their assignments (proposed and
    published), each explained, and what each still misses; the call's totals; the experts with
    their capacity and load. A fixed number of queries whatever the size: the count, the page of
    applications, their directions; the experts, their directions, their capacities; the counts
    per expert and per application; the page's assignments; conflicts (companies, teams,
    declared)."""
    from django.core.paginator import Paginator

    submitted = assignable(Application.all_parks.filter(park_id=call.park_id, call=call))
    paginator = Paginator(
        submitted.select_related("company")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by("submitted_at", "id"),
        per_page,
    )
    current = paginator.get_page(page)
    applications = list(current.object_list)
    experts = list(
        experts_of_park(park=call.park)
        .select_related("user")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by("user__full_name", "user__email", "id")
    )
    experts_by_id = {e.pk: e for e in experts}
    capacity = capacities_for_call(call=call, experts=experts)
    in_call = ReviewAssignment.objects.filter(application__call=call)
    load: Counter[int] = Counter()
    proposed = published = 0
    for expert_id, status, n in (
        in_call.values("expert_id", "status")
        .annotate(n=Count("id"))
        .values_list("expert_id", "status", "n")
    ):
        load[expert_id] += n
        if status == AssignmentStatus.PROPOSED:
            proposed += n
        else:
            published += n
    per_app = dict(
        in_call.filter(application__in=submitted.values("pk"))
        .values("application_id")
        .annotate(n=Count("id"))
        .values_list("application_id", "n")
    )
    k = call.reviews_per_application
    total_apps = paginator.count
    missing_total = k * (total_apps - len(per_app)) + sum(max(0, k - n) for n in per_app.values())
    assignments = list(
        in_call.filter(application_id__in=[a.pk for a in applications])
        .select_related("review")
        .order_by("id")
    )
    conflicts = conflict_pairs(applications=applications, experts=experts)
    by_app: dict[int, list[ReviewAssignment]] = {}
    for assignment in assignments:
        by_app.setdefault(assignment.application_id, []).append(assignment)
    rows = []
    for application in applications:
        mine = by_app.get(application.pk, [])
        app_dirs = list(application.directions.all())
        for assignment in mine:
            expert = experts_by_id.get(assignment.expert_id)
            assignment.expert_profile = expert  # type: ignore[attr-defined]
            expert_dirs = set(expert.directions.all()) if expert is not None else set()
            assignment.why = assignment_explanation(  # type: ignore[attr-defined]
                shared=[d.display_name for d in app_dirs if d in expert_dirs],
                load=assignment.proposed_load,
                capacity=assignment.proposed_capacity,
            )
            assignment.in_conflict = (application.pk, assignment.expert_id) in conflicts  # type: ignore[attr-defined]
        rows.append(
            BoardRow(application=application, assignments=mine, missing=max(0, k - len(mine)))
        )
    for expert in experts:
        expert.capacity = capacity[expert.pk]
        expert.load = load[expert.pk]
    not_eligible = (
        Application.all_parks.filter(
            park_id=call.park_id, call=call, status__in=REVIEWABLE_STATUSES
        ).count()
        - total_apps
    )
    return AssignmentBoard(
        not_eligible=not_eligible,
        call=call,
        page=current,
        rows=rows,
        experts=experts,
        applications=total_apps,
        proposed=proposed,
        published=published,
        missing=missing_total,
    )


def is_overdue(assignment: ReviewAssignment, now: Any = None) -> bool:
    now = now or timezone.now()
    review = own_review(assignment)
    filed = review is not None and review.submitted_at is not None
    return bool(assignment.due_at and assignment.due_at < now and not filed)


def own_review(assignment: ReviewAssignment) -> Review | None:
    """The assignment's review (draft or filed), or None when the expert has not started one."""
    try:
        return assignment.review
    except ReviewAssignment.review.RelatedObjectDoesNotExist:
        return None
