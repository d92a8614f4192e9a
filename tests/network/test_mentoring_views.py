"""Mentoring pages: the role matrix of every page, notes privacy, the fit answer and re-match,
the staff form's capacity refusal, fixed query counts, and the iCal file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from technopark.network.models import Fit, MentoringSession, Pairing, PairingStatus
from technopark.network.services import mentoring
from tests.factories import CompanyFactory, TeamMemberFactory, UserFactory
from tests.network.conftest import DAY, NOW, make_profile
from tests.network.test_mentoring import log, make_pairing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "mentor",
    "other_mentor",
    "investor",
    "observer",
    "outsider",
)
SECRET = "SECRET-NOTE-of-the-pair"


@pytest.fixture
def pair(net: Any) -> Any:
    made = make_pairing(net)
    session = log(net, made, "mentor", notes=SECRET, topics="<b>Pricing</b>", rating=3)
    return made, session


def url(name: str, pk: int | None = None) -> str:
    kwargs: dict[str, Any] = {"park_slug": "yakutia"}
    if pk is not None:
        kwargs["pk"] = pk
    return reverse(f"network:{name}", kwargs=kwargs)


def expect(status: dict[str, int], role: str) -> int:
    return status.get(role, 404)


# --- the role matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_page_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(url("pairings"))
    wanted = {
        "anonymous": 302,
        "founder": 200,
        "other_founder": 200,
        "manager": 200,
        "mentor": 200,
        "other_mentor": 200,
        "investor": 200,
        "observer": 403,
        "outsider": 403,
    }[role]
    assert response.status_code == wanted
    if wanted == 200:
        shown = url("pairing", pair[0].pk) in response.content.decode()
        assert shown == (role in {"founder", "manager", "mentor"})


@pytest.mark.parametrize("role", ROLES)
def test_pairing_page_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(url("pairing", pair[0].pk))
    wanted = {"anonymous": 302, "founder": 200, "manager": 200, "mentor": 200}
    assert response.status_code == expect(wanted, role)
    if response.status_code == 200:
        body = response.content.decode()
        assert (SECRET in body) == (role in {"founder", "mentor"})
        assert "&lt;b&gt;Pricing&lt;/b&gt;" in body and "<b>Pricing</b>" not in body
        assert ('data-testid="pairing-ics"' in body) == (role != "manager")
        assert ('data-testid="fit-form"' in body) == (role == "founder")
        assert 'data-testid="end-form"' in body


@pytest.mark.parametrize("role", ROLES)
def test_new_pairing_page_roles(net: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(url("pairing_new"))
    wanted = {"anonymous": 302, "manager": 200}
    assert response.status_code == wanted.get(role, 403)
    if role == "manager":
        assert "places left: 2" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_session_add_page_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(url("session_add", pair[0].pk))
    # The form lives on the pairing's page: the sides are sent there.
    wanted = {"anonymous": 302, "founder": 302, "mentor": 302, "manager": 403}
    assert response.status_code == expect(wanted, role)
    if role in {"founder", "mentor"}:
        assert response["Location"] == url("pairing", pair[0].pk) + "#session-form"


@pytest.mark.parametrize("role", ROLES)
def test_session_page_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(url("session", pair[1].pk))
    wanted = {"anonymous": 302, "founder": 200, "manager": 200, "mentor": 200}
    assert response.status_code == expect(wanted, role)
    if response.status_code == 200:
        body = response.content.decode()
        assert (SECRET in body) == (role in {"founder", "mentor"})
        assert ('data-testid="session-edit-form"' in body) == (role == "mentor")
        assert ('data-testid="rate-form"' in body) == (role in {"founder", "mentor"})


@pytest.mark.parametrize("role", ROLES)
def test_session_post_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).post(url("session", pair[1].pk), {"action": "rate", "rating": 4})
    wanted = {"anonymous": 302, "founder": 302, "mentor": 302, "manager": 403}
    assert response.status_code == expect(wanted, role)
    session = MentoringSession.all_parks.get(pk=pair[1].pk)
    assert session.company_rating == (4 if role == "founder" else None)
    assert session.mentor_rating == (4 if role == "mentor" else 3)


@pytest.mark.parametrize("role", ROLES)
def test_fit_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).post(url("pairing_fit", pair[0].pk), {"fit": Fit.GOOD})
    wanted = {"anonymous": 302, "founder": 302, "mentor": 403, "manager": 403}
    assert response.status_code == expect(wanted, role)
    assert Pairing.all_parks.get(pk=pair[0].pk).fit == (Fit.GOOD if role == "founder" else "")


@pytest.mark.parametrize("role", ROLES)
def test_end_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).post(url("pairing_end", pair[0].pk), {"reason": "Done"})
    wanted = {"anonymous": 302, "founder": 302, "mentor": 302, "manager": 302}
    assert response.status_code == expect(wanted, role)
    ended = Pairing.all_parks.get(pk=pair[0].pk).status == PairingStatus.ENDED
    assert ended == (role in {"founder", "mentor", "manager"})


@pytest.mark.parametrize("role", ROLES)
def test_ics_roles(net: Any, pair: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(url("pairing_ics", pair[0].pk))
    wanted = {"anonymous": 302, "founder": 200, "mentor": 200, "manager": 403}
    assert response.status_code == expect(wanted, role)


def test_another_parks_pairing_is_404_even_for_its_staff(net: Any, client_for: Any) -> None:
    foreign_mentor = make_profile(net.world.other_park, UserFactory())
    foreign = Pairing.all_parks.create(
        park=net.world.other_park,
        profile=foreign_mentor,
        company=net.world.foreign_company,
        source="staff",
        started_at=NOW,
        created_by=net.world.users["outsider"],
    )
    manager = client_for("manager")
    for name in ("pairing", "session_add", "pairing_ics"):
        assert manager.get(url(name, foreign.pk)).status_code == 404
    assert manager.post(url("pairing_end", foreign.pk)).status_code == 404
    other_park_url = reverse("network:pairing", kwargs={"park_slug": "kolyma", "pk": foreign.pk})
    assert client_for("outsider").get(other_park_url).status_code == 200


# --- forms ---------------------------------------------------------------------------------


def test_staff_set_a_pairing_through_the_form(net: Any, client_for: Any) -> None:
    response = client_for("manager").post(
        url("pairing_new"),
        {"profile": net.mentor_profile.pk, "company": net.world.company.pk, "goals": "Grow"},
    )
    made = Pairing.all_parks.get()
    assert response.status_code == 302 and response["Location"] == url("pairing", made.pk)
    assert made.goals == "Grow" and made.source == "staff"


def test_a_full_mentor_is_a_form_error_not_a_500(net: Any, client_for: Any) -> None:
    make_pairing(net)
    make_pairing(net, company=net.world.other_company)
    third = CompanyFactory(park=net.world.park, short_name="Третья")
    response = client_for("manager").post(
        url("pairing_new"), {"profile": net.mentor_profile.pk, "company": third.pk}
    )
    assert response.status_code == 400
    assert "no place left" in response.content.decode()
    assert Pairing.all_parks.count() == 2


def test_bad_form_values_change_nothing(net: Any, pair: Any, client_for: Any) -> None:
    client = client_for("mentor")
    before = MentoringSession.all_parks.count()
    for data in (
        {"held_on": (DAY + dt.timedelta(days=1)).isoformat(), "duration_minutes": 60},
        {"held_on": "2026-01-30", "duration_minutes": 60},
        {"held_on": DAY.isoformat(), "duration_minutes": 601},
        {"held_on": DAY.isoformat(), "duration_minutes": 60, "rating": 5},
        {"held_on": "not a day", "duration_minutes": 60},
        {"held_on": DAY.isoformat(), "duration_minutes": 60, "topics": "a\x00b"},
    ):
        response = client.post(url("session_add", pair[0].pk), {"format": "online", **data})
        assert response.status_code == 400, data
        assert 'class="errorlist' in response.content.decode()
    assert MentoringSession.all_parks.count() == before
    ok = client.post(
        url("session_add", pair[0].pk),
        {"held_on": DAY.isoformat(), "duration_minutes": 45, "format": "phone", "rating": 2},
    )
    assert ok.status_code == 302
    assert MentoringSession.all_parks.count() == before + 1


def test_goals_and_session_edit_and_delete(net: Any, pair: Any, client_for: Any) -> None:
    founder = client_for("founder")
    assert founder.post(url("pairing", pair[0].pk), {"goals": "New goals"}).status_code == 302
    assert Pairing.all_parks.get(pk=pair[0].pk).goals == "New goals"
    assert founder.post(url("pairing", pair[0].pk), {"goals": "g" * 2001}).status_code == 400
    mentor = client_for("mentor")
    edited = mentor.post(
        url("session", pair[1].pk),
        {"action": "edit", "duration_minutes": 30, "topics": "Hiring", "notes": "N"},
    )
    assert edited.status_code == 302
    assert MentoringSession.all_parks.get(pk=pair[1].pk).topics == "Hiring"
    assert founder.post(url("session", pair[1].pk), {"action": "delete"}).status_code == 403
    assert mentor.post(url("session", pair[1].pk), {"action": "delete"}).status_code == 302
    assert not MentoringSession.all_parks.filter(pk=pair[1].pk).exists()


def test_poor_fit_offers_a_rematch_and_frees_the_place(
    net: Any, pair: Any, client_for: Any
) -> None:
    response = client_for("founder").post(url("pairing_fit", pair[0].pk), {"fit": Fit.POOR})
    assert response.status_code == 200
    body = response.content.decode()
    rematch = f"{url('suggestions')}?company={net.world.company.pk}&amp;kind=mentor"
    assert rematch in body
    assert Pairing.all_parks.get(pk=pair[0].pk).status == PairingStatus.ENDED
    # The fit question is answered once.
    again = client_for("founder").post(url("pairing_fit", pair[0].pk), {"fit": Fit.GOOD})
    assert again.status_code == 400


def test_the_fit_question_waits_for_a_session(net: Any, client_for: Any) -> None:
    made = make_pairing(net)
    page = client_for("founder").get(url("pairing", made.pk)).content.decode()
    assert 'data-testid="fit-form"' not in page
    response = client_for("founder").post(url("pairing_fit", made.pk), {"fit": Fit.GOOD})
    assert response.status_code == 400
    assert Pairing.all_parks.get(pk=made.pk).fit == ""


# --- query counts --------------------------------------------------------------------------


def _count(client: Any, address: str) -> int:
    """The queries of a page once the caches the whole site shares (roles, the park) are warm."""
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def _more_pairings(net: Any, how_many: int) -> None:
    for index in range(how_many):
        company = CompanyFactory(park=net.world.park)
        TeamMemberFactory(company=company, user=net.world.users["founder"])
        profile = make_profile(net.world.park, UserFactory(), capacity_mentees=5)
        made = make_pairing(net, company=company, profile=profile)
        mentoring.session_log(
            access=net.access("founder"),
            pairing=made,
            held_on=DAY - dt.timedelta(days=index + 1),
            duration_minutes=30,
            format="online",
            topics=f"Topic {index}",
            notes="",
            rating=3,
            now=NOW,
        )


@pytest.mark.parametrize("role", ["manager", "founder", "mentor"])
def test_list_queries_do_not_grow(net: Any, pair: Any, client_for: Any, role: str) -> None:
    client = client_for(role)
    small = _count(client, url("pairings"))
    _more_pairings(net, 6)
    assert _count(client, url("pairings")) == small
    # The companies one is in, the count, the page; staff: the cohorts and mentors to filter by.
    assert small == {"manager": 5, "founder": 3, "mentor": 3}[role]


@pytest.mark.parametrize("role", ["manager", "founder", "mentor"])
def test_detail_queries_do_not_grow(net: Any, pair: Any, client_for: Any, role: str) -> None:
    client = client_for(role)
    small = _count(client, url("pairing", pair[0].pk))
    for index in range(6):
        log(net, pair[0], "founder", held_on=DAY - dt.timedelta(days=index), rating=2)
    assert _count(client, url("pairing", pair[0].pk)) == small
    # The companies one is in and acts for, the pairing, its sessions.
    assert small == 4


# --- iCal ----------------------------------------------------------------------------------


def test_ics_is_parsed_back_with_hostile_topics(net: Any, pair: Any, client_for: Any) -> None:
    hostile = "Line one\nLine two, with commas; and semicolons\\ and: colons\r\nEND:VCALENDAR"
    log(net, pair[0], "founder", topics=hostile[:300].replace("\n", " "), held_on=DAY)
    MentoringSession.all_parks.filter(topics__startswith="Line one").update(topics=hostile)
    response = client_for("mentor").get(url("pairing_ics", pair[0].pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    by_day = {event.decoded("dtstart"): event for event in events}
    hostile_event = by_day[DAY]
    assert by_day[DAY].decoded("dtend") == DAY + dt.timedelta(days=1)
    description = str(hostile_event.get("description"))
    assert "Line two, with commas; and semicolons\\ and: colons" in description
    assert "END:VCALENDAR" in description
    assert SECRET not in response.content.decode()
    assert "Северный код" in str(hostile_event.get("summary"))
    uids = {str(event.get("uid")) for event in events}
    assert len(uids) == 2


def test_the_pages_speak_russian(net: Any, pair: Any, client_for: Any) -> None:
    net.mentor.language = "ru"
    net.mentor.save()
    client = client_for("mentor")
    page = client.get(url("pairing", pair[0].pk)).content.decode()
    assert "Записать встречу" in page and "Оценка компании" in page and "60 минут" in page
    assert "Наставничество" in client.get(url("pairings")).content.decode()
