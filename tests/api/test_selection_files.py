# ruff: noqa: F811 - the fixtures imported from tests.selection are pytest arguments
"""An application's files through the API: the applicant uploads (multipart) and removes the
file answering a question of the draft; the team, staff and assigned experts list and download
the files as the page serves them. Every answer is checked against the OpenAPI document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from technopark.accounts import services as account_services
from technopark.selection.models import Answer, ApplicationStatus
from technopark.selection.services import drafts as draft_services
from tests.api.conftest import ApiClient, field_errors
from tests.conftest import ROLES
from tests.selection.factories import ExpertProfileFactory, ReviewAssignmentFactory
from tests.selection.fixtures_apply import (  # noqa: F401 - fixtures
    apply_call,
    draft,
    fields_by_label,
    private_files,
    submitted,
)

BASE = "/api/v1/parks/yakutia"
pytestmark = pytest.mark.django_db


def deck(name: str = "deck.pdf", content: bytes = b"%PDF-1.4 deck") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def question(apply_call):
    return fields_by_label(apply_call)["Pitch deck"]


@pytest.fixture
def answered(world, draft, question, private_files):
    draft_services.application_save(
        application=draft, actor=world.users["founder"], files={question.pk: deck()}
    )
    return Answer.objects.get(application=draft, field=question)


def upload_url(application, field) -> str:
    return f"{BASE}/applications/{application.pk}/answers/{field.pk}/file"


def stored(private_files) -> list:
    if not private_files.exists():
        return []
    return [p for p in private_files.rglob("*") if p.is_file()]


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_the_upload(world, api_for, draft, question, private_files, role):
    response = api_for(role).multipart(upload_url(draft, question), {"file": deck()})
    expected = {
        "anonymous": 401,
        "founder": 200,
        "other_founder": 404,  # another company's application is not found
        "manager": 403,
        "expert": 403,
        "observer": 403,
        "outsider": 403,
    }
    assert response.status_code == expected[role], response.content
    assert Answer.objects.filter(field=question).exists() is (role == "founder")
    assert len(stored(private_files)) == (1 if role == "founder" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_the_list_and_download(world, api_for, draft, answered, role):
    api = api_for(role)
    listing = api.get(f"{BASE}/applications/{draft.pk}/files")
    download = api.get(f"{BASE}/applications/{draft.pk}/files/{answered.pk}")
    expected = {
        "anonymous": 401,
        "founder": 200,
        "other_founder": 404,
        "manager": 200,
        "expert": 404,  # not assigned to it
        "observer": 404,
        "outsider": 403,  # no role in this park
    }
    assert (listing.status_code, download.status_code) == (expected[role], expected[role])
    if expected[role] == 200:
        assert listing.json()["items"] == [
            {
                "answer_id": answered.pk,
                "field_id": answered.field_id,
                "question": "Pitch deck",
                "file_name": "deck.pdf",
                "file_size": 13,
            }
        ]
        assert b"".join(download.streaming_content) == b"%PDF-1.4 deck"


def test_a_read_only_token_may_not_upload_or_remove(
    world, openapi, draft, question, answered, private_files
):
    api = ApiClient(openapi)
    _token, secret = account_services.api_token_create(
        user=world.users["founder"], name="ro", scope="read"
    )
    api.headers["Authorization"] = f"Bearer {secret}"
    assert api.get(f"{BASE}/applications/{draft.pk}/files").status_code == 200
    assert api.multipart(upload_url(draft, question), {"file": deck("new.pdf")}).status_code == 403
    assert api.request("DELETE", upload_url(draft, question)).status_code == 403
    answered.refresh_from_db()
    assert answered.file_name == "deck.pdf"


def test_another_parks_application_is_404(world, api_for, draft, answered, question):
    manager = api_for("outsider", "token")  # staff of the other park
    other = f"/api/v1/parks/kolyma/applications/{draft.pk}"
    assert manager.get(f"{other}/files").status_code == 404
    assert manager.get(f"{other}/files/{answered.pk}").status_code == 404
    founder = api_for("founder", "token")
    foreign = f"/api/v1/parks/kolyma/applications/{draft.pk}/answers/{question.pk}/file"
    # The founder has no role in the other park: refused before anything is looked up.
    assert founder.multipart(foreign, {"file": deck()}).status_code == 403


def test_upload_replace_and_remove(
    world, api_for, draft, question, private_files, django_capture_on_commit_callbacks
):
    api = api_for("founder", "token")
    first = api.multipart(upload_url(draft, question), {"file": deck("one.pdf")})
    assert first.status_code == 200
    answer = next(a for a in first.json()["answers"] if a["field_id"] == question.pk)
    assert answer["file_name"] == "one.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        replaced = api.multipart(upload_url(draft, question), {"file": deck("two.png", b"\x89PNG")})
    assert replaced.status_code == 200
    answer = next(a for a in replaced.json()["answers"] if a["field_id"] == question.pk)
    assert answer["file_name"] == "two.png"
    # The replaced file is deleted once the change is committed.
    assert [p.name for p in stored(private_files)] == ["two.png"]
    assert draft.revisions.exists()
    with django_capture_on_commit_callbacks(execute=True):
        removed = api.request("DELETE", upload_url(draft, question))
    assert removed.status_code == 200
    assert not any(a["field_id"] == question.pk for a in removed.json()["answers"])
    assert not Answer.objects.filter(field=question).exists()
    assert stored(private_files) == []


def test_an_expert_of_a_blind_call_gets_a_name_that_cannot_say_who_applied(
    world, api_for, apply_call, submitted, question, private_files
):
    submitted.status = ApplicationStatus.DRAFT
    submitted.save()
    draft_services.application_save(
        application=submitted, actor=world.users["founder"], files={question.pk: deck()}
    )
    submitted.status = ApplicationStatus.SUBMITTED
    submitted.save()
    answer = Answer.objects.get(application=submitted, field=question)
    expert = ExpertProfileFactory(park=world.park, user=world.users["expert"])
    ReviewAssignmentFactory(application=submitted, expert=expert, status="published")
    api = api_for("expert", "token")
    url = f"{BASE}/applications/{submitted.pk}/files"
    assert api.get(url).json()["items"][0]["file_name"] == "deck.pdf"
    apply_call.blind_review = True
    apply_call.save(update_fields=["blind_review"])
    assert api.get(url).json()["items"][0]["file_name"] == f"attachment-{question.pk}.pdf"
    blind = api.get(f"{url}/{answer.pk}")
    assert blind.status_code == 200
    assert f'filename="attachment-{question.pk}.pdf"' in blind["Content-Disposition"]
    founder = api_for("founder", "token").get(f"{url}/{answer.pk}")
    assert 'filename="deck.pdf"' in founder["Content-Disposition"]


def test_the_download_is_served_as_the_page_serves_it(world, api_for, client_for, draft, answered):
    api = api_for("manager", "token").get(f"{BASE}/applications/{draft.pk}/files/{answered.pk}")
    page = client_for("manager").get(f"/yakutia/applications/{draft.pk}/files/{answered.pk}/")
    assert (api.status_code, page.status_code) == (200, 200)
    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options"):
        assert api[header] == page[header], header
    assert api["Content-Disposition"].startswith("attachment;")
    assert "no-store" in api["Cache-Control"]


def test_a_file_gone_from_storage_is_404(world, api_for, draft, answered):
    answered.file.storage.delete(answered.file.name)
    url = f"{BASE}/applications/{draft.pk}/files/{answered.pk}"
    assert api_for("founder", "token").get(url).status_code == 404
    assert api_for("founder", "token").get(f"{url}0").status_code == 404


# --- Hostile input ----------------------------------------------------------------------------


def _refused(api, draft, question, data, private_files) -> dict:
    revisions = draft.revisions.count()
    response = api.multipart(upload_url(draft, question), data)
    errors = field_errors(response)
    assert not Answer.objects.filter(field=question).exists()
    assert stored(private_files) == []
    assert draft.revisions.count() == revisions
    return errors


def test_an_oversized_file_is_refused(world, api_for, draft, question, private_files):
    big = deck("big.pdf", b"x" * (1024 * 1024 + 1))
    errors = _refused(api_for("founder", "token"), draft, question, {"file": big}, private_files)
    assert errors == {f"field_{question.pk}": ["The file is larger than 1 MB."]}


@pytest.mark.parametrize("name", ["deck.exe", "deck.pdf.html", "deck"])
def test_a_file_of_a_wrong_type_is_refused(world, api_for, draft, question, private_files, name):
    errors = _refused(
        api_for("founder", "token"), draft, question, {"file": deck(name)}, private_files
    )
    assert errors == {f"field_{question.pk}": ["Upload a file of one of these types: pdf, png."]}


def test_an_empty_file_is_refused(world, api_for, draft, question, private_files):
    errors = _refused(
        api_for("founder", "token"), draft, question, {"file": deck(content=b"")}, private_files
    )
    assert errors == {f"field_{question.pk}": ["The file is empty."]}


def test_a_long_name_is_refused(world, api_for, draft, question, private_files):
    errors = _refused(
        api_for("founder", "token"),
        draft,
        question,
        {"file": deck("a" * 201 + ".pdf")},
        private_files,
    )
    assert errors == {f"field_{question.pk}": ["Shorten the file's name to 200 characters."]}


def test_a_missing_file_is_refused(world, api_for, draft, question, private_files):
    errors = _refused(api_for("founder", "token"), draft, question, {}, private_files)
    assert list(errors) == ["file.file"]


def test_two_files_for_one_question_are_refused(world, api_for, draft, question, private_files):
    errors = _refused(
        api_for("founder", "token"),
        draft,
        question,
        {"file": [deck("a.pdf"), deck("b.pdf")]},
        private_files,
    )
    assert errors == {"file": ["Send one file for a question."]}


def test_a_question_that_takes_no_file_is_refused(world, api_for, draft, apply_call, private_files):
    text_question = fields_by_label(apply_call)["Product name"]
    api = api_for("founder", "token")
    response = api.multipart(upload_url(draft, text_question), {"file": deck()})
    assert "file" in field_errors(response)
    assert stored(private_files) == []


def test_a_question_of_another_call_is_404(world, api_for, draft, private_files):
    from tests.selection.factories import CallFactory, FormFieldFactory

    other = FormFieldFactory(call=CallFactory(park=world.park), kind="file")
    response = api_for("founder", "token").multipart(upload_url(draft, other), {"file": deck()})
    assert response.status_code == 404
    assert stored(private_files) == []


def test_a_submitted_application_takes_no_file(world, api_for, submitted, question, private_files):
    response = api_for("founder", "token").multipart(
        upload_url(submitted, question), {"file": deck()}
    )
    assert response.status_code == 422
    assert stored(private_files) == []


def test_a_hostile_name_keeps_no_path_and_no_control_character(
    world, api_for, draft, question, private_files
):
    from tests.api.test_grant_reports import raw_multipart_file

    api = api_for("founder", "token")
    response = raw_multipart_file(
        api, upload_url(draft, question), "file", "filename*=UTF-8''..%2F..%2Fa%0D%0AX-Evil%3A1.pdf"
    )
    assert response.status_code == 200, response.content
    answer = Answer.objects.get(field=question)
    assert answer.file_name == "aX-Evil:1.pdf"
    files = stored(private_files)
    assert len(files) == 1 and private_files in files[0].parents
    download = api.get(f"{BASE}/applications/{draft.pk}/files/{answer.pk}")
    assert download.status_code == 200 and "X-Evil" not in download.headers


def test_a_session_upload_needs_the_csrf_token(world, api_for, draft, question, private_files):
    response = api_for("founder").multipart(
        upload_url(draft, question), {"file": deck()}, csrf=False
    )
    assert response.status_code == 403
    assert stored(private_files) == []


def test_the_multipart_body_is_in_the_spec(openapi):
    path = "/api/v1/parks/{park_slug}/applications/{application_id}/answers/{field_id}/file"
    schema = openapi.document["paths"][path]["post"]["requestBody"]["content"][
        "multipart/form-data"
    ]["schema"]
    assert schema["properties"]["file"]["format"] == "binary"
    assert schema["required"] == ["file"]


@pytest.mark.parametrize("n_files", [1, 3])
def test_the_file_list_takes_fixed_queries(
    world, api_for, apply_call, draft, private_files, django_assert_max_num_queries, n_files
):
    from tests.selection.factories import FormFieldFactory

    for n in range(n_files):
        field = FormFieldFactory(
            call=apply_call, kind="file", label=f"File {n}", allowed_types="pdf", max_size_mb=1
        )
        draft_services.application_save(
            application=draft, actor=world.users["founder"], files={field.pk: deck(f"{n}.pdf")}
        )
    api = api_for("founder", "token")
    with django_assert_max_num_queries(20):
        assert len(api.get(f"{BASE}/applications/{draft.pk}/files").json()["items"]) == n_files
