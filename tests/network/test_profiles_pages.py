"""The profiles part's pages: the role matrix, the directory's filters, contacts only after an
acceptance, the forms, needs and bookmarks."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from technopark.network.models import (
    Bookmark,
    Introduction,
    IntroStatus,
    Need,
    Profile,
    ProfileKind,
    Visibility,
)
from tests.network.conftest import NOW, make_profile

ROLES = ["founder", "other_founder", "manager", "mentor", "investor", "observer", "outsider"]


def url(net: Any, name: str, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"park_slug": net.world.park.slug, **kwargs})


@pytest.fixture
def client_of(net: Any, client_for: Any) -> Any:
    return client_for


def test_home_role_matrix(net, client_of, frozen):
    expected = {
        "founder": 200,
        "other_founder": 200,
        "manager": 200,
        "mentor": 200,
        "investor": 200,
        "observer": 200,
        "outsider": 404,
        "expert": 200,
    }
    for role, status in expected.items():
        response = client_of(role).get(url(net, "home"))
        assert response.status_code == status, role
    assert client_of("anonymous").get(url(net, "home")).status_code == 302
    observer_page = client_of("observer").get(url(net, "home")).content.decode()
    assert 'data-testid="observer-note"' in observer_page
    assert url(net, "directory") not in observer_page
    founder_page = client_of("founder").get(url(net, "home")).content.decode()
    for name in ("directory", "my_profiles", "needs", "bookmarks", "intros", "pairings"):
        assert url(net, name) in founder_page, name
    assert url(net, "suggestions") in founder_page
    assert url(net, "runs") not in founder_page
    manager_page = client_of("manager").get(url(net, "home")).content.decode()
    assert url(net, "runs") in manager_page and url(net, "pairing_new") in manager_page
    # the expert holds a role but no profile: the page offers to create one
    expert_page = client_of("expert").get(url(net, "home")).content.decode()
    assert 'data-testid="create-expert"' in expert_page


PAGES = ["directory", "my_profiles", "needs", "need_new", "bookmarks"]
# founder, other_founder act for a company; the manager is staff; mentor and investor browse.
PAGE_MATRIX = {
    "directory": {"founder", "other_founder", "manager", "mentor", "investor"},
    "my_profiles": {"founder", "other_founder", "manager", "mentor", "investor"},
    "needs": {"founder", "other_founder", "manager"},
    "need_new": {"founder", "other_founder", "manager"},
    "bookmarks": {"founder", "other_founder"},
}


@pytest.mark.parametrize("name", PAGES)
def test_page_role_matrix(net, client_of, frozen, name):
    for role in ROLES:
        status = client_of(role).get(url(net, name)).status_code
        assert status == (200 if role in PAGE_MATRIX[name] else 404), (name, role)
    assert client_of("anonymous").get(url(net, name)).status_code == 302


def test_profile_page_role_matrix_and_hidden_profiles(net, client_of, frozen):
    target = url(net, "profile", pk=net.mentor_profile.pk)
    for role in ROLES:
        expected = 404 if role in {"observer", "outsider"} else 200
        assert client_of(role).get(target).status_code == expected, role
    Profile.all_parks.filter(pk=net.mentor_profile.pk).update(visibility=Visibility.HIDDEN)
    for role, expected in {"founder": 404, "investor": 404, "mentor": 200, "manager": 200}.items():
        assert client_of(role).get(target).status_code == expected, role
    Profile.all_parks.filter(pk=net.mentor_profile.pk).update(
        visibility=Visibility.PARK, is_active=False
    )
    assert client_of("founder").get(target).status_code == 404
    # another park's profile through this park's address
    foreign = make_profile(net.world.other_park, net.world.users["outsider"])
    assert client_of("manager").get(url(net, "profile", pk=foreign.pk)).status_code == 404
    assert (
        client_of("manager")
        .get(f"/{net.world.park.slug}/network/people/99999999999999999999/")
        .status_code
        == 404
    )


def test_edit_page_is_the_holders_and_the_staffs(net, client_of, frozen):
    target = url(net, "profile_edit", pk=net.mentor_profile.pk)
    for role in ROLES:
        expected = 200 if role in {"mentor", "manager"} else 404
        assert client_of(role).get(target).status_code == expected, role


def test_contacts_only_after_an_acceptance(net, client_of, frozen):
    from datetime import timedelta

    Profile.all_parks.filter(pk=net.mentor_profile.pk).update(
        phone="+7 914 555-66-77", headline="Cloud mentor"
    )
    # the fixture's headlines hold the holders' e-mails: other words here
    Profile.all_parks.exclude(pk=net.mentor_profile.pk).update(headline="Someone")
    target = url(net, "profile", pk=net.mentor_profile.pk)
    page = client_of("founder").get(target).content.decode()
    assert "mentor@example.org" not in page and "555-66-77" not in page
    assert 'data-testid="intro-request"' in page
    assert f"?company={net.world.company.pk}" in page
    Introduction.all_parks.create(
        park=net.world.park,
        company=net.world.company,
        profile=net.mentor_profile,
        requested_by=net.world.users["founder"],
        note="Hello",
        status=IntroStatus.ACCEPTED,
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    page = client_of("founder").get(target).content.decode()
    assert "mentor@example.org" in page and "555-66-77" in page
    # the other company's founder still does not see them; the holder and staff do
    assert "mentor@example.org" not in client_of("other_founder").get(target).content.decode()
    assert "555-66-77" in client_of("manager").get(target).content.decode()
    assert "555-66-77" in client_of("mentor").get(target).content.decode()
    # the directory never shows contacts
    directory_page = client_of("founder").get(url(net, "directory")).content.decode()
    assert "mentor@example.org" not in directory_page and "555-66-77" not in directory_page


def test_directory_filters(net, client_of, frozen):
    client = client_of("founder")

    def headlines(**params: Any) -> list[str]:
        response = client.get(url(net, "directory"), params)
        assert response.status_code == 200
        return [card.headline for card in response.context["cards"]]

    assert len(headlines()) == 4
    assert headlines(kind="investor") == [net.investor_profile.headline]
    assert headlines(country="de") == [net.other_mentor_profile.headline]
    assert headlines(language="de") == [net.other_mentor_profile.headline]
    assert headlines(direction=net.world.direction.pk) == [net.mentor_profile.headline]
    assert headlines(q="OTHER_MENTOR") == [
        net.other_mentor_profile.headline
    ]  # by e-mail-like headline
    assert headlines(q="Other_mentor") == [net.other_mentor_profile.headline]
    Profile.all_parks.filter(pk=net.customer_profile.pk).update(visibility=Visibility.HIDDEN)
    assert net.customer_profile.headline not in headlines()
    assert (
        net.customer_profile.headline
        in client_of("manager").get(url(net, "directory")).content.decode()
    )


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "wizard"},
        {"direction": "abc"},
        {"direction": "99999999999999999999999"},
        {"language": "xx"},
        {"country": "ZZZ"},
        {"q": "x" * 101},
        {"q": "bad\x00"},
        {"page": "-1"},
    ],
)
def test_directory_bad_parameters_are_shown_not_applied(net, client_of, frozen, params):
    response = client_of("founder").get(url(net, "directory"), params)
    assert response.status_code == 200
    if "page" not in params:
        assert 'data-testid="refused"' in response.content.decode()
    assert len(response.context["cards"]) == 4


def test_directory_in_russian_names_countries_languages_and_zones(net, client_of, frozen):
    client = client_of("founder")
    page = client.get(url(net, "directory"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Германия" in page and "немецкий" in page
    profile_page = client.get(
        url(net, "profile", pk=net.mentor_profile.pk), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "якутское время, UTC+9" in profile_page
    assert "русский" in profile_page
    english = client.get(url(net, "directory"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Germany" in english and "German" in english


def test_directory_capacity_left_for_mentors(net, client_of, frozen):
    from technopark.network.services.pairings import pairing_open

    pairing_open(
        profile=net.mentor_profile,
        company=net.world.company,
        source="staff",
        by=net.world.users["manager"],
        now=NOW,
    )
    response = client_of("founder").get(url(net, "directory"), {"kind": "mentor"})
    cards = {card.pk: card for card in response.context["cards"]}
    assert cards[net.mentor_profile.pk].places_left == 1
    assert cards[net.other_mentor_profile.pk].places_left == 3


def _more_profiles(net: Any, count: int) -> None:
    from tests.factories import MembershipFactory, UserFactory

    for number in range(count):
        user = UserFactory(email=f"extra{number}@example.org")
        MembershipFactory(park=net.world.park, user=user, role="mentor")
        extra = make_profile(net.world.park, user, headline=f"Extra {number}")
        extra.directions.add(net.world.direction)


def count_queries(call: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


def test_directory_query_count_does_not_grow(net, client_of, frozen):
    client = client_of("founder")
    client.get(url(net, "directory"))  # warm the session and the caches
    small, _response = count_queries(lambda: client.get(url(net, "directory")))
    _more_profiles(net, 12)
    large, response = count_queries(lambda: client.get(url(net, "directory")))
    assert len(response.context["cards"]) == 16
    assert small == large


def test_profile_forms_create_and_edit(net, client_of, frozen):
    from tests.factories import MembershipFactory

    # before any request (a person's roles are cached under the memberships token)
    MembershipFactory(park=net.world.park, user=net.world.users["founder"], role="partner")
    expert = net.world.users["expert"]
    client = client_of("expert")
    # Every link names an allowed kind: no kind, or one the roles do not allow, is no page.
    assert client.get(url(net, "profile_new")).status_code == 404
    assert client.get(url(net, "profile_new"), {"kind": "mentor"}).status_code == 404
    form_url = url(net, "profile_new") + "?kind=expert"
    bad = client.post(form_url, {"headline": "", "time_zone": "Asia/Yakutsk", "languages": ["ru"]})
    assert bad.status_code == 200 and bad.context["form"].errors
    good = client.post(
        form_url,
        {
            "headline": "Patent law <b>expert</b>",
            "time_zone": "Asia/Yakutsk",
            "languages": ["ru", "en"],
            "country": "RU",
            "directions": [net.world.direction.pk],
            "capacity_mentees": 0,
            "hours_per_month": 4,
            "intros_per_month": 5,
            "visibility": "park",
            "is_active": "on",
        },
    )
    assert good.status_code == 302
    made = Profile.all_parks.get(user=expert, kind=ProfileKind.EXPERT)
    page = client.get(url(net, "profile", pk=made.pk)).content.decode()
    assert "Patent law &lt;b&gt;expert&lt;/b&gt;" in page
    edit = client.post(
        url(net, "profile_edit", pk=made.pk),
        {
            "headline": "Patent law",
            "time_zone": "Europe/Berlin",
            "languages": ["de"],
            "capacity_mentees": 0,
            "hours_per_month": 999,
            "intros_per_month": 5,
            "visibility": "hidden",
        },
    )
    assert edit.status_code == 200 and "hours_per_month" in edit.context["form"].errors
    made.refresh_from_db()
    assert made.headline == "Patent law <b>expert</b>"
    # staff create a profile for a member who holds the role
    new_member = net.world.users["founder"]
    staff_url = url(net, "profile_new") + f"?kind=partner&user={new_member.pk}"
    assert client_of("manager").get(staff_url).status_code == 200
    assert client_of("mentor").get(staff_url).status_code == 404
    assert (
        client_of("manager").get(url(net, "profile_new") + "?kind=partner&user=abc").status_code
        == 404
    )


def test_needs_pages(net, client_of, frozen):
    client = client_of("founder")
    response = client.post(
        url(net, "need_new"),
        {
            "company": net.world.company.pk,
            "seeking": "investor",
            "summary": "Seed round",
            "languages": ["ru"],
        },
    )
    assert response.status_code == 302
    need = Need.all_parks.get()
    assert "Seed round" in client.get(url(net, "needs")).content.decode()
    assert "Seed round" not in client_of("other_founder").get(url(net, "needs")).content.decode()
    # another company than one's own is refused by the form's choices
    refused = client.post(
        url(net, "need_new"),
        {"company": net.world.other_company.pk, "seeking": "investor", "summary": "x"},
    )
    assert refused.status_code == 200 and "company" in refused.context["form"].errors
    edit_url = url(net, "need_edit", pk=need.pk)
    assert client_of("other_founder").get(edit_url).status_code == 404
    assert client_of("manager").get(edit_url).status_code == 200
    closed = client.post(
        edit_url, {"company": net.world.company.pk, "seeking": "investor", "summary": "Seed round"}
    )
    assert closed.status_code == 302
    assert Need.all_parks.get().is_open is False


def test_bookmark_toggle(net, client_of, frozen):
    client = client_of("founder")
    toggle = url(net, "bookmark_toggle", pk=net.mentor_profile.pk)
    assert client.get(toggle).status_code == 405
    assert client.post(toggle, {"company": net.world.company.pk}).status_code == 302
    assert Bookmark.all_parks.filter(company=net.world.company).count() == 1
    assert net.mentor_profile.headline in client.get(url(net, "bookmarks")).content.decode()
    assert net.mentor_profile.headline in client.get(url(net, "home")).content.decode()
    assert client.post(toggle, {"company": net.world.company.pk, "next": "bookmarks"})[
        "Location"
    ] == url(net, "bookmarks")
    assert Bookmark.all_parks.count() == 0
    # a company one does not act for, a bad value, other roles
    assert client.post(toggle, {"company": net.world.other_company.pk}).status_code == 404
    assert client.post(toggle, {"company": "x"}).status_code == 404
    for role in ("mentor", "manager", "observer", "outsider"):
        assert client_of(role).post(toggle, {"company": net.world.company.pk}).status_code == 404
    assert Bookmark.all_parks.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/admin/network/profile/",
        "/admin/network/need/",
        "/admin/network/introduction/",
        "/admin/network/pairing/",
        "/admin/network/mentoringsession/",
        "/admin/network/matchrun/",
    ],
)
def test_admin_lists(net, client, path):
    from technopark.accounts.models import GlobalRole
    from tests.factories import UserFactory

    root = UserFactory(
        email="root@example.org",
        global_role=GlobalRole.PLATFORM_ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(root)
    response = client.get(path, {"q": "a"})
    assert response.status_code == 200
    add = client.get(path + "add/")
    assert add.status_code == 403
