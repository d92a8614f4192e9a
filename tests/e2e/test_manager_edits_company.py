"""A manager signs in, finds a company by search, switches to English, edits it, sees the change."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from technopark.companies.models import Company
from technopark.parks.models import Role
from tests.factories import CompanyFactory, MembershipFactory, ParkFactory, UserFactory

PASSWORD = "correct-horse-battery"


def test_manager_finds_and_edits_a_company(page, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    park = ParkFactory(slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia")
    manager = UserFactory(email="manager@example.org", full_name="Мария Иванова")
    manager.set_password(PASSWORD)
    manager.save()
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    MembershipFactory(park=park, user=manager, role=Role.MANAGER)
    target = CompanyFactory(park=park, short_name="Северный код", description="Старое описание")
    for name in ("Алмазные сети", "Мерзлота Лаб", "Ленский дрон"):
        CompanyFactory(park=park, short_name=name)

    # Sign in through the real sign-in page.
    page.goto("/accounts/login/?next=/yakutia/companies/")
    page.fill("input[name=login]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/yakutia/companies/")
    assert page.locator("h1").inner_text() == "Компании"

    # Search, case-insensitively, in Cyrillic.
    page.fill("#filter-q", "северный")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**q=*")
    results = page.locator("#company-results")
    results.get_by_role("link", name="Северный код").wait_for()
    assert results.get_by_role("link", name="Мерзлота Лаб").count() == 0

    # Switch to English: the same page, now in English.
    with page.expect_navigation():
        page.get_by_test_id("language-en").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Companies"

    # Open the company, edit it, and see the change.
    page.locator("#company-results").get_by_role("link", name="Северный код").click()
    page.wait_for_url(f"**/yakutia/companies/{target.pk}/")
    page.get_by_role("link", name="Edit").first.click()
    page.fill("#id_description", "Цифровые двойники для северных месторождений")
    page.locator("form.form-wide button[type=submit]").click()
    page.wait_for_url(f"**/yakutia/companies/{target.pk}/")
    assert page.get_by_text("Цифровые двойники для северных месторождений").is_visible()
    assert page.locator(".messages").inner_text().strip() != ""
    target.refresh_from_db()
    assert target.description == "Цифровые двойники для северных месторождений"
    assert Company.all_parks.count() == 4


def test_company_list_fits_a_phone_screen(browser, live_server, transactional_db):
    park = ParkFactory(slug="yakutia")
    manager = UserFactory(email="phone@example.org")
    MembershipFactory(park=park, user=manager, role=Role.MANAGER)
    for _ in range(5):
        CompanyFactory(park=park)
    from django.test import Client

    client = Client()
    client.force_login(manager)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/yakutia/companies/")
    # The page itself never scrolls sideways; a wide table scrolls inside its own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator("#filter-q").is_visible()
    context.close()
