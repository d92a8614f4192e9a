"""Permission predicates: the review part (experts, conflicts, assignments, reviews).

An expert opens an application only through a published assignment to it, and never across a
conflict of interest: ``can_open_application`` (used by the applications part to serve the
application and its files) and ``can_review_assignment`` both check the conflict afresh.
"""

from __future__ import annotations

from technopark.core.scopes import in_park
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, is_staff
from technopark.selection.models import (
    Application,
    AssignmentStatus,
    ExpertProfile,
    ReviewAssignment,
)
from technopark.selection.queries.conflicts import expert_conflicts
from technopark.selection.queries.review import own_review

__all__ = [
    "can_declare_conflicts",
    "can_edit_expert_profile",
    "can_list_experts",
    "can_manage_assignments",
    "can_manage_conflicts",
    "can_open_application",
    "can_review",
    "can_review_assignment",
    "can_see_other_reviews",
    "is_expert",
]


def is_expert(access: ParkAccess) -> bool:
    return Role.EXPERT in access.roles


def can_review(access: ParkAccess) -> bool:
    """The review queue and the review pages: the park's experts."""
    return is_expert(access)


def can_edit_expert_profile(access: ParkAccess) -> bool:
    """An expert keeps their own profile (directions, affiliations, capacity)."""
    return is_expert(access)


def can_declare_conflicts(access: ParkAccess) -> bool:
    return is_expert(access)


def can_list_experts(access: ParkAccess) -> bool:
    """The experts of the park with their profiles and conflicts: staff."""
    return is_staff(access)


def can_manage_assignments(access: ParkAccess) -> bool:
    """Propose, adjust and publish review assignments, set capacities: staff."""
    return is_staff(access)


def can_manage_conflicts(access: ParkAccess) -> bool:
    """Declare or withdraw conflicts of interest for the park's experts: staff."""
    return is_staff(access)


def _no_conflict(expert: ExpertProfile, application: Application) -> bool:
    return not expert_conflicts(expert=expert, application=application)


def can_review_assignment(access: ParkAccess, assignment: ReviewAssignment) -> bool:
    """The expert's own published assignment in this park, with no conflict of interest."""
    if not is_expert(access) or not access.is_authenticated:
        return False
    if assignment.status != AssignmentStatus.PUBLISHED:
        return False
    if assignment.expert.user_id != access.user.pk:
        return False
    if not in_park(access, assignment.application):
        return False
    return _no_conflict(assignment.expert, assignment.application)


def can_open_application(access: ParkAccess, application: Application) -> bool:
    """An expert with a published assignment to ``application`` and no conflict with it.

    (Staff and the applicant are let in by the applications part's own rules.) Up to four
    queries: the assignment, then the conflict check.
    """
    if not is_expert(access) or not access.is_authenticated:
        return False
    if not in_park(access, application):
        return False
    assignment = (
        ReviewAssignment.objects.filter(
            application=application,
            expert__user_id=access.user.pk,
            expert__park_id=application.park_id,
            status=AssignmentStatus.PUBLISHED,
        )
        .select_related("expert__user")
        .first()
    )
    if assignment is None:
        return False
    return _no_conflict(assignment.expert, application)


def can_see_other_reviews(access: ParkAccess, assignment: ReviewAssignment) -> bool:
    """Others' reviews of the same application: only once the expert has filed their own."""
    if not can_review_assignment(access, assignment):
        return False
    review = own_review(assignment)
    return review is not None and review.submitted_at is not None
