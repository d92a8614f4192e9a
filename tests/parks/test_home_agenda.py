"""The member's home (``/<park>/``) and the personal page (``/me/``): what waits for each role,
each item appearing when its condition holds and gone once resolved, query counts at two sizes.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from technopark.accounts import services as account_services
from technopark.parks import agenda
from technopark.parks import services as park_services
from technopark.parks.models import MembershipStatus, Role
from technopark.parks.rules import access_for
from technopark.residency import services as residency_services
from technopark.selection.models import Application, ApplicationStatus, ReviewAssignment
from tests.factories import MembershipFactory, UserFactory
from tests.selection.factories import (
    ApplicationFactory,
    CallFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "founder", "other_founder", "manager", "expert", "observer", "outsider")


def _kinds(world: Any, role: str) -> set[str]:
    user = world.users[role]
    return {
        item.kind for item in agenda.agenda(park=world.park, access=access_for(user, world.park))
    }


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_park_home_role_matrix(world: Any, client_for: Any, busy: Any, role: str) -> None:
    html = _page(client_for(role), "/yakutia/")
    expected = {
        "anonymous": set(),
        "outsider": set(),  # not a member here: the public page only, nothing of the park's
        "founder": {"selection.drafts"},
        "other_founder": {"selection.under_review"},
        "manager": {"selection.screening", "selection.assignments"},
        "expert": {"selection.reviews_due"},
        "observer": set(),
    }[role]
    member = role not in ("anonymous", "outsider")
    assert ('id="agenda-title"' in html) is member
    for kind in expected:
        assert f'data-kind="{kind}"' in html, (role, kind)
    shown = {kind for kind in agenda_kinds(html)}
    assert shown == expected
    if member and not expected:
        assert 'data-testid="agenda-empty"' in html
    # The public part is there for everyone.
    assert 'id="park-title"' in html


def agenda_kinds(html: str) -> list[str]:
    return re.findall(r'data-kind="([a-z_.]+)"', html)


# --- the personal page across parks ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_me_role_matrix(world: Any, client_for: Any, busy: Any, role: str) -> None:
    response = client_for(role).get("/me/")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    html = response.content.decode()
    assert response.status_code == 200
    if role == "outsider":
        # A manager of Kolyma only: Kolyma is listed, nothing of Yakutia's.
        assert 'data-testid="my-park-kolyma"' in html
        assert 'data-testid="my-park-yakutia"' not in html
        assert "Residency 2026" not in html and "/yakutia/" not in html
        return
    assert 'data-testid="my-park-yakutia"' in html
    assert 'data-testid="my-park-kolyma"' not in html
    expected = {
        "founder": ["selection.drafts"],
        "other_founder": ["selection.under_review"],
        "manager": ["selection.screening", "selection.assignments"],
        "expert": ["selection.reviews_due"],
        "observer": [],
    }[role]
    assert sorted(agenda_kinds(html)) == sorted(expected)


def test_me_lists_a_pending_join_request_and_an_invitation(world: Any, client_for: Any) -> None:
    outsider = world.users["outsider"]
    park_services.membership_request(park=world.park, user=outsider)
    account_services.invitation_create(
        park=world.park,
        access=access_for(world.users["manager"], world.park),
        email=outsider.email,
        role=Role.EXPERT,
        base_url="http://testserver/",
    )
    html = _page(client_for("outsider"), "/me/")
    section = html[html.index('data-testid="my-park-yakutia"') :]
    assert "Your request to join is waiting" in section
    invitations = html[html.index('data-testid="my-invitations"') :]
    assert "Technopark Yakutia: as Expert" in invitations and "invited by Manager" in invitations


def test_me_for_someone_in_no_park(db: Any) -> None:
    client = Client()
    client.force_login(UserFactory())
    html = _page(client, "/me/")
    assert 'data-testid="no-parks"' in html


# --- items appear when their condition holds, and go once resolved --------------------------------


def test_join_requests_appear_for_staff_and_go_once_decided(world: Any, client_for: Any) -> None:
    manager = client_for("manager")
    assert "accounts.join_requests" not in agenda_kinds(_page(manager, "/yakutia/"))
    request = park_services.membership_request(park=world.park, user=world.users["outsider"])
    html = _page(manager, "/yakutia/")  # the write renewed the cached agenda
    assert "accounts.join_requests" in agenda_kinds(html)
    assert 'href="/yakutia/people/#requests-title"' in html
    park_services.membership_approve(membership=request, actor=world.users["manager"])
    assert "accounts.join_requests" not in agenda_kinds(_page(manager, "/yakutia/"))
    # The expert decides no membership: never shown.
    park_services.membership_request(park=world.park, user=UserFactory())
    assert "accounts.join_requests" not in _kinds(world, "expert")


def test_a_quarterly_report_is_due_then_filed_then_reviewed(world: Any, client_for: Any) -> None:
    from tests.residency.conftest import admit, current, file_report

    resident = admit(world.company, actor=world.users["manager"])
    founder = client_for("founder")
    html = _page(founder, "/yakutia/")
    assert "residency.report_due" in agenda_kinds(html)
    assert f'href="/yakutia/residents/reports/{world.company.pk}/file/"' in html
    assert "residency.report_due" not in _kinds(world, "other_founder")
    report = file_report(resident, current(), actor=world.users["founder"])
    assert "residency.report_due" not in agenda_kinds(_page(founder, "/yakutia/"))
    manager = client_for("manager")
    assert "residency.reports_to_review" in agenda_kinds(_page(manager, "/yakutia/"))
    residency_services.report_review(
        report=report, actor=world.users["manager"], accept=False, note="Figures are wrong."
    )
    assert "residency.reports_to_review" not in agenda_kinds(_page(manager, "/yakutia/"))
    assert "residency.report_returned" in agenda_kinds(_page(founder, "/yakutia/"))


def test_reviews_due_then_overdue_then_filed(world: Any, busy: Any) -> None:
    assignment = ReviewAssignment.objects.get(expert__user=world.users["expert"])
    assert "selection.reviews_due" in _kinds(world, "expert")
    later = timezone.now() + timedelta(days=6)
    items = agenda.agenda(
        park=world.park, access=access_for(world.users["expert"], world.park), now=later
    )
    assert [item.kind for item in items] == ["selection.reviews_overdue"]
    manager_items = agenda.agenda(
        park=world.park, access=access_for(world.users["manager"], world.park), now=later
    )
    assert "selection.reviews_late" in {item.kind for item in manager_items}
    ReviewFactory(assignment=assignment)
    assert "selection.reviews_due" not in _kinds(world, "expert")


def test_founder_applications_by_status(world: Any, busy: Any) -> None:
    draft = Application.all_parks.get(company=world.company)
    assert _kinds(world, "founder") == {"selection.drafts"}
    draft.status = ApplicationStatus.INFO_REQUESTED
    draft.save()
    assert _kinds(world, "founder") == {"selection.info_requested"}
    draft.status = ApplicationStatus.ADMITTED
    draft.save()
    assert _kinds(world, "founder") == set()


def test_council_waits_once_the_call_closes(world: Any, busy: Any) -> None:
    busy.closes_at = timezone.now() - timedelta(hours=1)
    busy.save()
    assert "selection.council" in _kinds(world, "manager")
    Application.all_parks.filter(call=busy).update(status=ApplicationStatus.REJECTED)
    assert "selection.council" not in _kinds(world, "manager")


def test_grant_milestones_and_tranches(world: Any) -> None:
    from tests.grants.factories import make_award, make_participant

    participant = make_participant(world.park, world.company)
    today = timezone.localdate()
    make_award(participant, world.users["manager"], due=today + timedelta(days=10))
    founder = _kinds(world, "founder")
    assert "grants.milestones_due" in founder and "grants.milestones_late" not in founder
    assert "grants.milestones_due" not in _kinds(world, "other_founder")
    # The officer requested the tranches: the manager approves them; the officer may not.
    assert "grants.tranches_to_approve" in _kinds(world, "manager")
    later = timezone.now() + timedelta(days=12)
    items = agenda.agenda(
        park=world.park, access=access_for(world.users["founder"], world.park), now=later
    )
    assert "grants.milestones_late" in {item.kind for item in items}


def test_bookings_awaiting_approval_and_today(world: Any) -> None:
    from technopark.spaces.models import Booking, BookingStatus, Resource, ResourceType

    resource = Resource.all_parks.create(
        park=world.park, site=world.site, name="Room", resource_type=ResourceType.ROOM
    )
    now = timezone.now()
    Booking.all_parks.create(
        park=world.park,
        resource=resource,
        company=world.company,
        booked_by=world.users["founder"],
        starts_at=now + timedelta(minutes=5),
        ends_at=now + timedelta(minutes=65),
        status=BookingStatus.PENDING,
    )
    assert "spaces.approvals" in _kinds(world, "manager")
    assert "spaces.approvals" not in _kinds(world, "founder")
    Booking.all_parks.update(status=BookingStatus.CONFIRMED)
    assert "spaces.approvals" not in _kinds(world, "manager")
    assert "spaces.today" in _kinds(world, "founder") or _starts_tomorrow(world, now)


def _starts_tomorrow(world: Any, now: Any) -> bool:
    # Five minutes before the park's midnight the booking starts on the next local day.
    from technopark.core.localtime import local_today

    return local_today(world.park.time_zone, at=now + timedelta(minutes=5)) != local_today(
        world.park.time_zone, at=now
    )


def test_team_offer_appears_and_goes(world: Any) -> None:
    from technopark.companies.models import TeamInvitation

    offer = TeamInvitation.objects.create(
        company=world.other_company,
        user=world.users["founder"],
        position="CTO",
        invited_by=world.users["other_founder"],
    )
    assert "companies.team_offers" in _kinds(world, "founder")
    offer.status = "declined"
    offer.save()
    assert "companies.team_offers" not in _kinds(world, "founder")


# --- query counts at two sizes --------------------------------------------------------------------


def _fill(world: Any, size: int) -> None:
    """``size`` of every kind the manager's and the founder's homes count."""
    for n in range(size):
        call = CallFactory(park=world.park, title=f"Call {n}")
        ApplicationFactory(call=call, company=world.company, status="draft", submitted_at=None)
        submitted = ApplicationFactory(call=call, company=world.other_company)
        ReviewAssignmentFactory(application=submitted, status="proposed")
        MembershipFactory(
            park=world.park,
            user=UserFactory(),
            role=Role.FOUNDER,
            status=MembershipStatus.REQUESTED,
        )


# The manager's home on a first visit (nothing cached yet), at any size:
#  7 the park, the session's user, their roles, directions (2), sites, the headline figures;
# 12 the agenda: join requests; team offers; selection: applications (to screen, council) and
#    assignments (to publish, reviews late), one grouped query each; residency: reports to
#    review, residents behind;
#    spaces: own bookings today, awaiting approval; programmes: stage claims; grants:
#    tranches, reports to review; engineering: requests to triage and quotes to approve;
#  3 the visitor's companies and team offers (home_parts); the park switcher.
MANAGER_HOME_QUERIES = 22
# A repeat visit: everything from the cache, the personal parts too (the visitor's companies and
# team offers, kept per person until a "companies" write).
REPEAT_QUERIES = 0
# The founder's: the same 7 + 3, the report banner (1), and an agenda of 9: team offers;
# applications by status; the quarter's report due, reports returned; bookings today;
# sessions this week; grant milestones; quotes to answer; introductions accepted or expiring.
FOUNDER_HOME_QUERIES = 20
# /me/ once the park's agenda is cached: the memberships with their parks, the invitations.
ME_QUERIES = 2
# The manager's /me/ on a first visit: the session's user, the memberships with their parks, the
# invitations, the park switcher, and the park's agenda (the 12 of the manager's home).
MANAGER_ME_FIRST_QUERIES = 16


@pytest.mark.parametrize("size", [1, 6])
def test_manager_home_query_count_does_not_grow(
    world: Any, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    _fill(world, size)
    client = client_for("manager")
    with django_assert_num_queries(MANAGER_HOME_QUERIES):
        html = _page(client, "/yakutia/")
    assert len([k for k in agenda_kinds(html) if k == "selection.screening"]) == size
    # A second visit: the agenda comes from the cache.
    with django_assert_num_queries(REPEAT_QUERIES):
        _page(client, "/yakutia/")


@pytest.mark.parametrize("size", [1, 6])
def test_founder_home_and_me_query_counts_do_not_grow(
    world: Any, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    _fill(world, size)
    client = client_for("founder")
    with django_assert_num_queries(FOUNDER_HOME_QUERIES):
        html = _page(client, "/yakutia/")
    assert "selection.drafts" in agenda_kinds(html)
    with django_assert_num_queries(ME_QUERIES):
        _page(client, "/me/")  # the agenda from the cache: memberships, invitations


@pytest.mark.parametrize("size", [1, 6])
def test_manager_me_first_visit_query_count_does_not_grow(
    world: Any, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    _fill(world, size)
    client = client_for("manager")
    with django_assert_num_queries(MANAGER_ME_FIRST_QUERIES):
        html = _page(client, "/me/")
    assert len([k for k in agenda_kinds(html) if k.startswith("selection.")]) >= 1


# --- signing in and up, joining ------------------------------------------------------------------


def test_sign_in_lands_on_me_unless_next_is_given(world: Any) -> None:
    founder = world.users["founder"]
    founder.set_password("correct-horse-battery")
    founder.save()
    EmailAddress.objects.create(user=founder, email=founder.email, verified=True, primary=True)
    form = {"login": founder.email, "password": "correct-horse-battery"}
    response = Client().post("/accounts/login/", form)
    assert response.status_code == 302 and response["Location"] == "/me/"
    response = Client().post("/accounts/login/", {**form, "next": "/yakutia/calls/"})
    assert response["Location"] == "/yakutia/calls/"


def test_sign_up_from_a_park_lands_back_on_the_park(world: Any) -> None:
    client = Client()
    html = _page(client, "/yakutia/")
    signup = re.search(r'href="([^"]+)" data-testid="signup-link"', html)
    assert signup and signup.group(1) == "/accounts/signup/?next=/yakutia/"
    client.post(
        signup.group(1),
        {
            "full_name": "Новичок",
            "email": "newcomer@example.org",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "next": "/yakutia/",
        },
    )
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert confirm
    response = client.post(confirm.group(1))
    assert response["Location"] == "/yakutia/"
    # Back on the park, signed in and not a member: how to join comes first.
    html = _page(client, "/yakutia/")
    assert 'id="join"' in html and 'action="/yakutia/join/"' in html


def test_a_signed_in_newcomer_is_told_to_join_before_applying(
    world: Any, client_for: Any, busy: Any
) -> None:
    url = f"/yakutia/calls/{busy.pk}/"
    html = _page(client_for("outsider"), url)
    assert 'data-testid="join-hint"' in html and 'href="/yakutia/#join"' in html
    park_services.membership_request(park=world.park, user=world.users["outsider"])
    html = _page(client_for("outsider"), url)
    assert "Your request to join is waiting" in html
    for role in ("founder", "manager", "anonymous"):
        assert 'data-testid="join-hint"' not in _page(client_for(role), url)


def test_front_page_explains_and_lists_open_calls(world: Any, client_for: Any, busy: Any) -> None:
    html = _page(client_for("anonymous"), "/")
    assert 'data-testid="front-signup"' in html and 'data-testid="front-signin"' in html
    park = html[html.index('data-testid="front-park-yakutia"') :]
    assert f'href="/yakutia/calls/{busy.pk}/">Residency 2026<' in park
    html = _page(client_for("founder"), "/")
    assert 'data-testid="front-me"' in html and 'data-testid="front-signup"' not in html


def test_header_links_home_with_the_count(world: Any, client_for: Any, busy: Any) -> None:
    client = client_for("manager")
    html = _page(client, "/yakutia/")
    assert re.search(r'href="/yakutia/#agenda"[^>]*data-testid="home-link">Waiting \(2\)<', html)
    # Elsewhere in the park the count is read from the cache only.
    html = _page(client, "/yakutia/companies/")
    assert re.search(r'data-testid="home-link">Waiting \(2\)<', html)
    # Outside a park: the personal page.
    html = _page(client, "/account/")
    assert re.search(r'href="/me/"[^>]*data-testid="home-link">My page<', html)


def test_programme_sessions_mentees_demo_days_and_stage_claims(world: Any) -> None:
    from technopark.programmes.models import (
        CurriculumSession,
        DemoDay,
        DemoDayGuest,
        SessionKind,
        StageProposal,
    )
    from tests.grants.factories import make_participant

    participant = make_participant(world.park, world.company)
    now = timezone.now()
    CurriculumSession.objects.create(
        cohort=participant.cohort,
        kind=SessionKind.WORKSHOP,
        title="Pitching",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
    )
    assert "programmes.sessions" in _kinds(world, "founder")
    # A week later the session is past: gone.
    later = agenda.agenda(
        park=world.park,
        access=access_for(world.users["founder"], world.park),
        now=now + timedelta(days=8),
    )
    assert "programmes.sessions" not in {item.kind for item in later}

    mentor = UserFactory(full_name="Mentor")
    MembershipFactory(park=world.park, user=mentor, role=Role.MENTOR)
    participant.mentors.add(mentor)
    demo_day = DemoDay.objects.create(
        cohort=participant.cohort, title="Demo day", starts_at=now + timedelta(days=20)
    )
    guest = DemoDayGuest.objects.create(demo_day=demo_day, user=mentor, kind="partner")
    mine = agenda.agenda(park=world.park, access=access_for(mentor, world.park))
    assert {item.kind for item in mine} == {"programmes.mentees", "programmes.demo_days"}
    assert f"/yakutia/programmes/demo-days/{demo_day.pk}/" in {item.url for item in mine}
    guest.revoked_at = now
    guest.save()
    mine = agenda.agenda(park=world.park, access=access_for(mentor, world.park))
    assert {item.kind for item in mine} == {"programmes.mentees"}

    claim = StageProposal.objects.create(
        participant=participant,
        from_stage="idea",
        to_stage="prototype",
        evidence="A working prototype.",
        proposed_by=world.users["founder"],
    )
    assert "programmes.stage_claims" in _kinds(world, "manager")
    claim.status = "confirmed"
    claim.save()
    assert "programmes.stage_claims" not in _kinds(world, "manager")


def test_grant_reports_and_payments_for_staff(world: Any) -> None:
    from technopark.grants.models import Tranche, TrancheStatus
    from tests.grants.factories import accountant, make_award, make_participant

    participant = make_participant(world.park, world.company)
    award = make_award(participant, world.users["manager"], tranches=("500000.00",))
    # The officer requested it: the officer is not asked to approve their own request.
    officer_items = agenda.agenda(
        park=world.park, access=access_for(Tranche.objects.get().requested_by, world.park)
    )
    assert "grants.tranches_to_approve" not in {item.kind for item in officer_items}
    Tranche.objects.filter(award=award).update(status=TrancheStatus.APPROVED)
    kinds = {
        item.kind
        for item in agenda.agenda(
            park=world.park, access=access_for(accountant(world.park), world.park)
        )
    }
    assert "grants.tranches_to_pay" in kinds and "grants.tranches_to_approve" not in kinds
    # The founder and the observer see none of the staff's lines.
    assert not {k for k in _kinds(world, "observer") if k.startswith("grants.")}
    assert "grants.tranches_to_pay" not in _kinds(world, "founder")


def test_an_offer_from_the_waitlist(world: Any) -> None:
    from technopark.spaces.models import Booking, BookingStatus, Resource, ResourceType

    resource = Resource.all_parks.create(
        park=world.park, site=world.site, name="Desk", resource_type=ResourceType.DESK
    )
    now = timezone.now()
    Booking.all_parks.create(
        park=world.park,
        resource=resource,
        company=world.company,
        booked_by=world.users["founder"],
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        status=BookingStatus.OFFERED,
    )
    items = agenda.agenda(park=world.park, access=access_for(world.users["founder"], world.park))
    assert [(i.kind, i.url) for i in items] == [("spaces.offers", "/yakutia/spaces/my/")]
