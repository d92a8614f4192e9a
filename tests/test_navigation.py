"""The header's links: each role sees the pages it may open, and the current one is marked."""

from __future__ import annotations

import re
from typing import Any

import pytest

LINK = re.compile(r'<li><a href="([^"]+)" ?(aria-current="page")?>([^<]+)</a></li>')

EXPECTED = {
    "anonymous": ["About the park", "Calls", "Residents"],
    "founder": [
        "About the park",
        "Companies",
        "Calls",
        "My applications",
        "Residents",
        "Quarterly reports",
        "Spaces",
        "Programmes",
        "My grants",
        "Engineering",
        "Network",
    ],
    "expert": [
        "About the park",
        "Companies",
        "Calls",
        "My reviews",
        "Residents",
        "Spaces",
        "Programmes",
        "Network",
    ],
    "manager": [
        "About the park",
        "Companies",
        "Calls",
        "Selection",
        "Residents",
        "Spaces",
        "Programmes",
        "Grants",
        "Engineering",
        "Network",
        "People",
    ],
    "observer": [
        "About the park",
        "Companies",
        "Calls",
        "Residents",
        "Spaces",
        "Programmes",
        "Grants",
        "Engineering",
        "Network",
    ],
}


def _links(html: str) -> list[tuple[str, bool, str]]:
    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    return [(href, bool(current), label.strip()) for href, current, label in LINK.findall(nav)]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_the_pages_it_may_open(world: Any, client_for: Any, role: str) -> None:
    client = client_for(role)
    links = _links(client.get("/yakutia/").content.decode())
    assert [label for _href, _current, label in links] == EXPECTED[role]
    for href, _current, label in links:
        assert client.get(href).status_code == 200, label


def test_staff_and_the_public_reach_different_resident_pages(world: Any, client_for: Any) -> None:
    public = dict(
        (label, href)
        for href, _c, label in _links(client_for("anonymous").get("/yakutia/").content.decode())
    )
    staff = dict(
        (label, href)
        for href, _c, label in _links(client_for("manager").get("/yakutia/").content.decode())
    )
    assert public["Residents"] == "/yakutia/residents/"
    assert staff["Residents"] != public["Residents"]


def test_the_current_page_is_marked(world: Any, client_for: Any) -> None:
    client = client_for("founder")
    links = _links(client.get("/yakutia/spaces/").content.decode())
    assert [label for _href, current, label in links if current] == ["Spaces"]
    links = _links(client.get("/yakutia/calls/").content.decode())
    assert [label for _href, current, label in links if current] == ["Calls"]


def test_an_outsider_sees_no_links_of_this_park_in_another(world: Any, client_for: Any) -> None:
    links = _links(client_for("outsider").get("/kolyma/").content.decode())
    assert all(href.startswith("/kolyma/") for href, _c, _l in links)
    assert "Selection" in [label for _h, _c, label in links]  # a manager there


SPACES_LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')
SPACES_EXPECTED = {
    "founder": ["Calendar", "Find a free slot", "Book", "My bookings", "My certificates"],
    "manager": [
        "Calendar",
        "Find a free slot",
        "Book",
        "My bookings",
        "My certificates",
        "Approvals",
        "Certificates",
        "Training sessions",
        "Incidents",
        "Occupancy",
        "Set-up",
    ],
    "observer": ["Calendar", "Find a free slot", "My bookings", "My certificates", "Occupancy"],
}


@pytest.mark.parametrize("role", sorted(SPACES_EXPECTED))
def test_the_spaces_section_links_follow_the_role(world: Any, client_for: Any, role: str) -> None:
    client = client_for(role)
    html = client.get("/yakutia/spaces/search/").content.decode()
    nav = html[html.index('<nav class="filters spaces-nav"') :]
    nav = nav[: nav.index("</nav>")]
    links = SPACES_LINK.findall(nav)
    assert [label for _href, _current, label in links] == SPACES_EXPECTED[role]
    assert [label for _href, current, label in links if current] == ["Find a free slot"]
    for href, _current, label in links:
        assert client.get(href).status_code == 200, label
