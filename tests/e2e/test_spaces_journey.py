"""A founder tries to book an instrument without a certificate and is refused; staff record the
training; the founder books it, meets a conflict on a second try, and subscribes to the iCal link.

The checks read ids, names and data, not English or Russian wording, so that they hold in either
language (the browser asks for Russian).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

import vobject
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from technopark.parks.models import Role
from technopark.spaces import eligibility, services
from technopark.spaces.models import Booking, Certificate, ResourceType
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ParkFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"


def _signed_in_context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_founder_is_refused_then_trained_then_books_and_subscribes(
    page, browser, live_server, transactional_db, settings, monkeypatch
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    park = ParkFactory(slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia")
    site = SiteFactory(park=park, name="Биотехнологическая лаборатория", time_zone="Asia/Yakutsk")
    microscope = services.resource_create(
        site=site,
        name="Конфокальный микроскоп",
        resource_type=ResourceType.LAB,
        requires_certification=True,
    )
    founder = UserFactory(email="founder@example.org", full_name="Туйаара Попова")
    founder.set_password(PASSWORD)
    founder.save()
    EmailAddress.objects.create(user=founder, email=founder.email, verified=True, primary=True)
    MembershipFactory(park=park, user=founder, role=Role.FOUNDER)
    company = CompanyFactory(park=park, short_name="Северный код", site=site)
    TeamMemberFactory(company=company, user=founder, position="CEO")
    manager = UserFactory(email="manager@example.org", full_name="Сардана Николаева")
    MembershipFactory(park=park, user=manager, role=Role.MANAGER)
    # The company is a resident (the residency part answers this in the full product).
    monkeypatch.setattr(eligibility, "is_active_resident", lambda c: c.pk == company.pk)

    zone = zoneinfo.ZoneInfo("Asia/Yakutsk")
    day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=2)
    start = datetime.combine(day, time(10), zone)

    # The founder signs in through the real sign-in page and tries to book: refused.
    page.goto(f"/accounts/login/?next=/yakutia/spaces/book/%3Fresource%3D{microscope.pk}")
    page.fill("input[name=login]", founder.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/yakutia/spaces/book/**")

    def fill_booking() -> None:
        page.select_option("#id_resource", str(microscope.pk))
        page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        page.select_option("#id_company", str(company.pk))
        with page.expect_navigation():
            page.locator("form.form-wide button[type=submit]").first.click()

    fill_booking()
    errors = page.get_by_test_id("booking-errors")
    errors.wait_for()
    field_error = page.locator(".field.has-error").first.inner_text()
    assert "Конфокальный микроскоп" in field_error
    assert not Booking.all_parks.exists()

    # Staff record the training.
    staff = _signed_in_context(browser, live_server, manager)
    staff_page = staff.new_page()
    staff_page.goto("/yakutia/spaces/certificates/")
    staff_page.select_option("#id_user", str(founder.pk))
    staff_page.select_option("#id_resource", str(microscope.pk))
    today = timezone.localdate()
    staff_page.fill("#id_trained_on", today.isoformat())
    staff_page.fill("#id_expires_on", (today + timedelta(days=365)).isoformat())
    staff_page.locator("form.form-wide button[type=submit]").click()
    staff_page.wait_for_url("**/yakutia/spaces/certificates/")
    assert "Туйаара Попова" in staff_page.get_by_test_id("certificates").inner_text()
    assert Certificate.all_parks.filter(user=founder, resource=microscope).exists()
    staff.close()

    # The founder books it now.
    page.goto(f"/yakutia/spaces/book/?resource={microscope.pk}")
    fill_booking()
    page.wait_for_url("**/yakutia/spaces/bookings/*/")
    booking = Booking.all_parks.get()
    assert booking.starts_at == start and booking.status == "confirmed"
    assert "10:00–12:00" in page.get_by_test_id("booking-range").inner_text()

    # A second try at the same time meets the conflict, and is offered the waitlist.
    page.goto(f"/yakutia/spaces/book/?resource={microscope.pk}")
    fill_booking()
    page.get_by_test_id("booking-errors").wait_for()
    assert "10:00–12:00" in page.get_by_test_id("booking-errors").inner_text()
    assert page.get_by_test_id("join-waitlist").is_visible()
    assert Booking.all_parks.count() == 1

    # The founder subscribes: the secret link serves their booking as iCal.
    page.goto("/yakutia/spaces/my/")
    page.get_by_test_id("feed-create").click()
    # The link is shown once, on the answer to the form: only its hash is kept.
    page.get_by_test_id("feed-url").wait_for()
    url = page.get_by_test_id("feed-url").inner_text().strip()
    assert url.endswith(".ics")
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    (event,) = vobject.readOne(response.text()).vevent_list
    assert event.dtstart.value == start
    assert "Конфокальный микроскоп" in event.summary.value
