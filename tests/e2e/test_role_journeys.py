"""Each demo role signs in and reaches its main tasks only by clicking, in Russian and English, on
a desktop and on a phone.

Every step clicks a link the page shows (the header menu, opened first on a phone, or a link in
the page) and waits for the page it leads to; nothing is typed into the address bar after the
first page. Links are found by their address, so the same journey reads both languages; each page
is checked to be in the chosen language and to fit the screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.demo_site import DESKTOP, PARK, PASSWORD, PHONE, demo_park, email_of, overflow

P = f"/{PARK}"
# A role's journey: each step clicks a link of the header menu ("nav", its address) or the first
# link in the page whose address matches ("main", a regular expression), in order.
JOURNEYS: dict[str, list[tuple[str, str]]] = {
    "founder": [
        ("nav", f"{P}/calls/"),
        ("main", rf"^{P}/calls/\d+/$"),
        ("nav", f"{P}/residents/reports/"),
        ("main", rf"^{P}/residents/reports/\d+/file/$"),
        ("nav", f"{P}/grants/mine/"),
        ("main", rf"^{P}/grants/\d+/$"),
        ("nav", f"{P}/spaces/"),
        ("main", rf"^{P}/spaces/my/$"),
        ("nav", f"{P}/programmes/"),
        ("main", rf"^{P}/programmes/mine/$"),
    ],
    "manager": [
        ("nav", f"{P}/calls/manage/"),
        ("main", rf"^{P}/calls/manage/\d+/screening/$"),
        ("nav", f"{P}/grants/"),
        ("main", rf"^{P}/grants/\d+/$"),
        ("nav", f"{P}/residents/staff/"),
        ("nav", f"{P}/spaces/"),
        ("main", rf"^{P}/spaces/approvals/$"),
        ("nav", f"{P}/people/"),
    ],
    "expert": [
        ("nav", f"{P}/reviews/"),
        ("main", rf"^{P}/reviews/\d+/$"),
    ],
    "observer": [
        ("nav", f"{P}/grants/"),
        ("main", rf"^{P}/grants/\d+/$"),
        ("nav", f"{P}/residents/staff/"),
        ("nav", f"{P}/programmes/"),
    ],
    "admin": [
        ("nav", f"{P}/settings/"),
        ("nav", f"{P}/people/"),
        ("nav", f"{P}/calls/manage/"),
    ],
    "mentor": [
        ("nav", f"{P}/programmes/"),
        ("main", rf"^{P}/programmes/cohorts/\d+/$"),
        ("nav", f"{P}/companies/"),
        ("main", rf"^{P}/companies/\d+/$"),
    ],
}
LANGUAGES = {"ru": "Войти", "en": "Sign in"}


@pytest.fixture(scope="module")
def demo_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    yield from demo_park(django_db_blocker)


@pytest.fixture
def demo(demo_server: str, db: Any) -> str:
    return demo_server


def _open_menu_if_folded(page: Any) -> None:
    button = page.get_by_test_id("menu-button")
    if button.is_visible() and not page.locator("#site-menu-toggle").is_checked():
        button.click()
        page.locator("#site-menu").wait_for(state="visible")


def _click(page: Any, where: str, address: str) -> None:
    if where == "nav":
        _open_menu_if_folded(page)
        link = page.locator(f'header nav a[href="{address}"]')
    else:
        hrefs = page.locator("main a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        matching = [href for href in hrefs if re.match(address, href)]
        assert matching, f"no link matching {address} on {page.url}: {hrefs}"
        address = matching[0]
        link = page.locator(f'main a[href="{address}"]')
    link.first.click()
    page.wait_for_url(re.compile(re.escape(address) + "$"))
    page.locator("main h1").first.wait_for()


def _check(page: Any, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language, page.url
    assert overflow(page) is None, (page.url, overflow(page))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("role", sorted(JOURNEYS))
def test_role_reaches_its_tasks_by_clicking(
    demo: str, browser: Any, role: str, language: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(base_url=demo, locale=f"{language}-RU", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/")
        if page.locator("html").get_attribute("lang") != language:
            _open_menu_if_folded(page)
            page.get_by_test_id(f"language-{language}").click()
            page.wait_for_function(f"document.documentElement.lang === '{language}'")
        _open_menu_if_folded(page)
        page.locator("header").get_by_role("link", name=LANGUAGES[language]).click()
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=login]", email_of(role))
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if f"/{PARK}/" not in page.url:
            # Signed in on the list of parks: the park is one click away.
            page.locator(f'main a[href="/{PARK}/"]').first.click()
            page.wait_for_url(f"**/{PARK}/")
        _check(page, language)
        for where, address in JOURNEYS[role]:
            _click(page, where, address)
            _check(page, language)
    finally:
        context.close()
