"""Reads of applications, shaped for the applicant's pages, the screening page and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Min, Prefetch, QuerySet

from technopark.companies import queries as company_queries
from technopark.companies.models import Company, TeamMember
from technopark.parks.models import Direction, Park
from technopark.selection.models import (
    Answer,
    Application,
    ApplicationRevision,
    Call,
    EligibilityCheck,
    EligibilityRun,
    EligibilityRunResult,
    FormField,
    InformationRequest,
    ReviewAssignment,
    RevisionChange,
)


def companies_for_applicant(*, park: Park, user: Any) -> list[Company]:
    """The park's companies the person acts for (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Company.all_parks.filter(park=park, team__user=user, team__acts_for_company=True).order_by(
            "short_name", "id"
        )
    )


def own_applications(*, park: Park, user: Any) -> QuerySet[Application]:
    """Applications of the companies the person acts for, newest first: two queries (the rows
    with call and company, their directions)."""
    return (
        Application.all_parks.filter(
            park=park, company__team__user=user, company__team__acts_for_company=True
        )
        .select_related("call", "call__site", "call__park", "company")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by("-created_at", "-id")
        .distinct()
    )


def team_changes_after_assignment(*, application: Application) -> list[Any]:
    """Who joined or left the applying company's team after the application's first review
    assignment was published (a team member is a conflict of interest, so such a change may
    touch the review): for the staff's note on the application page. Two queries at most."""
    first = ReviewAssignment.objects.filter(
        application=application, published_at__isnull=False
    ).aggregate(first=Min("published_at"))["first"]
    return company_queries.team_changes_since(company_id=application.company_id, since=first)


def application_detail(*, park: Park, pk: int) -> Application | None:
    """One application with everything its page shows: the call with its form, the company with
    its team, answers, checks, requests for information, revisions with their changes."""
    return (
        Application.all_parks.filter(park=park, pk=pk)
        .select_related("call", "call__site", "call__park", "company", "company__site")
        .prefetch_related(
            Prefetch("directions", queryset=Direction.objects.order_by("position")),
            Prefetch("call__directions", queryset=Direction.objects.order_by("position")),
            Prefetch("call__fields", queryset=FormField.objects.order_by("position", "id")),
            Prefetch("company__team", queryset=TeamMember.objects.select_related("user")),
            Prefetch("company__directions", queryset=Direction.objects.order_by("position")),
            Prefetch("answers", queryset=Answer.objects.all()),
            Prefetch("eligibility_checks", queryset=EligibilityCheck.objects.order_by("id")),
            Prefetch(
                "information_requests",
                queryset=InformationRequest.objects.order_by("requested_at", "id"),
            ),
            Prefetch(
                "revisions",
                queryset=ApplicationRevision.objects.select_related("author")
                .order_by("-number")
                .prefetch_related(
                    Prefetch("changes", queryset=RevisionChange.objects.order_by("id"))
                ),
            ),
        )
        .first()
    )


def application_for_update(*, park: Park, pk: int) -> Application | None:
    """One application with its call, company (and team, for the permission) only."""
    return (
        Application.all_parks.filter(park=park, pk=pk)
        .select_related("call", "call__park", "call__site", "company")
        .prefetch_related(Prefetch("company__team", queryset=TeamMember.objects.all()))
        .first()
    )


def screening_list(*, call: Call) -> QuerySet[Application]:
    """The call's applications past the draft, with their companies, checks and the history of
    their checks' runs, newest first, with who started each and what each found (four queries
    whatever their number)."""
    return (
        Application.all_parks.filter(park_id=call.park_id, call=call)
        .exclude(status="draft")
        .select_related("company")
        .prefetch_related(
            Prefetch("eligibility_checks", queryset=EligibilityCheck.objects.order_by("id")),
            Prefetch(
                "eligibility_runs",
                queryset=EligibilityRun.objects.select_related("triggered_by")
                .order_by("-ran_at", "-id")
                .prefetch_related(
                    Prefetch("results", queryset=EligibilityRunResult.objects.order_by("id"))
                ),
            ),
        )
        .order_by("submitted_at", "id")
    )


def screening_application(*, call: Call, pk: int) -> Application | None:
    """One application of ``call`` past the draft (for staff re-running its checks)."""
    return (
        Application.all_parks.filter(park_id=call.park_id, call=call, pk=pk)
        .exclude(status="draft")
        .first()
    )


def _screened(rows: QuerySet[Application]) -> QuerySet[Application]:
    return rows.select_related("company", "call", "call__park", "call__site").prefetch_related(
        Prefetch("directions", queryset=Direction.objects.order_by("position")),
        Prefetch("eligibility_checks", queryset=EligibilityCheck.objects.order_by("id")),
        Prefetch(
            "eligibility_runs",
            queryset=EligibilityRun.objects.select_related("triggered_by")
            .order_by("-ran_at", "-id")
            .prefetch_related(
                Prefetch("results", queryset=EligibilityRunResult.objects.order_by("id"))
            ),
        ),
    )


def call_applications(*, call: Call) -> QuerySet[Application]:
    """Every application to the call for staff (the API): rows with company, their directions,
    checks and the history of the checks' runs (six queries whatever their number)."""
    return _screened(Application.all_parks.filter(park_id=call.park_id, call=call)).order_by(
        "submitted_at", "id"
    )


def screened_application(*, park: Park, pk: int) -> Application | None:
    """One application of ``park`` past the draft, as ``call_applications`` gives it (staff)."""
    return _screened(
        Application.all_parks.filter(park_id=park.pk, pk=pk).exclude(status="draft")
    ).first()


def check_for_decision(
    *, park: Park, application_pk: int, check_pk: int
) -> EligibilityCheck | None:
    return (
        EligibilityCheck.objects.filter(
            pk=check_pk, application_id=application_pk, application__park=park
        )
        .select_related("application")
        .first()
    )


def answer_for_file(*, park: Park, application_pk: int, answer_pk: int) -> Answer | None:
    return (
        Answer.objects.filter(pk=answer_pk, application_id=application_pk, application__park=park)
        .exclude(file="")
        .select_related("application", "application__call", "application__company", "field")
        .first()
    )
