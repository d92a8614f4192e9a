"""The staff's agenda counts, combined into fewer and cheaper queries, equal the straightforward
reading of the records (each row looked at in Python) on a fixture with the edges: applications in
every eligibility state, closed and open calls, rejected and draft applications, reviews filed or
not, due or not, tranches requested by the visitor or already approved by them, cancelled awards,
and the same kinds of rows in the other park (never counted)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from technopark.core.scopes import scopes_disabled
from technopark.grants import agenda as grants_agenda
from technopark.grants.models import GrantAward, Tranche, TrancheApproval, TrancheStatus
from technopark.parks.agenda import DUE, OVERDUE
from technopark.selection import agenda as selection_agenda
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    EligibilityCheck,
    EligibilityState,
    ReviewAssignment,
)
from technopark.selection.queries.council import eligibility_state
from tests.selection.factories import (
    ApplicationFactory,
    CallFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

TO_SCREEN = {EligibilityState.NOT_SCREENED, EligibilityState.NEEDS_DECISION}


def _check(application: Any, code: str, **fields: Any) -> None:
    defaults = {"passed": True, "finding": "ok", "checked_at": timezone.now(), "verdict": "pending"}
    EligibilityCheck.objects.create(application=application, code=code, **{**defaults, **fields})


def _selection_world(world: Any, now: Any) -> None:
    """Applications and assignments of every kind the staff's agenda tells apart."""
    park = world.park
    open_call = CallFactory(park=park, title="Open")
    closed = CallFactory(park=park, title="Closed", closes_at=now - timedelta(hours=1))
    quiet = CallFactory(park=park, title="Quiet")  # only a withdrawn application, one proposal
    foreign = CallFactory(park=world.other_park, title="Elsewhere")

    def app(call: Any, **fields: Any) -> Any:
        return ApplicationFactory(call=call, **fields)

    app(open_call)  # no check at all: not screened
    app(open_call, eligibility_outcome="eligible")  # decided eligible: not to screen
    app(open_call, eligibility_outcome="ineligible")  # decided ineligible: not to screen
    app(open_call, eligibility_outcome="needs_information")  # needs a decision
    renewed = app(open_call, eligibility_outcome="eligible")
    _check(renewed, "sme", needs_decision=True)  # a check needs a new decision: first of all
    waiting = app(open_call)
    _check(waiting, "sme", verdict="pending")  # a verdict is pending: not screened
    _check(waiting, "taxes", verdict="confirmed", decided_on_passed=True)
    passed = app(open_call)
    _check(passed, "sme", verdict="confirmed", decided_on_passed=True)  # eligible
    failed = app(open_call)
    _check(failed, "sme", verdict="confirmed", decided_on_passed=False)  # ineligible
    app(open_call, status=ApplicationStatus.DRAFT, submitted_at=None)
    app(open_call, status=ApplicationStatus.REJECTED)
    app(closed)  # to screen and waiting for the council
    decided = app(closed, eligibility_outcome="eligible")  # for the council only
    app(closed, status=ApplicationStatus.REJECTED)
    withdrawn = app(quiet, status=ApplicationStatus.WITHDRAWN)
    app(foreign)
    foreign_closed = CallFactory(
        park=world.other_park, title="Closed elsewhere", closes_at=now - timedelta(hours=1)
    )
    app(foreign_closed)

    target = app(open_call, eligibility_outcome="eligible")
    ReviewAssignmentFactory(application=target, status="proposed")
    ReviewAssignmentFactory(application=target, status="proposed", due_at=now - timedelta(days=3))
    ReviewAssignmentFactory(application=withdrawn, status="proposed")
    # Published: overdue with no review, overdue with a draft review, overdue but filed, due
    # later, with no due date.
    ReviewAssignmentFactory(application=target, due_at=now - timedelta(days=2))
    draft = ReviewAssignmentFactory(application=target, due_at=now - timedelta(days=1))
    ReviewFactory(assignment=draft, submitted_at=None)
    filed = ReviewAssignmentFactory(application=decided, due_at=now - timedelta(days=4))
    ReviewFactory(assignment=filed)
    ReviewAssignmentFactory(application=decided, due_at=now - timedelta(days=5))
    ReviewAssignmentFactory(application=decided, due_at=now + timedelta(days=1))
    ReviewAssignmentFactory(application=decided, due_at=None)
    elsewhere = Application.all_parks.get(call=foreign)
    ReviewAssignmentFactory(application=elsewhere, status="proposed")
    ReviewAssignmentFactory(application=elsewhere, due_at=now - timedelta(days=2))


@scopes_disabled()
def _selection_reference(park: Any, now: Any) -> list[tuple[str, int, str, str, Any]]:
    """The staff's selection items read row by row: (kind, count, url, urgency, date)."""
    screen: dict[int, int] = defaultdict(int)
    council: dict[int, int] = defaultdict(int)
    for application in (
        Application.all_parks.filter(park=park)
        .annotate(state=eligibility_state())
        .select_related("call")
    ):
        if application.status != ApplicationStatus.SUBMITTED:
            continue
        if application.state in TO_SCREEN:
            screen[application.call_id] += 1
        if application.call.closes_at <= now:
            council[application.call_id] += 1
    proposed: dict[int, int] = defaultdict(int)
    late: dict[int, list[Any]] = defaultdict(list)
    for assignment in ReviewAssignment.objects.select_related("application").filter(
        application__park=park
    ):
        call_id = assignment.application.call_id
        if assignment.status == "proposed":
            proposed[call_id] += 1
            continue
        review = getattr(assignment, "review", None)
        unfiled = review is None or review.submitted_at is None
        if assignment.due_at is not None and assignment.due_at < now and unfiled:
            late[call_id].append(assignment.due_at)

    def url(name: str, call_id: int) -> str:
        return reverse(f"selection:{name}", kwargs={"park_slug": park.slug, "call_id": call_id})

    rows = [
        ("selection.screening", n, url("call_screening", c), DUE, None) for c, n in screen.items()
    ]
    rows += [("selection.assignments", n, url("assignment_board", c), DUE, None) for c, n in proposed.items()]  # fmt: skip
    rows += [
        ("selection.reviews_late", len(d), url("assignment_board", c), OVERDUE, min(d))
        for c, d in late.items()
    ]
    rows += [("selection.council", n, url("council_ranking", c), DUE, None) for c, n in council.items()]  # fmt: skip
    return sorted(rows, key=lambda row: (row[0], row[2]))


def _items(items: list[Any]) -> list[tuple[str, int, str, str, Any]]:
    return sorted(
        ((i.kind, i.count, i.url, i.urgency, i.when) for i in items), key=lambda r: (r[0], r[2])
    )


def test_selection_staff_counts_equal_the_rows(world: Any) -> None:
    now = timezone.now()
    _selection_world(world, now)
    expected = _selection_reference(world.park, now)
    with scopes_disabled():
        got = selection_agenda.staff_items(world.park, world.users["manager"], now)
    assert _items(got) == expected
    # Every kind is there, so the fixture covers what it claims.
    assert {row[0] for row in expected} == {
        "selection.screening",
        "selection.assignments",
        "selection.reviews_late",
        "selection.council",
    }
    screening = {row[2]: row[1] for row in expected if row[0] == "selection.screening"}
    assert sorted(screening.values()) == [1, 4]  # the open call's four, the closed call's one
    late = [row for row in expected if row[0] == "selection.reviews_late"]
    # Two in the open call, one in the closed one: not the filed one, nor those not yet due.
    assert sorted(row[1] for row in late) == [1, 2]
    # A day later, more reviews are late: still the same as the rows.
    later = now + timedelta(days=2)
    with scopes_disabled():
        got = selection_agenda.staff_items(world.park, world.users["manager"], later)
    assert _items(got) == _selection_reference(world.park, later)


def test_selection_staff_counts_with_nothing_waiting(world: Any) -> None:
    with scopes_disabled():
        assert (
            selection_agenda.staff_items(world.park, world.users["manager"], timezone.now()) == []
        )


# --- grants: tranches to approve and to pay, reports to review ---------------------------------


@scopes_disabled()
def _grants_reference(park: Any, user: Any) -> dict[str, tuple[int, str]]:
    """Tranches to approve and to pay read row by row: kind -> (count, url)."""
    approve: list[int] = []
    pay: list[int] = []
    for tranche in Tranche.objects.filter(award__park=park).select_related("award"):
        if tranche.award.cancelled_at is not None:
            continue
        if tranche.status == TrancheStatus.APPROVED:
            pay.append(tranche.award_id)
        elif tranche.status == TrancheStatus.REQUESTED:
            mine = TrancheApproval.objects.filter(tranche=tranche, approver=user).exists()
            if not mine and tranche.requested_by_id != user.pk:
                approve.append(tranche.award_id)

    def url(awards: list[int]) -> str:
        if len(set(awards)) == 1:
            return reverse("grants:detail", kwargs={"park_slug": park.slug, "pk": awards[0]})
        return reverse("grants:list", kwargs={"park_slug": park.slug})

    found = {}
    if approve:
        found["grants.tranches_to_approve"] = (len(approve), url(approve))
    if pay:
        found["grants.tranches_to_pay"] = (len(pay), url(pay))
    return found


def _grant_items(park: Any, user: Any) -> dict[str, tuple[int, str]]:
    with scopes_disabled():
        items = grants_agenda.staff_items(park, user, timezone.now())
    return {i.kind: (i.count, i.url) for i in items if i.kind.startswith("grants.tranches")}


def test_grant_tranche_counts_equal_the_rows(world: Any) -> None:
    from tests.factories import CompanyFactory
    from tests.grants.factories import make_award, make_participant, officer

    manager = world.users["manager"]
    first = make_award(make_participant(world.park, world.company), manager)
    requester = officer(world.park)
    # One award: its page is the link, for the manager and for the officer (who requested them
    # and so is never asked to approve).
    assert _grant_items(world.park, manager) == _grants_reference(world.park, manager)
    assert _grant_items(world.park, manager)["grants.tranches_to_approve"][1].endswith(
        f"/grants/{first.pk}/"
    )
    assert "grants.tranches_to_approve" not in _grant_items(world.park, requester)

    cohort = first.participant.cohort
    second = make_award(
        make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort),
        manager,
        reference="ГР-2",
    )
    cancelled = make_award(
        make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort),
        manager,
        reference="ГР-3",
    )
    GrantAward.objects.filter(pk=cancelled.pk).update(
        cancelled_at=timezone.now(), cancelled_by=manager, cancellation_reason="Отказ"
    )
    make_award(make_participant(world.other_park), officer(world.other_park), reference="ГР-К")
    tranches = list(Tranche.objects.filter(award=first).order_by("pk"))
    # The manager approved one already; one is approved twice (to pay); one is paid.
    TrancheApproval.objects.create(tranche=tranches[0], approver=manager)
    Tranche.objects.filter(pk=tranches[1].pk).update(status=TrancheStatus.APPROVED)
    Tranche.objects.filter(pk=tranches[2].pk).update(status=TrancheStatus.PAID)
    # A tranche of the second award the manager requested themselves.
    Tranche.objects.filter(award=second).order_by("pk").filter(
        pk=Tranche.objects.filter(award=second).order_by("pk").values("pk")[:1]
    ).update(requested_by=manager)
    for person in (manager, requester, world.users["observer"]):
        assert _grant_items(world.park, person) == _grants_reference(world.park, person)
    got = _grant_items(world.park, manager)
    assert got["grants.tranches_to_approve"][0] == 2  # the second award's two others
    assert got["grants.tranches_to_pay"] == (
        1,
        reverse("grants:detail", kwargs={"park_slug": world.park.slug, "pk": first.pk}),
    )
    # Approved tranches of two awards: the list is the link.
    Tranche.objects.filter(award=second).update(status=TrancheStatus.APPROVED)
    assert _grant_items(world.park, manager) == _grants_reference(world.park, manager)
    assert _grant_items(world.park, manager)["grants.tranches_to_pay"] == (
        4,
        reverse("grants:list", kwargs={"park_slug": world.park.slug}),
    )


# --- residency: residents behind with their reports -------------------------------------------


def test_residents_behind_equal_the_overdue_list(world: Any) -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from technopark.residency import agenda as residency_agenda
    from technopark.residency import queries as residency_queries
    from technopark.residency.models import ResidentState
    from technopark.residency.schedule import Quarter
    from tests.factories import CompanyFactory
    from tests.residency.conftest import admit, file_report

    now = datetime(2026, 7, 6, 0, 0, tzinfo=ZoneInfo("Asia/Yakutsk"))  # Q2 2026 just overdue

    def both(moment: Any) -> tuple[int, int]:
        with scopes_disabled():
            return (
                residency_agenda.residents_behind(park=world.park, now=moment),
                residency_queries.overdue_list(park=world.park, now=moment).count(),
            )

    assert both(now) == (0, 0)
    admit(world.company, start_date=date(2026, 1, 15))  # owes Q1 and Q2
    one_missing = admit(world.other_company, start_date=date(2026, 1, 15))
    file_report(one_missing, Quarter(2026, 1), now=now)
    up_to_date = admit(CompanyFactory(park=world.park), start_date=date(2026, 2, 1))
    file_report(up_to_date, Quarter(2026, 1), now=now)
    file_report(up_to_date, Quarter(2026, 2), now=now)
    admit(CompanyFactory(park=world.park), start_date=date(2026, 5, 1))  # owes Q2 only
    admit(CompanyFactory(park=world.park), start_date=date(2026, 7, 1))  # owes nothing yet
    suspended = admit(CompanyFactory(park=world.park), start_date=date(2025, 10, 1))
    suspended.status = ResidentState.SUSPENDED
    suspended.save()
    gone = admit(CompanyFactory(park=world.park), start_date=date(2025, 1, 1))
    gone.status = ResidentState.ENDED
    gone.save()
    admit(CompanyFactory(park=world.other_park), start_date=date(2025, 1, 1))  # elsewhere
    assert both(now) == (4, 4)  # the two behind, the newcomer of Q2, the suspended one
    # One minute earlier Q2 is not overdue yet: the newcomer and the one with Q1 filed are not.
    assert both(now - timedelta(minutes=1)) == (2, 2)
    file_report(one_missing, Quarter(2026, 2), now=now)
    assert both(now) == (3, 3)


# --- programmes: a participant's sessions in the coming week ----------------------------------


def test_programme_sessions_equal_the_rows(world: Any) -> None:
    from technopark.programmes import agenda as programmes_agenda
    from technopark.programmes.models import (
        Attendee,
        CurriculumSession,
        ParticipantStatus,
        SessionKind,
    )
    from tests.factories import CompanyFactory
    from tests.grants.factories import make_participant

    now = timezone.now()
    founder = world.users["founder"]
    in_team = make_participant(world.park, world.company).cohort  # the founder's company
    attended = make_participant(world.park).cohort  # another company, the founder attends
    Attendee.objects.create(participant=attended.participants.get(), user=founder)
    left = make_participant(world.park, world.company)  # the founder's company left it
    left.status = ParticipantStatus.LEFT
    left.save()
    # A cohort where the founder's company left but another company has them as an attendee.
    both = left.cohort
    Attendee.objects.create(
        participant=make_participant(world.park, CompanyFactory(park=world.park), cohort=both),
        user=founder,
    )
    stranger = make_participant(world.park).cohort  # nothing to do with the founder
    elsewhere = make_participant(world.other_park).cohort
    Attendee.objects.create(participant=elsewhere.participants.get(), user=founder)
    for number, cohort in enumerate((in_team, attended, both, stranger, elsewhere)):
        for days in (-1, 1, 3, 6.9, 8):  # yesterday, three within the week, one after it
            starts = now + timedelta(days=days, minutes=number)
            CurriculumSession.objects.create(
                cohort=cohort,
                kind=SessionKind.WORKSHOP,
                title=f"Session {number}/{days}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
            )

    @scopes_disabled()
    def reference(user: Any) -> tuple[int, Any]:
        starts = []
        for session in CurriculumSession.objects.filter(cohort__park=world.park):
            if not now <= session.starts_at < now + timedelta(days=7):
                continue
            mine = any(
                participant.status == ParticipantStatus.ACTIVE
                and (
                    participant.attendees.filter(user=user).exists()
                    or participant.company.team.filter(user=user).exists()
                )
                for participant in session.cohort.participants.all()
            )
            if mine:
                starts.append(session.starts_at)
        return len(starts), min(starts, default=None)

    for user in (founder, world.users["other_founder"], world.users["manager"]):
        with scopes_disabled():
            items = programmes_agenda.participant_items(world.park, user, now)
        got = (items[0].count, items[0].when) if items else (0, None)
        assert got == reference(user)
    assert reference(founder)[0] == 9  # three in each of the founder's three cohorts


# --- residency: a founder's reports due and returned -------------------------------------------


def test_founder_residency_items_count_the_companies_they_act_for(world: Any) -> None:
    from technopark.residency import agenda as residency_agenda
    from technopark.residency import queries as residency_queries
    from technopark.residency.models import QuarterlyReport, ReportReview, ResidentState
    from technopark.residency.schedule import Quarter, current_quarter
    from tests.factories import CompanyFactory, TeamMemberFactory
    from tests.residency.conftest import admit, file_report

    founder = world.users["founder"]
    now = timezone.now()
    quarter = current_quarter(world.park.time_zone, now)
    start = Quarter.from_period(quarter.period - 2).first_day
    mine = admit(world.company, start_date=start)  # acts for it (the world's team row)
    advised = CompanyFactory(park=world.park)
    TeamMemberFactory(company=advised, user=founder, position="Adviser", acts_for_company=False)
    admit(advised, start_date=start)  # in its team, but does not act for it: not theirs
    left = CompanyFactory(park=world.park)
    TeamMemberFactory(company=left, user=founder, position="CFO")
    ended = admit(left, start_date=start)
    ended.status = ResidentState.ENDED
    ended.save()
    admit(world.other_company, start_date=start)  # the other founder's
    foreign = CompanyFactory(park=world.other_park)
    TeamMemberFactory(company=foreign, user=founder, position="CEO")
    admit(foreign, start_date=start)  # another park's

    @scopes_disabled()
    def reference() -> tuple[set[int], int]:
        acting = {
            m.company_id for m in founder.team_memberships.all() if m.acts_for_company
        }  # the person's team rows, read one by one
        due = {
            r.company_id
            for r in residency_queries.ResidentStatus.all_parks.filter(park=world.park)
            if r.is_current
            and r.company_id in acting
            and r.reports_from <= quarter.period
            and not QuarterlyReport.all_parks.filter(resident=r, period=quarter.period).exists()
        }
        returned = sum(
            1
            for report in QuarterlyReport.all_parks.filter(park=world.park).select_related(
                "resident"
            )
            if report.review == ReportReview.RETURNED
            and report.resident.is_current
            and report.company_id in acting
        )
        return due, returned

    def got() -> tuple[set[int], int]:
        with scopes_disabled():
            due = residency_queries.due_reports_of_user(park=world.park, user=founder, now=now)
            items = residency_agenda.founder_items(world.park, founder, now)
        returned = sum(i.count for i in items if i.kind == "residency.report_returned")
        return {row["company_id"] for row in due}, returned

    assert got() == reference() == ({world.company.pk}, 0)
    report = file_report(mine, Quarter.from_period(quarter.period - 1), now=now)
    QuarterlyReport.all_parks.filter(pk=report.pk).update(review=ReportReview.RETURNED)
    other = file_report(
        residency_queries.ResidentStatus.all_parks.get(company=world.other_company),
        Quarter.from_period(quarter.period - 1),
        now=now,
    )
    QuarterlyReport.all_parks.filter(pk=other.pk).update(review=ReportReview.RETURNED)
    assert got() == reference() == ({world.company.pk}, 1)
    file_report(mine, quarter, now=now)
    assert got() == reference() == (set(), 1)


# --- grants: a founder's milestones ------------------------------------------------------------


def test_founder_milestones_equal_the_rows(world: Any) -> None:
    from technopark.core.localtime import local_today
    from technopark.grants import services as grant_services
    from technopark.grants.models import GrantReport, Milestone, MilestoneStatus, ReportStatus
    from tests.factories import CompanyFactory, TeamMemberFactory
    from tests.grants.factories import make_award, make_participant, officer

    founder = world.users["founder"]
    manager = world.users["manager"]
    now = timezone.now()
    today = local_today(world.park.time_zone, at=now)
    first = make_award(
        make_participant(world.park, world.company),
        manager,
        due=today - timedelta(days=40),  # late, late (in 10 days' time: due soon), far
        tranches=("1.00", "1.00", "1.00"),
    )
    cohort = first.participant.cohort
    advised = CompanyFactory(park=world.park)
    TeamMemberFactory(company=advised, user=founder, position="Adviser", acts_for_company=False)
    make_award(make_participant(world.park, advised, cohort=cohort), manager, reference="Г-2")
    make_award(
        make_participant(world.park, world.other_company, cohort=cohort), manager, reference="Г-3"
    )
    elsewhere = CompanyFactory(park=world.other_park)
    TeamMemberFactory(company=elsewhere, user=founder, position="CEO")
    make_award(make_participant(world.other_park, elsewhere), officer(world.other_park))
    late = first.milestones.order_by("number").first()
    report = grant_services.grant_report_file(
        milestone=late, actor=founder, summary="Сделано.", spending={}
    )
    grant_services.grant_report_review(
        report=report, actor=officer(world.park), accept=False, note="Уточните."
    )

    @scopes_disabled()
    def reference() -> dict[str, int]:
        acting = {m.company_id for m in founder.team_memberships.all() if m.acts_for_company}
        found = {"late": 0, "soon": 0, "returned": 0}
        for milestone in Milestone.objects.select_related("award__participant"):
            award = milestone.award
            if (
                award.park_id != world.park.pk
                or award.cancelled_at is not None
                or award.participant.company_id not in acting
                or milestone.status != MilestoneStatus.OPEN
            ):
                continue
            latest = GrantReport.objects.filter(milestone=milestone).order_by("-filed_at").first()
            if latest is not None and latest.status == ReportStatus.RETURNED:
                found["returned"] += 1
            elif milestone.due_on < today:
                found["late"] += 1
            elif milestone.due_on <= today + timedelta(days=30):
                found["soon"] += 1
        return {kind: n for kind, n in found.items() if n}

    def got() -> dict[str, int]:
        with scopes_disabled():
            items = grants_agenda.founder_items(world.park, founder, now)
        names = {
            "grants.milestones_late": "late",
            "grants.milestones_due": "soon",
            "grants.reports_returned": "returned",
        }
        return {names[i.kind]: i.count for i in items}

    assert got() == reference() == {"returned": 1, "late": 1, "soon": 1}
    with scopes_disabled():
        items = grants_agenda.founder_items(world.park, founder, now)
    # One award of theirs: its page is the link.
    assert {i.url for i in items} == {
        reverse("grants:detail", kwargs={"park_slug": world.park.slug, "pk": first.pk})
    }
