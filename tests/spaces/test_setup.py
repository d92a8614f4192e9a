"""The staff pages that set the spaces up: resources, opening hours, closures, booking rules, and
changing or withdrawing a training record. A role matrix for every page, bad input, the
confirmation before anything is removed, and what removing does."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from technopark.audit.models import AuditEntry
from technopark.spaces import services
from technopark.spaces.models import (
    Booking,
    BookingRule,
    Certificate,
    Closure,
    OpeningHours,
    Resource,
)
from tests.conftest import ROLES
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

BASE = "/yakutia/spaces/"
STAFF = {"manager"}


@pytest.fixture
def certificate(spaces, world):
    today = timezone.localdate()
    return services.certificate_record(
        actor=world.users["manager"],
        user=world.users["founder"],
        resource=spaces.microscope,
        trained_on=today,
        expires_on=today + timedelta(days=365),
    )


@pytest.fixture
def closure(spaces):
    return services.closure_create(
        site=spaces.site, starts_at=local(3, 0), ends_at=local(4, 0), reason="Праздник"
    )


def _pages(spaces, closure, certificate) -> list[str]:
    return [
        "setup/resources/",
        "setup/resources/new/",
        f"setup/resources/{spaces.room.pk}/",
        "setup/hours/",
        f"setup/hours/?site={spaces.moscow.pk}",
        "setup/closures/",
        f"setup/closures/{closure.pk}/",
        "setup/rules/",
        "setup/rules/lab/",
        f"certificates/{certificate.pk}/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_the_setup_pages(spaces, closure, certificate, client_for, role):
    client = client_for(role)
    for page in _pages(spaces, closure, certificate):
        response = client.get(BASE + page)
        if role == "anonymous":
            assert response.status_code == 302, page
            assert "/accounts/login/" in response["Location"]
        elif role in STAFF:
            assert response.status_code == 200, page
            assert "{#" not in response.content.decode()
        else:
            assert response.status_code == 403, (page, role)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_the_removals(spaces, closure, certificate, client_for, role):
    client = client_for(role)
    posts = [
        f"setup/resources/{spaces.desk.pk}/remove/",
        f"setup/closures/{closure.pk}/delete/",
        "setup/rules/lab/reset/",
        f"certificates/{certificate.pk}/withdraw/",
    ]
    for page in posts:
        response = client.post(BASE + page, {"confirmed": "1"})
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role in STAFF:
            assert response.status_code == 302, page
        else:
            assert response.status_code == 403, (page, role)
    removed = role in STAFF
    assert Resource.all_parks.filter(pk=spaces.desk.pk).exists() is not removed
    assert Closure.all_parks.filter(pk=closure.pk).exists() is not removed
    assert Certificate.all_parks.filter(pk=certificate.pk).exists() is not removed


def test_another_parks_records_are_not_found(spaces, closure, certificate, world, client_for):
    from technopark.parks.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(park=world.other_park, user=world.users["manager"], role=Role.MANAGER)
    client = client_for("manager")
    for page in _pages(spaces, closure, certificate):
        if "/" in page.rstrip("/").split("setup/")[-1] and any(c.isdigit() for c in page):
            if "?site=" in page:
                continue
            assert client.get("/kolyma/spaces/" + page).status_code == 404, page
    assert client.get("/kolyma/spaces/setup/hours/", {"site": spaces.site.pk}).status_code == 404
    assert client.get(BASE + "setup/rules/pool/").status_code == 404
    assert client.get(BASE + "setup/hours/", {"site": "x"}).status_code == 200


def test_setup_is_reached_from_the_spaces_section(spaces, client_for):
    body = client_for("manager").get(BASE).content.decode()
    assert f'href="{BASE}setup/resources/"' in body
    founder = client_for("founder").get(BASE).content.decode()
    assert "setup/resources/" not in founder
    page = client_for("manager").get(BASE + "setup/resources/").content.decode()
    for part in ("setup/hours/", "setup/closures/", "setup/rules/"):
        assert f'href="{BASE}{part}"' in page


# --- resources ----------------------------------------------------------------------------------


def test_add_and_change_a_resource(spaces, client_for):
    client = client_for("manager")
    data = {
        "site": spaces.site.pk,
        "name": "Переговорная Вилюй",
        "name_en": "Vilyuy room",
        "resource_type": "room",
        "capacity": 6,
        "features": "screen",
        "is_active": "on",
    }
    response = client.post(BASE + "setup/resources/new/", data)
    assert response.status_code == 302
    added = Resource.all_parks.get(name="Переговорная Вилюй")
    assert added.capacity == 6 and added.is_active and added.site == spaces.site
    # The same name at the same site: refused at the field, nothing added.
    again = client.post(BASE + "setup/resources/new/", data)
    assert again.status_code == 400 and "name" in again.context["form"].errors
    for bad, field in (
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"resource_type": "pool"}, "resource_type"),
        ({"site": 999999}, "site"),
        ({"name": ""}, "name"),
    ):
        response = client.post(BASE + "setup/resources/new/", {**data, "name": "X", **bad})
        assert response.status_code == 400 and field in response.context["form"].errors
    assert Resource.all_parks.filter(name="X").count() == 0
    # Change: the site stays even if another is posted.
    response = client.post(
        f"{BASE}setup/resources/{added.pk}/",
        {**data, "site": spaces.moscow.pk, "capacity": 10, "requires_certification": "on"},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.capacity == 10 and added.requires_certification and added.site == spaces.site


def test_removing_a_resource_asks_then_deletes_or_archives(
    spaces, residents, access_of, world, client_for
):
    client = client_for("manager")
    unused = services.resource_create(site=spaces.site, name="Стол 9", resource_type="desk")
    url = f"{BASE}setup/resources/{unused.pk}/remove/"
    ask = client.post(url)
    assert ask.status_code == 200 and 'name="confirmed"' in ask.content.decode()
    assert "deleted for good" in ask.content.decode()
    assert Resource.all_parks.filter(pk=unused.pk).exists()
    assert client.get(url).status_code == 405
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302 and not Resource.all_parks.filter(pk=unused.pk).exists()
    # With a booking it is kept for the history and only taken out of use.
    services.booking_create(
        access=access_of("founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 11),
        company=world.company,
    )
    url = f"{BASE}setup/resources/{spaces.room.pk}/remove/"
    ask = client.post(url).content.decode()
    assert "stops being bookable" in ask
    client.post(url, {"confirmed": "1"})
    spaces.room.refresh_from_db()
    assert not spaces.room.is_active and Booking.all_parks.filter(resource=spaces.room).exists()
    # Out of use: not in the calendar; in the list, marked.
    listing = client.get(BASE + "setup/resources/").content.decode()
    assert "out of use" in listing


# --- opening hours ------------------------------------------------------------------------------


def test_opening_hours_are_set_per_day_and_checked(spaces, client_for):
    client = client_for("manager")
    page = client.get(BASE + "setup/hours/").content.decode()
    assert 'data-testid="always-open"' in page and "Yakutsk time" in page
    week = {f"opens_{d}": "09:00" for d in range(5)} | {f"closes_{d}": "18:00" for d in range(5)}
    response = client.post(BASE + "setup/hours/", {"site": spaces.site.pk, **week})
    assert response.status_code == 302
    rows = OpeningHours.all_parks.filter(site=spaces.site).order_by("weekday")
    assert [(r.weekday, r.opens, r.closes) for r in rows] == [
        (d, time(9), time(18)) for d in range(5)
    ]
    for bad in (
        {"opens_5": "10:00"},  # a closing time is missing
        {"opens_0": "19:00"},  # closes before it opens
        {"closes_1": "25:00"},
    ):
        response = client.post(BASE + "setup/hours/", {"site": spaces.site.pk, **week, **bad})
        assert response.status_code == 400 and response.context["form"].errors
    assert OpeningHours.all_parks.filter(site=spaces.site).count() == 5
    # Midnight closes at the end of the day; every day empty: around the clock again.
    response = client.post(
        BASE + "setup/hours/", {"site": spaces.site.pk, "opens_6": "08:00", "closes_6": "00:00"}
    )
    assert response.status_code == 302
    assert OpeningHours.all_parks.filter(site=spaces.site).count() == 1
    client.post(BASE + "setup/hours/", {"site": spaces.site.pk})
    assert not OpeningHours.all_parks.filter(site=spaces.site).exists()


# --- closures -----------------------------------------------------------------------------------


def test_closures_are_added_changed_and_lifted_after_asking(spaces, closure, client_for):
    client = client_for("manager")
    page = client.get(BASE + "setup/closures/").content.decode()
    assert "Праздник" in page
    data = {
        "site": spaces.site.pk,
        "resource": spaces.microscope.pk,
        "starts_at": local(5, 9).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(5, 12).strftime("%Y-%m-%dT%H:%M"),
        "reason": "Обслуживание",
    }
    assert client.post(BASE + "setup/closures/", data).status_code == 302
    added = Closure.all_parks.get(reason="Обслуживание")
    assert added.resource == spaces.microscope and added.starts_at == local(5, 9)
    for bad, field in (
        ({"ends_at": local(5, 8).strftime("%Y-%m-%dT%H:%M")}, "ends_at"),
        ({"reason": ""}, "reason"),
        ({"resource": spaces.moscow_room.pk}, "resource"),
        ({"starts_at": "soon"}, "starts_at"),
    ):
        response = client.post(BASE + "setup/closures/", {**data, **bad})
        assert response.status_code == 400 and field in response.context["form"].errors
    assert Closure.all_parks.count() == 2
    response = client.post(
        f"{BASE}setup/closures/{added.pk}/",
        {**data, "ends_at": local(5, 13).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.ends_at == local(5, 13)
    url = f"{BASE}setup/closures/{closure.pk}/delete/"
    ask = client.post(url)
    assert ask.status_code == 200 and "Праздник" in ask.content.decode()
    assert Closure.all_parks.filter(pk=closure.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not Closure.all_parks.filter(pk=closure.pk).exists()


# --- booking rules ------------------------------------------------------------------------------


def test_booking_rules_are_set_and_reset_after_asking(spaces, world, client_for):
    client = client_for("manager")
    page = client.get(BASE + "setup/rules/").content.decode()
    assert "defaults" in page
    form = client.get(BASE + "setup/rules/room/").context["form"]
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data.update(slot_minutes=15, min_minutes=15, max_minutes=120, requires_approval="on")
    assert client.post(BASE + "setup/rules/room/", data).status_code == 302
    rule = BookingRule.all_parks.get(park=world.park, resource_type="room")
    assert rule.slot_minutes == 15 and rule.requires_approval and rule.max_minutes == 120
    for bad, field in (
        ({"max_minutes": 10}, "max_minutes"),
        ({"slot_minutes": 1}, "slot_minutes"),
        ({"offer_minutes": "x"}, "offer_minutes"),
        ({"max_days_ahead": 99999}, "max_days_ahead"),
    ):
        response = client.post(BASE + "setup/rules/room/", {**data, **bad})
        assert response.status_code == 400 and field in response.context["form"].errors
    rule.refresh_from_db()
    assert rule.max_minutes == 120
    ask = client.post(BASE + "setup/rules/room/reset/")
    assert ask.status_code == 200 and BookingRule.all_parks.filter(pk=rule.pk).exists()
    client.post(BASE + "setup/rules/room/reset/", {"confirmed": "1"})
    assert not BookingRule.all_parks.filter(pk=rule.pk).exists()


# --- certificates -------------------------------------------------------------------------------


def test_a_training_record_is_changed_and_withdrawn_after_asking(certificate, world, client_for):
    client = client_for("manager")
    listing = client.get(BASE + "certificates/").content.decode()
    assert f"certificates/{certificate.pk}/" in listing
    url = f"{BASE}certificates/{certificate.pk}/"
    longer = certificate.expires_on + timedelta(days=30)
    bad = client.post(
        url,
        {"trained_on": certificate.trained_on, "expires_on": certificate.trained_on - timedelta(1)},
    )
    assert bad.status_code == 400 and "expires_on" in bad.context["form"].errors
    # Who and which instrument stay, whatever is posted.
    response = client.post(
        url,
        {
            "user": world.users["other_founder"].pk,
            "trained_on": certificate.trained_on,
            "expires_on": longer,
            "note": "продлён",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.expires_on == longer and certificate.user == world.users["founder"]
    ask = client.post(url + "withdraw/")
    assert ask.status_code == 200 and "Founder" in ask.content.decode()
    client.post(url + "withdraw/", {"confirmed": "1"})
    assert not Certificate.all_parks.filter(pk=certificate.pk).exists()
    actions = list(AuditEntry.objects.filter(park=world.park).values_list("action", flat=True))
    assert "spaces.certify_change" in actions and "spaces.certify_withdraw" in actions


@pytest.mark.parametrize("n", [1, 8])
def test_resource_list_query_count_is_fixed(spaces, client_for, django_assert_num_queries, n):
    for i in range(n):
        services.resource_create(site=spaces.site, name=f"Стол {i + 10}", resource_type="desk")
    client = client_for("manager")
    client.get(BASE + "setup/resources/")
    # the resources with their sites (1); the visitor, the park and the header come from the
    # caches warmed by the first visit
    with django_assert_num_queries(1):
        response = client.get(BASE + "setup/resources/")
    assert response.content.decode().count("/setup/resources/") >= n


# --- pickers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_pickers_answer_only_who_may_choose(spaces, residents, world, client_for, role):
    client = client_for(role)
    people = client.get(BASE + "pick/people/", {"q": "founder"})
    companies = client.get(BASE + "pick/companies/", {"q": "код"})
    if role == "anonymous":
        assert people.status_code == 302 and companies.status_code == 302
        return
    assert people.status_code == (200 if role in STAFF else 403)
    assert companies.status_code == (
        200 if role in {"founder", "other_founder", "manager"} else 403
    )
    if role == "manager":
        body = people.content.decode()
        assert "founder@example.org" in body and "outsider@example.org" not in body
        assert "Северный код" in companies.content.decode()
    if role == "other_founder":
        # only the companies they act for
        assert "Северный код" not in companies.content.decode()


def test_forms_use_pickers_not_typed_numbers(spaces, world, client_for):
    client = client_for("manager")
    page = client.get(BASE + "certificates/").content.decode()
    assert 'hx-get="/yakutia/spaces/pick/people/"' in page
    book = client.get(BASE + "book/").content.decode()
    assert 'hx-get="/yakutia/spaces/pick/companies/"' in book
    assert 'type="number" name="company"' not in book and 'name="user" type="number"' not in page
    # A record for someone outside the park is refused at the field.
    today = timezone.localdate()
    response = client.post(
        BASE + "certificates/",
        {
            "user": world.users["outsider"].pk,
            "resource": spaces.microscope.pk,
            "trained_on": today.isoformat(),
            "expires_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400 and "user" in response.context["form"].errors


@pytest.mark.parametrize("n", [1, 6])
def test_closures_and_hours_query_counts_are_fixed(
    spaces, client_for, django_assert_num_queries, n
):
    for i in range(n):
        services.closure_create(
            site=spaces.site,
            starts_at=local(2 + i, 9),
            ends_at=local(2 + i, 12),
            reason=f"Причина {i}",
            resource=spaces.room if i % 2 else None,
        )
    client = client_for("manager")
    client.get(BASE + "setup/closures/")
    # sites (1); the site's resources (1) and the form's choice of them (1); the closures with
    # their resources (1)
    with django_assert_num_queries(4):
        response = client.get(BASE + "setup/closures/")
    assert response.content.decode().count("Причина") == n
    client.get(BASE + "setup/hours/")
    # sites (1); the site's hours (1)
    with django_assert_num_queries(2):
        client.get(BASE + "setup/hours/")


def test_the_closures_list_leads_to_each_closure(spaces, closure, client_for):
    page = client_for("manager").get(BASE + "setup/closures/").content.decode()
    assert f'href="{BASE}setup/closures/{closure.pk}/"' in page
