"""A programme with a running cohort in the ``world`` park: the founder's company takes part
(the founder attends), the other founder's company does not; a mentor is matched to it; a past
session and a future one; a past demo day where the founder's company pitched, with an invited
investor.

``client_as(name)`` signs in any of ``tests.conftest.ROLES`` or ``"mentor"``/``"investor"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from technopark.parks.models import Role
from technopark.programmes import services
from technopark.programmes.models import SessionKind
from technopark.selection.models import ApplicationStatus, CallKind
from tests.factories import MembershipFactory, UserFactory
from tests.selection.factories import ApplicationFactory, CallFactory

ALL_ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "expert",
    "observer",
    "outsider",
    "mentor",
    "investor",
)


@dataclass
class Prog:
    programme: Any
    cohort: Any
    call: Any
    participant: Any
    past_session: Any
    future_session: Any
    demo_day: Any
    pitch: Any
    guest: Any
    users: dict[str, Any]


@pytest.fixture
def prog(world: Any) -> Prog:
    park = world.park
    manager = world.users["manager"]
    users = dict(world.users)
    users["mentor"] = UserFactory(email="mentor@example.org", full_name="Mentor")
    MembershipFactory(park=park, user=users["mentor"], role=Role.MENTOR)
    users["investor"] = UserFactory(email="investor@example.org", full_name="Investor")
    MembershipFactory(park=park, user=users["investor"], role=Role.INVESTOR)

    call = CallFactory(park=park, kind=CallKind.PROGRAMME, title="Intake 2026")
    application = ApplicationFactory(
        call=call, company=world.company, status=ApplicationStatus.ADMITTED
    )
    programme = services.programme_create(
        park=park, actor=manager, name="Polar Start", coworking_seats=2
    )
    today = timezone.localdate()
    cohort = services.cohort_create(
        programme=programme,
        actor=manager,
        name="Spring 2026",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
        capacity=3,
        site=world.site,
        intake_call=call,
    )
    (participant,) = services.cohort_fill(cohort=cohort, actor=manager, applications=[application])
    services.participant_set_mentors(participant=participant, mentors=[users["mentor"]])
    now = timezone.now()
    past = services.session_create(
        cohort=cohort,
        actor=manager,
        kind=SessionKind.ENTREPRENEURSHIP,
        title="Technological entrepreneurship",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=3),
        site=world.site,
        room="101",
    )
    future = services.session_create(
        cohort=cohort,
        actor=manager,
        kind=SessionKind.PITCHING,
        title="Pitching",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
    )
    demo_day = services.demo_day_save(
        cohort=cohort, actor=manager, title="Demo day", starts_at=now - timedelta(hours=5)
    )
    (pitch,) = services.demo_day_set_order(demo_day=demo_day, participant_ids=[participant.pk])
    guest = services.guest_invite(demo_day=demo_day, user=users["investor"])
    return Prog(
        programme=programme,
        cohort=cohort,
        call=call,
        participant=participant,
        past_session=past,
        future_session=future,
        demo_day=demo_day,
        pitch=pitch,
        guest=guest,
        users=users,
    )


@pytest.fixture
def client_as(prog: Prog) -> Any:
    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(prog.users[name])
        return client

    return make


def on(day: date) -> str:
    return day.isoformat()
