"""Every founder and manager page fits a 390 px phone; the council's pages fit a 1366 px desktop.

The pages are found by crawling the demo park from each role's home in Chromium (tests/crawl.py,
one page of each URL pattern); on each page ``document.documentElement.scrollWidth`` must not pass
``window.innerWidth``. A failure names the page and the elements that stick out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from technopark.core.scopes import scopes_disabled
from technopark.selection.models import Application, Review
from tests.crawl import crawl
from tests.e2e.demo_site import DESKTOP, PARK, PHONE, demo_park, overflow, sign_in

LONG_WORD = "Сверхдлинноеслово" * 400  # about 7 000 characters, no space to break at


@pytest.fixture(scope="module")
def demo_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    yield from demo_park(django_db_blocker)


@pytest.fixture
def demo(demo_server: str, db: Any) -> str:
    return demo_server


def _walk(browser: Any, base_url: str, role: str, viewport: dict[str, int]) -> dict[str, Any]:
    context = browser.new_context(base_url=base_url, locale="ru-RU", viewport=viewport)
    context.set_default_timeout(15_000)
    starts = ["/", f"/{PARK}/"]
    if role == "anonymous":
        # allauth's own pages are not crawled (tests/crawl.py): the ones a newcomer meets are listed.
        starts += ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    else:
        sign_in(context, base_url, role)
    page = context.new_page()
    too_wide: dict[str, Any] = {}

    def fetch(url: str) -> tuple[int, str]:
        response = page.goto(url)
        status = response.status if response else 0
        html = status == 200 and "text/html" in (response.headers.get("content-type") or "")
        # Only pages: a picker's search answers a fragment of <option>s for htmx to swap in.
        if html and page.locator("main#main").count():
            found = overflow(page)
            if found:
                too_wide[url] = found
        return (status, page.content()) if html else (status, "")

    try:
        result = crawl(fetch, starts, limit=300, per_pattern=1)
    finally:
        context.close()
    return {"pages": result.pages, "too_wide": too_wide, "failures": result.failures}


@pytest.mark.parametrize("role", ["founder", "manager", "anonymous"])
def test_every_page_fits_a_phone(demo: str, browser: Any, role: str) -> None:
    walked = _walk(browser, demo, role, PHONE)
    assert walked["pages"] >= 8, walked
    assert not walked["too_wide"], f"{role}'s pages wider than 390 px: {walked['too_wide']}"


def _council_urls() -> list[str]:
    with scopes_disabled():
        application = (
            Application.all_parks.filter(call__park__slug=PARK, assignments__isnull=False)
            .order_by("pk")
            .first()
        )
        assert application is not None, "the demo has an application with review assignments"
        # A word without a space to break at, where people type free text.
        Application.all_parks.filter(pk=application.pk).update(title=LONG_WORD)
        Review.objects.filter(assignment__application=application).update(
            note_for_council=LONG_WORD
        )
    call = application.call_id
    return [
        f"/{PARK}/calls/{call}/council/",
        f"/{PARK}/calls/{call}/council/{application.pk}/",
        f"/{PARK}/calls/{call}/assignments/",
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_council_fits_with_a_long_word(
    demo: str, browser: Any, viewport: dict[str, int]
) -> None:
    context = browser.new_context(base_url=demo, locale="ru-RU", viewport=viewport)
    context.set_default_timeout(15_000)
    sign_in(context, demo, "manager")
    page = context.new_page()
    try:
        for url in _council_urls():
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert overflow(page) is None, (url, overflow(page))
    finally:
        context.close()


def test_the_menu_folds_on_a_phone_and_opens_without_javascript(demo: str, browser: Any) -> None:
    context = browser.new_context(
        base_url=demo, locale="ru-RU", viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    sign_in(context, demo, "manager")
    page = context.new_page()
    try:
        page.goto(f"/{PARK}/")
        nav = page.locator("nav.main-nav")
        assert not nav.is_visible()
        header_height = page.locator("header.site-header").bounding_box()["height"]
        assert header_height < 80, "one row on a phone, the menu folded"
        page.get_by_test_id("menu-button").click()
        nav.locator("a").first.wait_for()
        assert nav.is_visible()
        # The menu is a labelled control a keyboard reaches.
        assert page.get_by_role("checkbox", name="Меню").count() == 1

        page.set_viewport_size(DESKTOP)
        page.goto(f"/{PARK}/")
        assert page.locator("nav.main-nav").is_visible()
        assert not page.get_by_test_id("menu-button").is_visible()
    finally:
        context.close()
