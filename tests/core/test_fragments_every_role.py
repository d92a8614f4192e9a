"""Every declared fragment, for every role of the demo park: the page (or API answer) served
from the cache is the page rendered afresh.

The demo park is seeded once for the module. For each fragment, its sample addresses are read
by every role three times: with fragment caching off (the truth), then on (built and kept, or
taken from what an earlier role cached), then on again (served from the cache). The cache is
shared by the roles within a test, in both orders, so a role served what another role's
request cached would show here. A new fragment without
samples fails ``test_every_fragment_has_samples``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from technopark.accounts.models import User
from technopark.core.fragments import FRAGMENTS
from technopark.parks.models import Park, Site
from technopark.programmes.models import Cohort
from technopark.selection.models import Call
from tests.caching import clear_caches

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_ROLES = (
    "anonymous",
    "admin",
    "manager",
    "expert",
    "mentor",
    "engineer",
    "founder",
    "partner",
    "investor",
    "customer",
    "observer",
    "national",
    "platform",
    "manager.magadan",
)
HTMX = {"HTTP_HX_REQUEST": "true"}

Sample = tuple[str, dict[str, str]]


def _samples(park: Park) -> dict[str, list[Sample]]:
    """Addresses that show each fragment: filters, pages, an htmx partial, odd values."""
    slug = park.slug
    call = Call.all_parks.filter(park=park).order_by("pk").first()
    cohort = Cohort.all_parks.filter(park=park).order_by("pk").first()
    site = Site.all_parks.filter(park=park).order_by("pk").first()
    assert call is not None and cohort is not None and site is not None
    companies = reverse("companies:list", kwargs={"park_slug": slug})
    ranking = reverse("selection:council_ranking", kwargs={"park_slug": slug, "call_id": call.pk})
    register = reverse("residency:register", kwargs={"park_slug": slug})
    calls = reverse("selection:call_list", kwargs={"park_slug": slug})
    reviews = reverse("selection:review_queue", kwargs={"park_slug": slug})
    ledger = reverse("grants:list", kwargs={"park_slug": slug})
    dashboard = reverse("programmes:dashboard", kwargs={"park_slug": slug, "pk": cohort.pk})
    calendar = reverse("spaces:calendar", kwargs={"park_slug": slug})
    search = reverse("spaces:search", kwargs={"park_slug": slug})
    queue = reverse("engineering:queue", kwargs={"park_slug": slug})
    engineer = User.objects.get(email="engineer@demo.technopark")
    api = f"/api/v1/parks/{slug}"
    return {
        "company-list": [
            (companies, {}),
            (f"{companies}?q=лаб&sort=-name", {}),
            (f"{companies}?sort=-name&q=лаб", {}),  # the same filters in another order
            (f"{companies}?q=&direction=&stage=&site=&sort=name", {}),  # the empty filter form
            (f"{companies}?stage=prototype&page=2", {}),
            (f"{companies}?site={site.pk}", HTMX),
            (f"{companies}?direction=²", {}),  # refused value: answered, not cached
        ],
        "api-company-list": [
            (f"{api}/companies", {}),
            (f"{api}/companies?q=лаб&limit=5&offset=5", {}),
        ],
        "park-home-public": [(f"/{slug}/", {})],
        "park-home-mine": [(f"/{slug}/", {})],
        # The member's agenda on the park's home, and on the personal page across parks.
        "park-agenda": [(f"/{slug}/", {}), ("/me/", {}), (companies, {})],
        "report-banner": [(f"/{slug}/", {}), (companies, {})],
        "council-ranking": [
            (ranking, {}),
            (f"{ranking}?sort=-spread&flagged=1", {}),
            (f"{ranking}?status=submitted", HTMX),
        ],
        "api-council-ranking": [(f"{api}/council/calls/{call.pk}/ranking?limit=3", {})],
        "resident-register": [
            (register, {}),
            (f"{register}?status=all&q=а", {}),
            (f"{register}?page=2", HTMX),
        ],
        "api-resident-register": [(f"{api}/residents?status=all", {})],
        # Per park and language; the staff's and applicants' buttons stay outside the cache.
        "open-calls": [(calls, {})],
        # Per expert: every role asks it, the experts see their own assignments.
        "review-queue": [(reviews, {})],
        "grant-ledger": [(ledger, {}), (f"{ledger}?state=paid", {}), (ledger, HTMX)],
        "cohort-dashboard": [(dashboard, {})],
        "spaces-calendar": [
            (calendar, {}),
            (f"{calendar}?site={site.pk}&type=desk&view=day", {}),
            (f"{calendar}?date=2026-03-02&type=lab", {}),
        ],
        "spaces-search": [
            (search, {}),
            (f"{search}?day=2026-03-03&start=10:00&end=12:00&capacity=2", {}),
        ],
        # One entry for the park's managers and admins; each engineer's own (NDA).
        "engineering-queue": [
            (queue, {}),
            (f"{queue}?state=quoted", {}),
            (f"{queue}?engineer={engineer.pk}&state=in_work", HTMX),
            (f"{queue}?state=bogus", {}),  # refused value: answered, not cached
        ],
    }


_PER_REQUEST = [
    # The visitor's CSRF token is masked anew for every response.
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'"csrfToken": "[^"]+"|data-csrf="[^"]+"'), "csrf"),
    (re.compile(r'nonce="[^"]+"'), "nonce"),
]


def _normalised(body: bytes) -> str:
    text = body.decode()
    for pattern, replacement in _PER_REQUEST:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(demo: None, db: Any) -> Park:
    return Park.objects.get(slug="yakutia")


def _client(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(email=f"{role}@demo.technopark"))
    return client


def test_every_fragment_has_samples(seeded: Park) -> None:
    assert set(_samples(seeded)) == set(FRAGMENTS)


def test_the_cache_is_used(seeded: Park, settings: Any, django_assert_max_num_queries: Any) -> None:
    # The comparison below would prove nothing if nothing were ever cached.
    client = _client("manager")
    url = reverse("companies:list", kwargs={"park_slug": seeded.slug})
    client.get(url)
    with django_assert_max_num_queries(0):
        # session, user, park and roles come from the cache too on a repeat visit
        client.get(url)


# Every declared fragment (``test_every_fragment_has_samples`` keeps this list complete).
FRAGMENT_NAMES = (
    "company-list",
    "api-company-list",
    "park-home-public",
    "park-home-mine",
    "park-agenda",
    "report-banner",
    "council-ranking",
    "api-council-ranking",
    "resident-register",
    "api-resident-register",
    "open-calls",
    "review-queue",
    "grant-ledger",
    "cohort-dashboard",
    "spaces-calendar",
    "spaces-search",
    "engineering-queue",
)


@pytest.mark.parametrize("order", ["roles forward", "roles backward"])
@pytest.mark.parametrize("name", FRAGMENT_NAMES)
def test_cached_fragments_are_the_fragments_rendered_afresh(
    seeded: Park, settings: Any, name: str, order: str
) -> None:
    roles = DEMO_ROLES if order == "roles forward" else tuple(reversed(DEMO_ROLES))
    clients = {role: _client(role) for role in roles}
    mismatches: list[str] = []
    shown = 0

    def read(role: str, url: str, headers: dict[str, str], cached: bool) -> tuple[int, str]:
        settings.TECHNOPARK_PAGE_FRAGMENTS = cached
        response = clients[role].get(url, **headers)  # type: ignore[arg-type]
        return response.status_code, _normalised(response.content)

    # One cache for all roles: what one role's request cached is what the next one is served.
    for url, headers in _samples(seeded)[name]:
        for role in roles:
            truth = read(role, url, headers, cached=False)
            assert truth[0] < 500, (role, url, truth[0])
            for label in ("first cached", "served from the cache"):
                got = read(role, url, headers, cached=True)
                if got != truth:
                    mismatches.append(f"{role} {url} {headers} ({label}): {got[0]} vs {truth[0]}")
            shown += truth[0] == 200
    assert not mismatches, "\n".join(mismatches)
    # At least two roles saw the fragment: the comparison covered real pages. The demo has one
    # expert, the only role with a review queue (tests/selection checks one expert's queue is
    # never another's); the other roles' refusals are still compared.
    assert shown >= (1 if name == "review-queue" else 2)


@pytest.fixture(autouse=True)
def _no_leftovers() -> Iterator[None]:
    yield
    clear_caches()
