"""A manager builds a cohort from admitted applications, schedules an intensive and takes
attendance, awards 1,500,000 roubles in three tranches (so requests them); the park admin and a
second manager approve the first, its milestone's report is accepted, and the accountant pays it
(segregation of duties: the payer neither requested nor approved); an attempt to pay out more than the award is refused with the amounts
named; the founder sees the schedule and the grant.

The checks read ids, data and figures, not English or Russian wording, so that they hold in
either language (the browser asks for Russian, which writes 1 500 000,00).
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from technopark.grants import services as grant_services
from technopark.grants.models import Disbursement, GrantAward, TrancheStatus
from technopark.parks.models import Role
from technopark.programmes import services as programme_services
from technopark.programmes.models import Attendance, CurriculumSession, Participant
from technopark.selection.models import ApplicationStatus, CallKind
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ParkFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.selection.factories import ApplicationFactory, CallFactory


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
    """ "1 600 000,00 ₽" or "1,600,000.00 ₽" → "160000000": the figure whatever the language."""
    return re.sub(r"\D", "", text)


def test_cohort_intensive_attendance_grant_four_eyes_payment_and_refusal(
    browser, live_server, transactional_db, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    park = ParkFactory(slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia")
    site = SiteFactory(park=park, name="IT-парк", time_zone="Asia/Yakutsk")
    manager = UserFactory(email="manager@example.org", full_name="Сардана Николаева")
    MembershipFactory(park=park, user=manager, role=Role.MANAGER)
    admin = UserFactory(email="admin@example.org", full_name="Аркадий Саввинов")
    MembershipFactory(park=park, user=admin, role=Role.PARK_ADMIN)
    controller = UserFactory(email="controller@example.org", full_name="Мария Слепцова")
    MembershipFactory(park=park, user=controller, role=Role.MANAGER)
    accountant = UserFactory(email="accountant@example.org", full_name="Людмила Оконешникова")
    MembershipFactory(park=park, user=accountant, role=Role.MANAGER)
    founder = UserFactory(email="founder@example.org", full_name="Туйаара Попова")
    MembershipFactory(park=park, user=founder, role=Role.FOUNDER)
    company = CompanyFactory(park=park, short_name="Северный код", site=site)
    TeamMemberFactory(company=company, user=founder, position="CEO")

    call = CallFactory(park=park, kind=CallKind.PROGRAMME, title="Набор 2026")
    application = ApplicationFactory(call=call, company=company, status=ApplicationStatus.ADMITTED)
    programme = programme_services.programme_create(
        park=park, actor=manager, name="Полярный старт", coworking_seats=4
    )
    today = timezone.localdate()
    cohort = programme_services.cohort_create(
        programme=programme,
        actor=manager,
        name="Весна 2026",
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=80),
        capacity=10,
        site=site,
        intake_call=call,
    )

    staff = _signed_in(browser, live_server, manager)
    page = staff.new_page()

    # The cohort is built from the intake call's admitted applications.
    page.goto(f"/yakutia/programmes/cohorts/{cohort.pk}/fill/")
    page.check(f"input[name=applications][value='{application.pk}']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/yakutia/programmes/cohorts/{cohort.pk}/")
    participant = Participant.objects.get(cohort=cohort, company=company)

    # An intensive, this morning in the site's time zone (so attendance can be taken).
    local = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Asia/Yakutsk"))
    starts = (local - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    page.goto(f"/yakutia/programmes/cohorts/{cohort.pk}/sessions/new/")
    page.select_option("#id_kind", "entrepreneurship")
    page.fill("#id_title", "Технологическое предпринимательство")
    page.fill("#id_speaker", "Айталина Готовцева")
    page.select_option("#id_site", str(site.pk))
    page.fill("#id_room", "Зал 1")
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/yakutia/programmes/cohorts/{cohort.pk}/")
    session = CurriculumSession.objects.get(cohort=cohort)

    # Attendance: the founder was there.
    page.goto(f"/yakutia/programmes/sessions/{session.pk}/attendance/")
    page.locator("main form input[type=checkbox]").first.check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert Attendance.objects.filter(session=session, present=True).count() == 1

    # The grant: 1,500,000 in three tranches of 500,000.
    page.goto("/yakutia/grants/new/")
    page.select_option("#id_participant", str(participant.pk))
    page.fill("#id_amount", "1 500 000,00")
    page.fill("#id_decision_reference", "Протокол ГК-7")
    page.fill("#id_decided_on", today.isoformat())
    page.fill("#id_budget_equipment", "900000")
    page.fill("#id_budget_salaries", "600000")
    for n, (title, days) in enumerate((("Прототип", 30), ("Пилот", 60), ("Продажи", 90)), 1):
        page.fill(f"#id_milestone_{n}_title", title)
        page.fill(f"#id_milestone_{n}_due", (today + timedelta(days=days)).isoformat())
        page.fill(f"#id_milestone_{n}_amount", "500000")
    page.locator("#award-form button[type=submit]").click()
    page.wait_for_url("**/yakutia/grants/*/")
    award = GrantAward.all_parks.get(participant=participant)
    assert _digits(page.get_by_test_id("awarded").inner_text()) == "150000000"
    first = award.tranches.get(number=1)

    # Four eyes, neither of them the requester: a second manager approves, then the park admin.
    third = _signed_in(browser, live_server, controller)
    controller_page = third.new_page()
    controller_page.goto(f"/yakutia/grants/{award.pk}/")
    controller_page.get_by_test_id("tranche-1").locator("form[action$='/approve/'] button").click()
    controller_page.wait_for_url(f"**/yakutia/grants/{award.pk}/")
    approve = controller_page.get_by_test_id("tranche-1").locator("form[action$='/approve/']")
    assert approve.count() == 0
    third.close()
    second = _signed_in(browser, live_server, admin)
    admin_page = second.new_page()
    admin_page.goto(f"/yakutia/grants/{award.pk}/")
    admin_page.get_by_test_id("tranche-1").locator("form[action$='/approve/'] button").click()
    admin_page.wait_for_url(f"**/yakutia/grants/{award.pk}/")
    first.refresh_from_db()
    assert first.status == TrancheStatus.APPROVED

    # The milestone's report accepted (the journey of the payment gate is its own test), then
    # paid by the accountant, with the payment order's number.
    report = grant_services.grant_report_file(
        milestone=first.milestone, actor=founder, summary="Прототип собран.", spending={}
    )
    grant_services.grant_report_review(report=report, actor=manager, accept=True)
    staff.close()
    staff = _signed_in(browser, live_server, accountant)
    page = staff.new_page()
    page.goto(f"/yakutia/grants/{award.pk}/")
    row = page.get_by_test_id("tranche-1")
    form = row.locator("form[action$='/pay/']")
    sent = {
        "csrfmiddlewaretoken": form.locator("input[name=csrfmiddlewaretoken]").input_value(),
        f"pay-{first.pk}-payment_reference": "ПП 1024",
        f"pay-{first.pk}-idempotency_key": form.locator(
            f"input[name='pay-{first.pk}-idempotency_key']"
        ).input_value(),
    }
    row.locator(f"input[name='pay-{first.pk}-payment_reference']").fill("ПП 1024")
    form.locator("button").click()
    page.wait_for_url(f"**/yakutia/grants/{award.pk}/")
    assert _digits(page.get_by_test_id("paid").inner_text()) == "50000000"
    assert Disbursement.objects.get().payment_reference == "ПП 1024"
    # The same form sent again (a double click, a resent request) pays nothing more.
    again = page.request.post(f"/yakutia/grants/{award.pk}/tranches/{first.pk}/pay/", form=sent)
    assert again.ok
    assert Disbursement.objects.count() == 1
    award.refresh_from_db()
    assert award.paid_total == 500000

    # An attempt to pay out more than the award (a fourth tranche of 600,000): refused, the
    # total and the award named.
    page.goto(f"/yakutia/grants/{award.pk}/")
    page.select_option("#id_milestone", str(first.milestone_id))
    page.fill("#id_amount", "600000")
    page.locator("#tranche-form button[type=submit]").click()
    error = page.locator("#tranche-form .errorlist").inner_text()
    assert "210000000" in _digits(error) and "150000000" in _digits(error)
    assert award.tranches.count() == 3
    staff.close()
    second.close()

    # The founder sees the schedule and the grant.
    own = _signed_in(browser, live_server, founder)
    founder_page = own.new_page()
    founder_page.goto("/yakutia/programmes/mine/")
    assert founder_page.get_by_test_id(f"session-{session.pk}").is_visible()
    founder_page.goto("/yakutia/grants/mine/")
    assert _digits(founder_page.get_by_test_id("awarded").inner_text()) == "150000000"
    assert _digits(founder_page.get_by_test_id("paid").inner_text()) == "50000000"
    assert founder_page.get_by_test_id("my-tranche").count() == 3
    own.close()
