"""The pages run under the Content-Security-Policy without a single violation in a real browser:
the park's pages with htmx's partial updates, the sign-in page, the Django admin and the API docs
(swagger-ui served from django-ninja's own static files)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from playwright.sync_api import expect

from technopark.accounts.models import GlobalRole
from technopark.parks.models import Role
from tests.factories import CompanyFactory, MembershipFactory, ParkFactory, UserFactory

# Recorded before any script of the page runs (the DevTools protocol injects it, not the page).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _context(browser: Any, live_server: Any, user: Any | None) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def _watched(context: Any) -> tuple[Any, list[str]]:
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, console


def _violations(page: Any, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations"), *console]


def test_pages_load_and_htmx_updates_without_a_csp_violation(
    browser, live_server, transactional_db
):
    park = ParkFactory(slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia")
    manager = UserFactory(email="manager@example.org", full_name="Мария Иванова")
    MembershipFactory(park=park, user=manager, role=Role.MANAGER)
    for name in ("Северный код", "Мерзлота Лаб", "Ленский дрон"):
        CompanyFactory(park=park, short_name=name)

    anonymous, console = _watched(_context(browser, live_server, None))
    for path in ("/yakutia/", "/accounts/login/", "/api/v1/docs"):
        response = anonymous.goto(path)
        assert response.status == 200, path
        assert "script-src" in response.headers["content-security-policy"]
        anonymous.wait_for_load_state("networkidle")
        assert _violations(anonymous, console) == [], path
    # swagger-ui drew the operations from the OpenAPI document.
    anonymous.locator(".opblock").first.wait_for()

    page, console = _watched(_context(browser, live_server, manager))
    page.goto("/yakutia/companies/")
    assert page.evaluate("typeof htmx") == "object"  # htmx loaded and running
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answer:
        page.fill("#filter-q", "северный")
    assert answer.value.status == 200
    results = page.locator("#company-results")
    # The three were listed before the answer: wait for the swap to drop the other two (a count
    # taken at once raced the swap on a loaded machine).
    expect(results.get_by_role("link", name="Мерзлота Лаб")).to_have_count(0)
    expect(results.get_by_role("link", name="Северный код")).to_have_count(1)
    assert _violations(page, console) == []


def test_the_admin_works_under_the_csp(browser, live_server, transactional_db):
    ParkFactory(slug="yakutia")
    root = UserFactory(
        email="root@example.org",
        global_role=GlobalRole.PLATFORM_ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    page, console = _watched(_context(browser, live_server, root))
    for path in ("/admin/", "/admin/parks/park/", "/admin/parks/membership/add/"):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == [], path
