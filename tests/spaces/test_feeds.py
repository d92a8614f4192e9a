"""iCal feeds behind a secret link, parsed with a second library (vobject, not icalendar which
wrote them): time zones right, cancelled bookings as cancelled events, privacy kept."""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import timedelta

import pytest
import vobject

from technopark.parks.rules import access_for
from technopark.spaces import services
from technopark.spaces.models import CalendarFeed
from tests.spaces.conftest import MOSCOW, local

pytestmark = pytest.mark.django_db

BASE = "/yakutia/spaces/"


def parse(content: bytes):
    return vobject.readOne(content.decode())


def events(calendar) -> dict[str, object]:
    return {event.uid.value: event for event in calendar.vevent_list}


def test_a_personal_feed(spaces, residents, access_of, world, client_for):
    founder = access_of("founder")
    night = services.booking_create(
        access=founder,
        resource=spaces.room,
        starts_at=local(1, 22),
        ends_at=local(2, 1),
        company=world.company,
        title="Ночной созвон",
    )
    cancelled = services.booking_create(
        access=founder,
        resource=spaces.desk,
        starts_at=local(3, 10),
        ends_at=local(3, 11),
        company=world.company,
    )
    services.booking_cancel(access=founder, booking=cancelled)
    moscow = services.booking_create(
        access=access_for(world.users["founder"], world.park),
        resource=spaces.moscow_room,
        starts_at=local(4, 9, zone=MOSCOW),
        ends_at=local(4, 10, zone=MOSCOW),
        company=world.company,
    )
    # Someone else's booking is not in my feed.
    services.booking_create(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(5, 10),
        ends_at=local(5, 11),
    )
    client = client_for("founder")
    made = client.post(BASE + "feeds/")
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    url = made.context["new_feed_url"]
    assert url.startswith("http://testserver/yakutia/spaces/feeds/") and url.endswith(".ics")
    assert f'data-testid="feed-url">{url}<' in made.content.decode()
    # Shown once: the page never shows it again.
    assert url not in client.get(BASE + "my/").content.decode()

    # Calendar apps send no cookie: the secret link is the key.
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = parse(response.content)
    found = events(calendar)
    assert len(found) == 3
    host = "testserver"
    event = found[f"booking-{night.pk}@{host}"]
    # The time zone is the site's, and the instant is right.
    assert event.dtstart.value.tzinfo is not None
    assert event.dtstart.value.utcoffset() == timedelta(hours=9)
    assert event.dtstart.value == night.starts_at and event.dtend.value == night.ends_at
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Asia/Yakutsk"]
    assert event.status.value == "CONFIRMED"
    assert "Северный код" in event.summary.value and event.description.value == "Ночной созвон"
    gone = found[f"booking-{cancelled.pk}@{host}"]
    assert gone.status.value == "CANCELLED" and int(gone.sequence.value) >= 1
    msk = found[f"booking-{moscow.pk}@{host}"]
    assert msk.dtstart.value.utcoffset() == timedelta(hours=3)
    assert msk.dtstart.value.astimezone(zoneinfo.ZoneInfo("UTC")) == moscow.starts_at
    tzids = {tz.tzid.value for tz in calendar.vtimezone_list}
    assert tzids == {"Asia/Yakutsk", "Europe/Moscow"}


def test_a_resource_feed_hides_other_companies(spaces, residents, access_of, world, client_for):
    services.booking_create(
        access=access_of("founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 11),
        company=world.company,
        title="Секрет",
    )
    client = client_for("other_founder")
    url = client.post(BASE + "feeds/", {"resource": spaces.room.pk}).context["new_feed_url"]
    assert CalendarFeed.all_parks.get(user=world.users["other_founder"], resource=spaces.room)
    calendar = parse(client.get(url).content)
    (event,) = calendar.vevent_list
    assert event.summary.value == "Переговорная Лена"
    assert not hasattr(event, "description")
    # Staff see whose it is.
    manager = client_for("manager")
    staff_url = manager.post(BASE + "feeds/", {"resource": spaces.room.pk}).context["new_feed_url"]
    (staff_event,) = parse(manager.get(staff_url).content).vevent_list
    assert "Северный код" in staff_event.summary.value


def test_renewing_the_link_kills_the_old_one(spaces, world, client_for):
    client = client_for("expert")
    old = client.post(BASE + "feeds/").context["new_feed_url"]
    assert client.get(old).status_code == 200
    new = client.post(BASE + "feeds/").context["new_feed_url"]
    assert new != old
    assert CalendarFeed.all_parks.filter(user=world.users["expert"]).count() == 1
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_database_holds_no_plain_secret(spaces, world, client_for):
    url = client_for("founder").post(BASE + "feeds/").context["new_feed_url"]
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.all_parks.get()
    assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = CalendarFeed.all_parks.filter(pk=feed.pk).values().get()
    assert secret not in repr(row)


def test_an_old_plain_link_still_works_after_the_migration(spaces, residents, world, client):
    """The data migration hashes each stored secret: the link people already have still opens."""
    from importlib import import_module

    from django.apps import apps as global_apps

    migration = import_module("technopark.spaces.migrations.0003_calendar_feed_token_hashed")
    old_secret = "legacy-plain-secret-0123456789abcdef"
    feed, _secret = services.feed_issue(park=world.park, user=world.users["founder"])

    class Legacy:
        """The model as it was between the two migrations: the plain ``token`` and its hash."""

        def get_model(self, app_label, name):
            model = global_apps.get_model(app_label, name)

            class Rows:
                def all(self):
                    return self

                def only(self, *fields):
                    return [type("Row", (), {"pk": feed.pk, "token": old_secret})()]

                def filter(self, **kwargs):
                    return model._base_manager.filter(**kwargs)

            model_view = type("Historical", (), {"_base_manager": Rows()})
            return model_view

    migration.hash_existing(Legacy(), None)
    assert client.get(f"{BASE}feeds/{old_secret}.ics").status_code == 200
    assert client.get(f"{BASE}feeds/{_secret}.ics").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_who_may_make_a_link(spaces, client_for, role):
    response = client_for(role).post(BASE + "feeds/")
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not CalendarFeed.all_parks.exists()


def test_bad_feed_requests(spaces, world, client_for):
    client = client_for("founder")
    assert client.get(f"{BASE}feeds/short.ics").status_code == 404
    assert client.post(BASE + "feeds/", {"resource": "abc"}).status_code == 404
    assert client.post(BASE + "feeds/", {"resource": 999999}).status_code == 404
    # Another park's token does not open in this park.
    url = client.post(BASE + "feeds/").context["new_feed_url"]
    assert client.get(url.replace("/yakutia/", "/kolyma/")).status_code == 404


def test_the_time_zone_block_is_exact_across_a_daylight_saving_change():
    """A zone with daylight saving (a park may have a site in one): both sides of the change."""
    from datetime import datetime

    from icalendar import Calendar, Event

    from technopark.spaces.feeds import vtimezone

    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    before = datetime(2027, 3, 27, 10, tzinfo=berlin)
    after = datetime(2027, 3, 29, 10, tzinfo=berlin)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//test//")
    for n, moment in enumerate((before, after)):
        event = Event()
        event.add("uid", f"e{n}")
        event.add("dtstamp", moment)
        event.add("dtstart", moment)
        calendar.add_component(event)
    calendar.add_component(vtimezone("Europe/Berlin", before, after))
    parsed = {e.uid.value: e.dtstart.value for e in parse(calendar.to_ical()).vevent_list}
    assert parsed["e0"].utcoffset() == timedelta(hours=1) and parsed["e0"] == before
    assert parsed["e1"].utcoffset() == timedelta(hours=2) and parsed["e1"] == after


def _feed_url(world, user) -> str:
    _feed, secret = services.feed_issue(park=world.park, user=user, resource=None)
    return f"{BASE}feeds/{secret}.ics"


def test_a_feed_stops_when_its_owner_leaves_the_park(spaces, residents, world, client):
    from technopark.parks import services as park_services
    from technopark.parks.models import Membership

    url = _feed_url(world, world.users["founder"])
    assert client.get(url).status_code == 200
    membership = Membership.all_parks.get(park=world.park, user=world.users["founder"])
    park_services.membership_remove(membership=membership, actor=world.users["manager"])
    assert client.get(url).status_code == 404


def test_a_feed_stops_when_its_owners_account_is_closed(spaces, residents, world, client):
    url = _feed_url(world, world.users["founder"])
    founder = world.users["founder"]
    founder.is_active = False
    founder.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_a_private_parks_feed_works_by_its_secret_alone(spaces, residents, world, client):
    world.park.is_public = False
    world.park.save(update_fields=["is_public"])
    from technopark.parks.caching import forget_park

    forget_park(slugs=[world.park.slug])
    url = _feed_url(world, world.users["founder"])
    assert client.get(url).status_code == 200  # no cookie, as a calendar app
    assert client.get(f"{BASE}feeds/{'x' * 40}.ics").status_code == 404
    assert client.get(BASE).status_code == 404  # the rest of the private park stays closed
