"""The programmes demo: a running cohort with sessions, attendance, stage moves, a past demo day
with feedback; made through the services; a second run changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from technopark.audit.services import audit_verify
from technopark.demo.programmes import (
    cohort_name,
    finished_cohort_dates,
    running_cohort_dates,
    seed_programmes,
)
from technopark.parks.models import Role
from technopark.programmes.models import (
    Attendance,
    Cohort,
    CurriculumSession,
    PitchFeedback,
    ProposalStatus,
    SessionKind,
    StageProposal,
)
from technopark.selection.models import ApplicationStatus, CallKind
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.selection.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def _users(world):
    users = {f"{name}@demo.technopark": user for name, user in world.users.items()}
    for role in ("mentor", "investor", "customer", "partner"):
        person = UserFactory(email=f"{role}@example.org")
        MembershipFactory(park=world.park, user=person, role=getattr(Role, role.upper()))
        users[f"{role}@demo.technopark"] = person
    return users


def _counts():
    return (
        Cohort.all_parks.count(),
        CurriculumSession.objects.count(),
        Attendance.objects.count(),
        StageProposal.objects.count(),
        PitchFeedback.objects.count(),
    )


def test_demo_programme_and_a_second_run_changes_nothing(world):
    for _ in range(12):
        CompanyFactory(park=world.park)
    call = CallFactory(park=world.park, kind=CallKind.PROGRAMME)
    admitted = ApplicationFactory(
        call=call, company=world.other_company, status=ApplicationStatus.ADMITTED
    )
    users = _users(world)
    seed_programmes(world.park, users=users)
    running = Cohort.all_parks.get(name=cohort_name(running_cohort_dates(timezone.localdate())[0]))
    companies = set(running.participants.values_list("company_id", flat=True))
    assert {world.company.pk, world.other_company.pk} <= companies
    assert running.participants.get(company=world.other_company).application == admitted
    kinds = set(running.sessions.values_list("kind", flat=True))
    assert {
        SessionKind.ENTREPRENEURSHIP,
        SessionKind.PROJECT_MANAGEMENT,
        SessionKind.WORKSHOP,
        SessionKind.OFFICE_HOURS,
        SessionKind.PITCHING,
    } <= kinds
    assert Attendance.objects.filter(present=True).exists()
    assert Attendance.objects.filter(present=False).exists()
    statuses = list(StageProposal.objects.values_list("status", flat=True))
    assert statuses.count(ProposalStatus.CONFIRMED) == 2
    assert ProposalStatus.REJECTED in statuses
    pending = StageProposal.objects.get(status=ProposalStatus.PROPOSED)
    assert pending.participant.company == world.company
    finished = Cohort.all_parks.get(
        name=cohort_name(finished_cohort_dates(timezone.localdate())[0])
    )
    assert finished.demo_day.pitches.count() >= 1
    assert PitchFeedback.objects.filter(pitch__demo_day__cohort=finished, invest=True).exists()
    before = _counts()
    seed_programmes(world.park, users=users)
    assert _counts() == before
    assert audit_verify().ok
