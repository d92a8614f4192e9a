"""Issue 11 in selection: pickers instead of typed ids, the eligibility outcome per application
(codes, bulk confirm, ineligible never assigned, the applicant warned), recusal from the review
page, managers declaring conflicts, archiving a call, the call's menu and confirmations."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from technopark.audit.models import AuditEntry
from technopark.notices.models import Notice
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    CallStatus,
    CheckVerdict,
    ConflictOfInterest,
    EligibilityCheck,
    EligibilityOutcome,
    FormField,
    ReviewAssignment,
    finding_text,
)
from technopark.selection.services import assignment as assignment_services
from technopark.selection.services.eligibility import eligibility_confirm_bulk
from tests.conftest import ROLES
from tests.selection.factories import ApplicationFactory, CallFactory
from tests.selection.fixtures_apply import EligibilityCheckFactory
from tests.selection.fixtures_review import make_expert

pytestmark = pytest.mark.django_db


def _status(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    response = client.get(url) if method == "get" else client.post(url, data or {})
    return response.status_code


# --- Findings as codes ------------------------------------------------------------------------


def test_a_finding_is_a_code_rendered_in_the_readers_language() -> None:
    params = {"region": "77", "park": "14"}
    with translation.override("en"):
        english = finding_text("region_outside", params)
    with translation.override("ru"):
        russian = finding_text("region_outside", params)
    assert "Moscow" in english and "Sakha" in english
    assert "Москва" in russian and "Саха" in russian
    with translation.override("en"):
        assert "Robotics" in finding_text(
            "directions_outside", {"directions": [["Робототехника", "Robotics"]]}
        )
    with translation.override("ru"):
        assert "Робототехника" in finding_text(
            "directions_outside", {"directions": [["Робототехника", "Robotics"]]}
        )
    assert finding_text("something_new", {}) == "something_new"
    assert "zz" in finding_text("region_inside", {"region": "zz"})  # unknown: shown, no error


def test_submission_stores_codes_not_sentences(world: Any, submitted: Application) -> None:
    checks = list(EligibilityCheck.objects.filter(application=submitted))
    assert checks
    for check in checks:
        assert check.finding and " " not in check.finding
        with translation.override("en"):
            english = check.reason
        with translation.override("ru"):
            russian = check.reason
        assert english != russian


# --- The outcome and the bulk confirmation --------------------------------------------------------


def _screened(world: Any, call: Any, *, failing: bool) -> Application:
    application = ApplicationFactory(call=call, park=world.park, status=ApplicationStatus.SUBMITTED)
    EligibilityCheckFactory(application=application, code="region", passed=True)
    EligibilityCheckFactory(application=application, code="sme", passed=not failing)
    return application


def test_staff_confirm_the_automatic_verdicts_in_one_go(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park)
    good, bad = _screened(world, call, failing=False), _screened(world, call, failing=True)
    url = f"/yakutia/calls/manage/{call.pk}/screening/confirm/"
    page = client_for("manager").get(f"/yakutia/calls/manage/{call.pk}/screening/").content
    assert b'form="screening-confirm"' in page and b"checked" in page
    response = client_for("manager").post(url, {"applications": [good.pk, bad.pk]})
    assert response.status_code == 302
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.eligibility_outcome == EligibilityOutcome.ELIGIBLE
    assert bad.eligibility_outcome == EligibilityOutcome.INELIGIBLE
    assert not EligibilityCheck.objects.filter(verdict=CheckVerdict.PENDING).exists()
    assert set(EligibilityCheck.objects.values_list("verdict_reason", flat=True)) == {""}
    assert AuditEntry.objects.filter(action="selection.eligibility_bulk_confirm").count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_confirm_verdicts(world: Any, client_for: Any, role: str) -> None:
    call = CallFactory(park=world.park)
    application = _screened(world, call, failing=False)
    url = f"/yakutia/calls/manage/{call.pk}/screening/confirm/"
    status = _status(client_for(role), "post", url, {"applications": [application.pk]})
    application.refresh_from_db()
    if role == "manager":
        assert status == 302 and application.eligibility_outcome == EligibilityOutcome.ELIGIBLE
    else:
        assert status in (302, 403, 404) and application.eligibility_outcome == ""
        if role != "anonymous":
            assert status in (403, 404)


def test_a_bad_bulk_changes_nothing(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park)
    other_call = CallFactory(park=world.park)
    mine = _screened(world, call, failing=False)
    elsewhere = _screened(world, other_call, failing=False)
    url = f"/yakutia/calls/manage/{call.pk}/screening/confirm/"
    client = client_for("manager")
    for data in ({}, {"applications": ["x"]}, {"applications": [mine.pk, elsewhere.pk]}):
        response = client.post(url, data)
        assert response.status_code == 400
    unchecked = ApplicationFactory(call=call, park=world.park, status=ApplicationStatus.SUBMITTED)
    assert client.post(url, {"applications": [mine.pk, unchecked.pk]}).status_code == 400
    assert not Application.all_parks.exclude(eligibility_outcome="").exists()
    assert not EligibilityCheck.objects.exclude(verdict=CheckVerdict.PENDING).exists()
    foreign = CallFactory(park=world.other_park)
    assert client.post(f"/yakutia/calls/manage/{foreign.pk}/screening/confirm/").status_code == 404


def test_an_override_needs_a_reason_a_confirmation_does_not(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park)
    bad = _screened(world, call, failing=True)
    url = f"/yakutia/applications/{bad.pk}/eligibility/"
    client = client_for("manager")
    assert client.post(url, {"outcome": "eligible"}).status_code == 400
    bad.refresh_from_db()
    assert bad.eligibility_outcome == ""
    assert (
        client.post(url, {"outcome": "eligible", "reason": "Registered last week"}).status_code
        == 302
    )
    bad.refresh_from_db()
    assert (
        bad.eligibility_outcome == "eligible" and bad.eligibility_reason == "Registered last week"
    )
    assert client.post(url, {"outcome": "ineligible"}).status_code == 302  # the verdict: no reason
    bad.refresh_from_db()
    assert bad.eligibility_outcome == "ineligible" and bad.eligibility_reason == ""
    assert client.post(url, {"outcome": "maybe"}).status_code == 400
    assert (
        client_for("founder").post(url, {"outcome": "eligible", "reason": "x"}).status_code == 403
    )


def test_a_check_is_confirmed_without_a_reason(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park)
    application = _screened(world, call, failing=False)
    check = application.eligibility_checks.get(code="sme")
    url = f"/yakutia/applications/{application.pk}/checks/{check.pk}/"
    assert client_for("manager").post(url, {"verdict": "confirmed"}).status_code == 302
    check.refresh_from_db()
    assert check.verdict == CheckVerdict.CONFIRMED
    assert client_for("manager").post(url, {"verdict": "overridden"}).status_code == 400


def test_ineligible_applications_are_never_assigned(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park, reviews_per_application=1)
    good = _screened(world, call, failing=False)
    bad = _screened(world, call, failing=True)  # automatically ineligible, not yet confirmed
    confirmed_bad = _screened(world, call, failing=False)
    confirmed_bad.eligibility_outcome = EligibilityOutcome.INELIGIBLE
    confirmed_bad.eligibility_reason = "Not a business"
    confirmed_bad.save()
    overridden = _screened(world, call, failing=True)
    overridden.eligibility_outcome = EligibilityOutcome.ELIGIBLE
    overridden.eligibility_reason = "Checked by hand"
    overridden.save()
    for _ in range(3):
        make_expert(world.park)
    manager = world.users["manager"]
    assignment_services.assignment_propose(call=call, actor=manager)
    given = set(ReviewAssignment.objects.values_list("application_id", flat=True))
    assert given == {good.pk, overridden.pk}
    expert = make_expert(world.park)
    from django.core.exceptions import ValidationError

    for application in (bad, confirmed_bad):
        with pytest.raises(ValidationError):
            assignment_services.assignment_add(
                call=call, application=application, expert=expert, actor=manager
            )
    board = client_for("manager").get(f"/yakutia/calls/{call.pk}/assignments/").content.decode()
    assert 'data-testid="not-eligible"' in board


def test_a_confirmed_application_turned_ineligible_is_dropped_at_publishing(world: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    call = CallFactory(park=world.park, reviews_per_application=1)
    application = _screened(world, call, failing=False)
    make_expert(world.park)
    manager = world.users["manager"]
    assignment_services.assignment_propose(call=call, actor=manager)
    assert ReviewAssignment.objects.count() == 1
    Application.all_parks.filter(pk=application.pk).update(
        eligibility_outcome=EligibilityOutcome.INELIGIBLE, eligibility_reason="late finding"
    )
    published = assignment_services.assignment_publish(
        call=call, actor=manager, due_at=timezone.now() + timedelta(days=7)
    )
    assert published == 0 and not ReviewAssignment.objects.exists()


def test_the_applicant_sees_failing_checks_before_submitting(
    world: Any, draft: Application, client_for: Any
) -> None:
    url = f"/yakutia/applications/{draft.pk}/submit/"
    park_region = world.park.region
    world.company.region = "77" if park_region != "77" else "14"
    world.company.save()
    body = client_for("founder").get(url).content.decode()
    # Registered in another region: the check fails, and the page says so (not a block).
    assert 'data-testid="failing-checks"' in body
    assert "the park is in region" in body
    assert "Submit the application" in body
    world.company.region = park_region
    world.company.save()
    body = client_for("founder").get(url).content.decode()
    assert 'data-testid="failing-checks"' not in body


def test_bulk_confirm_service_is_all_or_nothing(world: Any) -> None:
    from django.core.exceptions import ValidationError

    call = CallFactory(park=world.park)
    one = _screened(world, call, failing=False)
    withdrawn = _screened(world, call, failing=False)
    withdrawn.status = ApplicationStatus.WITHDRAWN
    withdrawn.save()
    with pytest.raises(ValidationError):
        eligibility_confirm_bulk(
            call=call, application_ids=[one.pk, withdrawn.pk], actor=world.users["manager"]
        )
    one.refresh_from_db()
    assert one.eligibility_outcome == ""


@pytest.mark.parametrize("size", [2, 8])
def test_screening_page_query_count_is_fixed(
    world: Any, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    call = CallFactory(park=world.park)
    for index in range(size):
        _screened(world, call, failing=bool(index % 2))
    client = client_for("manager")
    client.get(f"/yakutia/calls/manage/{call.pk}/screening/")  # warm the visitor's caches
    # middleware (2); the call with its site, directions, fields, criteria; the applications
    # with companies, checks, runs and their results: a fixed number, whatever the size.
    with django_assert_num_queries(7):
        response = client.get(f"/yakutia/calls/manage/{call.pk}/screening/")
    assert response.status_code == 200


# --- Recusal from the review page ---------------------------------------------------------------


def test_an_expert_recuses_from_the_review_page(
    world: Any, review_world: Any, client_for: Any
) -> None:
    other = make_expert(world.park, directions=(world.direction,))
    assignment = review_world.assignment
    url = f"/yakutia/reviews/{assignment.pk}/recuse/"
    client = client_for("expert")
    page = client.get(f"/yakutia/reviews/{assignment.pk}/").content.decode()
    assert (
        f'action="{url}"' in page and "INN" not in page.split('id="recuse"')[1].split("</form>")[0]
    )
    asked = client.post(url, {"reason": "I advise this team"})
    assert asked.status_code == 200 and b'name="confirmed"' in asked.content
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    done = client.post(url, {"reason": "I advise this team", "confirmed": "1"})
    assert done.status_code == 302
    assert not ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    conflict = ConflictOfInterest.objects.get(expert=review_world.expert)
    assert conflict.company_id == review_world.application.company_id
    assert conflict.recused_from_id == review_world.application.pk
    assert conflict.reason == "I advise this team"
    replacement = ReviewAssignment.objects.get(application=review_world.application)
    assert replacement.expert_id == other.pk and replacement.status == AssignmentStatus.PROPOSED
    notice = Notice.objects.get(recipient=world.users["manager"], kind="selection.expert_recused")
    assert f"/calls/{review_world.call.pk}/assignments/" in notice.url
    assert AuditEntry.objects.filter(action="selection.assignment_recuse").count() == 1
    # The queue no longer lists it, and its old address is not a bare 403.
    assert (
        f"/yakutia/reviews/{assignment.pk}/" not in client.get("/yakutia/reviews/").content.decode()
    )
    assert client.get(f"/yakutia/reviews/{assignment.pk}/").status_code == 404


@pytest.mark.parametrize("blind", [True, False])
def test_a_recusal_in_a_blind_call_does_not_name_the_applicant_on_the_profile(
    world: Any, review_world: Any, client_for: Any, blind: bool
) -> None:
    call = review_world.call
    call.blind_review = blind
    call.save(update_fields=["blind_review"])
    company = review_world.application.company
    client = client_for("expert")
    url = f"/yakutia/reviews/{review_world.assignment.pk}/recuse/"
    assert client.post(url, {"reason": "I know them", "confirmed": "1"}).status_code == 302
    profile = client.get("/yakutia/experts/me/").content.decode()
    conflicts = profile.split('data-testid="conflicts"')[1].split("</ul>")[0]
    assert (company.short_name in conflicts) is not blind
    assert (f"no. {review_world.application.pk}" in conflicts) is blind
    assert "I know them" in conflicts


def test_a_conflict_declared_elsewhere_takes_the_assignment_out_of_the_queue(
    world: Any, review_world: Any, client_for: Any
) -> None:
    ConflictOfInterest.objects.create(
        expert=review_world.expert, kind="company", company=review_world.application.company
    )
    client = client_for("expert")
    url = f"/yakutia/reviews/{review_world.assignment.pk}/"
    assert url not in client.get("/yakutia/reviews/").content.decode()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/yakutia/reviews/"


def test_recusal_needs_a_reason_and_is_refused_after_filing(
    world: Any, review_world: Any, client_for: Any
) -> None:
    url = f"/yakutia/reviews/{review_world.assignment.pk}/recuse/"
    client = client_for("expert")
    assert client.post(url, {"reason": "  ", "confirmed": "1"}).status_code == 400
    assert client.post(url, {"reason": "x" * 301, "confirmed": "1"}).status_code == 400
    from django.utils import timezone

    from technopark.selection.models import Review

    Review.objects.create(assignment=review_world.assignment, submitted_at=timezone.now())
    assert client.post(url, {"reason": "late", "confirmed": "1"}).status_code == 400
    assert ReviewAssignment.objects.filter(pk=review_world.assignment.pk).exists()
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_assigned_expert_recuses(
    world: Any, review_world: Any, client_for: Any, role: str
) -> None:
    url = f"/yakutia/reviews/{review_world.assignment.pk}/recuse/"
    status = _status(client_for(role), "post", url, {"reason": "r", "confirmed": "1"})
    if role == "expert":
        assert status == 302
    else:
        assert status in (302, 403) if role == "anonymous" else status == 403
        assert ReviewAssignment.objects.filter(pk=review_world.assignment.pk).exists()


# --- Managers declare conflicts; pickers --------------------------------------------------------


def test_a_manager_declares_a_conflict_for_an_expert_with_pickers(
    world: Any, review_world: Any, client_for: Any
) -> None:
    client = client_for("manager")
    page = client.get("/yakutia/experts/conflicts/").content.decode()
    assert 'hx-get="/yakutia/experts/pick/"' in page
    assert 'hx-get="/yakutia/experts/companies/pick/"' in page
    assert world.company.inn in page  # the company is chosen by name and INN, not an id typed in
    response = client.post(
        "/yakutia/experts/conflicts/",
        {"expert": review_world.expert.pk, "kind": "company", "company": world.company.pk},
    )
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert conflict.company_id == world.company.pk
    assert conflict.declared_by_id == world.users["manager"].pk
    entry = AuditEntry.objects.get(action="selection.conflict_declare")
    assert entry.actor_id == world.users["manager"].pk


def test_a_bad_conflict_declaration_changes_nothing(
    world: Any, review_world: Any, client_for: Any
) -> None:
    client = client_for("manager")
    foreign_expert = make_expert(world.other_park)
    for data in (
        {"expert": foreign_expert.pk, "kind": "company", "company": world.company.pk},
        {"expert": review_world.expert.pk, "kind": "company", "company": world.foreign_company.pk},
        {"expert": review_world.expert.pk, "kind": "company"},
        {"expert": "1e9", "kind": "organisation", "organisation": "Acme"},
        {"expert": review_world.expert.pk, "kind": "nonsense"},
    ):
        assert client.post("/yakutia/experts/conflicts/", data).status_code == 400
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_conflicts_page_and_pickers_are_for_staff(
    world: Any, review_world: Any, client_for: Any, role: str
) -> None:
    client = client_for(role)
    call = review_world.call.pk
    for url in (
        "/yakutia/experts/conflicts/",
        "/yakutia/experts/pick/?q=a",
        "/yakutia/experts/companies/pick/?q=a",
        f"/yakutia/calls/{call}/assignments/pick/applications/?q=a",
    ):
        status = _status(client, "get", url)
        if role == "manager":
            assert status == 200, url
        elif role == "anonymous":
            assert status == 302, url
        else:
            assert status == 403, url


def test_pickers_search_only_the_park(world: Any, review_world: Any, client_for: Any) -> None:
    foreign = make_expert(world.other_park, email="frost@kolyma.example")
    mine = make_expert(world.park, email="frost@yakutia.example")
    client = client_for("manager")
    found = client.get("/yakutia/experts/pick/?q=frost").content.decode()
    assert f'value="{mine.pk}"' in found and f'value="{foreign.pk}"' not in found
    found = client.get("/yakutia/experts/companies/pick/?q=" + world.company.inn).content.decode()
    assert f'value="{world.company.pk}"' in found
    found = client.get("/yakutia/experts/companies/pick/?q=Колыма").content.decode()
    assert f'value="{world.foreign_company.pk}"' not in found
    assert client.get("/yakutia/experts/pick/?q=" + "x" * 500).status_code == 200
    other_call = CallFactory(park=world.other_park)
    assert (
        client.get(f"/yakutia/calls/{other_call.pk}/assignments/pick/applications/").status_code
        == 404
    )


def test_the_board_asks_for_no_typed_number(world: Any, review_world: Any, client_for: Any) -> None:
    body = client_for("manager").get(f"/yakutia/calls/{review_world.call.pk}/assignments/").content
    page = body.decode()
    assert 'type="number" name="expert"' not in page
    assert 'name="application"' in page and "<select" in page
    assert world.users["expert"].email in page  # experts by name and address


def test_adding_an_expert_by_picker_and_bad_ids(
    world: Any, review_world: Any, client_for: Any
) -> None:
    other = make_expert(world.park, directions=(world.direction,))
    foreign = make_expert(world.other_park)
    url = f"/yakutia/calls/{review_world.call.pk}/assignments/add/"
    client = client_for("manager")
    for data in (
        {"application": review_world.application.pk, "expert": foreign.pk},
        {"application": "abc", "expert": other.pk},
        {"application": review_world.application.pk},
    ):
        assert client.post(url, data).status_code == 400
    assert ReviewAssignment.objects.count() == 1
    ok = client.post(url, {"application": review_world.application.pk, "expert": other.pk})
    assert ok.status_code == 302 and ReviewAssignment.objects.count() == 2


def test_swapping_proposes_the_optimisers_choice(
    world: Any, review_world: Any, client_for: Any
) -> None:
    proposed_expert = make_expert(world.park)
    better = make_expert(world.park, directions=(world.direction,))
    assignment = ReviewAssignment.objects.create(
        application=review_world.application, expert=proposed_expert
    )
    url = f"/yakutia/calls/{review_world.call.pk}/assignments/{assignment.pk}/swap/"
    client = client_for("manager")
    board = client.get(f"/yakutia/calls/{review_world.call.pk}/assignments/").content.decode()
    assert f'href="{url}"' in board  # the board leads there
    page = client.get(url).content.decode()
    assert 'data-testid="suggested"' in page
    assert f'<option value="{better.pk}" selected>' in page
    assert client.post(url, {"expert": "0"}).status_code == 400
    assert client.post(url, {"expert": better.pk}).status_code == 302
    assert ReviewAssignment.objects.filter(
        application=review_world.application, expert=better
    ).exists()


# --- Archiving a call, the menu, confirmations ---------------------------------------------------


def test_archiving_a_call_asks_then_takes_it_off_the_lists(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park, title="Winter intake")
    client = client_for("manager")
    url = f"/yakutia/calls/manage/{call.pk}/archive/"
    asked = client.post(url)
    assert asked.status_code == 200 and b'name="confirmed"' in asked.content
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.ARCHIVED
    assert "Winter intake" not in client.get("/yakutia/calls/manage/").content.decode()
    assert "Winter intake" not in client.get("/yakutia/calls/").content.decode()
    assert "Winter intake" in client.get("/yakutia/calls/manage/?archived=1").content.decode()
    assert client.get(f"/yakutia/calls/manage/{call.pk}/").status_code == 200  # still readable
    assert client.post(url, {"confirmed": "1"}).status_code == 302  # twice: nothing new
    assert AuditEntry.objects.filter(action="selection.call_archive").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_archive(world: Any, client_for: Any, role: str) -> None:
    call = CallFactory(park=world.park)
    status = _status(
        client_for(role), "post", f"/yakutia/calls/manage/{call.pk}/archive/", {"confirmed": "1"}
    )
    call.refresh_from_db()
    assert (call.status == CallStatus.ARCHIVED) == (role == "manager")
    if role not in ("manager", "anonymous"):
        assert status == 403
    other = CallFactory(park=world.other_park)
    assert (
        _status(
            client_for("manager"),
            "post",
            f"/yakutia/calls/manage/{other.pk}/archive/",
            {"confirmed": "1"},
        )
        == 404
    )


def test_the_calls_menu_reaches_every_staff_page(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park)
    client = client_for("manager")
    expected = [
        f"/yakutia/calls/{call.pk}/assignments/",
        f"/yakutia/calls/{call.pk}/council/",
        "/yakutia/experts/",
        f"/yakutia/calls/manage/{call.pk}/screening/",
    ]
    for page in (
        f"/yakutia/calls/manage/{call.pk}/",
        f"/yakutia/calls/{call.pk}/assignments/",
        f"/yakutia/calls/{call.pk}/council/",
        f"/yakutia/calls/manage/{call.pk}/screening/",
    ):
        body = client.get(page).content.decode()
        for link in expected:
            assert f'href="{link}"' in body, (page, link)
    experts = client.get("/yakutia/experts/").content.decode()
    assert 'href="/yakutia/experts/conflicts/"' in experts


def test_destructive_actions_ask_first(
    world: Any, submitted: Application, client_for: Any, review_world: Any
) -> None:
    founder = client_for("founder")
    response = founder.post(f"/yakutia/applications/{submitted.pk}/withdraw/")
    assert response.status_code == 200 and b'name="confirmed"' in response.content
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    manager = client_for("manager")
    call = submitted.call
    field = FormField.objects.filter(call=call).first()
    assert field is not None
    asked = manager.post(f"/yakutia/calls/manage/{call.pk}/form/{field.pk}/remove/")
    assert asked.status_code == 200 and FormField.objects.filter(pk=field.pk).exists()
    criterion = call.criteria.first()
    asked = manager.post(f"/yakutia/calls/manage/{call.pk}/criteria/{criterion.pk}/remove/")
    assert asked.status_code == 200 and call.criteria.filter(pk=criterion.pk).exists()
    assignment = review_world.assignment
    asked = manager.post(
        f"/yakutia/calls/{review_world.call.pk}/assignments/{assignment.pk}/remove/"
    )
    assert asked.status_code == 200 and ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    done = manager.post(
        f"/yakutia/calls/{review_world.call.pk}/assignments/{assignment.pk}/remove/",
        {"confirmed": "1"},
    )
    assert (
        done.status_code == 302 and not ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    )


def test_the_batch_decision_has_no_default(world: Any, client_for: Any) -> None:
    call = CallFactory(park=world.park)
    body = client_for("manager").get(f"/yakutia/calls/{call.pk}/council/").content.decode()
    form = body.split('id="council-batch"')[1].split("</form>")[0]
    outcome = form.split('name="outcome"')[1].split("</select>")[0]
    assert '<option value="" selected>' in outcome
    assert 'value="admit" selected' not in outcome
