"""The grants API's milestones, milestone reports (multipart, with files), their review and the
files' download: the same rules as the award page and the report form, every answer checked
against the OpenAPI document."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from technopark.accounts import services as account_services
from technopark.audit.models import AuditEntry
from technopark.grants import services
from technopark.grants.models import (
    BudgetKind,
    GrantReport,
    MilestoneStatus,
    ReportAttachment,
    ReportStatus,
)
from technopark.grants.schemas import ReportFileIn
from tests.api.conftest import ApiClient, assert_matches_spec, field_errors
from tests.conftest import ROLES
from tests.grants.factories import make_award, make_participant

pytestmark = pytest.mark.django_db
BASE = "/api/v1/parks/yakutia/grants"


def body(response):
    return json.loads(response.content)


def pdf(name: str = "акт.pdf", size: int = 20) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF" + b"x" * (size - 4), "application/pdf")


@pytest.fixture
def private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "private"


@pytest.fixture
def award(world):
    return make_award(make_participant(world.park, world.company), world.users["manager"])


@pytest.fixture
def milestone(award):
    return award.milestones.first()


@pytest.fixture
def report(world, milestone, private_files):
    return services.grant_report_file(
        milestone=milestone,
        actor=world.users["founder"],
        summary="Собран прототип",
        spending={"equipment": Decimal("1000.00")},
        attachments=[pdf()],
    )


@pytest.fixture
def foreign_award(world):
    return make_award(
        make_participant(world.other_park, world.foreign_company), world.users["outsider"]
    )


def read_only(openapi, user) -> ApiClient:
    api = ApiClient(openapi)
    api.user = user
    _token, secret = account_services.api_token_create(user=user, name="ro", scope="read")
    api.headers["Authorization"] = f"Bearer {secret}"
    return api


def reports_url(award, milestone) -> str:
    return f"{BASE}/{award.pk}/milestones/{milestone.pk}/reports"


# --- Role matrices -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_the_reads(world, api_for, award, milestone, report, role):
    api = api_for(role)
    attachment = report.attachments.get()
    codes = (
        api.get(f"{BASE}/{award.pk}/milestones").status_code,
        api.get(reports_url(award, milestone)).status_code,
        api.get(f"{BASE}/{award.pk}/attachments/{attachment.pk}").status_code,
    )
    expected = {
        "anonymous": (401, 401, 401),
        "founder": (200, 200, 200),
        "other_founder": (404, 404, 404),  # another company's grant is not found
        "manager": (200, 200, 200),
        "observer": (200, 200, 200),
        "expert": (403, 403, 403),
        "outsider": (403, 403, 403),  # not a member of this park
    }
    assert codes == expected[role]


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_filing_a_report(world, api_for, award, milestone, private_files, role):
    response = api_for(role).multipart(
        reports_url(award, milestone), {"summary": "Готово", "attachments": [pdf()]}
    )
    expected = {
        "anonymous": 401,
        "founder": 201,
        "other_founder": 404,
        "manager": 403,
        "observer": 403,
        "expert": 403,
        "outsider": 403,
    }
    assert response.status_code == expected[role], response.content
    assert GrantReport.objects.count() == (1 if role == "founder" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_the_staff_writes(world, api_for, award, report, role):
    api = api_for(role)
    added = api.post(f"{BASE}/{award.pk}/milestones", {"title": "Пилот", "due_on": "2026-12-01"})
    reviewed = api.post(f"{BASE}/{award.pk}/reports/{report.pk}/review", {"decision": "accept"})
    codes = (added.status_code, reviewed.status_code)
    if role == "anonymous":
        assert codes == (401, 401)
    elif role == "manager":
        assert codes == (201, 200)
    else:
        assert codes == (403, 403)


def test_a_read_only_token_may_not_write(world, openapi, award, milestone, report):
    founder = read_only(openapi, world.users["founder"])
    manager = read_only(openapi, world.users["manager"])
    assert founder.get(f"{BASE}/{award.pk}/milestones").status_code == 200
    filed = founder.multipart(reports_url(award, milestone), {"summary": "Ещё"})
    added = manager.post(f"{BASE}/{award.pk}/milestones", {"title": "x", "due_on": "2026-12-01"})
    reviewed = manager.post(f"{BASE}/{award.pk}/reports/{report.pk}/review", {"decision": "accept"})
    assert (filed.status_code, added.status_code, reviewed.status_code) == (403, 403, 403)
    assert GrantReport.objects.count() == 1
    assert award.milestones.count() == 3


def test_another_parks_grant_report_and_file_are_404(world, api_for, foreign_award, private_files):
    foreign_milestone = foreign_award.milestones.first()
    foreign_report = services.grant_report_file(
        milestone=foreign_milestone,
        actor=world.users["outsider"],
        summary="Чужой",
        spending={},
        attachments=[pdf()],
    )
    attachment = foreign_report.attachments.get()
    manager = api_for("manager", "token")
    assert manager.get(f"{BASE}/{foreign_award.pk}/milestones").status_code == 404
    assert manager.get(reports_url(foreign_award, foreign_milestone)).status_code == 404
    assert manager.get(f"{BASE}/{foreign_award.pk}/attachments/{attachment.pk}").status_code == 404
    assert (
        manager.post(
            f"{BASE}/{foreign_award.pk}/reports/{foreign_report.pk}/review", {"decision": "accept"}
        ).status_code
        == 404
    )
    assert (
        manager.post(
            f"{BASE}/{foreign_award.pk}/milestones", {"title": "x", "due_on": "2026-12-01"}
        ).status_code
        == 404
    )
    foreign_report.refresh_from_db()
    assert foreign_report.status == ReportStatus.SUBMITTED


def test_a_file_of_another_grant_in_the_same_park_is_404_through_this_grant(
    world, api_for, award, report, private_files
):
    other = make_award(make_participant(world.park, world.other_company), world.users["manager"])
    other_report = services.grant_report_file(
        milestone=other.milestones.first(),
        actor=world.users["other_founder"],
        summary="Другой",
        spending={},
        attachments=[pdf("other.pdf")],
    )
    their_file = other_report.attachments.get()
    founder = api_for("founder", "token")
    # Through the founder's own grant's path the other company's file is simply not there.
    assert founder.get(f"{BASE}/{award.pk}/attachments/{their_file.pk}").status_code == 404
    assert founder.get(f"{BASE}/{other.pk}/attachments/{their_file.pk}").status_code == 404
    assert (
        founder.get(f"{BASE}/{award.pk}/milestones/{other.milestones.first().pk}/reports")
    ).status_code == 404


# --- Behaviour -----------------------------------------------------------------------------------


def test_a_founder_files_staff_return_the_founder_refiles_staff_accept(
    world, api_for, award, milestone, private_files
):
    founder = api_for("founder", "token")
    manager = api_for("manager", "token")
    entries = AuditEntry.objects.count()
    filed = founder.multipart(
        reports_url(award, milestone),
        {
            "summary": "Собран прототип\nи испытан",
            "spent_equipment": "250000.50",
            "spent_other": "0",
            "attachments": [pdf("акт.pdf", 30), pdf("счёт.pdf", 40)],
        },
    )
    assert filed.status_code == 201, filed.content
    report = body(filed)
    assert report["status"] == "submitted" and report["summary"] == "Собран прототип\nи испытан"
    assert {line["kind"]: line["amount"] for line in report["spending"]} == {
        "equipment": "250000.50",
        "other": "0.00",
    }
    assert [(a["name"], a["size"]) for a in report["attachments"]] == [
        ("акт.pdf", 30),
        ("счёт.pdf", 40),
    ]
    assert AuditEntry.objects.filter(action="grants.report").count() == 1
    assert AuditEntry.objects.count() > entries
    # Private storage, as the page keeps them: nothing under a public media root.
    stored = sorted(p.name for p in private_files.rglob("*.pdf"))
    assert len(stored) == 2

    states = body(manager.get(f"{BASE}/{award.pk}/milestones"))["items"]
    assert states[0]["status"] == "reported" and states[0]["reports_filed"] == 1
    assert states[0]["latest_report"]["status"] == "submitted"
    assert states[1]["latest_report"] is None

    returned_without_note = manager.post(
        f"{BASE}/{award.pk}/reports/{report['id']}/review", {"decision": "return"}
    )
    assert "note" in field_errors(returned_without_note)
    returned = manager.post(
        f"{BASE}/{award.pk}/reports/{report['id']}/review",
        {"decision": "return", "note": "Приложите акт приёмки"},
    )
    assert returned.status_code == 200
    assert body(returned)["status"] == "returned"
    assert body(returned)["review_note"] == "Приложите акт приёмки"
    assert body(returned)["reviewed_by_id"] == world.users["manager"].pk
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN
    again = manager.post(f"{BASE}/{award.pk}/reports/{report['id']}/review", {"decision": "accept"})
    assert again.status_code == 422

    refiled = founder.multipart(reports_url(award, milestone), {"summary": "С актом"})
    assert refiled.status_code == 201
    listing = body(founder.get(reports_url(award, milestone)))["items"]
    assert [r["status"] for r in listing] == ["submitted", "returned"]
    accepted = manager.post(
        f"{BASE}/{award.pk}/reports/{body(refiled)['id']}/review", {"decision": "accept"}
    )
    assert accepted.status_code == 200 and body(accepted)["status"] == "accepted"
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.ACCEPTED
    # An accepted milestone takes no more reports: the service's refusal, naming the milestone.
    late = founder.multipart(reports_url(award, milestone), {"summary": "Ещё раз"})
    assert "milestone" in field_errors(late)
    assert GrantReport.objects.count() == 2


def test_the_download_is_served_as_the_page_serves_it(world, api_for, client_for, award, report):
    attachment = report.attachments.get()
    api = api_for("observer", "token")
    response = api.get(f"{BASE}/{award.pk}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    page = client_for("observer").get(f"/yakutia/grants/files/{attachment.pk}/")
    assert page.status_code == 200
    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options"):
        assert response[header] == page[header], header
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_file_gone_from_storage_is_404(world, api_for, award, report):
    attachment = report.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    response = api_for("founder", "token").get(f"{BASE}/{award.pk}/attachments/{attachment.pk}")
    assert response.status_code == 404


def test_staff_add_a_milestone(world, api_for, award):
    response = api_for("manager", "token").post(
        f"{BASE}/{award.pk}/milestones",
        {"title": "Пилот у заказчика", "due_on": "2026-12-01", "deliverables": "Акт\nОтчёт"},
    )
    assert response.status_code == 201
    added = body(response)
    assert (added["number"], added["status"], added["reports_filed"]) == (4, "open", 0)
    assert award.milestones.get(pk=added["id"]).deliverables == "Акт\nОтчёт"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"due_on": "2026-12-01"}, "title"),
        ({"title": "", "due_on": "2026-12-01"}, "title"),
        ({"title": "a" * 201, "due_on": "2026-12-01"}, "title"),
        ({"title": "a\nb", "due_on": "2026-12-01"}, "title"),
        ({"title": "x", "due_on": "12/01/2026"}, "due_on"),
        ({"title": "x", "due_on": "2026-12-01", "deliverables": None}, "deliverables"),
        ({"title": "x", "due_on": "2026-12-01", "extra": 1}, "extra"),
    ],
)
def test_a_bad_milestone_is_refused_and_nothing_added(world, api_for, award, payload, field):
    response = api_for("manager", "token").post(f"{BASE}/{award.pk}/milestones", payload)
    assert field in field_errors(response)
    assert award.milestones.count() == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "decision"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "return", "note": "x" * 4001}, "note"),
        ({"decision": "return", "note": "\x00"}, "note"),
    ],
)
def test_a_bad_review_is_refused_and_nothing_changes(world, api_for, award, report, payload, field):
    response = api_for("manager", "token").post(
        f"{BASE}/{award.pk}/reports/{report.pk}/review", payload
    )
    assert field in field_errors(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- Hostile uploads ----------------------------------------------------------------------------


def _refused(api, award, milestone, data, private_files, field="attachments"):
    entries = AuditEntry.objects.count()
    response = api.multipart(reports_url(award, milestone), data)
    errors = field_errors(response)
    assert field in errors, errors
    assert not GrantReport.objects.exists()
    assert not ReportAttachment.objects.exists()
    assert AuditEntry.objects.count() == entries
    assert not private_files.exists() or not any(p.is_file() for p in private_files.rglob("*"))
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN
    return errors[field]


def test_an_oversized_file_is_refused(world, api_for, award, milestone, private_files):
    big = SimpleUploadedFile("big.pdf", b"x" * (10 * 1024 * 1024 + 1), "application/pdf")
    api = api_for("founder", "token")
    messages = _refused(
        api, award, milestone, {"summary": "x", "attachments": [big]}, private_files
    )
    assert messages == ["A file may be at most 10 MB."]


def test_files_too_large_together_are_refused(
    world, api_for, award, milestone, private_files, settings
):
    settings.TECHNOPARK_GRANT_REPORT_MAX_UPLOAD_BYTES = 100
    api = api_for("founder", "token")
    data = {"summary": "x", "attachments": [pdf("a.pdf", 60), pdf("b.pdf", 60)]}
    _refused(api, award, milestone, data, private_files)


@pytest.mark.parametrize("name", ["script.exe", "page.html", "archive.pdf.svg", "noextension"])
def test_a_file_of_a_wrong_type_is_refused(world, api_for, award, milestone, private_files, name):
    api = api_for("founder", "token")
    upload = SimpleUploadedFile(name, b"MZ payload", "application/pdf")
    _refused(api, award, milestone, {"summary": "x", "attachments": [upload]}, private_files)


def test_too_many_files_are_refused(world, api_for, award, milestone, private_files):
    files = [pdf(f"{n}.pdf") for n in range(services.MAX_ATTACHMENTS + 1)]
    api = api_for("founder", "token")
    _refused(api, award, milestone, {"summary": "x", "attachments": files}, private_files)


def test_an_empty_file_is_refused(world, api_for, award, milestone, private_files):
    empty = SimpleUploadedFile("empty.pdf", b"", "application/pdf")
    api = api_for("founder", "token")
    _refused(api, award, milestone, {"summary": "x", "attachments": [empty]}, private_files)


def raw_multipart_file(
    api, path: str, part: str, filename_header: str, content: bytes = b"%PDF-1.4", fields=None
):
    """A multipart body written by hand (the test client would clean the file's name itself):
    the form ``fields`` and one file part named ``part``."""
    boundary = "TechnoparkBoundary7MA4YWxk"
    raw = b""
    for name, value in (fields or {}).items():
        raw += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    raw += (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{part}"; {filename_header}\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = api.client.generic(
        "POST",
        path,
        raw,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=api.headers,
    )
    assert_matches_spec(api.spec, response)
    return response


def raw_multipart(api, path: str, filename_header: str):
    return raw_multipart_file(api, path, "attachments", filename_header, fields={"summary": "x"})


@pytest.mark.parametrize(
    ("filename_header", "kept"),
    [
        ('filename="../../../etc/passwd.pdf"', "passwd.pdf"),
        ('filename="..\\..\\boot.pdf"', "boot.pdf"),
        ('filename="a\x01b\x1bc\x7f.pdf"', "abc.pdf"),
        ("filename*=UTF-8''%D0%B0%0D%0AX-Evil%3A%201.pdf", "аX-Evil: 1.pdf"),
        ("filename*=UTF-8''%2E%2E%2Fsecret.pdf", "secret.pdf"),
    ],
)
def test_a_hostile_file_name_keeps_no_path_and_no_control_character(
    world, api_for, award, milestone, private_files, filename_header, kept
):
    api = api_for("founder", "token")
    response = raw_multipart(api, reports_url(award, milestone), filename_header)
    assert response.status_code == 201, response.content
    attachment = body(response)["attachments"][0]
    assert attachment["name"] == kept
    stored = [p for p in private_files.rglob("*") if p.is_file()]
    assert len(stored) == 1 and private_files in stored[0].parents
    # The name goes into the download's header safely: no header injected, no 500.
    download = api.get(f"{BASE}/{award.pk}/attachments/{attachment['id']}")
    assert download.status_code == 200
    assert "X-Evil" not in download.headers


@pytest.mark.parametrize(
    "filename_header", ['filename=""', 'filename=".."', "filename*=UTF-8''%01%02"]
)
def test_a_file_without_a_usable_name_is_not_kept(
    world, api_for, award, milestone, private_files, filename_header
):
    api = api_for("founder", "token")
    response = raw_multipart(api, reports_url(award, milestone), filename_header)
    assert response.status_code in {201, 422}, response.content
    assert not ReportAttachment.objects.exists()
    assert not private_files.exists() or not any(p.is_file() for p in private_files.rglob("*"))


@pytest.mark.parametrize(
    ("name", "size", "refused"),
    [
        ("a\x01b.pdf", 3, True),
        ("a\\b.pdf", 3, True),
        ("a" * 197 + ".pdf", 3, True),
        ("ok.pdf", 0, True),
        ("акт приёмки.pdf", 3, False),
    ],
)
def test_the_upload_check_behind_the_parser(name, size, refused):
    from technopark.grants.api import _upload_problem

    upload = SimpleUploadedFile("x", b"x" * size)
    upload.name = name
    assert (_upload_problem(upload) is not None) is refused


def test_a_long_file_name_is_refused(world, api_for, award, milestone, private_files):
    upload = SimpleUploadedFile("a" * 201 + ".pdf", b"%PDF", "application/pdf")
    api = api_for("founder", "token")
    _refused(api, award, milestone, {"summary": "x", "attachments": [upload]}, private_files)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "summary"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"summary": "a\x00b"}, "summary"),
        ({"summary": "x", "spent_equipment": "-1"}, "spent_equipment"),
        ({"summary": "x", "spent_equipment": "много"}, "spent_equipment"),
        ({"summary": "x", "spent_equipment": "1.001"}, "spent_equipment"),
        ({"summary": "x", "spent_salaries": "1" * 20}, "spent_salaries"),
    ],
)
def test_bad_report_fields_are_refused(
    world, api_for, award, milestone, private_files, data, field
):
    response = api_for("founder", "token").multipart(reports_url(award, milestone), data)
    assert response.status_code == 422
    locations = [item["loc"] for item in body(response)["detail"]]
    assert any(loc[-1] == field for loc in locations), locations
    assert not GrantReport.objects.exists()


def test_a_session_filing_needs_the_csrf_token(world, api_for, award, milestone, private_files):
    response = api_for("founder").multipart(
        reports_url(award, milestone), {"summary": "x"}, csrf=False
    )
    assert response.status_code == 403
    assert not GrantReport.objects.exists()


def test_the_report_form_fields_name_every_budget_line():
    spent = {name.removeprefix("spent_") for name in ReportFileIn.model_fields if name != "summary"}
    assert spent == set(BudgetKind.values)


def test_the_multipart_body_is_in_the_spec(openapi):
    operation = openapi.document["paths"][
        "/api/v1/parks/{park_slug}/grants/{grant_id}/milestones/{milestone_id}/reports"
    ]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["attachments"]["items"] == {"format": "binary", "type": "string"}
    assert schema["required"] == ["summary"]
    download = openapi.document["paths"][
        "/api/v1/parks/{park_slug}/grants/{grant_id}/attachments/{attachment_id}"
    ]["get"]["responses"]["200"]
    assert download["content"] == {"*/*": {}}


@pytest.mark.parametrize("n_reports", [1, 4])
def test_the_milestone_and_report_lists_take_fixed_queries(
    world, api_for, award, milestone, private_files, django_assert_max_num_queries, n_reports
):
    for n in range(n_reports):
        report = services.grant_report_file(
            milestone=milestone,
            actor=world.users["founder"],
            summary=f"{n}",
            spending={"equipment": Decimal("1")},
            attachments=[pdf()],
        )
        if n < n_reports - 1:
            services.grant_report_review(
                report=report, actor=world.users["manager"], accept=False, note="ещё"
            )
    api = api_for("manager", "token")
    with django_assert_max_num_queries(16):
        assert len(body(api.get(f"{BASE}/{award.pk}/milestones"))["items"]) == 3
    with django_assert_max_num_queries(16):
        assert len(body(api.get(reports_url(award, milestone)))["items"]) == n_reports
