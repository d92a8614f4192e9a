"""The payment gate and segregation of duties in a browser: a founder files a milestone report,
staff return it; the tranche for that milestone, requested by one member of staff (the award's
decider) and approved by two others, is refused payment with a message that names the
milestone and the report's state — also to the approver who tries to pay it himself; the founder
refiles, staff accept, and a fourth member of staff, neither requester nor approver, pays.

The browser reads Russian (``locale="ru-RU"``): the messages are checked as a Russian reader
sees them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from technopark.grants import services
from technopark.grants.models import Disbursement, GrantReport, ReportStatus, TrancheStatus
from technopark.notices.models import Notice
from technopark.parks.models import Role
from technopark.programmes.models import Cohort, Participant, Programme
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ParkFactory,
    TeamMemberFactory,
    UserFactory,
)

D500 = Decimal("500000.00")


def _signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _staff(park, email, name, role=Role.MANAGER):
    person = UserFactory(email=email, full_name=name)
    MembershipFactory(park=park, user=person, role=role)
    return person


def test_payment_waits_for_the_accepted_report_and_the_duties_stay_apart(
    browser, live_server, transactional_db, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "ru"
    park = ParkFactory(slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia")
    requester = _staff(park, "a@example.org", "Сардана Николаева")
    first_approver = _staff(park, "b@example.org", "Аркадий Саввинов", Role.PARK_ADMIN)
    second_approver = _staff(park, "c@example.org", "Мария Слепцова")
    payer = _staff(park, "d@example.org", "Людмила Оконешникова")
    founder = UserFactory(email="founder@example.org", full_name="Туйаара Попова")
    MembershipFactory(park=park, user=founder, role=Role.FOUNDER)
    company = CompanyFactory(park=park, short_name="Северный код")
    TeamMemberFactory(company=company, user=founder, position="CEO")
    today = timezone.localdate()
    programme = Programme.all_parks.create(park=park, name="Полярный старт")
    cohort = Cohort.all_parks.create(
        park=park,
        programme=programme,
        name="Весна",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    participant = Participant.objects.create(cohort=cohort, company=company)
    award = services.grant_award_create(
        participant=participant,
        actor=requester,
        amount=Decimal("1000000.00"),
        decision_reference="Протокол ГК-9",
        decided_on=today,
        budget={"equipment": Decimal("1000000.00")},
        milestones=[
            services.MilestonePlan(
                title="Прототип", due_on=today + timedelta(days=5), tranche_amount=D500
            )
        ],
    )
    tranche = award.tranches.get()
    milestone = tranche.milestone
    detail = f"/yakutia/grants/{award.pk}/"

    # The founder files the milestone report.
    founder_context = _signed_in(browser, live_server, founder)
    founder_page = founder_context.new_page()
    founder_page.goto(f"/yakutia/grants/milestones/{milestone.pk}/report/")
    founder_page.fill("#id_summary", "Собран прототип, проведены испытания.")
    with founder_page.expect_navigation():
        founder_page.locator("#report-form button[type=submit]").click()
    report = GrantReport.objects.get(milestone=milestone)

    # The requester returns it for changes (and is told he may not approve his own tranche).
    a = _signed_in(browser, live_server, requester)
    page_a = a.new_page()
    page_a.goto(detail)
    page_a.fill(f"#note-{report.pk}", "Приложите акт испытаний.")
    page_a.locator(f"form[action$='/reports/{report.pk}/review/'] button[value=return]").click()
    page_a.wait_for_url(f"**{detail}")
    # No Approve button for the requester: the page says why instead.
    assert page_a.get_by_test_id("tranche-1").locator("form[action$='/approve/']").count() == 0
    own = page_a.get_by_test_id("approve-refused").inner_text()
    assert "Вы запросили этот транш" in own and "разделение обязанностей" in own

    # Two other members of staff approve.
    for person in (first_approver, second_approver):
        context = _signed_in(browser, live_server, person)
        approver_page = context.new_page()
        approver_page.goto(detail)
        approver_page.get_by_test_id("tranche-1").locator(
            "form[action$='/approve/'] button"
        ).click()
        approver_page.wait_for_url(f"**{detail}")
        context.close()
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.APPROVED
    # Nobody is asked to pay yet: the milestone's report was returned, so the gate is closed.
    assert not Notice.objects.filter(kind="grants.tranche_to_pay").exists()

    # The payment is refused: the message names the milestone and the report's state.
    d = _signed_in(browser, live_server, payer)
    page_d = d.new_page()

    def pay() -> None:
        page_d.goto(detail)
        row = page_d.get_by_test_id("tranche-1")
        row.locator(f"input[name='pay-{tranche.pk}-payment_reference']").fill("ПП 2048")
        row.locator("form[action$='/pay/'] button").click()

    pay()
    refusal = page_d.get_by_test_id("tranche-error").inner_text()
    assert refusal == (
        "Выплата по этапу 1 «Прототип» невозможна: отчёт по этапу возвращён на доработку."
    )
    assert not Disbursement.objects.exists()

    # An approver cannot pay it either.
    b = _signed_in(browser, live_server, first_approver)
    page_b = b.new_page()
    page_b.goto(detail)
    assert page_b.get_by_test_id("tranche-1").locator("form[action$='/pay/']").count() == 0
    assert "Вы согласовали этот транш" in page_b.get_by_test_id("pay-refused").inner_text()
    b.close()

    # The founder refiles; staff accept.
    founder_page.goto(f"/yakutia/grants/milestones/{milestone.pk}/report/")
    founder_page.fill("#id_summary", "Собран прототип; акт испытаний приложен.")
    with founder_page.expect_navigation():
        founder_page.locator("#report-form button[type=submit]").click()
    refiled = GrantReport.objects.filter(milestone=milestone).order_by("-pk").first()
    assert refiled.pk != report.pk and refiled.status == ReportStatus.SUBMITTED
    page_a.goto(detail)
    page_a.locator(f"form[action$='/reports/{refiled.pk}/review/'] button[value=accept]").click()
    page_a.wait_for_url(f"**{detail}")
    refiled.refresh_from_db()
    assert refiled.status == ReportStatus.ACCEPTED
    # The acceptance opened the gate: the fourth member of staff is told the tranche waits for
    # payment; its requester and approvers are not.
    told = set(
        Notice.objects.filter(kind="grants.tranche_to_pay").values_list("recipient_id", flat=True)
    )
    assert payer.pk in told and not told & {requester.pk, first_approver.pk, second_approver.pk}

    # Now the fourth member of staff pays.
    pay()
    page_d.wait_for_url(f"**{detail}")
    assert _digits(page_d.get_by_test_id("paid").inner_text()) == _digits(f"{D500:.2f}")
    payment = Disbursement.objects.get()
    assert payment.paid_by == payer and payment.payment_reference == "ПП 2048"
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    # The founder sees the payment and was told of it.
    founder_page.goto("/yakutia/grants/mine/")
    assert _digits(founder_page.get_by_test_id("paid").inner_text()) == _digits(f"{D500:.2f}")
    assert Notice.objects.filter(kind="grants.payment_made", recipient=founder).exists()
    for context in (a, d, founder_context):
        context.close()
