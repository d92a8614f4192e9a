"""The whole selection journey in Chromium, through the real pages: a founder applies, a manager
screens eligibility, the optimiser assigns, two experts review, the council admits, the company
appears in the public register, and the founder files the current quarterly report.

The data does not depend on the day the test runs: the call is open from a week ago for three
more weeks, and the residency starts on the first day of the last quarter that has ended (in the
park's time zone), so exactly one report is owed, the current one (due or already overdue).

The browser asks for English pages, so that the checks read the English source labels however
far the Russian translation has got.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.utils import formats, translation

from technopark.audit.services import audit_verify
from technopark.residency.models import QuarterlyReport, ResidentState, ResidentStatus
from technopark.residency.schedule import current_quarter
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    CheckVerdict,
    EligibilityCheck,
    Review,
    ReviewAssignment,
)
from tests.e2e.selection_journey_helpers import (
    Journey,
    build_journey,
    messages_text,
    new_context,
    sign_in,
    submit,
)

AGREEMENT = "РЗ-017/И"


def test_founder_applies_experts_review_council_admits_founder_reports(
    browser: Any,
    live_server: Any,
    transactional_db: Any,
    settings: Any,
    capsys: Any,
    mailoutbox: Any,
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    journey = build_journey()
    application = _founder_applies(browser, live_server, journey)
    manager = sign_in(
        browser, live_server, journey.manager, f"/yakutia/calls/manage/{journey.call.pk}/screening/"
    )
    _manager_screens(manager, journey, application)
    _manager_assigns(manager, journey, application)
    for user, scores, note in (
        (journey.experts[0], {"Team": "8", "Market": "4"}, "Strong team, a clear market."),
        (journey.experts[1], {"Team": "9", "Market": "Not applicable"}, "An able team."),
    ):
        _expert_reviews(browser, live_server, journey, user, scores, note)
    _council_admits(manager, journey, application)
    manager.context.close()
    _public_finds_resident(browser, live_server, journey)
    _founder_files_report(browser, live_server, journey, application)

    # What the pages showed is what the database holds.
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    resident = ResidentStatus.all_parks.get(park=journey.park, company=journey.company)
    assert resident.status == ResidentState.ACTIVE
    assert resident.agreement_number == AGREEMENT
    assert resident.application_id == application.pk
    assert resident.site_id == journey.site.pk
    assert list(resident.directions.all()) == [journey.direction]
    quarter = current_quarter(journey.park.time_zone)
    assert resident.start_date == quarter.first_day
    report = QuarterlyReport.all_parks.get(resident=resident)
    assert (report.year, report.quarter) == (quarter.year, quarter.quarter)
    assert str(report.revenue) == "1250000.50" and report.headcount == 12
    assert sorted(
        ReviewAssignment.objects.filter(application=application).values_list(
            "expert__user__email", flat=True
        )
    ) == sorted(u.email for u in journey.experts)
    assert sorted(Review.objects.values_list("total", flat=True)) == [
        Decimal("80.00"),
        Decimal("90.00"),
    ]
    # The founder was told twice: on submission, and of the council's decision.
    assert sum(journey.founder.email in mail.to for mail in mailoutbox) >= 2
    assert audit_verify().ok
    call_command("audit_verify")
    assert "Audit chain intact" in capsys.readouterr().out


# --- The founder applies -------------------------------------------------------------------------


def _founder_applies(browser: Any, live_server: Any, journey: Journey) -> Application:
    page = sign_in(browser, live_server, journey.founder, "/yakutia/calls/")
    call_card = page.get_by_test_id("open-call").filter(has_text="Resident intake")
    assert "Information technology" in call_card.inner_text()
    call_card.get_by_role("link", name="Resident intake").click()
    page.wait_for_url(f"**/yakutia/calls/{journey.call.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Resident intake"
    assert page.get_by_text("Product name").is_visible()
    assert page.get_by_text("Team", exact=True).first.is_visible()

    # Start an application for the founder's company: the draft opens.
    assert page.get_by_label("Apply for").input_value() == str(journey.company.pk)
    submit(page, page.get_by_role("button", name="Start an application"), "**/applications/*/edit/")
    application = Application.all_parks.get(call=journey.call, company=journey.company)
    assert application.status == ApplicationStatus.DRAFT
    assert "Северный код" in page.locator("#company-title + p + dl").inner_text()

    # Fill the answers. The page autosaves (htmx) on every change; the last change, the
    # declaration, is waited for, so that the Save button's post never races an autosave.
    page.get_by_label("Project title").fill("Digital twins of northern oil fields")
    page.get_by_label("Information technology").check()
    page.get_by_label("Product name").fill("Merzlota Twin")
    page.get_by_label("Budget for the first year").fill("1500000.50")
    declaration = journey.fields["I accept the park's rules"]
    with page.expect_response(
        lambda r: (
            r.request.method == "POST"
            and r.url.endswith(f"/applications/{application.pk}/edit/")
            and f'name="field_{declaration.pk}"' in (r.request.post_data or "")
        )
    ) as autosave:
        page.get_by_label("I accept the park's rules").check()
    assert autosave.value.ok
    page.locator("#save-status").get_by_text(re.compile(r"Draft saved at")).wait_for()

    submit(
        page,
        page.get_by_role("button", name="Save and review before submitting"),
        f"**/yakutia/applications/{application.pk}/submit/",
    )
    assert "Your draft has been saved." in messages_text(page)
    assert page.get_by_text("Before you can submit:").count() == 0

    # Declare, confirm, submit: the status page says it is submitted.
    page.get_by_label("The company has no overdue taxes, fees or insurance contributions.").check()
    page.get_by_label("What I have written is true and complete.").check()
    submit(
        page,
        page.get_by_role("button", name="Submit the application"),
        f"**/yakutia/applications/{application.pk}/",
    )
    assert "Your application has been submitted." in messages_text(page)
    assert page.get_by_test_id("application-status").inner_text() == "Submitted"
    with translation.override("en"):
        budget = formats.localize(Decimal("1500000.50"))
    assert page.get_by_test_id("answer").all_inner_texts() == ["Merzlota Twin", budget, "Yes"]
    assert page.get_by_test_id("revision").count() >= 1
    page.context.close()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.title == "Digital twins of northern oil fields"
    return application


# --- The manager screens and assigns -------------------------------------------------------------


def _manager_screens(page: Any, journey: Journey, application: Application) -> None:
    row = page.get_by_test_id("screening-row").filter(has_text="Северный код")
    assert row.count() == 1
    assert "Submitted" in row.inner_text()
    checks = row.locator("ul.checks > li")
    total = checks.count()
    assert total >= 5  # region, SME, taxes, directions, not a resident, one application
    assert total == EligibilityCheck.objects.filter(application=application).count()
    assert row.locator("li.check-failed").count() == 0  # every automatic check passed

    for index in range(total):
        check = page.get_by_test_id("screening-row").locator("ul.checks > li").nth(index)
        check.locator("summary").click()
        check.get_by_label("Confirm", exact=True).check()
        check.get_by_label("Your reason").fill(f"Checked against the company's record ({index}).")
        submit(
            page,
            check.get_by_role("button", name="Record"),
            f"**/yakutia/calls/manage/{journey.call.pk}/screening/",
        )
        assert "Your verdict has been recorded." in messages_text(page)
        shown = page.get_by_test_id("screening-row").locator("ul.checks > li").nth(index)
        assert f"Confirmed: Checked against the company's record ({index})." in shown.inner_text()

    assert (
        not EligibilityCheck.objects.filter(application=application)
        .exclude(verdict=CheckVerdict.CONFIRMED)
        .exists()
    )


def _manager_assigns(page: Any, journey: Journey, application: Application) -> None:
    page.goto(f"/yakutia/calls/{journey.call.pk}/assignments/")
    figures = page.get_by_test_id("board-figures")
    assert "1 application" in figures.inner_text()
    assert "0 published" in figures.inner_text()

    board = f"**/yakutia/calls/{journey.call.pk}/assignments/"
    submit(page, page.get_by_role("button", name="Propose assignments"), board)
    assert "2 assignments proposed" in messages_text(page)
    assert "2 proposed" in page.get_by_test_id("board-figures").inner_text()
    row = page.locator(f"#application-{application.pk}")
    experts_cell = row.locator("ul.assignment-list").inner_text()
    for user in journey.experts:
        assert user.full_name in experts_cell
    # The expert who shares the founder's e-mail domain is never proposed.
    assert journey.conflicted_expert.full_name not in experts_cell
    assert "shares Information technology" in experts_cell
    assert "Proposed" in experts_cell

    submit(page, page.get_by_role("button", name="Publish 2 assignments"), board)
    assert "2 assignments published." in messages_text(page)
    figures_text = page.get_by_test_id("board-figures").inner_text()
    assert "2 published" in figures_text and "0 missing" in figures_text
    assert (
        ReviewAssignment.objects.filter(
            application=application, status=AssignmentStatus.PUBLISHED
        ).count()
        == 2
    )


# --- Two experts review --------------------------------------------------------------------------


def _expert_reviews(
    browser: Any,
    live_server: Any,
    journey: Journey,
    user: Any,
    scores: dict[str, str],
    note: str,
) -> None:
    page = sign_in(browser, live_server, user, "/yakutia/reviews/")
    queue = page.get_by_test_id("review-queue")
    assert "Северный код" in queue.inner_text()
    assert "Not started" in queue.inner_text()
    queue.get_by_role("link", name="Digital twins of northern oil fields").click()
    page.wait_for_url("**/yakutia/reviews/*/")
    review_url = page.url
    assert "Северный код" in page.get_by_test_id("applicant").inner_text()
    assert "Merzlota Twin" in page.get_by_test_id("answers").inner_text()
    first = user == journey.experts[0]
    if first:  # nobody else has filed: the others' reviews stay hidden until one files one's own
        assert page.get_by_test_id("others-hidden").is_visible()

    for criterion, score in scores.items():
        page.get_by_label(criterion, exact=True).select_option(label=score)
    page.get_by_label("Recommendation").select_option(label="Admit")
    page.get_by_label("Note for the council").fill(note)
    page.get_by_label("Note for the applicant").fill("A clear plan; show the pilot's figures.")
    submit(page, page.get_by_role("button", name="File the review"), review_url)
    assert "Your review has been filed." in messages_text(page)
    expected = "80.00" if first else "90.00"
    assert f"Weighted total: {expected}%" in page.get_by_test_id("filed").inner_text()
    if not first:  # now the first expert's review shows, with their note for the council
        others = page.get_by_test_id("others").inner_text()
        assert journey.experts[0].full_name in others
        assert "Strong team, a clear market." in others

    page.get_by_role("link", name="← My reviews").click()
    page.wait_for_url("**/yakutia/reviews/")
    assert f"Filed ({expected}%)" in page.get_by_test_id("review-queue").inner_text()
    page.context.close()


# --- The council admits --------------------------------------------------------------------------


def _council_admits(page: Any, journey: Journey, application: Application) -> None:
    page.goto(f"/yakutia/calls/{journey.call.pk}/council/")
    row = page.get_by_test_id("ranking-row").filter(has_text="Северный код")
    assert row.get_by_test_id("total").inner_text() == "85.00"
    row_text = row.inner_text()
    assert "2 / 2" in row_text and "admit 2" in row_text and "reject 0" in row_text
    assert row.get_by_test_id("flag").count() == 0  # the experts agree

    row.get_by_role("link", name="Северный код").click()
    page.wait_for_url(f"**/yakutia/calls/{journey.call.pk}/council/{application.pk}/")
    assert page.get_by_test_id("review").count() == 2
    notes = " ".join(page.get_by_test_id("note-for-council").all_inner_texts())
    assert "Strong team, a clear market." in notes and "An able team." in notes

    start = current_quarter(journey.park.time_zone).first_day
    page.get_by_label("Admit", exact=True).check()
    page.get_by_label("Rationale").fill("Ranked first; both experts recommend admission.")
    page.get_by_label("Message for the applicant").fill("Welcome to the park.")
    page.get_by_label("Resident agreement number").fill(AGREEMENT)
    page.get_by_label("Residency starts on").fill(start.isoformat())
    submit(
        page,
        page.get_by_role("button", name="Record the decision"),
        f"**/yakutia/calls/{journey.call.pk}/council/",
    )
    assert "The application has been admitted" in messages_text(page)
    decided = page.get_by_test_id("ranking-row").filter(has_text="Северный код")
    assert "Admit" in decided.get_by_test_id("decision").inner_text()


# --- The public register -------------------------------------------------------------------------


def _public_finds_resident(browser: Any, live_server: Any, journey: Journey) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/yakutia/residents/")
    assert page.get_by_role("heading", level=1).inner_text() == "Register of residents"
    table = page.locator("#register-results table.register")
    assert "2 residents" in page.get_by_test_id("result-count").inner_text()
    assert "Северный код" in table.inner_text() and "Мерзлота Лаб" in table.inner_text()

    # Search (htmx swaps the results in place and puts the query in the address).
    search = page.get_by_role("search", name="Find residents")
    search.get_by_label("Search").fill("северный")
    search.get_by_role("button", name="Show").click()
    page.wait_for_url("**/yakutia/residents/?*q=*")
    page.get_by_test_id("result-count").get_by_text("1 resident").wait_for()
    text = table.inner_text()
    assert "Северный код" in text and "Мерзлота Лаб" not in text
    assert f"№ {AGREEMENT}" in text
    assert journey.company.inn in text
    assert "Active" in text
    assert "Information technology" in text
    context.close()


# --- The founder files the current quarterly report ----------------------------------------------


def _founder_files_report(
    browser: Any, live_server: Any, journey: Journey, application: Application
) -> None:
    quarter = current_quarter(journey.park.time_zone)
    page = sign_in(
        browser, live_server, journey.founder, f"/yakutia/applications/{application.pk}/"
    )
    assert page.get_by_test_id("application-status").inner_text() == "Admitted"

    # The banner on every page of the park names the report that is owed, and leads to it.
    page.goto("/yakutia/calls/")
    banner = page.get_by_test_id("report-banner")
    assert "Северный код" in banner.inner_text() and str(quarter) in banner.inner_text()
    banner.get_by_role("link", name="File it now").click()
    page.wait_for_url(f"**/yakutia/residents/reports/{journey.company.pk}/file/")

    page.goto("/yakutia/residents/reports/")
    due = page.get_by_test_id("current-due")
    assert re.fullmatch(
        rf"The report for {quarter} is (to be filed|overdue)\.", due.inner_text().strip()
    )
    page.get_by_role("link", name="File a report").click()
    page.wait_for_url(f"**/yakutia/residents/reports/{journey.company.pk}/file/")
    assert page.get_by_label("Quarter").input_value() == str(quarter.period)
    page.get_by_label("Revenue, ₽").fill("1250000.50")
    page.get_by_label("Taxes paid, ₽").fill("180000")
    page.get_by_label("Investment raised, ₽").fill("0")
    page.get_by_label("R&D spending, ₽").fill("400000")
    page.get_by_label("Exports, ₽").fill("0")
    page.get_by_label("Headcount").fill("12")
    page.get_by_label("Intellectual property registered").fill("1")
    page.get_by_label("Intellectual property, details").fill("A software registration.")
    submit(
        page, page.get_by_role("button", name="File the report"), "**/yakutia/residents/reports/"
    )
    assert f"The report for {quarter} has been filed." in messages_text(page)
    assert page.get_by_test_id("current-due").count() == 0
    assert page.get_by_test_id("missing").count() == 0
    assert page.get_by_role("link", name="File a report").count() == 0
    assert page.get_by_role("cell", name=str(quarter), exact=True).is_visible()
    assert page.get_by_test_id("report-banner").count() == 0
    page.goto("/yakutia/calls/")  # nor on any other page
    assert page.get_by_role("heading", name="Open calls").is_visible()
    assert page.get_by_test_id("report-banner").count() == 0
    page.context.close()
