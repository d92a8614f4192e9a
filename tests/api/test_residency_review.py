"""The API of the staff review of quarterly reports: who may review, the answer's shape, bad
input, another park's report."""

from __future__ import annotations

from typing import Any

import pytest

from technopark.residency.models import QuarterlyReport, ReportReview
from technopark.residency.schedule import Quarter
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.residency.conftest import admit, current, file_report


def api_review_url(report: Any, park: str = "yakutia") -> str:
    return f"/api/v1/parks/{park}/resident-reports/{report.pk}/review"


def earlier() -> Quarter:
    return Quarter.from_period(current().period - 1)


@pytest.fixture
def report(world: Any) -> QuarterlyReport:
    resident = admit(world.company, actor=world.users["manager"])
    return file_report(resident, earlier(), actor=world.users["founder"])


API = {
    "anonymous": 401,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_api_review_by_role(api_for, report, role, auth):
    response = api_for(role, auth).post(api_review_url(report), {"decision": "accept"})
    assert response.status_code == API[role]
    report.refresh_from_db()
    assert (report.review == ReportReview.ACCEPTED) == (role == "manager")
    if role == "manager":
        assert response.json()["review"] == "accepted"


def test_api_return_and_the_founders_view(api_for, report):
    manager = api_for("manager")
    answer = manager.post(api_review_url(report), {"decision": "return", "note": "Нет данных"})
    assert answer.status_code == 200
    assert (answer.json()["review"], answer.json()["review_note"]) == ("returned", "Нет данных")
    mine = api_for("founder").get("/api/v1/parks/yakutia/resident-reports/mine").json()
    filed = mine[0]["reports"][0]
    assert (filed["review"], filed["review_note"]) == ("returned", "Нет данных")


def test_api_review_bad_input_changes_nothing(api_for, world, report):
    manager = api_for("manager")
    assert "note" in field_errors(manager.post(api_review_url(report), {"decision": "return"}))
    assert "decision" in field_errors(manager.post(api_review_url(report), {"decision": "x"}))
    long = manager.post(api_review_url(report), {"decision": "return", "note": "x" * 2001})
    assert long.status_code == 422
    report.refresh_from_db()
    assert report.review == ReportReview.FILED
    foreign = admit(world.foreign_company)
    theirs = file_report(foreign, earlier())
    assert manager.post(api_review_url(theirs), {"decision": "accept"}).status_code == 404
    assert (
        api_for("outsider")
        .post(api_review_url(report, "kolyma"), {"decision": "accept"})
        .status_code
        == 404
    )
