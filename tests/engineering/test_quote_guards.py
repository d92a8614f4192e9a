"""A quote follows its request: answered only while the request is «quoted», edited and sent
only while it is triaged or quoted, and closed when the request is rejected or cancelled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from technopark.engineering import queries, rules, services
from technopark.engineering.models import Quote, QuoteApproval, QuoteLine, QuoteStatus, Tier
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db


def _move(centre, request, to, who="manager", reason=""):
    services.request_transition(
        access=centre.access(who), request=request, to_state=to, reason=reason, now=NOW
    )
    request.refresh_from_db()


def _codes(excinfo):
    return {error.code for error in excinfo.value.error_list}


@pytest.mark.parametrize(
    ("to", "who", "reason"),
    [("on_hold", "manager", "Ждём станок"), ("triaged", "manager", "")],
)
def test_a_quote_is_answered_only_while_the_request_is_quoted(centre, frozen, to, who, reason):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    _move(centre, request, to, who, reason)
    with pytest.raises(ValidationError) as excinfo:
        services.quote_approve(
            access=centre.access("founder"), quote=quote, side="company", now=NOW
        )
    assert _codes(excinfo) == {"request_not_quoted"}
    with pytest.raises(ValidationError) as excinfo:
        services.quote_decline(access=centre.access("founder"), quote=quote, reason="Нет", now=NOW)
    assert _codes(excinfo) == {"request_not_quoted"}
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and not QuoteApproval.all_parks.exists()
    acting = queries.acting_company_ids(park=centre.world.park, user=centre.world.users["founder"])
    loaded = queries.request_in_park(park=centre.world.park, pk=request.pk)
    assert not rules.can_answer_quote(centre.access("founder"), quote, loaded, acting)


def test_a_manager_does_not_approve_while_the_request_is_on_hold(centre, frozen):
    request = centre.to_state("triaged")
    quote = centre.sent_quote(request, quantity="121")
    _move(centre, request, "on_hold", reason="Ждём станок")
    with pytest.raises(ValidationError):
        services.quote_approve(
            access=centre.access("manager"), quote=quote, side="manager", now=NOW
        )
    assert not rules.can_approve_as_manager(centre.access("manager"), quote, request)


@pytest.mark.parametrize(
    ("to", "who", "reason"),
    [("cancelled", "founder", ""), ("rejected", "manager", "Нет оборудования")],
)
def test_closing_the_request_closes_its_open_quotes(centre, frozen, to, who, reason):
    request = centre.to_state("quoted")
    sent = request.quotes.get()
    _move(centre, request, to, who, reason)
    sent.refresh_from_db()
    # The company never answers it now: the request's end is the answer.
    assert (sent.status, sent.decline_reason, sent.decided_at) == ("declined", reason, NOW)
    with pytest.raises(ValidationError):
        services.quote_approve(access=centre.access("founder"), quote=sent, side="company", now=NOW)
    sent.refresh_from_db()
    assert sent.status == QuoteStatus.DECLINED and not QuoteApproval.all_parks.exists()


def test_a_cancelled_request_closes_its_draft_and_it_cannot_be_sent(centre, frozen):
    request = centre.to_state("triaged")
    draft = centre.quote(request)
    line = draft.lines.get()
    _move(centre, request, "cancelled", "founder")
    draft.refresh_from_db()
    assert draft.status == QuoteStatus.SUPERSEDED
    # Even a draft reopened by hand stays unsendable and unchangeable.
    Quote.all_parks.filter(pk=draft.pk).update(status=QuoteStatus.DRAFT)
    manager = centre.access("manager")
    for attempt in (
        lambda: services.quote_send(access=manager, quote=draft, now=NOW),
        lambda: services.quote_line_add(
            access=manager,
            quote=draft,
            service=centre.assay,
            quantity=Decimal("1"),
            tier=Tier.EXTERNAL,
            now=NOW,
        ),
        lambda: services.quote_materials_add(
            access=manager,
            quote=draft,
            description="Клей",
            quantity=Decimal("1"),
            unit_price=Decimal("10"),
        ),
        lambda: services.quote_line_remove(access=manager, line=line),
    ):
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert _codes(excinfo) == {"request_closed"}
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (QuoteStatus.DRAFT, "")
    assert QuoteLine.all_parks.filter(quote=draft).count() == 1


def test_the_page_offers_no_answer_while_the_request_is_on_hold(centre, frozen, client):
    request = centre.to_state("quoted")
    _move(centre, request, "on_hold", reason="Ждём станок")
    client.force_login(centre.world.users["founder"])
    url = reverse("engineering:request", kwargs={"park_slug": "yakutia", "pk": request.pk})
    body = client.get(url).content.decode()
    assert 'data-testid="quote"' in body
    assert 'data-testid="quote-approve"' not in body
    assert 'data-testid="quote-decline"' not in body


# --- Drafts are the park's own --------------------------------------------------------------

DRAFT_SEERS = {"manager", "engineer"}


@pytest.mark.parametrize("who", ["founder", "manager", "engineer", "other_engineer"])
def test_a_draft_is_shown_only_to_those_who_work_on_the_request(centre, frozen, client, who):
    request = centre.to_state("triaged")
    centre.quote(request)
    client.force_login(centre.world.users[who])
    page = client.get(
        reverse("engineering:request", kwargs={"park_slug": "yakutia", "pk": request.pk})
    )
    assert page.status_code == 200
    assert ('data-testid="quote"' in page.content.decode()) == (who in DRAFT_SEERS)
    listed = client.get(f"/api/v1/parks/yakutia/engineering/requests/{request.pk}/quotes")
    assert listed.status_code == 200
    assert [q["status"] for q in listed.json()] == (["draft"] if who in DRAFT_SEERS else [])


# --- Once a side has approved, it is not asked again -----------------------------------------


def test_after_the_companys_approval_it_is_not_asked_again(centre, frozen, client):
    from technopark.engineering import agenda

    request = centre.to_state("triaged")
    quote = centre.sent_quote(request, quantity="121")  # above the threshold
    park, founder = centre.world.park, centre.world.users["founder"]
    assert [item.count for item in agenda.company_items(park, founder, NOW.date())] == [1]
    services.quote_approve(access=centre.access("founder"), quote=quote, side="company", now=NOW)
    assert agenda.company_items(park, founder, NOW.date()) == []
    client.force_login(founder)
    body = client.get(
        reverse("engineering:request", kwargs={"park_slug": "yakutia", "pk": request.pk})
    ).content.decode()
    assert 'data-testid="quote-approve"' not in body
    assert 'data-testid="quote-decline"' not in body
    listed = client.get(reverse("engineering:my_requests", kwargs={"park_slug": "yakutia"}))
    assert listed.context["rows"][0].quotes_waiting == 0
    with pytest.raises(ValidationError) as excinfo:
        services.quote_decline(access=centre.access("founder"), quote=quote, reason="Нет", now=NOW)
    assert _codes(excinfo) == {"already_approved"}
    # The manager is still asked, once; after approving, no more.
    assert [item.count for item in agenda.staff_items(park, NOW.date())] == [1]
    services.quote_approve(access=centre.access("manager"), quote=quote, side="manager", now=NOW)
    assert agenda.staff_items(park, NOW.date()) == []


def test_the_manager_is_not_asked_to_approve_what_the_manager_approved(centre, frozen, client):
    from technopark.engineering import agenda

    request = centre.to_state("triaged")
    quote = centre.sent_quote(request, quantity="121")
    services.quote_approve(access=centre.access("manager"), quote=quote, side="manager", now=NOW)
    park = centre.world.park
    assert agenda.staff_items(park, NOW.date()) == []
    client.force_login(centre.world.users["manager"])
    body = client.get(
        reverse("engineering:request", kwargs={"park_slug": "yakutia", "pk": request.pk})
    ).content.decode()
    assert 'data-testid="quote-approve-manager"' not in body


def test_an_expired_quote_is_not_counted_as_waiting(centre, frozen, client):
    from technopark.engineering import agenda

    request = centre.to_state("triaged")
    quote = centre.sent_quote(request, quantity="121")
    park, founder = centre.world.park, centre.world.users["founder"]
    after = quote.expires_on + dt.timedelta(days=1)
    assert agenda.company_items(park, founder, quote.expires_on) != []
    assert agenda.company_items(park, founder, after) == []
    assert agenda.staff_items(park, after) == []
    acting = queries.acting_company_ids(park=park, user=founder)
    loaded = queries.request_in_park(park=park, pk=request.pk)
    quote = loaded.quotes.prefetch_related("approvals").get()
    access = centre.access("founder")
    assert rules.can_answer_quote(access, quote, loaded, acting, today=quote.expires_on)
    assert not rules.can_answer_quote(access, quote, loaded, acting, today=after)


def test_the_expiry_date_is_written_in_the_readers_format(centre, frozen):
    from django.utils import translation

    quote = centre.sent_quote(centre.to_state("triaged"))
    later = NOW + dt.timedelta(days=40)
    with translation.override("ru"), pytest.raises(ValidationError) as excinfo:
        services.quote_approve(
            access=centre.access("founder"), quote=quote, side="company", now=later
        )
    text = " ".join(excinfo.value.messages)
    assert "01.04.2026" in text and "2026-04-01" not in text


def test_replacing_an_approved_quote_is_audited(centre, frozen):
    from technopark.audit.models import AuditEntry

    request = centre.to_state("approved")
    approved = request.quotes.get(status="approved")
    services.quote_revise(access=centre.access("manager"), quote=approved, now=NOW)
    entry = AuditEntry.objects.get(action="engineering.quote_revise")
    assert entry.before["number"] == approved.number and entry.before["total"] == "25000.00"
    assert entry.after == {"status": "superseded", "new_version": 2}
    # A sent quote (never approved) is replaced without an entry.
    sent = centre.sent_quote(centre.to_state("triaged"))
    services.quote_revise(access=centre.access("manager"), quote=sent, now=NOW)
    assert AuditEntry.objects.filter(action="engineering.quote_revise").count() == 1


def test_a_system_reason_is_read_in_the_readers_language(centre, frozen, client):
    from django.utils import translation

    from technopark.engineering.models import RequestEvent

    request = centre.to_state("triaged")
    with translation.override("ru"):
        quote = centre.sent_quote(request)
    event = RequestEvent.all_parks.get(request=request, to_state="quoted")
    assert (event.reason, event.kind, event.params) == ("", "quote_sent", {"number": quote.number})
    with translation.override("en"):
        assert event.shown_reason == f"Quote {quote.number} sent."
    client.force_login(centre.world.users["founder"])
    body = client.get(
        reverse("engineering:request", kwargs={"park_slug": "yakutia", "pk": request.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert f"Quote {quote.number} sent." in body


@pytest.mark.parametrize("who", ["other_founder", "other_engineer"])
def test_outside_the_nda_the_quote_pages_are_not_found(centre, frozen, client, who):
    request = centre.to_state("quoted", confidential=True)
    quote = request.quotes.get()
    client.force_login(centre.world.users[who])
    kwargs = {"park_slug": "yakutia", "pk": quote.pk}
    assert client.post(reverse("engineering:quote_approve", kwargs=kwargs)).status_code == 404
    declined = client.post(reverse("engineering:quote_decline", kwargs=kwargs), {"reason": "Нет"})
    assert declined.status_code == 404
    assert client.get(reverse("engineering:quote", kwargs=kwargs)).status_code == 404
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and not quote.approvals.exists()


@pytest.mark.parametrize(("page", "who"), [("my_requests", "founder"), ("queue", "manager")])
def test_the_request_heading_reads_as_a_noun_in_russian(centre, frozen, client, page, who):
    centre.to_state("triaged")
    client.force_login(centre.world.users[who])
    body = client.get(
        reverse(f"engineering:{page}", kwargs={"park_slug": "yakutia"}), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert ">Заявка</th>" in body and "Запросить" not in body
