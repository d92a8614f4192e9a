"""Assigning experts to a call's applications: propose (the optimiser), adjust, publish.

A manager runs ``assignment_propose``: the proposed (unpublished) assignments of the call are
replaced by the optimiser's (``technopark.selection.optimiser``), published ones stay as they
are and count towards each expert's load, so a re-run for late applications disturbs nothing
that experts already see. The manager adjusts (``assignment_add``, ``assignment_remove``,
``assignment_swap``: each refused across a conflict or beyond capacity) and publishes
(``assignment_publish``, recorded in the audit log). Experts see published assignments only.

Locking: every write here first locks the call's row (``select_for_update``), so that two
managers working on one call take turns and capacities are checked against what is committed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.selection import optimiser
from technopark.selection.models import (
    FAILING_CHECK,
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    ConflictKind,
    ConflictOfInterest,
    EligibilityCheck,
    EligibilityOutcome,
    ExpertCapacity,
    ExpertProfile,
    Review,
    ReviewAssignment,
)
from technopark.selection.queries.conflicts import (
    conflict_pairs,
    expert_conflicts,
    experts_of_park,
)
from technopark.selection.services.ranking import ranking_refresh

__all__ = [
    "REVIEWABLE_STATUSES",
    "ProposalResult",
    "assignable",
    "assignment_add",
    "assignment_explanation",
    "assignment_propose",
    "assignment_publish",
    "assignment_recuse",
    "assignment_remove",
    "assignment_swap",
    "capacities_for_call",
    "expert_capacity_set",
    "loads_for_call",
    "replacement_for",
]

# Applications that are reviewed: submitted ones (not drafts, not withdrawn or decided).
REVIEWABLE_STATUSES = (ApplicationStatus.SUBMITTED,)


def assignable(applications: QuerySet[Application]) -> QuerySet[Application]:
    """The applications of ``applications`` that experts may be given: submitted, and eligible
    (confirmed so by staff, or not yet decided with no failing check). An ineligible one, or
    one that needs information, is never assigned."""
    failing = EligibilityCheck.objects.filter(FAILING_CHECK, application=OuterRef("pk"))
    return applications.filter(status__in=REVIEWABLE_STATUSES).filter(
        Q(eligibility_outcome=EligibilityOutcome.ELIGIBLE)
        | (Q(eligibility_outcome="") & ~Exists(failing))
    )


def _is_assignable(application: Application) -> bool:
    return assignable(Application.all_parks.filter(pk=application.pk)).exists()


@dataclass
class ProposalResult:
    proposed: int = 0
    shortfall: dict[int, int] = field(default_factory=dict)  # application id → reviews missing
    seconds: float = 0.0


def assignment_explanation(*, shared: list[str], load: int | None, capacity: int | None) -> str:
    """Why the expert was chosen, in words: "shares biotechnology; load 4 of 6"."""
    parts = []
    if shared:
        parts.append(_("shares %(directions)s") % {"directions": ", ".join(shared)})
    else:
        parts.append(_("no shared direction"))
    if load is not None and capacity is not None:
        parts.append(_("load %(load)s of %(capacity)s") % {"load": load, "capacity": capacity})
    return "; ".join(parts)


def _lock_call(call: Call) -> Call:
    return Call.all_parks.select_for_update().get(park_id=call.park_id, pk=call.pk)


def capacities_for_call(*, call: Call, experts: list[ExpertProfile]) -> dict[int, int]:
    """Each expert's capacity for ``call``: its own setting, else the profile's default."""
    own = dict(
        ExpertCapacity.objects.filter(call=call, expert__in=[e.pk for e in experts]).values_list(
            "expert_id", "capacity"
        )
    )
    return {e.pk: own.get(e.pk, e.default_capacity) for e in experts}


def loads_for_call(*, call: Call, status: str | None = None) -> Counter[int]:
    """How many applications of ``call`` each expert has (published only, or of ``status``)."""
    rows = ReviewAssignment.objects.filter(application__call=call)
    if status is not None:
        rows = rows.filter(status=status)
    return Counter(
        dict(rows.values("expert_id").annotate(n=Count("id")).values_list("expert_id", "n"))
    )


def _directions_of(model: Any, ids: list[int], key: str) -> dict[int, frozenset[int]]:
    through = model.directions.through
    found: dict[int, set[int]] = {}
    for owner_id, direction_id in through.objects.filter(**{f"{key}__in": ids}).values_list(
        key, "direction_id"
    ):
        found.setdefault(owner_id, set()).add(direction_id)
    return {owner: frozenset(dirs) for owner, dirs in found.items()}


@transaction.atomic
def assignment_propose(*, call: Call, actor: User) -> ProposalResult:
    """Replace the call's proposed assignments by the optimiser's; keep the published ones.

    Each submitted application gets ``call.reviews_per_application`` experts in all (published
    ones count); each expert stays within their capacity for the call (published assignments
    count); no pair crosses a conflict. What cannot be assigned is reported per application.
    Locks the call.
    """
    call = _lock_call(call)
    ReviewAssignment.objects.filter(
        application__call=call, status=AssignmentStatus.PROPOSED
    ).delete()
    applications = list(
        assignable(Application.all_parks.filter(park_id=call.park_id, call=call)).only(
            "id", "company_id", "created_by_id"
        )
    )
    experts = list(experts_of_park(park=call.park).select_related("user"))
    published = list(
        ReviewAssignment.objects.filter(application__call=call).values_list(
            "application_id", "expert_id"
        )
    )
    have = Counter(app_id for app_id, _expert in published)
    load = Counter(expert_id for _app, expert_id in published)
    capacity = capacities_for_call(call=call, experts=experts)
    app_dirs = _directions_of(Application, [a.pk for a in applications], "application_id")
    expert_dirs = _directions_of(ExpertProfile, [e.pk for e in experts], "expertprofile_id")
    forbidden = conflict_pairs(applications=applications, experts=experts) | set(published)
    problem = optimiser.Problem(
        applications=[
            optimiser.ApplicationNode(
                id=a.pk,
                need=max(0, call.reviews_per_application - have[a.pk]),
                directions=app_dirs.get(a.pk, frozenset()),
            )
            for a in applications
        ],
        experts=[
            optimiser.ExpertNode(
                id=e.pk,
                capacity=capacity[e.pk],
                load=load[e.pk],
                directions=expert_dirs.get(e.pk, frozenset()),
            )
            for e in experts
        ],
        forbidden=frozenset(forbidden),
    )
    solution = optimiser.solve(problem)
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application_id=pair.application,
                expert_id=pair.expert,
                status=AssignmentStatus.PROPOSED,
                proposed_load=pair.load,
                proposed_capacity=pair.capacity,
            )
            for pair in solution.pairs
        ],
        batch_size=2000,
    )
    writes("selection", park_id=call.park_id)
    return ProposalResult(
        proposed=solution.assigned,
        shortfall=solution.shortfall,
        seconds=solution.build_seconds + solution.solve_seconds,
    )


def _check_pair(*, call: Call, application: Application, expert: ExpertProfile) -> None:
    if application.call_id != call.pk or application.status not in REVIEWABLE_STATUSES:
        raise ValidationError({"application": _("Choose a submitted application of this call.")})
    if not _is_assignable(application):
        raise ValidationError(
            {"application": _("This application is not eligible: it is not given to experts.")}
        )
    if (
        expert.park_id != call.park_id
        or not experts_of_park(park=call.park).filter(pk=expert.pk).exists()
    ):
        raise ValidationError({"expert": _("Choose an expert of this park.")})
    if ReviewAssignment.objects.filter(application=application, expert=expert).exists():
        raise ValidationError({"expert": _("This expert is already assigned to the application.")})
    conflicts = expert_conflicts(expert=expert, application=application)
    if conflicts:
        raise ValidationError(
            {
                "expert": _("This expert has a conflict of interest: %(reasons)s.")
                % {"reasons": "; ".join(c.reason for c in conflicts)}
            }
        )
    capacity = capacities_for_call(call=call, experts=[expert])[expert.pk]
    taken = ReviewAssignment.objects.filter(application__call=call, expert=expert).count()
    if taken >= capacity:
        raise ValidationError(
            {
                "expert": ngettext(
                    "This expert is at capacity (%(capacity)s application).",
                    "This expert is at capacity (%(capacity)s applications).",
                    capacity,
                )
                % {"capacity": capacity}
            }
        )


def _add(*, call: Call, application: Application, expert: ExpertProfile) -> ReviewAssignment:
    """Check the pair and insert it as proposed (the call is locked by the caller)."""
    _check_pair(call=call, application=application, expert=expert)
    taken = ReviewAssignment.objects.filter(application__call=call, expert=expert).count()
    capacity = capacities_for_call(call=call, experts=[expert])[expert.pk]
    return ReviewAssignment.objects.create(
        application=application,
        expert=expert,
        status=AssignmentStatus.PROPOSED,
        proposed_load=taken + 1,
        proposed_capacity=capacity,
    )


def _assignment_state(assignment: ReviewAssignment) -> dict[str, Any]:
    return {
        "application_id": assignment.application_id,
        "expert_id": assignment.expert_id,
        "status": assignment.status,
    }


@transaction.atomic
def assignment_add(
    *, call: Call, application: Application, expert: ExpertProfile, actor: User
) -> ReviewAssignment:
    """Propose one more expert for an application by hand. Refused across a conflict, beyond the
    expert's capacity for the call (proposed and published count), or twice. Locks the call.
    Audit-logged as ``selection.assignment_add``."""
    call = _lock_call(call)
    assignment = _add(call=call, application=application, expert=expert)
    audit_record(
        park=call.park,
        actor=actor,
        action="selection.assignment_add",
        target=assignment,
        summary=f"application {application.pk}: expert {expert.pk}",
        after={
            **_assignment_state(assignment),
            "load": assignment.proposed_load,
            "capacity": assignment.proposed_capacity,
        },
    )
    writes("selection", park_id=call.park_id)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ReviewAssignment, actor: User) -> None:
    """Take an expert off an application. A proposed one simply goes; a published one only while
    its review is not filed. Locks the call. Audit-logged as ``selection.assignment_remove``."""
    call = _lock_call(assignment.application.call)
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status == AssignmentStatus.PUBLISHED and (
        Review.objects.filter(assignment=locked, submitted_at__isnull=False).exists()
    ):
        raise ValidationError({"assignment": _("The expert has filed their review: it stays.")})
    audit_record(
        park=call.park,
        actor=actor,
        action="selection.assignment_remove",
        target=locked,
        summary=f"application {locked.application_id}: expert {locked.expert_id}",
        before=_assignment_state(locked),
        after=None,
    )
    locked.delete()
    ranking_refresh(park_id=call.park_id, application_ids=[locked.application_id])


@transaction.atomic
def assignment_swap(
    *, assignment: ReviewAssignment, expert: ExpertProfile, actor: User
) -> ReviewAssignment:
    """Put another expert in a proposed assignment's place (refused as ``assignment_add`` is).
    Locks the call, then the assignment. Audit-logged as one ``selection.assignment_swap``."""
    if assignment.status != AssignmentStatus.PROPOSED:
        raise ValidationError({"expert": _("Only a proposed assignment can be swapped.")})
    application = assignment.application
    call = _lock_call(application.call)
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.PROPOSED:
        raise ValidationError({"expert": _("Only a proposed assignment can be swapped.")})
    before = _assignment_state(locked)
    locked.delete()
    replacement = _add(call=call, application=application, expert=expert)
    audit_record(
        park=call.park,
        actor=actor,
        action="selection.assignment_swap",
        target=replacement,
        summary=f"application {application.pk}: expert {before['expert_id']} → {expert.pk}",
        before=before,
        after=_assignment_state(replacement),
    )
    ranking_refresh(park_id=call.park_id, application_ids=[application.pk])
    return replacement


@transaction.atomic
def assignment_publish(*, call: Call, actor: User, due_at: datetime) -> int:
    """Publish the call's proposed assignments with a due date; return how many.

    Conflicts are checked again (one may have been declared since the proposal): a proposed pair
    now in conflict is dropped, never published. Recorded in the audit log. Locks the call.
    """
    call = _lock_call(call)
    if due_at <= timezone.now():
        raise ValidationError({"due_at": _("The due date must be in the future.")})
    proposed = list(
        ReviewAssignment.objects.filter(
            application__call=call, status=AssignmentStatus.PROPOSED
        ).select_related("application", "expert__user")
    )
    if not proposed:
        raise ValidationError({"assignments": _("There is nothing to publish: propose first.")})
    in_conflict = conflict_pairs(
        applications=[a.application for a in proposed],
        experts={a.expert.pk: a.expert for a in proposed}.values(),
    )
    eligible = set(
        assignable(
            Application.all_parks.filter(pk__in={a.application_id for a in proposed})
        ).values_list("pk", flat=True)
    )
    dropped = [
        a.pk
        for a in proposed
        if (a.application_id, a.expert_id) in in_conflict or a.application_id not in eligible
    ]
    if dropped:
        ReviewAssignment.objects.filter(pk__in=dropped).delete()
    now = timezone.now()
    count = (
        ReviewAssignment.objects.filter(application__call=call, status=AssignmentStatus.PROPOSED)
        .exclude(pk__in=dropped)
        .update(status=AssignmentStatus.PUBLISHED, due_at=due_at, published_at=now)
    )
    audit_record(
        park=call.park,
        actor=actor,
        action="selection.assignments_publish",
        target=call,
        summary=_("Review assignments published"),
        before=None,
        after={"published": count, "dropped_for_conflict": len(dropped), "due_at": due_at},
    )
    ranking_refresh(park_id=call.park_id, application_ids={a.application_id for a in proposed})
    return count


@transaction.atomic
def expert_capacity_set(
    *, call: Call, expert: ExpertProfile, capacity: int, actor: User
) -> ExpertCapacity:
    """How many applications of ``call`` the expert takes; not below what is already assigned.
    Locks the call. Audit-logged as ``selection.capacity_set``."""
    call = _lock_call(call)
    if expert.park_id != call.park_id:
        raise ValidationError({"expert": _("Choose an expert of this park.")})
    if capacity < 0 or capacity > 1000:
        raise ValidationError({"capacity": _("Give a number from 0 to 1000.")})
    taken = ReviewAssignment.objects.filter(Q(application__call=call) & Q(expert=expert)).count()
    if capacity < taken:
        raise ValidationError(
            {
                "capacity": _("The expert already has %(count)s applications of this call.")
                % {"count": taken}
            }
        )
    previous = (
        ExpertCapacity.objects.filter(call=call, expert=expert)
        .values_list("capacity", flat=True)
        .first()
    )
    row, _created = ExpertCapacity.objects.update_or_create(
        call=call, expert=expert, defaults={"capacity": capacity}
    )
    if previous != capacity:
        audit_record(
            park=call.park,
            actor=actor,
            action="selection.capacity_set",
            target=row,
            summary=f"call {call.pk}: expert {expert.pk}: {capacity}",
            before={"call_id": call.pk, "expert_id": expert.pk, "capacity": previous},
            after={"call_id": call.pk, "expert_id": expert.pk, "capacity": capacity},
        )
    writes("selection", park_id=call.park_id)
    return row


def replacement_for(*, call: Call, application: Application) -> ExpertProfile | None:
    """The expert the optimiser would give ``application`` next: within capacity for the call,
    not already on it, not in conflict with it; None when nobody fits. Reads only."""
    experts = list(experts_of_park(park=call.park).select_related("user"))
    if not experts:
        return None
    rows = list(
        ReviewAssignment.objects.filter(application__call=call).values_list(
            "application_id", "expert_id"
        )
    )
    load = Counter(expert_id for _app, expert_id in rows)
    already = {(app_id, expert_id) for app_id, expert_id in rows if app_id == application.pk}
    capacity = capacities_for_call(call=call, experts=experts)
    app_dirs = _directions_of(Application, [application.pk], "application_id")
    expert_dirs = _directions_of(ExpertProfile, [e.pk for e in experts], "expertprofile_id")
    forbidden = conflict_pairs(applications=[application], experts=experts) | already
    solution = optimiser.solve(
        optimiser.Problem(
            applications=[
                optimiser.ApplicationNode(
                    id=application.pk,
                    need=1,
                    directions=app_dirs.get(application.pk, frozenset()),
                )
            ],
            experts=[
                optimiser.ExpertNode(
                    id=e.pk,
                    capacity=capacity[e.pk],
                    load=load[e.pk],
                    directions=expert_dirs.get(e.pk, frozenset()),
                )
                for e in experts
            ],
            forbidden=frozenset(forbidden),
        )
    )
    by_id = {e.pk: e for e in experts}
    return by_id.get(solution.pairs[0].expert) if solution.pairs else None


@dataclass
class RecusalResult:
    conflict: ConflictOfInterest
    replacement: ReviewAssignment | None


@transaction.atomic
def assignment_recuse(*, assignment: ReviewAssignment, actor: User, reason: str) -> RecusalResult:
    """The expert declares, from the review page, a conflict with the application they were
    given: it becomes a declared conflict with the applicant company (the expert never needs to
    know who applied), the assignment leaves their queue (with its draft review), the optimiser
    proposes a replacement on the assignment board, and the park's managers are told to
    reassign. Refused once the review is filed, or without a reason. Locks the call, then the
    assignment. Audit-logged as ``selection.assignment_recuse``."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say briefly why you have a conflict of interest.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason within 300 characters.")})
    application = assignment.application
    call = _lock_call(application.call)
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("expert__user", "application__company")
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None:
        raise ValidationError({"reason": _("This assignment is no longer yours.")})
    if Review.objects.filter(assignment=locked, submitted_at__isnull=False).exists():
        raise ValidationError({"reason": _("Your review has been filed: it stays.")})
    application = locked.application
    conflict = ConflictOfInterest.objects.create(
        expert=locked.expert,
        kind=ConflictKind.COMPANY,
        company_id=application.company_id,
        reason=reason,
        declared_by=actor,
        recused_from=application,
    )
    before = _assignment_state(locked)
    locked.delete()
    replacement: ReviewAssignment | None = None
    expert = replacement_for(call=call, application=application)
    if expert is not None and _is_assignable(application):
        try:
            with transaction.atomic():
                replacement = _add(call=call, application=application, expert=expert)
        except ValidationError:
            replacement = None
    audit_record(
        park=call.park,
        actor=actor,
        action="selection.assignment_recuse",
        target=application,
        summary=f"application {application.pk}: expert {before['expert_id']} recused",
        before=before,
        after={
            "conflict_id": conflict.pk,
            "reason": reason,
            "replacement_expert_id": replacement.expert_id if replacement else None,
        },
    )
    _tell_managers_of_recusal(call=call, application=application, replacement=replacement)
    ranking_refresh(park_id=call.park_id, application_ids=[application.pk])
    return RecusalResult(conflict=conflict, replacement=replacement)


def _tell_managers_of_recusal(
    *, call: Call, application: Application, replacement: ReviewAssignment | None
) -> None:
    from django.conf import settings
    from django.urls import reverse

    from technopark.notices.services import notify, render_notice
    from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus

    park = call.park
    managers = [
        membership.user
        for membership in Membership.all_parks.filter(
            park=park, role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE
        ).select_related("user")
    ]
    if not managers:
        return
    # The park's first language (the managers read the park's language), else the default.
    first = (park.languages or "").split(",")[0].strip()
    language = first if first in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    subject, body = render_notice(
        "selection/review/email/recused",
        {
            "call": call.title,
            "application": application.pk,
            "title": application.title,
            "replacement": bool(replacement),
        },
        language=language,
        time_zone=park.time_zone,
    )
    url = (
        reverse("selection:assignment_board", kwargs={"park_slug": park.slug, "call_id": call.pk})
        + f"#application-{application.pk}"
    )
    notify(
        recipients=managers,
        park=park,
        kind="selection.expert_recused",
        subject=subject,
        body=body,
        url=url,
        language=language,
    )
