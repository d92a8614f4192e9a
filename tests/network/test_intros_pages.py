# ruff: noqa: F811 - the API fixtures of tests/api are imported by name and used as arguments
"""Introduction pages and API: the role matrix of every page and endpoint, no contact before
acceptance (HTML and JSON), typed input (a bad status is ignored visibly; a bad body is a 422
naming the field), the agenda's lines, and the lists' query counts at two sizes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from technopark.network.models import Introduction, IntroStatus, ProfileKind, Visibility
from technopark.network.services import intros
from technopark.parks import agenda
from technopark.parks.rules import access_for
from tests.api.conftest import api_as, field_errors, openapi, openapi_document  # noqa: F401
from tests.factories import UserFactory
from tests.network.conftest import NOW, make_profile

pytestmark = pytest.mark.django_db

PAGES = "/yakutia/network"
API = "/api/v1/parks/yakutia/network/introductions"
ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "mentor",
    "investor",
    "observer",
    "outsider",
)
NOTE = "Ищем инвестора посевной стадии для датчиков мерзлоты."


@pytest.fixture(autouse=True)
def plain_headlines(request: Any) -> None:
    """Headlines without the holder's e-mail (the shared fixture's have it), so that a leak of
    an e-mail is a leak of the contact, not of the headline."""
    if "net" not in request.fixturenames:
        return
    net = request.getfixturevalue("net")
    for name in ("mentor", "other_mentor", "investor", "customer"):
        profile = getattr(net, f"{name}_profile")
        profile.headline = f"{name.replace('_', ' ').title()} of the north"
        profile.save()


def ask(net: Any, profile: Any = None, now: Any = NOW) -> Introduction:
    return intros.intro_request(
        access=net.access("founder"),
        company=net.world.company,
        profile=profile or net.investor_profile,
        note=NOTE,
        now=now,
    )


@pytest.fixture
def intro(net: Any, frozen: Any) -> Introduction:
    net.investor_profile.phone = "+7 914 555-44-33"
    net.investor_profile.save()
    return ask(net)


@pytest.fixture
def api(api_as: Any, net: Any) -> Any:
    def make(role: str) -> Any:
        return api_as(net.world.users[role]) if role != "anonymous" else api_as(None)

    return make


def status_of(intro: Introduction) -> str:
    intro.refresh_from_db()
    return intro.status


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("founder", 200),
        ("other_founder", 404),
        ("manager", 200),
        ("mentor", 404),
        ("investor", 200),
        ("observer", 404),
        ("outsider", 404),
    ],
)
def test_the_detail_is_for_the_two_sides_and_the_staff(
    client_for: Any, intro: Introduction, role: str, expected: int
) -> None:
    response = client_for(role).get(f"{PAGES}/introductions/{intro.pk}/")
    assert response.status_code == expected


LIST_STATUS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 200,
    "manager": 200,
    "mentor": 200,
    "investor": 200,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_each_their_own(client_for: Any, intro: Introduction, role: str) -> None:
    response = client_for(role).get(f"{PAGES}/introductions/")
    assert response.status_code == LIST_STATUS[role]
    if response.status_code == 200:
        html = response.content.decode()
        party = role in ("founder", "manager", "investor")
        assert (f"/introductions/{intro.pk}/" in html) == party, role
        assert "founder@example.org" not in html and "investor@example.org" not in html


NEW_STATUS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 200,
    "manager": 403,  # acts for no company
    "mentor": 403,
    "investor": 403,  # their own profile, and no company
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_asking_is_for_those_acting_for_a_company(
    client_for: Any, net: Any, frozen: Any, role: str
) -> None:
    url = f"{PAGES}/people/{net.investor_profile.pk}/introduce/"
    response = client_for(role).get(url)
    assert response.status_code == NEW_STATUS[role]
    if response.status_code == 200:
        html = response.content.decode()
        assert net.investor_profile.headline in html
        assert "investor@example.org" not in html  # the summary, never the contacts


def test_asking_through_the_page_and_a_hidden_profile_is_a_404(
    client_for: Any, net: Any, frozen: Any
) -> None:
    client = client_for("founder")
    url = f"{PAGES}/people/{net.investor_profile.pk}/introduce/"
    company = net.world.company.pk
    assert client.get(url + f"?company={company}").status_code == 200
    assert client.get(url + "?company=abc").status_code == 200  # ignored, not a 500
    refused = client.post(url, {"company": company, "note": "слово " * 101})
    assert refused.status_code == 400 and not Introduction.all_parks.exists()
    assert "100" in refused.content.decode()
    sent = client.post(url, {"company": company, "note": NOTE})
    made = Introduction.all_parks.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/introductions/{made.pk}/")
    again = client.post(url, {"company": company, "note": NOTE})
    assert again.status_code == 400 and Introduction.all_parks.count() == 1
    net.customer_profile.visibility = Visibility.HIDDEN
    net.customer_profile.save()
    assert client.get(f"{PAGES}/people/{net.customer_profile.pk}/introduce/").status_code == 404
    foreign = make_profile(net.world.other_park, UserFactory(), ProfileKind.INVESTOR)
    assert client.get(f"{PAGES}/people/{foreign.pk}/introduce/").status_code == 404


def test_no_contacts_on_the_page_before_acceptance_and_both_after(
    client_for: Any, net: Any, intro: Introduction
) -> None:
    founder, investor = client_for("founder"), client_for("investor")
    for client in (founder, investor):
        html = client.get(f"{PAGES}/introductions/{intro.pk}/").content.decode()
        assert NOTE in html
        assert "founder@example.org" not in html
        assert "investor@example.org" not in html and "555-44-33" not in html
    response = investor.post(f"{PAGES}/introductions/{intro.pk}/accept/", {"answer": "Давайте"})
    assert response.status_code == 302 and status_of(intro) == IntroStatus.ACCEPTED
    for client in (founder, investor, client_for("manager")):
        html = client.get(f"{PAGES}/introductions/{intro.pk}/").content.decode()
        assert "founder@example.org" in html and "investor@example.org" in html
        assert "555-44-33" in html


ANSWER_STATUS = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 404,
    "manager": 403,
    "mentor": 404,
    "observer": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_the_holder_answers(client_for: Any, intro: Introduction, action: str) -> None:
    url = f"{PAGES}/introductions/{intro.pk}/{action}/"
    data = {"reason": "too_early", "answer": ""}
    for role, expected in ANSWER_STATUS.items():
        assert client_for(role).post(url, data).status_code == expected, role
        assert status_of(intro) == IntroStatus.REQUESTED
    investor = client_for("investor")
    assert investor.get(url).status_code == 405
    if action == "decline":
        bad = investor.post(url, {"reason": "bored"})
        assert bad.status_code == 400 and status_of(intro) == IntroStatus.REQUESTED
    assert investor.post(url, data).status_code == 302
    assert status_of(intro) != IntroStatus.REQUESTED


def test_decline_shows_the_reason(client_for: Any, intro: Introduction) -> None:
    client_for("investor").post(
        f"{PAGES}/introductions/{intro.pk}/decline/",
        {"reason": "too_early", "answer": "<b>Позже</b>"},
    )
    html = client_for("founder").get(f"{PAGES}/introductions/{intro.pk}/").content.decode()
    assert "&lt;b&gt;Позже&lt;/b&gt;" in html and "<b>Позже" not in html
    assert "investor@example.org" not in html


WITHDRAW_STATUS = {
    "anonymous": 302,
    "investor": 403,
    "manager": 403,
    "other_founder": 404,
    "mentor": 404,
    "observer": 404,
    "outsider": 404,
}


def test_withdraw_is_for_the_company(client_for: Any, intro: Introduction) -> None:
    url = f"{PAGES}/introductions/{intro.pk}/withdraw/"
    for role, expected in WITHDRAW_STATUS.items():
        assert client_for(role).post(url).status_code == expected, role
        assert status_of(intro) == IntroStatus.REQUESTED
    assert client_for("founder").get(url).status_code == 405
    assert client_for("founder").post(url).status_code == 302
    assert status_of(intro) == IntroStatus.WITHDRAWN


def test_the_list_filters_by_status_and_ignores_a_bad_one(
    client_for: Any, net: Any, intro: Introduction
) -> None:
    client = client_for("manager")
    accepted = f"{PAGES}/introductions/?side=all&status=accepted"
    assert f"/introductions/{intro.pk}/" not in client.get(accepted).content.decode()
    html = client.get(f"{PAGES}/introductions/?side=all&status=nonsense&page=x").content.decode()
    assert f"/introductions/{intro.pk}/" in html and 'data-testid="filter-ignored"' in html
    # Not staff: "all" is their own sides only.
    html = client_for("other_founder").get(f"{PAGES}/introductions/?side=all").content.decode()
    assert f"/introductions/{intro.pk}/" not in html


def _many(net: Any, n: int) -> None:
    for index in range(n):
        person = make_profile(net.world.park, UserFactory(), ProfileKind.CUSTOMER)
        Introduction.all_parks.create(
            park=net.world.park,
            company=net.world.company,
            profile=person,
            requested_by=net.world.users["founder"],
            note=f"note {index}",
            created_at=NOW,
            expires_at=NOW + timedelta(days=14),
        )


def _count(fetch: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["founder", "manager"])
def test_the_list_page_runs_a_fixed_number_of_queries(
    client_for: Any, net: Any, frozen: Any, role: str
) -> None:
    client = client_for(role)
    url = f"{PAGES}/introductions/?side={'all' if role == 'manager' else 'sent'}"
    _many(net, 2)
    client.get(url)  # warm the session and the caches
    few = _count(lambda: client.get(url))
    _many(net, 8)
    assert _count(lambda: client.get(url)) == few
    assert few <= 14


# --- API -------------------------------------------------------------------------------------


def body(response: Any) -> Any:
    return json.loads(response.content)


READ_STATUS = {
    "anonymous": 401,
    "founder": 200,
    "other_founder": 404,
    "manager": 200,
    "mentor": 404,
    "investor": 200,
    "observer": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_api_read_and_list_by_role(api: Any, intro: Introduction, role: str) -> None:
    read = api(role).get(f"{API}/{intro.pk}")
    assert read.status_code == READ_STATUS[role]
    if read.status_code == 200:
        data = body(read)
        assert data["note"] == NOTE and data["contacts"] is None
        assert "founder@example.org" not in read.content.decode()
        assert "investor@example.org" not in read.content.decode()
    listed = api(role).get(API)
    expected = {"anonymous": 401, "observer": 403, "outsider": 403}.get(role, 200)
    assert listed.status_code == expected
    if expected == 200:
        ids = [item["id"] for item in body(listed)["items"]]
        assert (intro.pk in ids) == (READ_STATUS[role] == 200)
        assert "@example.org" not in listed.content.decode()


def test_api_contacts_only_after_acceptance(api: Any, intro: Introduction) -> None:
    accepted = api("investor").post(f"{API}/{intro.pk}/accept", {"answer": "Да"})
    assert accepted.status_code == 200
    contacts = body(accepted)["contacts"]
    assert contacts["holder_email"] == "investor@example.org"
    assert contacts["requester_email"] == "founder@example.org"
    assert contacts["holder_phone"] == "+7 914 555-44-33"
    for role in ("founder", "manager"):
        assert body(api(role).get(f"{API}/{intro.pk}"))["contacts"]["holder_email"]
    assert api("other_founder").get(f"{API}/{intro.pk}").status_code == 404


def test_api_create_with_typed_input(api: Any, net: Any, frozen: Any) -> None:
    founder = api("founder")
    payload = {"company": net.world.company.pk, "profile": net.investor_profile.pk, "note": NOTE}
    assert "note" in field_errors(founder.post(API, {**payload, "note": "слово " * 101}))
    assert "company" in field_errors(
        founder.post(API, {**payload, "company": net.world.other_company.pk})
    )
    assert "profile" in field_errors(founder.post(API, {**payload, "profile": 0}))
    foreign = make_profile(net.world.other_park, UserFactory(), ProfileKind.INVESTOR)
    assert "profile" in field_errors(founder.post(API, {**payload, "profile": foreign.pk}))
    created = founder.post(API, payload)
    assert created.status_code == 201 and body(created)["contacts"] is None
    assert "profile" in field_errors(founder.post(API, payload))  # one open request
    assert api("observer").post(API, payload).status_code == 403
    assert api("manager").post(API, payload).status_code == 422  # acts for no company
    assert Introduction.all_parks.count() == 1


@pytest.mark.parametrize(
    ("action", "data", "statuses"),
    [
        ("accept", {}, {"founder": 403, "manager": 403, "other_founder": 404, "investor": 200}),
        (
            "decline",
            {"reason": "not_interested"},
            {"founder": 403, "manager": 403, "mentor": 404, "investor": 200},
        ),
        ("withdraw", None, {"investor": 403, "manager": 403, "observer": 404, "founder": 200}),
    ],
)
def test_api_answers_by_role(
    api: Any, intro: Introduction, action: str, data: Any, statuses: dict[str, int]
) -> None:
    assert api("anonymous").post(f"{API}/{intro.pk}/{action}", data).status_code == 401
    assert api("outsider").post(f"{API}/{intro.pk}/{action}", data).status_code == 404
    for role, expected in statuses.items():
        response = api(role).post(f"{API}/{intro.pk}/{action}", data)
        assert response.status_code == expected, (role, response.content)
    assert status_of(intro) != IntroStatus.REQUESTED


def test_api_decline_reason_is_typed(api: Any, intro: Introduction) -> None:
    assert "reason" in field_errors(
        api("investor").post(f"{API}/{intro.pk}/decline", {"reason": "x"})
    )
    assert status_of(intro) == IntroStatus.REQUESTED


def test_api_list_runs_a_fixed_number_of_queries(api: Any, net: Any, frozen: Any) -> None:
    founder = api("founder")
    _many(net, 2)
    founder.get(API)
    few = _count(lambda: founder.get(API, {"status": "requested", "side": "sent"}))
    _many(net, 8)
    assert _count(lambda: founder.get(API, {"status": "requested", "side": "sent"})) == few
    assert "query.status" in field_errors(founder.get(API, {"status": "nonsense"}))


# --- agenda ----------------------------------------------------------------------------------


def test_the_agenda_tells_the_holder_and_the_founder(net: Any, intro: Introduction) -> None:
    def kinds(role: str, now: Any = NOW) -> dict[str, int]:
        user = net.world.users[role]
        items = agenda.agenda(park=net.world.park, access=access_for(user, net.world.park), now=now)
        return {item.kind: item.count for item in items if item.kind.startswith("network.")}

    assert kinds("investor") == {"network.intros_waiting": 1}
    assert kinds("founder") == {}
    assert kinds("founder", NOW + timedelta(days=13)) == {"network.intros_expiring": 1}
    assert kinds("investor", NOW + timedelta(days=15)) == {}
    intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    assert kinds("founder", NOW + timedelta(days=1)) == {"network.intros_accepted": 1}
    assert kinds("founder", NOW + timedelta(days=8)) == {}
    assert kinds("other_founder") == {} and kinds("investor") == {}
