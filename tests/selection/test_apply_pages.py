"""The calls and applications pages: role matrix, bad input, autosave, files, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from technopark.selection.models import (
    Answer,
    ApplicationStatus,
    Call,
    EligibilityCheck,
    EligibilityRun,
    EligibilityRunResult,
    RunTrigger,
)
from technopark.selection.services import drafts as draft_services
from tests.conftest import ROLES
from tests.factories import CompanyFactory
from tests.selection.factories import ApplicationFactory, CallFactory
from tests.selection.fixtures_apply import EligibilityCheckFactory, fields_by_label

P = "/yakutia"
PUBLIC = {role: 200 for role in ROLES}
STAFF = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}
OWN = {**STAFF, "founder": 200, "other_founder": 200, "manager": 403}
APPLICANT = {**STAFF, "founder": 200, "manager": 403}
VIEW = {**STAFF, "founder": 200}


def pages(call, application):
    c, a = call.pk, application.pk
    field = call.fields.first().pk
    criterion = call.criteria.first().pk
    return [
        (f"{P}/calls/", PUBLIC),
        (f"{P}/calls/{c}/", PUBLIC),
        (f"{P}/calls/manage/", STAFF),
        (f"{P}/calls/manage/new/", STAFF),
        (f"{P}/calls/manage/{c}/", STAFF),
        (f"{P}/calls/manage/{c}/form/", STAFF),
        (f"{P}/calls/manage/{c}/form/{field}/", STAFF),
        (f"{P}/calls/manage/{c}/criteria/", STAFF),
        (f"{P}/calls/manage/{c}/criteria/{criterion}/", STAFF),
        (f"{P}/calls/manage/{c}/screening/", STAFF),
        (f"{P}/applications/", OWN),
        (f"{P}/applications/{a}/", VIEW),
        (f"{P}/applications/{a}/edit/", APPLICANT),
        (f"{P}/applications/{a}/submit/", APPLICANT),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_page_role_matrix(client_for, apply_call, draft, role):
    client = client_for(role)
    for url, expected in pages(apply_call, draft):
        assert client.get(url).status_code == expected[role], (url, role)


POSTS = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "manager"])
def test_staff_posts_refused_to_others(client_for, apply_call, submitted, role):
    c = apply_call.pk
    check = EligibilityCheck.objects.filter(application=submitted).first()
    field = apply_call.fields.first().pk
    urls = [
        f"{P}/calls/manage/new/",
        f"{P}/calls/manage/{c}/",
        f"{P}/calls/manage/{c}/publish/",
        f"{P}/calls/manage/{c}/close/",
        f"{P}/calls/manage/{c}/form/",
        f"{P}/calls/manage/{c}/form/{field}/move/",
        f"{P}/calls/manage/{c}/form/{field}/remove/",
        f"{P}/calls/manage/{c}/criteria/",
        f"{P}/applications/{submitted.pk}/request-info/",
        f"{P}/applications/{submitted.pk}/checks/{check.pk}/",
    ]
    client = client_for(role)
    for url in urls:
        assert (
            client.post(url, {"message": "x", "verdict": "confirmed", "reason": "x"}).status_code
            == POSTS[role]
        ), url
    assert Call.objects.get(pk=c).status == "published"


@pytest.mark.parametrize("role", ROLES)
def test_applicant_posts_role_matrix(client_for, apply_call, draft, role):
    client = client_for(role)
    response = client.post(f"{P}/applications/{draft.pk}/withdraw/", {"confirmed": "1"})
    expected = {**POSTS, "founder": 302, "manager": 403}
    assert response.status_code == expected[role]
    draft.refresh_from_db()
    assert (draft.status == ApplicationStatus.WITHDRAWN) == (role == "founder")


def test_anonymous_sees_open_calls_with_local_deadlines(client_for, world, apply_call):
    import datetime as dt
    from zoneinfo import ZoneInfo

    apply_call.closes_at = dt.datetime(2030, 3, 1, 23, 59, tzinfo=ZoneInfo("Asia/Yakutsk"))
    apply_call.save()
    CallFactory(park=world.park, title="Hidden draft", status="draft")
    CallFactory(park=world.other_park, title="Kolyma call")
    body = client_for("anonymous").get(f"{P}/calls/").content.decode()
    assert "Residency 2026" in body
    assert "23:59" in body and "Yakutsk time, UTC+9" in body and "Asia/Yakutsk" not in body
    assert "Hidden draft" not in body and "Kolyma call" not in body
    assert "{#" not in body


def test_draft_call_is_404_to_the_public(client_for, world):
    hidden = CallFactory(park=world.park, status="draft")
    assert client_for("founder").get(f"{P}/calls/{hidden.pk}/").status_code == 404
    foreign = CallFactory(park=world.other_park)
    assert client_for("manager").get(f"{P}/calls/{foreign.pk}/").status_code == 404


def test_founder_starts_autosaves_and_submits(
    client_for, world, apply_call, django_capture_on_commit_callbacks
):
    client = client_for("founder")
    response = client.post(f"{P}/calls/{apply_call.pk}/apply/", {"company": world.company.pk})
    assert response.status_code == 302
    application = world.company.applications.get()
    fields = fields_by_label(apply_call)
    data = {
        "title": "Frost",
        "directions": [world.direction.pk],
        f"field_{fields['Product name'].pk}": "Frost",
        f"field_{fields['Budget'].pk}": "1 500 000,50",
        f"field_{fields['I agree to the rules'].pk}": "on",
    }
    saved = client.post(
        f"{P}/applications/{application.pk}/edit/", data, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    assert "Draft saved" in saved.content.decode()
    assert "<html" not in saved.content.decode()
    bad = client.post(
        f"{P}/applications/{application.pk}/edit/",
        {**data, f"field_{fields['Budget'].pk}": "lots"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400 and "Enter an amount" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"{P}/applications/{application.pk}/submit/",
            {"declares_no_tax_debt": "on", "confirm": "on"},
        )
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    page = client.get(f"{P}/applications/{application.pk}/").content.decode()
    assert ("Submitted" in page and "1,500,000.50" in page) or "1500000.50" in page


def test_bad_input_on_every_form(client_for, world, apply_call, draft, submitted_other=None):
    manager = client_for("manager")
    c = apply_call.pk
    field = apply_call.fields.first().pk
    criterion = apply_call.criteria.first().pk
    bad_posts = [
        (f"{P}/calls/manage/new/", {"kind": "x", "title": "", "opens_at": "soon"}),
        (
            f"{P}/calls/manage/{c}/",
            {
                "kind": "grant",
                "title": "T",
                "opens_at": "2026-05-02T10:00",
                "closes_at": "2026-05-01T10:00",
                "reviews_per_application": "0",
            },
        ),
        (f"{P}/calls/manage/{c}/form/", {"kind": "choice", "label": "Q", "options": "one"}),
        (
            f"{P}/calls/manage/{c}/form/{field}/",
            {"kind": "file", "label": "", "max_size_mb": "999"},
        ),
        (f"{P}/calls/manage/{c}/criteria/", {"name": "", "weight": "-1", "scale_max": "0"}),
        (
            f"{P}/calls/manage/{c}/criteria/{criterion}/",
            {"name": "N", "weight": "abc", "scale_max": "10"},
        ),
    ]
    for url, data in bad_posts:
        response = manager.post(url, data)
        assert response.status_code == 400, url
        assert "errorlist" in response.content.decode(), url
    founder = client_for("founder")
    fields = fields_by_label(apply_call)
    for value in ["12.345", "-1", "∞"]:
        response = founder.post(
            f"{P}/applications/{draft.pk}/edit/", {f"field_{fields['Budget'].pk}": value}
        )
        assert response.status_code == 400
        assert "errorlist" in response.content.decode()
    response = founder.post(f"{P}/applications/{draft.pk}/edit/", {"directions": ["999999"]})
    assert response.status_code == 400
    missing = founder.post(f"{P}/applications/{draft.pk}/submit/", {"confirm": "on"})
    assert (
        missing.status_code == 400 and "Answer this question to submit." in missing.content.decode()
    )
    assert (
        founder.post(f"{P}/calls/{c}/apply/", {"company": world.other_company.pk}).status_code
        == 400
    )
    assert founder.post(f"{P}/applications/{draft.pk}/answer/", {"answer": ""}).status_code == 400


def test_manager_creates_a_call_in_the_site_time_zone(client_for, world):
    import datetime as dt

    world.site.time_zone = "Asia/Magadan"
    world.site.save()
    response = client_for("manager").post(
        f"{P}/calls/manage/new/",
        {
            "kind": "programme",
            "title": "Intake",
            "site": world.site.pk,
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2026-12-20T23:59",
            "reviews_per_application": "2",
            "require_region": "on",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get(title="Intake")
    assert call.closes_at == dt.datetime(2026, 12, 20, 12, 59, tzinfo=dt.UTC)  # UTC+11
    assert call.status == "draft"


def test_screening_and_verdict_through_the_page(client_for, world, submitted):
    manager = client_for("manager")
    check = EligibilityCheck.objects.get(application=submitted, code="region")
    url = f"{P}/applications/{submitted.pk}/checks/{check.pk}/"
    assert manager.post(url, {"verdict": "overridden", "reason": ""}).status_code == 400
    assert (
        manager.post(
            url, {"verdict": "overridden", "reason": "Office moved", "next": "screening"}
        ).status_code
        == 302
    )
    check.refresh_from_db()
    assert check.verdict == "overridden" and not check.final_passed
    body = manager.get(f"{P}/calls/manage/{submitted.call_id}/screening/").content.decode()
    assert "Office moved" in body
    info = manager.post(
        f"{P}/applications/{submitted.pk}/request-info/", {"message": "Send the budget"}
    )
    assert info.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.INFO_REQUESTED
    founder = client_for("founder")
    assert "Send the budget" in founder.get(f"{P}/applications/{submitted.pk}/").content.decode()
    assert (
        founder.post(f"{P}/applications/{submitted.pk}/answer/", {"answer": "Here"}).status_code
        == 302
    )
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


# --- Files ---------------------------------------------------------------------------------


def _upload(client, application, field, name, content):
    return client.post(
        f"{P}/applications/{application.pk}/edit/",
        {f"field_{field.pk}": SimpleUploadedFile(name, content)},
    )


def test_file_limits_and_private_serving(client_for, world, apply_call, draft, private_files):
    field = fields_by_label(apply_call)["Pitch deck"]
    founder = client_for("founder")
    too_big = _upload(founder, draft, field, "deck.pdf", b"%PDF" + b"x" * (1024 * 1024))
    assert too_big.status_code == 400 and "larger than 1 MB" in too_big.content.decode()
    wrong_type = _upload(founder, draft, field, "deck.exe", b"MZ")
    assert wrong_type.status_code == 400 and "pdf, png" in wrong_type.content.decode()
    assert _upload(founder, draft, field, "deck.pdf", b"%PDF-1.4 deck").status_code == 302
    answer = Answer.objects.get(application=draft, field=field)
    path = private_files / answer.file.name
    assert path.exists() and str(path).startswith(str(private_files))
    url = f"{P}/applications/{draft.pk}/files/{answer.pk}/"
    expected = {
        "anonymous": 302,
        "founder": 200,
        "other_founder": 403,
        "manager": 200,
        "expert": 403,  # not assigned
        "observer": 403,
        "outsider": 403,
    }
    for role in ROLES:
        response = client_for(role).get(url)
        assert response.status_code == expected[role], role
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 deck"
            assert "attachment" in response["Content-Disposition"]
    assert (
        client_for("manager").get(f"{P}/applications/{draft.pk}/files/999999/").status_code == 404
    )


def test_assigned_expert_opens_the_file_unless_conflicted(
    client_for, world, apply_call, submitted, private_files
):
    from tests.selection.factories import ExpertProfileFactory, ReviewAssignmentFactory

    field = fields_by_label(apply_call)["Pitch deck"]
    submitted.status = "draft"
    submitted.save()
    draft_services.application_save(
        application=submitted,
        actor=world.users["founder"],
        files={field.pk: SimpleUploadedFile("deck.pdf", b"%PDF deck")},
    )
    submitted.status = "submitted"
    submitted.save()
    answer = Answer.objects.get(application=submitted, field=field)
    expert = ExpertProfileFactory(park=world.park, user=world.users["expert"])
    ReviewAssignmentFactory(application=submitted, expert=expert, status="published")
    url = f"{P}/applications/{submitted.pk}/files/{answer.pk}/"
    response = client_for("expert").get(url)
    assert response.status_code == 200
    assert 'filename="deck.pdf"' in response["Content-Disposition"]
    # A blind call: the expert gets the file under a name that cannot say who applied; the
    # applicant and staff still see their own name.
    apply_call.blind_review = True
    apply_call.save(update_fields=["blind_review"])
    blind = client_for("expert").get(url)
    assert blind.status_code == 200
    assert f'filename="attachment-{field.pk}.pdf"' in blind["Content-Disposition"]
    assert b"".join(blind.streaming_content) == b"%PDF deck"
    assert 'filename="deck.pdf"' in client_for("founder").get(url)["Content-Disposition"]
    assert 'filename="deck.pdf"' in client_for("manager").get(url)["Content-Disposition"]


# --- Queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("n_calls", [2, 12])
def test_call_list_query_count(world, client_for, django_assert_num_queries, n_calls):
    for _ in range(n_calls):
        CallFactory(park=world.park).directions.add(world.direction)
    client = client_for("founder")
    # middleware (3): user, park, roles; open calls with their sites, their directions; the
    # upcoming calls; the park switcher (1); the founder's report banner (1). The same for any
    # number of calls.
    with django_assert_num_queries(8):
        response = client.get(f"{P}/calls/")
    assert response.status_code == 200


@pytest.mark.parametrize("n_applications", [2, 12])
def test_screening_query_count(
    world, client_for, apply_call, django_assert_num_queries, n_applications
):
    for _ in range(n_applications):
        application = ApplicationFactory(call=apply_call, company=CompanyFactory(park=world.park))
        EligibilityCheckFactory(application=application, code="region")
        EligibilityCheckFactory(application=application, code="sme", passed=False)
        for trigger in (RunTrigger.SUBMITTED, RunTrigger.INFO_ANSWERED):
            run = EligibilityRun.objects.create(
                application=application, trigger=trigger, ran_at=timezone.now()
            )
            EligibilityRunResult.objects.create(run=run, code="sme", passed=False, finding="sme_no")
    client = client_for("manager")
    # middleware (3); the call with site, its directions, fields, criteria (4); the applications
    # with companies, their checks, their runs with who ran them, the runs' results (4); the
    # park switcher (1).
    with django_assert_num_queries(12):
        response = client.get(f"{P}/calls/manage/{apply_call.pk}/screening/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="screening-row"') == n_applications


def test_edit_of_a_submitted_application_goes_back_to_its_page(client_for, submitted):
    response = client_for("founder").get(f"{P}/applications/{submitted.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/applications/{submitted.pk}/")


def test_closed_call_page_says_so(client_for, world, apply_call):
    apply_call.closes_at = timezone.now()
    apply_call.save()
    body = client_for("founder").get(f"{P}/calls/{apply_call.pk}/").content.decode()
    assert "This call is closed" in body


def test_autosave_after_submission_says_it_is_locked(client_for, submitted):
    response = client_for("founder").post(
        f"{P}/applications/{submitted.pk}/edit/", {"title": "New"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.title == "Frost sensors"


def test_applying_to_a_closed_call_gives_a_clear_message(client_for, world, apply_call):
    apply_call.closes_at = timezone.now()
    apply_call.save()
    response = client_for("founder").post(
        f"{P}/calls/{apply_call.pk}/apply/", {"company": world.company.pk}
    )
    assert response.status_code == 400
    assert "is closed: it no longer takes applications" in response.content.decode()
    assert not world.company.applications.exists()


def test_private_park_calls_are_hidden_from_anonymous(client_for, world, apply_call):
    world.park.is_public = False
    world.park.save()
    from tests.caching import clear_caches

    clear_caches()
    assert client_for("anonymous").get(f"{P}/calls/").status_code == 404
    assert client_for("founder").get(f"{P}/calls/").status_code == 200


@pytest.mark.parametrize("n_saves", [1, 8])
def test_application_page_query_count(
    world, client_for, apply_call, draft, django_assert_num_queries, n_saves
):
    import datetime as dt

    founder = world.users["founder"]
    fields = fields_by_label(apply_call)
    for n in range(n_saves):
        draft_services.application_save(
            application=draft,
            actor=founder,
            answers={fields["Product name"].pk: f"Name {n}", fields["Budget"].pk: str(n + 1)},
            at=timezone.now() + dt.timedelta(hours=n),
        )
    client = client_for("founder")
    # middleware (3); the application with call, site, park, company; its directions, the call's
    # directions and fields, the team, the company's directions, answers, checks, requests,
    # revisions with authors and their changes (11); the park switcher (1); the founder's report
    # banner (1).
    with django_assert_num_queries(16):
        response = client.get(f"{P}/applications/{draft.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="revision"') == n_saves


@pytest.mark.parametrize("n_applications", [1, 6])
def test_own_applications_query_count(world, client_for, django_assert_num_queries, n_applications):
    for _ in range(n_applications):
        ApplicationFactory(
            park=world.park, call=CallFactory(park=world.park), company=world.company
        )
    client = client_for("founder")
    # middleware (3); the applications with call, site, park, company; their directions; the
    # park switcher (1); the founder's report banner (1).
    with django_assert_num_queries(7):
        response = client.get(f"{P}/applications/")
    assert response.content.decode().count('data-testid="own-application"') == n_applications


def test_a_call_opening_in_year_one_is_refused_at_the_field(client_for, world):
    # Year 1 at the site (east of Greenwich) is year 0 in UTC: a clear error, not a crash.
    response = client_for("manager").post(
        f"{P}/calls/manage/new/",
        {
            "kind": "programme",
            "title": "Intake",
            "site": world.site.pk,
            "opens_at": "0001-01-01T00:00",
            "closes_at": "2026-12-20T23:59",
            "reviews_per_application": "2",
        },
    )
    assert response.status_code == 400
    assert "outside the dates" in str(response.context["form"].errors["opens_at"])
    assert not Call.objects.filter(title="Intake").exists()


@pytest.mark.parametrize("n_calls", [2, 12])
def test_call_list_is_a_fragment(world, client, django_assert_num_queries, n_calls, time_machine):
    # The list is kept for the minute it was built in: both visits fall in one minute.
    time_machine.move_to(timezone.now().replace(second=10, microsecond=0), tick=False)
    for _ in range(n_calls):
        CallFactory(park=world.park).directions.add(world.direction)
    client.get(f"{P}/calls/")
    # Anonymous, again: no query at all (the park is cached by the middleware).
    with django_assert_num_queries(0):
        response = client.get(f"{P}/calls/")
    assert response.content.decode().count('data-testid="open-call"') == n_calls


def test_call_list_never_shows_a_call_open_past_its_deadline(world, client, time_machine):
    start = timezone.now().replace(second=10, microsecond=0)
    time_machine.move_to(start, tick=False)
    closing = CallFactory(
        park=world.park, title="Closing soon", closes_at=start + dt.timedelta(seconds=20)
    )
    CallFactory(park=world.park, title="Opening soon", opens_at=start + dt.timedelta(seconds=30))
    body = client.get(f"{P}/calls/").content.decode()
    assert "Closing soon" in body and body.index("Closing soon") < body.index("Opening soon")
    # Within the same minute, past the deadline: the cached list knew its deadline.
    time_machine.move_to(start + dt.timedelta(seconds=25), tick=False)
    body = client.get(f"{P}/calls/").content.decode()
    assert "Closing soon" not in body
    assert 'data-testid="open-call"' not in body
    # Past the opening: the other call is open now (and it is cached as such).
    time_machine.move_to(start + dt.timedelta(seconds=45), tick=False)
    for _ in range(2):
        body = client.get(f"{P}/calls/").content.decode()
        assert body.count('data-testid="open-call"') == 1 and "Opening soon" in body
    assert closing.pk


def test_call_list_renews_on_a_write(world, client, client_for):
    call = CallFactory(park=world.park, title="Before")
    assert "Before" in client.get(f"{P}/calls/").content.decode()
    from technopark.selection.services.calls import call_close

    call_close(call=call, actor=world.users["manager"])
    assert "Before" not in client.get(f"{P}/calls/").content.decode()
