"""The quote and the acceptance act as PDF: rendered by fpdf2, read back by pypdf, their Cyrillic
text checked (the company, the number, the total as the reader writes it); the English variant;
who may download them (the NDA role matrix, another park, drafts, an act before acceptance);
the API's downloads and their OpenAPI description."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from technopark.engineering import documents, services
from tests.conftest import ROLES
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db

PARK = "yakutia"
ALL_ROLES = (*ROLES, "engineer", "other_engineer")
# Who sees a request of the founder's company, to whom ``engineer`` is assigned.
SEES = {
    False: {"founder", "manager", "engineer", "other_engineer"},
    True: {"founder", "manager", "engineer"},
}


def url(name, **kwargs):
    return reverse(f"engineering:{name}", kwargs={"park_slug": PARK, **kwargs})


def text_of(data: bytes) -> str:
    """The PDF's text, its no-break spaces as plain ones, its lines joined by spaces."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def login(centre, client):
    def make(role, language="ru"):
        client.cookies["django_language"] = language
        if role != "anonymous":
            client.force_login(centre.world.users[role])
        return client

    return make


def _discounted(centre):
    """A triaged request whose draft has a discounted service line and a line of materials."""
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    services.quote_line_add(
        access=centre.access("manager"),
        quote=quote,
        service=centre.assay,
        quantity=Decimal("10"),
        tier="external",
        discount=Decimal("2500"),
        discount_reason="Десятый образец бесплатно",
        now=NOW,
    )
    services.quote_materials_add(
        access=centre.access("manager"),
        quote=quote,
        description="Эпоксидная смола, кг",
        quantity=Decimal("1.5"),
        unit_price=Decimal("1200"),
    )
    return request, quote


# --- The quote ------------------------------------------------------------------------------


def test_the_quote_pdf_in_russian_has_the_company_number_lines_and_total(centre, frozen, login):
    request, quote = _discounted(centre)
    quote = services.quote_send(access=centre.access("manager"), quote=quote, now=NOW)
    services.quote_approve(access=centre.access("founder"), quote=quote, side="company", now=NOW)
    response = login("founder").get(url("quote_pdf", pk=quote.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    text = text_of(response.content)
    company = centre.world.company
    assert "Коммерческое предложение" in text
    assert f"№ {quote.number} от 2 марта 2026" in text
    assert quote.number.startswith("ИЦ-2026-")
    assert company.legal_name in text and company.inn in text
    assert "Технопарк Якутия" in text
    assert request.title in text
    # 10 × 2 500 − 2 500 + 1,5 × 1 200 = 24 300
    assert "Испытание образца на прочность" in text and "Эпоксидная смола, кг" in text
    assert "Десятый образец бесплатно" in text
    assert "1,5" in text and "образец" in text
    assert "24 300,00 ₽" in text
    assert "Действует до 1 апреля 2026" in text
    # the approval, who and when, in the park's time (10:00 in Yakutsk)
    assert "Founder" in text and "10:00" in text


def test_the_quote_pdf_in_english_names_the_service_and_money_the_english_way(
    centre, frozen, login
):
    _request, quote = _discounted(centre)
    quote = services.quote_send(access=centre.access("manager"), quote=quote, now=NOW)
    response = login("founder", "en").get(url("quote_pdf", pk=quote.pk))
    text = text_of(response.content)
    assert "Quote" in text and "Коммерческое" not in text
    assert "Strength test of a sample" in text
    assert "RUB 24,300.00" in text
    assert "Technopark Yakutia" in text
    assert "Not approved yet." in text
    assert PdfReader(io.BytesIO(response.content)).metadata.title == "Quote"


def test_the_same_quote_gives_the_same_bytes(centre, frozen):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    assert documents.render_quote(quote, request, language="ru") == documents.render_quote(
        quote, request, language="ru"
    )


@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_download_a_quote(centre, frozen, login, role, confidential):
    request = centre.to_state("quoted", confidential=confidential)
    quote = request.quotes.get()
    response = login(role).get(url("quote_pdf", pk=quote.pk))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in SEES[confidential]:
        assert response.status_code == 200
        assert quote.number in text_of(response.content)
    else:  # other company, observer, expert, another park's manager, outside the NDA
        assert response.status_code == 404


def test_a_draft_is_downloaded_by_staff_only(centre, frozen, login):
    request = centre.to_state("triaged")
    draft = centre.quote(request)
    assert login("founder").get(url("quote_pdf", pk=draft.pk)).status_code == 404
    staff = login("manager").get(url("quote_pdf", pk=draft.pk))
    assert staff.status_code == 200
    assert "черновик" in text_of(staff.content).lower()
    # the engineer assigned to it too
    assert login("engineer").get(url("quote_pdf", pk=draft.pk)).status_code == 200


def _closed_draft(centre, end):
    """A draft whose request ends before it is sent: it is closed as «superseded», never sent."""
    request = centre.to_state("triaged")
    draft = centre.quote(request)
    who, reason = ("founder", "") if end == "cancelled" else ("manager", "Нет оборудования")
    services.request_transition(
        access=centre.access(who), request=request, to_state=end, reason=reason, now=NOW
    )
    draft.refresh_from_db()
    assert draft.status == "superseded" and draft.sent_at is None and not draft.number
    return request, draft


@pytest.mark.parametrize("end", ["cancelled", "rejected"])
def test_a_draft_closed_with_its_request_stays_hidden_from_the_company(centre, frozen, login, end):
    """Closed as «superseded», the draft was still never sent: to the company it does not exist."""
    request, draft = _closed_draft(centre, end)
    pdf = url("quote_pdf", pk=draft.pk)
    company = login("founder")
    assert company.get(pdf).status_code == 404
    page = company.get(url("request", pk=request.pk))
    assert page.status_code == 200
    assert pdf not in page.content.decode()
    # the people who work on the request still see it and its PDF
    staff = login("manager")
    assert staff.get(pdf).status_code == 200
    assert pdf in staff.get(url("request", pk=request.pk)).content.decode()


def test_the_quote_pdf_says_who_approved_in_whole_sentences(centre, frozen, login):
    """Each side's approval is its own sentence, not a side's name put into one: «от имени
    компании», never «от имени Компания»."""
    request = centre.to_state("triaged")
    quote = centre.sent_quote(request, quantity="121")  # above the threshold: both sides approve
    assert quote.needs_manager
    services.quote_approve(access=centre.access("founder"), quote=quote, side="company", now=NOW)
    services.quote_approve(access=centre.access("manager"), quote=quote, side="manager", now=NOW)
    text = text_of(login("founder").get(url("quote_pdf", pk=quote.pk)).content)
    assert "Согласовано от имени компании: Founder," in text
    assert "Согласовано менеджером парка: Manager," in text
    assert "Компания:" not in text and "Менеджер парка:" not in text
    english = text_of(login("founder", "en").get(url("quote_pdf", pk=quote.pk)).content)
    assert "Approved for the company by Founder," in english
    assert "Approved by the park's manager Manager," in english


def test_another_parks_quote_is_a_404(centre, frozen, client):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    client.force_login(centre.world.users["outsider"])
    response = client.get(f"/kolyma/engineering/quotes/{quote.pk}.pdf")
    assert response.status_code == 404


def test_the_request_page_links_to_the_quote_pdf(centre, frozen, login):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    page = login("founder").get(url("request", pk=request.pk)).content.decode()
    assert url("quote_pdf", pk=quote.pk) in page
    editor = login("manager").get(url("quote", pk=quote.pk)).content.decode()
    assert url("quote_pdf", pk=quote.pk) in editor


# --- The acceptance act ---------------------------------------------------------------------


def test_the_act_pdf_in_russian(centre, frozen, login):
    request = centre.to_state("accepted")
    assert request.act_number.startswith("АКТ-2026-")
    response = login("founder").get(url("act_pdf", pk=request.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    company = centre.world.company
    assert "Акт выполненных работ" in text
    assert f"№ {request.act_number} от 2 марта 2026" in text
    assert "Исполнитель: Технопарк Якутия" in text
    assert f"Заказчик: {company.legal_name}" in text
    assert "Испытание образца на прочность" in text
    assert "25 000,00 ₽" in text
    assert "выполнены в полном объёме и приняты заказчиком" in text
    assert "Претензий по объёму, качеству и срокам" in text
    assert text.count("____________________") == 2
    assert "Founder" in text  # who accepted signs for the customer


def test_the_act_pdf_in_english(centre, frozen, login):
    request = centre.to_state("charged")
    text = text_of(login("manager", "en").get(url("act_pdf", pk=request.pk)).content)
    assert "Acceptance act" in text
    assert request.act_number in text
    assert "RUB 25,000.00" in text
    assert "no claims" in text


def test_the_act_lists_what_act_lines_returns(centre, frozen, monkeypatch):
    """The lines come from one function: swapping it changes the act and its total."""
    request = centre.to_state("accepted")
    line = documents._act_lines(request)[0]
    fewer = documents.ActLine(
        description="Испытание 8 образцов",
        quantity=Decimal("8"),
        unit="образец",
        unit_price=line.unit_price,
        discount=Decimal("0"),
        discount_reason="",
        amount=Decimal("20000.00"),
    )
    monkeypatch.setattr(documents, "_act_lines", lambda request: [fewer])
    text = text_of(documents.render_act(request, language="ru"))
    assert "Испытание 8 образцов" in text and "20 000,00 ₽" in text
    assert "25 000,00" not in text


@pytest.mark.parametrize("state", ["delivered", "in_work"])
def test_no_act_before_acceptance(centre, frozen, login, state):
    request = centre.to_state(state)
    assert login("manager").get(url("act_pdf", pk=request.pk)).status_code == 404
    page = login("founder").get(url("request", pk=request.pk)).content.decode()
    assert url("act_pdf", pk=request.pk) not in page


def test_an_accepted_request_on_hold_keeps_its_act(centre, frozen, login):
    request = centre.to_state("accepted")
    services.request_transition(
        access=centre.access("manager"),
        request=request,
        to_state="on_hold",
        reason="Ждём оплату",
        now=NOW,
    )
    request.refresh_from_db()
    assert request.state == "on_hold" and request.held_from == "accepted"
    client = login("founder")
    response = client.get(url("act_pdf", pk=request.pk))
    assert response.status_code == 200
    assert request.act_number in text_of(response.content)
    page = client.get(url("request", pk=request.pk)).content.decode()
    assert url("act_pdf", pk=request.pk) in page
    assert client.get(f"{API}/requests/{request.pk}/act/pdf").status_code == 200


def test_a_request_held_before_acceptance_has_no_act(centre, frozen, login):
    request = centre.to_state("delivered")
    services.request_transition(
        access=centre.access("manager"),
        request=request,
        to_state="on_hold",
        reason="Ждём оборудование",
        now=NOW,
    )
    assert login("manager").get(url("act_pdf", pk=request.pk)).status_code == 404


@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_download_an_act(centre, frozen, login, role, confidential):
    request = centre.to_state("accepted", confidential=confidential)
    response = login(role).get(url("act_pdf", pk=request.pk))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in SEES[confidential]:
        assert response.status_code == 200
        page = login(role).get(url("request", pk=request.pk)).content.decode()
        assert url("act_pdf", pk=request.pk) in page
    else:
        assert response.status_code == 404


# --- The API --------------------------------------------------------------------------------

API = f"/api/v1/parks/{PARK}/engineering"


def test_the_api_gives_the_quote_and_the_act_as_pdf(centre, frozen, login):
    request = centre.to_state("accepted")
    quote = request.quotes.get(status="approved")
    client = login("founder")
    answer = client.get(f"{API}/quotes/{quote.pk}/pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert quote.number in text_of(answer.content)
    act = client.get(f"{API}/requests/{request.pk}/act/pdf")
    assert act.status_code == 200
    assert request.act_number in text_of(act.content)


@pytest.mark.parametrize("role", ["other_founder", "observer", "outsider", "other_engineer"])
def test_the_api_answers_404_outside_the_nda_and_the_park(centre, frozen, login, role):
    request = centre.to_state("accepted", confidential=True)
    quote = request.quotes.get(status="approved")
    client = login(role)
    assert client.get(f"{API}/quotes/{quote.pk}/pdf").status_code == 404
    assert client.get(f"{API}/requests/{request.pk}/act/pdf").status_code == 404


def test_the_api_refuses_a_draft_to_the_company_and_an_act_before_acceptance(centre, frozen, login):
    request = centre.to_state("triaged")
    draft = centre.quote(request)
    client = login("founder")
    assert client.get(f"{API}/quotes/{draft.pk}/pdf").status_code == 404
    assert client.get(f"{API}/requests/{request.pk}/act/pdf").status_code == 404
    assert client.get(f"{API}/quotes/999999/pdf").status_code == 404


@pytest.mark.parametrize("end", ["cancelled", "rejected"])
def test_the_api_refuses_a_draft_closed_with_its_request_to_the_company(centre, frozen, login, end):
    request, draft = _closed_draft(centre, end)
    client = login("founder")
    assert client.get(f"{API}/quotes/{draft.pk}/pdf").status_code == 404
    listed = client.get(f"{API}/requests/{request.pk}/quotes")
    assert listed.status_code == 200
    assert listed.json() == []
    staff = login("manager")
    assert [row["id"] for row in staff.get(f"{API}/requests/{request.pk}/quotes").json()] == [
        draft.pk
    ]
    assert staff.get(f"{API}/quotes/{draft.pk}/pdf").status_code == 200


def test_the_openapi_document_describes_a_pdf_answer(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/parks/{park_slug}/engineering/quotes/{quote_id}/pdf",
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}/act/pdf",
    ):
        ok = paths[path]["get"]["responses"]["200"]
        assert set(ok["content"]) == {"application/pdf"}
        assert "PDF" in ok["description"]


@pytest.mark.parametrize("n", [1, 5])
def test_the_documents_run_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n
):
    """The quote's PDF runs as many queries for one line as for five."""
    request = centre.to_state("triaged")
    quote = centre.quote(request, quantity="1")
    for _ in range(n - 1):
        services.quote_line_add(
            access=centre.access("manager"),
            quote=quote,
            service=centre.drilling,
            quantity=Decimal("2"),
            tier="resident",
            now=NOW,
        )
    client = login("manager")
    with django_assert_num_queries(DOCUMENT_QUERIES):
        assert client.get(url("quote_pdf", pk=quote.pk)).status_code == 200


# the middleware's (session, user, park, membership…), the quote, its request with its
# engineers, the visitor's companies, the lines with their services, the approvals
DOCUMENT_QUERIES = 10
