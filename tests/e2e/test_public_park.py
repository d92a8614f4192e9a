"""An anonymous visitor reads a park's public page in a real browser."""

from __future__ import annotations

from tests.factories import CompanyFactory, DirectionFactory, ParkFactory, SiteFactory


def test_anonymous_visitor_reads_the_public_park_page(page, transactional_db):
    park = ParkFactory(
        slug="yakutia",
        name="Технопарк Якутия",
        name_en="Technopark Yakutia",
        description="Помогаем идеям стать компаниями.",
    )
    SiteFactory(park=park, name="IT-парк", address="Якутск, пр. Ленина, 1")
    DirectionFactory(park=park, code="it", name="Информационные технологии", name_en="IT")
    for _ in range(3):
        CompanyFactory(park=park, started_in_park=True)

    page.goto("/yakutia/")
    assert page.locator("h1").inner_text() == "Технопарк Якутия"
    assert page.get_by_text("Помогаем идеям стать компаниями.").is_visible()
    assert page.get_by_test_id("figure-total").inner_text() == "3"
    assert page.get_by_text("Информационные технологии").is_visible()
    assert page.get_by_text("Якутск, пр. Ленина, 1").is_visible()
    # Landmarks a screen reader uses, and the way to skip to them.
    assert page.locator("main#main").count() == 1
    assert page.locator("nav[aria-label]").count() >= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    # Nothing on the page comes from another host.
    hosts = page.evaluate(
        "Array.from(document.querySelectorAll('script[src],link[href],img[src]'))"
        ".map(e => new URL(e.src || e.href, location.href).host)"
    )
    assert set(hosts) <= {page.url.split("/")[2]}
