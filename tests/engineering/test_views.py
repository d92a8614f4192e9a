"""The engineering pages: who may open what (the NDA rule as a role matrix, 404 outside it),
another park's request, bad input answered 400 with the error next to the field, the pages
each role uses, and the list pages' query counts pinned at two sizes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from technopark.engineering import services
from technopark.engineering.models import RequestState, ServiceRequest
from tests.conftest import ROLES
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db

PARK = "yakutia"
ALL_ROLES = (*ROLES, "engineer", "other_engineer")


def url(name, **kwargs):
    return reverse(f"engineering:{name}", kwargs={"park_slug": PARK, **kwargs})


@pytest.fixture
def login(centre, client):
    def make(role):
        if role != "anonymous":
            client.force_login(centre.world.users[role])
        return client

    return make


# --- The NDA rule ---------------------------------------------------------------------------

# Who sees a request of the founder's company, to whom the demo engineer is assigned.
SEES = {
    False: {"founder", "manager", "engineer", "other_engineer"},
    True: {"founder", "manager", "engineer"},
}


@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_a_request(centre, frozen, login, role, confidential):
    request = centre.to_state("quoted", confidential=confidential)
    response = login(role).get(url("request", pk=request.pk))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in SEES[confidential]:
        assert response.status_code == 200
        assert request.title in response.content.decode()
    else:
        assert response.status_code == 404
    # The quote's own page is the staff's editor: the same 404 outside the NDA.
    quote = request.quotes.get()
    response = login(role).get(url("quote", pk=quote.pk))
    if role in SEES[confidential] - {"founder", "other_engineer"}:
        assert response.status_code == 200
    elif role in SEES[confidential]:
        assert response.status_code == 403  # sees the request, does not edit its quotes
    else:
        assert response.status_code in (302, 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_confidential_request_is_left_out_of_the_queue_of_other_engineers(
    centre, frozen, login, role
):
    secret = centre.to_state("triaged", confidential=True)
    open_ = centre.to_state("triaged")
    response = login(role).get(url("queue"))
    if role in ("manager", "engineer", "other_engineer"):
        body = response.content.decode()
        assert response.status_code == 200
        assert url("request", pk=open_.pk) in body
        assert (url("request", pk=secret.pk) in body) == (role != "other_engineer")
    elif role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code in (403, 404)


def test_another_parks_request_is_not_found(centre, frozen, login):
    foreign = ServiceRequest.all_parks.create(
        park=centre.world.other_park,
        company=centre.world.foreign_company,
        title="Чужая заявка",
        description="—",
        created_by=centre.world.users["outsider"],
        created_at=NOW,
        changed_at=NOW,
    )
    client = login("manager")
    assert client.get(url("request", pk=foreign.pk)).status_code == 404
    assert client.post(url("transition", pk=foreign.pk), {"to_state": "triaged"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == RequestState.SUBMITTED


# --- Pages each role uses -------------------------------------------------------------------

PAGES = {
    "my_requests": {"founder", "other_founder", "manager"},
    "request_new": {"founder", "other_founder", "manager"},
    "queue": {"manager", "engineer", "other_engineer"},
    "setup": {"manager"},
    "setup_service_new": {"manager"},
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_open_for_the_roles_that_use_them(centre, frozen, login, page, role):
    centre.to_state("quoted")
    response = login(role).get(url(page))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


def test_the_service_page_opens_for_the_manager(centre, frozen, login):
    response = login("manager").get(url("setup_service", pk=centre.assay.pk))
    assert response.status_code == 200
    assert "2 500,00" in response.content.decode() or "2,500.00" in response.content.decode()


def test_a_draft_quote_is_linked_from_its_request_page(centre, frozen, login):
    request = centre.to_state("triaged")
    quote = centre.quote(request)
    page = login("engineer").get(url("request", pk=request.pk)).content.decode()
    assert f'href="{url("quote", pk=quote.pk)}"' in page
    assert login("engineer").get(url("quote", pk=quote.pk)).status_code == 200


def test_the_menu_leads_each_role_to_its_engineering_page(centre, frozen, login):
    home = f"/{PARK}/"
    assert url("queue") in login("manager").get(home).content.decode()
    assert url("my_requests") in login("founder").get(home).content.decode()


# --- A founder's and an engineer's round trip through the pages ------------------------------


def test_a_founder_files_a_request_and_approves_the_quote(centre, frozen, login):
    client = login("founder")
    response = client.post(
        url("request_new"),
        {
            "company": centre.world.company.pk,
            "title": "Испытания на вибростенде",
            "description": "Вибрация 5–500 Гц, три оси.",
            "desired_on": "2026-04-01",
            "confidential": "on",
        },
    )
    request = ServiceRequest.all_parks.get(title="Испытания на вибростенде")
    assert response.status_code == 302 and response["Location"] == url("request", pk=request.pk)
    assert request.confidential and request.created_by == centre.world.users["founder"]
    centre.assign(request)
    services.request_transition(
        access=centre.access("engineer"), request=request, to_state="triaged", now=NOW
    )
    quote = centre.sent_quote(request)
    page = client.get(url("request", pk=request.pk)).content.decode()
    assert 'data-testid="quote-approve"' in page and quote.number in page
    response = client.post(url("quote_approve", pk=quote.pk))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_an_engineer_edits_and_sends_a_quote(centre, frozen, login):
    request = centre.to_state("triaged")
    client = login("engineer")
    response = client.post(url("quote_create", pk=request.pk))
    quote = request.quotes.get()
    assert response["Location"] == url("quote", pk=quote.pk)
    response = client.post(
        url("quote_line_add", pk=quote.pk),
        {"service": centre.drilling.pk, "quantity": "3,5", "tier": "resident"},
    )
    assert response.status_code == 302
    response = client.post(
        url("quote_materials_add", pk=quote.pk),
        {"description": "Заготовка", "quantity": "1", "unit_price": "1 000,50"},
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert str(quote.total) == "9400.50"  # 3.5 h × 2 400 ₽ + 1 000.50 ₽
    assert client.post(url("quote_send", pk=quote.pk)).status_code == 302
    quote.refresh_from_db()
    assert quote.number == "ИЦ-2026-0001"


# --- Bad input ------------------------------------------------------------------------------


def test_a_request_without_a_title_is_refused_next_to_the_field(centre, frozen, login):
    response = login("founder").post(
        url("request_new"),
        {"company": centre.world.company.pk, "title": "", "description": "x"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not ServiceRequest.all_parks.exists()


def test_a_request_for_another_company_is_refused(centre, frozen, login):
    response = login("founder").post(
        url("request_new"),
        {"company": centre.world.other_company.pk, "title": "Т", "description": "x"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["company"]


@pytest.mark.parametrize(
    "data",
    [
        {"to_state": "delivered"},  # not from «submitted»
        {"to_state": "nonsense"},
        {"to_state": "rejected", "reason": ""},  # needs a reason
        {"to_state": "quoted"},  # made by a quote
    ],
)
def test_a_refused_change_is_a_400_with_the_reason(centre, frozen, login, data):
    request = centre.to_state("submitted")
    response = login("manager").post(url("transition", pk=request.pk), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    request.refresh_from_db()
    assert request.state == "submitted"


@pytest.mark.parametrize(
    "data",
    [
        {"service": "", "quantity": "1", "tier": "resident"},
        {"service": "{service}", "quantity": "-1", "tier": "resident"},
        {"service": "{service}", "quantity": "abc", "tier": "resident"},
        {"service": "{service}", "quantity": "1", "tier": "gold"},
        {"service": "{service}", "quantity": "1", "tier": "resident", "discount": "10"},
        {"service": "99999999999999999999", "quantity": "1", "tier": "resident"},
    ],
)
def test_a_bad_quote_line_is_a_400(centre, frozen, login, data):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    data = {k: v.replace("{service}", str(centre.assay.pk)) for k, v in data.items()}
    response = login("manager").post(url("quote_line_add", pk=quote.pk), data)
    assert response.status_code == 400
    assert not quote.lines.exists()


def test_declining_without_a_reason_is_a_400(centre, frozen, login):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    response = login("founder").post(url("quote_decline", pk=quote.pk), {"reason": ""})
    assert response.status_code == 400
    quote.refresh_from_db()
    assert quote.status == "sent"


def test_a_price_with_bad_input_is_a_400(centre, login):
    response = login("manager").post(
        url("setup_price", pk=centre.assay.pk),
        {"tier": "resident", "valid_from": "31.02.2026", "unit_price": "-5"},
    )
    assert response.status_code == 400
    form = response.context["price_form"]
    assert form.errors["valid_from"] and form.errors["unit_price"]


def test_the_queue_ignores_a_malformed_filter(centre, frozen, login):
    centre.to_state("triaged")
    for query in ("?state=bogus", "?engineer=²", "?engineer=99999999999999999999999", "?page=x"):
        assert login("manager").get(url("queue") + query).status_code == 200


# --- Query counts ---------------------------------------------------------------------------


def _fill(centre, n):
    for i in range(n):
        request = centre.to_state("quoted", confidential=bool(i % 2))
        centre.assign(request, centre.engineer, centre.other_engineer)


@pytest.mark.parametrize("n", [1, 4])
def test_my_requests_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n
):
    _fill(centre, n)
    client = login("founder")
    # user, park (2; session and roles from the cache); the companies the visitor is in (1);
    # the page's count and rows (2); the park switcher (1); the report banner (1)
    with django_assert_num_queries(MY_REQUESTS_QUERIES):
        response = client.get(url("my_requests"))
    assert response.content.decode().count('data-testid="my-requests"') == 1
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [1, 4])
def test_the_queue_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, settings, n
):
    settings.TECHNOPARK_PAGE_FRAGMENTS = False  # the fragment's own queries, built every time
    _fill(centre, n)
    client = login("engineer")
    # the middleware's (3: session, user, roles); the queue's count and rows (2) and their
    # engineers (1); the count per state (1); the engineers to filter by (1); the park switcher (1)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(url("queue"))
    body = response.content.decode()
    assert body.count(url("request", pk=0)[:-2]) >= n


MY_REQUESTS_QUERIES = 7
QUEUE_QUERIES = 9


def _versions(centre, n):
    """A quoted request with ``n`` sent versions of its quote (each with one line)."""
    request = centre.to_state("triaged")
    centre.assign(request, centre.engineer, centre.other_engineer)
    quote = centre.sent_quote(request)
    for _ in range(n - 1):
        new = services.quote_revise(access=centre.access("manager"), quote=quote, now=NOW)
        quote = services.quote_send(access=centre.access("manager"), quote=new, now=NOW)
    return request


@pytest.mark.parametrize("who", ["manager", "founder"])
@pytest.mark.parametrize("n", [1, 4])
def test_the_request_page_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n, who
):
    request = _versions(centre, n)
    client = login(who)
    with django_assert_num_queries(REQUEST_PAGE_QUERIES[who]):
        response = client.get(url("request", pk=request.pk))
    assert response.content.decode().count('data-testid="quote"') == n


@pytest.mark.parametrize("n", [1, 4])
def test_the_quote_editor_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n
):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    for i in range(n):
        services.quote_materials_add(
            access=centre.access("manager"),
            quote=quote,
            description=f"Материал {i}",
            quantity=Decimal("1"),
            unit_price=Decimal("10"),
        )
    client = login("manager")
    with django_assert_num_queries(EDITOR_QUERIES):
        response = client.get(url("quote", pk=quote.pk))
    assert response.content.decode().count("Материал ") >= n


@pytest.mark.parametrize("n", [1, 4])
def test_the_api_list_and_quotes_run_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n
):
    _fill(centre, n)
    request = _versions(centre, n)
    client = login("manager")
    base = f"/api/v1/parks/{PARK}/engineering/requests"
    with django_assert_num_queries(API_LIST_QUERIES):
        listed = client.get(base)
    assert listed.json()["count"] == n + 1
    with django_assert_num_queries(API_QUOTES_QUERIES):
        quotes = client.get(f"{base}/{request.pk}/quotes")
    assert len(quotes.json()) == n


# the request page: the middleware's and the page furniture, the request with its engineers,
# the visitor's companies, the history, the quotes with their lines and approvals; the manager
# also loads the people to assign (staff, engineers); and the request's work order (none here)
REQUEST_PAGE_QUERIES = {"manager": 14, "founder": 13}
EDITOR_QUERIES = 13
API_LIST_QUERIES = 6
API_QUOTES_QUERIES = 7
