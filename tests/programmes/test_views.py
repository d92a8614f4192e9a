"""The programmes pages: a role matrix for each, the journeys through them, bad input at the
field, local times, and the cohort dashboard's fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from technopark.companies.models import StageChange
from technopark.grants.queries import grant_summary_by_participant
from technopark.programmes import queries, services
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Cohort,
    CurriculumSession,
    DemoDay,
    Participant,
    PitchFeedback,
    Programme,
    ProposalStatus,
    SessionKind,
    StageProposal,
)
from technopark.selection.models import ApplicationStatus
from tests.factories import CompanyFactory, SiteFactory, TeamMemberFactory, UserFactory
from tests.programmes.conftest import ALL_ROLES
from tests.selection.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

MEMBERS = {"founder", "other_founder", "manager", "expert", "observer", "mentor", "investor"}


def expect(allowed: set[str]) -> dict[str, int]:
    return {
        role: 302 if role == "anonymous" else 200 if role in allowed else 403 for role in ALL_ROLES
    }


def pages(prog) -> dict[str, tuple[str, dict[str, int]]]:
    base = "/yakutia/programmes"
    c, p, d = prog.cohort.pk, prog.participant.pk, prog.demo_day.pk
    return {
        "list": (f"{base}/", expect(MEMBERS)),
        "mine": (f"{base}/mine/", expect(MEMBERS)),
        "programme_create": (f"{base}/new/", expect({"manager"})),
        "cohort_create": (f"{base}/{prog.programme.pk}/cohorts/new/", expect({"manager"})),
        "cohort": (f"{base}/cohorts/{c}/", expect(MEMBERS)),
        "fill": (f"{base}/cohorts/{c}/fill/", expect({"manager"})),
        "session_create": (f"{base}/cohorts/{c}/sessions/new/", expect({"manager"})),
        "dashboard": (f"{base}/cohorts/{c}/dashboard/", expect({"manager"})),
        "demo_day_edit": (f"{base}/cohorts/{c}/demo-day/", expect({"manager"})),
        "attendance": (f"{base}/sessions/{prog.past_session.pk}/attendance/", expect({"manager"})),
        "participant": (f"{base}/participants/{p}/", expect({"manager", "founder", "mentor"})),
        "demo_day": (f"{base}/demo-days/{d}/", expect({"manager", "investor"})),
        "feedback": (f"{base}/demo-days/{d}/feedback/", expect({"investor"})),
    }


PAGE_NAMES = [
    "list",
    "mine",
    "programme_create",
    "cohort_create",
    "cohort",
    "fill",
    "session_create",
    "dashboard",
    "demo_day_edit",
    "attendance",
    "participant",
    "demo_day",
    "feedback",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_page_by_role(prog, client_as, page, role):
    url, statuses = pages(prog)[page]
    response = client_as(role).get(url)
    assert response.status_code == statuses[role], (page, role)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if response.status_code == 200:
        assert "{#" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "cohorts/{c}/",
        "cohorts/{c}/dashboard/",
        "participants/{p}/",
        "sessions/{s}/attendance/",
        "demo-days/{d}/",
    ],
)
def test_records_of_another_park_are_not_found(world, prog, client_as, path):
    # the other park's manager looks for yakutia's records under kolyma: 404, not 403
    url = "/kolyma/programmes/" + path.format(
        c=prog.cohort.pk, p=prog.participant.pk, s=prog.past_session.pk, d=prog.demo_day.pk
    )
    assert client_as("outsider").get(url).status_code == 404


def test_manager_builds_a_programme_and_cohort(world, prog, client_as):
    client = client_as("manager")
    response = client.post(
        "/yakutia/programmes/new/",
        {"name": "Arctic", "grant_cap": "1500000.00", "coworking_seats": "4", "length_weeks": "10"},
    )
    assert response.status_code == 302
    programme = Programme.all_parks.get(name="Arctic")
    assert str(programme.grant_cap) == "1500000.00"
    response = client.post(
        f"/yakutia/programmes/{programme.pk}/cohorts/new/",
        {
            "name": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2026-11-30",
            "capacity": "10",
            "intake_call": str(prog.call.pk),
        },
    )
    assert response.status_code == 302
    assert Cohort.all_parks.get(name="Autumn").intake_call == prog.call


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "grant_cap": "1", "coworking_seats": "1", "length_weeks": "1"}, "name"),
        (
            {"name": "X", "grant_cap": "-5", "coworking_seats": "1", "length_weeks": "1"},
            "grant_cap",
        ),
        (
            {"name": "X", "grant_cap": "abc", "coworking_seats": "1", "length_weeks": "1"},
            "grant_cap",
        ),
        (
            {"name": "X", "grant_cap": "1", "coworking_seats": "-1", "length_weeks": "1"},
            "coworking_seats",
        ),
        (
            {"name": "X", "grant_cap": "1", "coworking_seats": "1", "length_weeks": "0"},
            "length_weeks",
        ),
    ],
)
def test_programme_form_bad_input(prog, client_as, data, field):
    response = client_as("manager").post("/yakutia/programmes/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_cohort_form_bad_dates(prog, client_as):
    response = client_as("manager").post(
        f"/yakutia/programmes/{prog.programme.pk}/cohorts/new/",
        {"name": "X", "starts_on": "2026-09-01", "ends_on": "2026-08-01", "capacity": "0"},
    )
    errors = response.context["form"].errors
    assert "ends_on" in errors and "capacity" in errors


def test_fill_page_adds_chosen_admitted_applications(world, prog, client_as):
    extra = ApplicationFactory(
        call=prog.call, company=world.other_company, status=ApplicationStatus.ADMITTED
    )
    url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/fill/"
    client = client_as("manager")
    page = client.get(url).content.decode()
    assert "Мерзлота Лаб" in page and "Северный код" not in page.split("<form")[1]
    assert client.post(url, {"applications": [str(extra.pk)]}).status_code == 302
    participant = Participant.objects.get(cohort=prog.cohort, company=world.other_company)
    assert Attendee.objects.filter(
        participant=participant, user=world.users["other_founder"]
    ).exists()
    # an id that is not offered is refused at the field
    response = client.post(url, {"applications": ["999999"]})
    assert response.status_code == 400
    assert "applications" in response.context["form"].errors


def test_fill_page_names_the_capacity(world, prog, client_as):
    apps = [
        ApplicationFactory(
            call=prog.call,
            company=CompanyFactory(park=world.park),
            status=ApplicationStatus.ADMITTED,
        )
        for _ in range(3)
    ]
    response = client_as("manager").post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/fill/",
        {"applications": [str(a.pk) for a in apps]},
    )
    assert response.status_code == 400
    assert "free places" in str(response.context["form"].errors["applications"])


def test_session_is_entered_and_shown_in_the_sites_zone(world, prog, client_as):
    moscow = SiteFactory(park=world.park, name="Moscow office", time_zone="Europe/Moscow")
    client = client_as("manager")
    response = client.post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/sessions/new/",
        {
            "kind": SessionKind.PROJECT_MANAGEMENT,
            "title": "PM intensive",
            "site": str(moscow.pk),
            "starts_at": "2026-03-01T10:00",
            "ends_at": "2026-03-01T13:00",
            "speaker": "A. Ivanov",
        },
    )
    assert response.status_code == 302
    session = CurriculumSession.objects.get(title="PM intensive")
    assert session.starts_at.isoformat() == "2026-03-01T07:00:00+00:00"
    # shown at 10:00 Moscow time on the cohort page, though the park is on Yakutsk time
    page = client.get(f"/yakutia/programmes/cohorts/{prog.cohort.pk}/").content.decode()
    row = page[page.index(f'data-testid="session-{session.pk}"') :]
    assert "10:00" in row[:400] and "Moscow time, UTC+3" in row[:400]


def test_a_session_at_8_in_yakutsk_is_on_its_local_day(world, prog, client_as):
    client = client_as("manager")
    client.post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/sessions/new/",
        {
            "kind": SessionKind.WORKSHOP,
            "title": "Early",
            "site": str(world.site.pk),
            "starts_at": "2026-03-01T08:00",
            "ends_at": "2026-03-01T09:00",
        },
    )
    session = CurriculumSession.objects.get(title="Early")
    assert session.starts_at.isoformat() == "2026-02-28T23:00:00+00:00"
    page = client_as("founder").get("/yakutia/programmes/mine/").content.decode()
    row = page[page.index(f'data-testid="session-{session.pk}"') :][:400]
    assert "1 March 2026, 08:00" in row


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "kind": "lecture",
                "title": "X",
                "starts_at": "2026-03-01T10:00",
                "ends_at": "2026-03-01T11:00",
            },
            "kind",
        ),
        (
            {
                "kind": "workshop",
                "title": "",
                "starts_at": "2026-03-01T10:00",
                "ends_at": "2026-03-01T11:00",
            },
            "title",
        ),
        (
            {"kind": "workshop", "title": "X", "starts_at": "soon", "ends_at": "2026-03-01T11:00"},
            "starts_at",
        ),
        (
            {
                "kind": "workshop",
                "title": "X",
                "starts_at": "2026-03-01T10:00",
                "ends_at": "2026-03-01T09:00",
            },
            "ends_at",
        ),
        (
            {
                "kind": "workshop",
                "title": "X",
                "starts_at": "2026-03-01T10:00",
                "ends_at": "2026-03-03T11:00",
            },
            "ends_at",
        ),
    ],
)
def test_session_form_bad_input(prog, client_as, data, field):
    response = client_as("manager").post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/sessions/new/", data
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_session_time_skipped_by_the_clocks_is_refused_at_the_field(world, prog, client_as):
    berlin = SiteFactory(park=world.park, name="Berlin desk", time_zone="Europe/Berlin")
    response = client_as("manager").post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/sessions/new/",
        {
            "kind": "workshop",
            "title": "X",
            "site": str(berlin.pk),
            "starts_at": "2026-03-29T02:30",
            "ends_at": "2026-03-29T04:00",
        },
    )
    assert "does not exist" in str(response.context["form"].errors["starts_at"])


def test_attendance_page_marks_the_whole_session(world, prog, client_as):
    person = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(park=world.park, user=person, role="founder")
    TeamMemberFactory(company=world.company, user=person, position="CTO")
    services.participant_sync_team(participant=prog.participant)
    founder_a = Attendee.objects.get(user=world.users["founder"])
    cto_a = Attendee.objects.get(user=person)
    url = f"/yakutia/programmes/sessions/{prog.past_session.pk}/attendance/"
    client = client_as("manager")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"shown": f"{founder_a.pk},{cto_a.pk}", f"present_{founder_a.pk}": "on"}
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("attendee_id", "present")) == {
        founder_a.pk: True,
        cto_a.pk: False,
    }


def test_attendance_page_refuses_a_future_session(world, prog, client_as):
    attendee = Attendee.objects.get(user=world.users["founder"])
    url = f"/yakutia/programmes/sessions/{prog.future_session.pk}/attendance/"
    response = client_as("manager").post(
        url, {"shown": str(attendee.pk), f"present_{attendee.pk}": "on"}
    )
    assert response.status_code == 400
    assert "once the session has started" in response.content.decode()
    response = client_as("manager").post(url, {"shown": "x,y"})
    assert response.status_code == 400


def test_founder_proposes_and_manager_confirms(world, prog, client_as):
    url = f"/yakutia/programmes/participants/{prog.participant.pk}/"
    founder = client_as("founder")
    assert 'id="propose"' in founder.get(url).content.decode()
    response = founder.post(
        url + "stage/", {"to_stage": "prototype", "evidence": "A working prototype"}
    )
    assert response.status_code == 302
    proposal = StageProposal.objects.get()
    # the founder may not decide
    assert (
        founder.post(
            f"/yakutia/programmes/stage-proposals/{proposal.pk}/decide/", {"decision": "confirm"}
        ).status_code
        == 403
    )
    manager = client_as("manager")
    response = manager.post(
        f"/yakutia/programmes/stage-proposals/{proposal.pk}/decide/", {"decision": "confirm"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert StageChange.objects.filter(company=world.company, to_stage="prototype").exists()
    # deciding twice is refused with a message, not a 500
    response = manager.post(
        f"/yakutia/programmes/stage-proposals/{proposal.pk}/decide/", {"decision": "confirm"}
    )
    assert response.status_code == 400
    assert "decided already" in response.content.decode()


def test_other_founder_and_mentor_may_not_propose(world, prog, client_as):
    url = f"/yakutia/programmes/participants/{prog.participant.pk}/stage/"
    data = {"to_stage": "prototype", "evidence": "x"}
    assert client_as("other_founder").post(url, data).status_code == 403
    assert client_as("mentor").post(url, data).status_code == 403
    assert client_as("anonymous").post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"to_stage": "idea", "evidence": "x"}, "to_stage"),
        ({"to_stage": "prototype", "evidence": ""}, "evidence"),
        ({"to_stage": "moon", "evidence": "x"}, "to_stage"),
    ],
)
def test_proposal_bad_input_at_the_field(prog, client_as, data, field):
    response = client_as("founder").post(
        f"/yakutia/programmes/participants/{prog.participant.pk}/stage/", data
    )
    assert response.status_code == 400
    assert field in response.context["proposal_form"].errors


def test_decision_bad_input(prog, client_as):
    proposal = services.stage_propose(
        participant=prog.participant, actor=None, to_stage="prototype", evidence="x"
    )
    url = f"/yakutia/programmes/stage-proposals/{proposal.pk}/decide/"
    client = client_as("manager")
    assert client.post(url, {"decision": "maybe"}).status_code == 400
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 400 and "required" in response.content.decode()
    assert (
        client.post(
            "/yakutia/programmes/stage-proposals/999999/decide/", {"decision": "confirm"}
        ).status_code
        == 404
    )


def test_manager_gives_seat_and_mentors(world, prog, client_as):
    url = f"/yakutia/programmes/participants/{prog.participant.pk}/manage/"
    data = {
        "coworking_seat": "IT-park, desk 4",
        "mentors": [str(prog.users["mentor"].pk)],
        "status": "active",
    }
    assert client_as("founder").post(url, data).status_code == 403
    assert client_as("manager").post(url, data).status_code == 302
    assert Participant.objects.get(pk=prog.participant.pk).coworking_seat == "IT-park, desk 4"
    bad = {**data, "mentors": [str(world.users["expert"].pk)]}
    response = client_as("manager").post(url, bad)
    assert response.status_code == 400 and "mentors" in response.context["manage_form"].errors


def test_demo_day_planning_and_feedback(world, prog, client_as):
    manager = client_as("manager")
    response = manager.post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/demo-day/",
        {
            "title": "Demo day",
            "starts_at": "2026-01-15T15:00",
            "minutes_per_pitch": "12",
            "site": str(world.site.pk),
        },
    )
    assert response.status_code == 302
    prog.demo_day.refresh_from_db()
    assert prog.demo_day.starts_at.isoformat() == "2026-01-15T06:00:00+00:00"
    page = manager.get(f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/").content.decode()
    assert "15:00" in page
    response = manager.post(
        f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/guests/",
        {"name": "Arctic Ventures", "organisation": "AV", "kind": "investor"},
    )
    assert response.status_code == 302
    response = manager.post(
        f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/guests/", {"kind": "investor"}
    )
    assert response.status_code == 400 and "name" in response.context["guest_form"].errors
    investor = client_as("investor")
    url = f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/feedback/"
    assert investor.get(url).status_code == 200
    response = investor.post(
        url, {f"invest_{prog.pitch.pk}": "on", f"note_{prog.pitch.pk}": "Send the deck"}
    )
    assert response.status_code == 302
    feedback = PitchFeedback.objects.get()
    assert feedback.invest and feedback.note == "Send the deck"
    # the follow-up shows to the start-up's team and to staff
    page = (
        client_as("founder")
        .get(f"/yakutia/programmes/participants/{prog.participant.pk}/")
        .content.decode()
    )
    assert "Send the deck" in page
    assert (
        "Send the deck"
        in manager.get(f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/").content.decode()
    )


def test_pitch_order_form_refuses_a_repeated_position(world, prog, client_as):
    other = services.participant_add(cohort=prog.cohort, actor=None, company=world.other_company)
    response = client_as("manager").post(
        f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/order/",
        {f"pos_{prog.participant.pk}": "1", f"pos_{other.pk}": "1"},
    )
    assert response.status_code == 400
    response = client_as("manager").post(
        f"/yakutia/programmes/demo-days/{prog.demo_day.pk}/order/",
        {f"pos_{prog.participant.pk}": "2", f"pos_{other.pk}": "1"},
    )
    assert response.status_code == 302
    assert [p.participant_id for p in prog.demo_day.pitches.order_by("position")] == [
        other.pk,
        prog.participant.pk,
    ]


def test_my_programme_shows_schedule_and_attendance(world, prog, client_as):
    attendee = Attendee.objects.get(user=world.users["founder"])
    services.attendance_record(session=prog.past_session, actor=None, marks={attendee.pk: True})
    page = client_as("founder").get("/yakutia/programmes/mine/").content.decode()
    assert "Polar Start" in page and "Technological entrepreneurship" in page and "present" in page
    other = client_as("other_founder").get("/yakutia/programmes/mine/").content.decode()
    assert 'data-testid="no-programme"' in other


# --- The cohort dashboard -------------------------------------------------------------------------


def _grow(world, prog, n: int) -> None:
    """n more participants with a team member each, a past session, marks and a proposal."""
    manager = world.users["manager"]
    prog.cohort.capacity = 200
    prog.cohort.save()
    now = timezone.now()
    session = services.session_create(
        cohort=prog.cohort,
        actor=manager,
        kind=SessionKind.WORKSHOP,
        title=f"W{n}",
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=2),
    )
    for i in range(n):
        company = CompanyFactory(park=world.park)
        person = UserFactory()
        from tests.factories import MembershipFactory

        MembershipFactory(park=world.park, user=person, role="founder")
        TeamMemberFactory(company=company, user=person, position="CEO")
        participant = services.participant_add(cohort=prog.cohort, actor=manager, company=company)
        attendee = participant.attendees.get()
        services.attendance_record(session=session, actor=manager, marks={attendee.pk: i % 2 == 0})
        services.stage_propose(
            participant=participant, actor=person, to_stage="prototype", evidence="x"
        )


def _grant_queries(prog) -> int:
    cohort = queries.cohort_for(park=prog.cohort.park, pk=prog.cohort.pk)  # as the view has it
    with CaptureQueriesContext(connection) as ctx:
        grant_summary_by_participant(cohort=cohort)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [1, 8])
def test_dashboard_runs_a_fixed_number_of_queries(
    world, prog, client_as, django_assert_num_queries, n
):
    _grow(world, prog, n)
    client = client_as("manager")
    # middleware: user, park, roles (3); the cohort (1); participants, attendance per participant,
    # sessions with their rates, stage proposals (4); the park switcher (1); plus the grants
    # app's summary, whatever it takes (measured here, the same at both sizes).
    url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/dashboard/"
    with django_assert_num_queries(9 + _grant_queries(prog)):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{n + 1} active participants" in body or f"{n + 1}</strong> active participants" in body
    # cached: no query at all (the session, user, park and roles come from the cache too)
    with django_assert_num_queries(0):
        again = client.get(url)

    def main(page) -> str:
        body = page.content.decode()
        return body[body.index("<main") : body.index("</main>")]

    assert main(again) == main(response)


def test_dashboard_shows_a_write_at_once(world, prog, client_as):
    client = client_as("manager")
    url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/dashboard/"
    assert "proposed:" not in client.get(url).content.decode()
    services.stage_propose(
        participant=prog.participant, actor=None, to_stage="market", evidence="Sales"
    )
    assert "proposed: Market participant" in client.get(url).content.decode()


def test_dashboard_rates(world, prog):
    attendee = Attendee.objects.get(user=world.users["founder"])
    services.attendance_record(session=prog.past_session, actor=None, marks={attendee.pk: True})
    dashboard = queries.cohort_dashboard(cohort=prog.cohort)
    (row,) = dashboard.rows
    assert (row.present, row.marked, row.rate) == (1, 1, 100)
    rates = {s.session.pk: s.rate for s in dashboard.sessions}
    assert rates == {prog.past_session.pk: 100, prog.future_session.pk: None}


def test_grant_view_reads_dicts_and_objects():
    from types import SimpleNamespace

    assert (
        queries.grant_view({"status": "paid", "overdue_milestones": 2})["overdue_milestones"] == 2
    )
    view = queries.grant_view(
        SimpleNamespace(status="awarded", awarded=1, paid=0, overdue_milestones=None)
    )
    assert view["status_label"] == "awarded" and view["overdue_milestones"] == 0


@pytest.mark.parametrize("n", [1, 6])
def test_cohort_page_runs_a_fixed_number_of_queries(
    world, prog, client_as, django_assert_num_queries, n
):
    prog.cohort.capacity = 50
    prog.cohort.save()
    for _ in range(n):
        company = CompanyFactory(park=world.park)
        TeamMemberFactory(company=company, user=UserFactory(), position="CEO")
        services.participant_add(cohort=prog.cohort, actor=None, company=company)
    client = client_as("founder")
    # middleware (3); the cohort (1); the demo day (1); participants, attendees, mentors, teams
    # (4); the sessions (1); the demo day's guests, whether the visitor is invited (1); the
    # header: the park switcher and the residency banner (2). Who may open which participant is
    # answered from what is loaded.
    with django_assert_num_queries(13):
        response = client.get(f"/yakutia/programmes/cohorts/{prog.cohort.pk}/")
    body = response.content.decode()
    assert body.count("/yakutia/programmes/participants/") == 1  # only the founder's own
    # again: the header and the visitor's roles come from the cache
    with django_assert_num_queries(8):
        client.get(f"/yakutia/programmes/cohorts/{prog.cohort.pk}/")


def posts(prog) -> dict[str, tuple[str, set[str]]]:
    base = "/yakutia/programmes"
    c, p, d = prog.cohort.pk, prog.participant.pk, prog.demo_day.pk
    proposal = services.stage_propose(
        participant=prog.participant, actor=None, to_stage="prototype", evidence="x"
    )
    return {
        "programme_create": (f"{base}/new/", {"manager"}),
        "cohort_create": (f"{base}/{prog.programme.pk}/cohorts/new/", {"manager"}),
        "fill": (f"{base}/cohorts/{c}/fill/", {"manager"}),
        "session_create": (f"{base}/cohorts/{c}/sessions/new/", {"manager"}),
        "demo_day_edit": (f"{base}/cohorts/{c}/demo-day/", {"manager"}),
        "attendance": (f"{base}/sessions/{prog.past_session.pk}/attendance/", {"manager"}),
        "manage": (f"{base}/participants/{p}/manage/", {"manager"}),
        "propose": (f"{base}/participants/{p}/stage/", {"founder"}),
        "decide": (f"{base}/stage-proposals/{proposal.pk}/decide/", {"manager"}),
        "order": (f"{base}/demo-days/{d}/order/", {"manager"}),
        "invite": (f"{base}/demo-days/{d}/guests/", {"manager"}),
        "feedback": (f"{base}/demo-days/{d}/feedback/", {"investor"}),
    }


POST_NAMES = [
    "programme_create",
    "cohort_create",
    "fill",
    "session_create",
    "demo_day_edit",
    "attendance",
    "manage",
    "propose",
    "decide",
    "order",
    "invite",
    "feedback",
]


@pytest.mark.parametrize("page", POST_NAMES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_post_by_role(prog, client_as, page, role):
    """An empty form: refused before anything (302 to sign in, 403), or answered at the fields
    (200 or 400) — never written, never a 500."""
    url, allowed = posts(prog)[page]
    response = client_as(role).post(url, {})
    if role == "anonymous":
        assert response.status_code == 302
    elif role in allowed:
        assert response.status_code in (200, 302, 400), (page, role, response.status_code)
    else:
        assert response.status_code == 403, (page, role)


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [("0001-01-01T00:00", "0001-01-01T01:00"), ("9999-12-31T22:00", "9999-12-31T23:00")],
)
def test_a_session_at_the_ends_of_the_calendar_is_refused_at_the_field(
    world, prog, client_as, starts_at, ends_at
):
    # Year 1 in Yakutsk is year 0 in UTC; late on 31 December 9999 in New York is year 10000.
    new_york = SiteFactory(park=world.park, name="New York desk", time_zone="America/New_York")
    site = new_york if starts_at.startswith("9999") else world.site
    response = client_as("manager").post(
        f"/yakutia/programmes/cohorts/{prog.cohort.pk}/sessions/new/",
        {
            "kind": "workshop",
            "title": "X",
            "site": str(site.pk),
            "starts_at": starts_at,
            "ends_at": ends_at,
        },
    )
    assert response.status_code == 200
    # refused by the platform's years (core.inputs) before the zone is even asked
    assert "Give a date between" in str(response.context["form"].errors["starts_at"])


@pytest.mark.parametrize("year", ["0001", "9999", "1899", "2101"])
@pytest.mark.parametrize("form", ["session", "demo day"])
def test_times_at_the_ends_of_the_calendar_are_refused_next_to_the_field(
    prog, client_as, year, form
):
    # Year 1 and 9999 once overflowed on the way to UTC: a 500.
    if form == "session":
        url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/sessions/new/"
        data = {"kind": "workshop", "title": "Edge", "ends_at": f"{year}-12-31T23:00"}
    else:
        url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/demo-day/"
        data = {"title": "Edge", "minutes_per_pitch": "10"}
    before = CurriculumSession.objects.count(), DemoDay.objects.get(pk=prog.demo_day.pk).title
    response = client_as("manager").post(url, {**data, "starts_at": f"{year}-12-31T22:00"})
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert "Give a date between 1900-01-01 and 2100-12-31." in errors["starts_at"]
    after = CurriculumSession.objects.count(), DemoDay.objects.get(pk=prog.demo_day.pk).title
    assert after == before
