"""The programmes services: every rule they hold, and every refusal named at its field."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from technopark.audit.models import AuditEntry
from technopark.companies.models import StageChange
from technopark.core.localtime import to_utc
from technopark.parks.models import Role
from technopark.programmes import services
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Participant,
    ParticipantStatus,
    ProposalStatus,
    SessionKind,
)
from technopark.selection.models import ApplicationStatus, CallKind
from tests.factories import CompanyFactory, MembershipFactory, TeamMemberFactory, UserFactory
from tests.selection.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Programmes and cohorts -----------------------------------------------------------------------


def test_programme_defaults_to_a_two_million_grant_cap(world):
    programme = services.programme_create(
        park=world.park, actor=world.users["manager"], name="Start"
    )
    assert programme.grant_cap == Decimal("2000000.00")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("name", {"name": "  "}),
        ("grant_cap", {"grant_cap": Decimal("-1")}),
        ("coworking_seats", {"coworking_seats": -1}),
        ("length_weeks", {"length_weeks": 0}),
    ],
)
def test_programme_bad_input_is_named(world, field, kwargs):
    values = {"name": "Start", **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        services.programme_create(park=world.park, actor=None, **values)
    assert field in errors(excinfo)


def test_cohort_refuses_a_call_of_another_kind_or_park(world, prog):
    residency = CallFactory(park=world.park, kind=CallKind.RESIDENCY)
    foreign = CallFactory(park=world.other_park, kind=CallKind.PROGRAMME)
    for call in (residency, foreign):
        with pytest.raises(ValidationError) as excinfo:
            services.cohort_create(
                programme=prog.programme,
                actor=None,
                name="X",
                starts_on=prog.cohort.starts_on,
                ends_on=prog.cohort.ends_on,
                intake_call=call,
            )
        assert "intake_call" in errors(excinfo)


def test_cohort_ends_after_it_starts(prog):
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_create(
            programme=prog.programme,
            actor=None,
            name="X",
            starts_on=prog.cohort.ends_on,
            ends_on=prog.cohort.starts_on,
        )
    assert "ends_on" in errors(excinfo)


def test_fill_adds_the_team_as_attendees(world, prog):
    attendees = set(
        Attendee.objects.filter(participant=prog.participant).values_list("user_id", flat=True)
    )
    assert attendees == {world.users["founder"].pk}
    assert prog.participant.application is not None


def _admitted(world, call, n):
    return [
        ApplicationFactory(
            call=call, company=CompanyFactory(park=world.park), status=ApplicationStatus.ADMITTED
        )
        for _ in range(n)
    ]


def test_fill_holds_the_capacity_all_or_none(world, prog):
    # capacity 3, one place taken: three more are refused, none is added.
    apps = _admitted(world, prog.call, 3)
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_fill(cohort=prog.cohort, actor=None, applications=apps)
    assert "2 free places of 3" in errors(excinfo)["applications"][0]
    assert prog.cohort.participants.count() == 1
    services.cohort_fill(cohort=prog.cohort, actor=None, applications=apps[:2])
    assert prog.cohort.participants.count() == 3


def test_fill_takes_only_admitted_applications_of_the_intake_call(world, prog):
    submitted = ApplicationFactory(call=prog.call, company=world.other_company)
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_fill(cohort=prog.cohort, actor=None, applications=[submitted])
    assert "admitted" in errors(excinfo)["applications"][0]
    other_call = CallFactory(park=world.park, kind=CallKind.PROGRAMME)
    (elsewhere,) = _admitted(world, other_call, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_fill(cohort=prog.cohort, actor=None, applications=[elsewhere])
    assert "intake call" in errors(excinfo)["applications"][0]


def test_a_company_joins_a_cohort_once(world, prog):
    with pytest.raises(ValidationError) as excinfo:
        services.participant_add(cohort=prog.cohort, actor=None, company=world.company)
    assert "Already in the cohort" in errors(excinfo)["applications"][0]


def test_fill_refuses_a_company_of_another_park(world, prog):
    with pytest.raises(ValidationError) as excinfo:
        services.participant_add(cohort=prog.cohort, actor=None, company=world.foreign_company)
    assert "company" in errors(excinfo)


def test_coworking_seats_are_limited_by_the_programme(world, prog):
    # two seats in the programme
    others = services.cohort_fill(
        cohort=prog.cohort, actor=None, applications=_admitted(world, prog.call, 2)
    )
    services.participant_set_seat(participant=prog.participant, seat="Desk 1")
    services.participant_set_seat(participant=others[0], seat="Desk 2")
    with pytest.raises(ValidationError) as excinfo:
        services.participant_set_seat(participant=others[1], seat="Desk 3")
    assert "coworking_seat" in errors(excinfo)
    # changing a seat already given is fine
    services.participant_set_seat(participant=prog.participant, seat="Desk 4")
    assert Participant.objects.get(pk=prog.participant.pk).coworking_seat == "Desk 4"


def test_mentors_must_be_mentors_of_the_park(world, prog):
    with pytest.raises(ValidationError) as excinfo:
        services.participant_set_mentors(
            participant=prog.participant, mentors=[world.users["expert"]]
        )
    assert "mentors" in errors(excinfo)


def test_team_members_who_join_later_are_added(world, prog):
    person = UserFactory()
    MembershipFactory(park=world.park, user=person, role=Role.FOUNDER)
    TeamMemberFactory(company=world.company, user=person, position="CTO")
    assert services.participant_sync_team(participant=prog.participant) == 1
    assert services.participant_sync_team(participant=prog.participant) == 0


def test_reactivating_a_participant_respects_capacity(world, prog):
    services.participant_set_status(participant=prog.participant, status=ParticipantStatus.LEFT)
    services.cohort_fill(
        cohort=prog.cohort, actor=None, applications=_admitted(world, prog.call, 3)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.participant_set_status(
            participant=prog.participant, status=ParticipantStatus.ACTIVE
        )
    assert "status" in errors(excinfo)


# --- Sessions and time zones ----------------------------------------------------------------------


def test_wall_clock_time_is_read_in_the_sites_zone():
    # 10:00 in Yakutsk (UTC+9) is 01:00 UTC; 10:00 in Moscow (UTC+3) is 07:00 UTC.
    ten = datetime(2026, 3, 1, 10, 0)
    assert to_utc(ten, zone="Asia/Yakutsk", field="x").hour == 1
    assert to_utc(ten, zone="Europe/Moscow", field="x").hour == 7
    # 08:00 on 1 March in Yakutsk is still 28 February in UTC.
    early = to_utc(datetime(2026, 3, 1, 8, 0), zone="Asia/Yakutsk", field="x")
    assert (early.month, early.day, early.hour) == (2, 28, 23)


def test_a_time_skipped_by_the_clocks_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        to_utc(datetime(2026, 3, 29, 2, 30), zone="Europe/Berlin", field="starts_at")
    assert "does not exist" in excinfo.value.message_dict["starts_at"][0]


def test_session_ends_after_it_starts(prog):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            cohort=prog.cohort,
            actor=None,
            kind=SessionKind.WORKSHOP,
            title="W",
            starts_at=now,
            ends_at=now,
        )
    assert "ends_at" in errors(excinfo)


def test_session_refuses_a_site_of_another_park_and_unknown_kind(world, prog):
    from tests.factories import SiteFactory

    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            cohort=prog.cohort,
            actor=None,
            kind=SessionKind.WORKSHOP,
            title="W",
            starts_at=now,
            ends_at=now + timedelta(hours=1),
            site=SiteFactory(park=world.other_park),
        )
    assert "site" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            cohort=prog.cohort,
            actor=None,
            kind="lecture",
            title="W",
            starts_at=now,
            ends_at=now + timedelta(hours=1),
        )
    assert "kind" in errors(excinfo)


# --- Attendance -----------------------------------------------------------------------------------


def _founder_attendee(world, prog):
    return Attendee.objects.get(participant=prog.participant, user=world.users["founder"])


def test_attendance_is_recorded_and_resending_changes_nothing(world, prog):
    attendee = _founder_attendee(world, prog)
    manager = world.users["manager"]
    assert (
        services.attendance_record(
            session=prog.past_session, actor=manager, marks={attendee.pk: True}
        )
        == 1
    )
    assert (
        services.attendance_record(
            session=prog.past_session, actor=manager, marks={attendee.pk: True}
        )
        == 0
    )
    assert (
        services.attendance_record(
            session=prog.past_session, actor=manager, marks={attendee.pk: False}
        )
        == 1
    )
    row = Attendance.objects.get()
    assert row.present is False


def test_attendance_is_refused_before_the_session_starts(world, prog):
    attendee = _founder_attendee(world, prog)
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(
            session=prog.future_session, actor=None, marks={attendee.pk: True}
        )
    assert "started" in errors(excinfo)["marks"][0]


def test_attendance_refuses_people_outside_the_cohort(world, prog):
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(session=prog.past_session, actor=None, marks={999_999: True})
    assert "999999" in errors(excinfo)["marks"][0]
    with pytest.raises(ValidationError):
        services.attendance_record(session=prog.past_session, actor=None, marks={})


# --- Progress -------------------------------------------------------------------------------------


def test_a_confirmed_proposal_moves_the_company_and_its_history(world, prog):
    founder, manager = world.users["founder"], world.users["manager"]
    proposal = services.stage_propose(
        participant=prog.participant, actor=founder, to_stage="prototype", evidence="Demo video"
    )
    assert proposal.from_stage == "idea"
    services.stage_decide(proposal=proposal, actor=manager, confirm=True)
    world.company.refresh_from_db()
    assert world.company.stage == "prototype"
    change = StageChange.objects.filter(company=world.company).order_by("-id").first()
    assert change.to_stage == "prototype" and "Demo video" in change.evidence
    assert change.changed_by == manager
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == "programmes.stage_confirm"
    with pytest.raises(ValidationError) as excinfo:
        services.stage_decide(proposal=proposal, actor=manager, confirm=True)
    assert "decision" in errors(excinfo)


def test_a_rejection_needs_a_note_and_leaves_the_stage(world, prog):
    proposal = services.stage_propose(
        participant=prog.participant, actor=None, to_stage="market", evidence="Sales"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.stage_decide(proposal=proposal, actor=None, confirm=False, note="")
    assert "note" in errors(excinfo)
    services.stage_decide(proposal=proposal, actor=None, confirm=False, note="No contract yet")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    world.company.refresh_from_db()
    assert world.company.stage == "idea"


@pytest.mark.parametrize(
    ("to_stage", "evidence", "field"),
    [("idea", "x", "to_stage"), ("space", "x", "to_stage"), ("prototype", " ", "evidence")],
)
def test_proposal_bad_input(prog, to_stage, evidence, field):
    with pytest.raises(ValidationError) as excinfo:
        services.stage_propose(
            participant=prog.participant, actor=None, to_stage=to_stage, evidence=evidence
        )
    assert field in errors(excinfo)


def test_one_open_proposal_at_a_time(prog):
    services.stage_propose(
        participant=prog.participant, actor=None, to_stage="prototype", evidence="a"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.stage_propose(
            participant=prog.participant, actor=None, to_stage="market", evidence="b"
        )
    assert "waiting" in errors(excinfo)["to_stage"][0]


# --- Demo day -------------------------------------------------------------------------------------


def test_pitch_times_follow_the_order(world, prog):
    others = services.cohort_fill(
        cohort=prog.cohort, actor=None, applications=_admitted(world, prog.call, 2)
    )
    ids = [others[1].pk, prog.participant.pk, others[0].pk]
    pitches = services.demo_day_set_order(demo_day=prog.demo_day, participant_ids=ids)
    assert [p.participant_id for p in pitches] == ids
    start = prog.demo_day.starts_at
    assert [p.starts_at for p in pitches] == [start + timedelta(minutes=10 * i) for i in range(3)]
    # the founder's pitch kept its row (and its feedback)
    assert pitches[1].pk == prog.pitch.pk


def test_a_pitch_with_feedback_stays(world, prog):
    services.feedback_record(guest=prog.guest, pitch=prog.pitch, meet=True)
    with pytest.raises(ValidationError) as excinfo:
        services.demo_day_set_order(demo_day=prog.demo_day, participant_ids=[])
    assert "order" in errors(excinfo)


def test_order_refuses_strangers_and_repeats(world, prog):
    with pytest.raises(ValidationError):
        services.demo_day_set_order(
            demo_day=prog.demo_day, participant_ids=[prog.participant.pk] * 2
        )
    with pytest.raises(ValidationError):
        services.demo_day_set_order(demo_day=prog.demo_day, participant_ids=[123456])


def test_guests_are_investors_customers_or_partners(world, prog):
    with pytest.raises(ValidationError) as excinfo:
        services.guest_invite(demo_day=prog.demo_day, user=world.users["expert"])
    assert "user" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.guest_invite(demo_day=prog.demo_day, user=prog.users["investor"])
    assert "already" in errors(excinfo)["user"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.guest_invite(demo_day=prog.demo_day, name="Fund X", kind="")
    assert "kind" in errors(excinfo)
    outside = services.guest_invite(demo_day=prog.demo_day, name="Fund X", kind="investor")
    assert outside.display_name == "Fund X"
    assert prog.guest.kind == "investor"


def test_feedback_opens_when_the_demo_day_starts(world, prog):
    future = services.demo_day_save(
        cohort=prog.cohort, actor=None, title="Later", starts_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.feedback_record(guest=prog.guest, pitch=prog.pitch, invest=True)
    assert "pitch" in errors(excinfo)
    assert future.pk == prog.demo_day.pk


def test_feedback_replaces_the_earlier_one(prog):
    services.feedback_record(guest=prog.guest, pitch=prog.pitch, meet=True, note="Call me")
    feedback = services.feedback_record(guest=prog.guest, pitch=prog.pitch, invest=True)
    assert (feedback.meet, feedback.invest, feedback.note) == (False, True, "")
    assert prog.pitch.feedback.count() == 1
