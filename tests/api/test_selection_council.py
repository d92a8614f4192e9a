"""The council part of the API: the ranking, an application's reviews, decisions one by one and in
batch (staff), and the applicant's decision notice. Every answer is checked against the spec."""

from __future__ import annotations

import pytest

from technopark.selection.models import ApplicationStatus, Decision
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.factories import CompanyFactory
from tests.selection.factories import ApplicationFactory, CallFactory, ExpertProfileFactory
from tests.selection.fixtures_council import CouncilWorld, file_review, make_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(world) -> CouncilWorld:
    return make_council(world)


BASE = "/api/v1/parks/yakutia"
STAFF_ONLY = {
    "anonymous": 401,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


def ranking(call):
    return f"{BASE}/council/calls/{call.pk}/ranking"


def detail(call, application):
    return f"{BASE}/council/calls/{call.pk}/applications/{application.pk}"


def notice(application):
    return f"{BASE}/applications/{application.pk}/decision-notice"


# --- Role matrices -------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_ranking_role_matrix(api_for, council, role, auth):
    assert api_for(role, auth).get(ranking(council.call)).status_code == STAFF_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_application_role_matrix(api_for, council, role):
    assert api_for(role).get(detail(council.call, council.strong)).status_code == STAFF_ONLY[role]


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_decision_role_matrix(api_for, council, role, auth):
    response = api_for(role, auth).post(
        detail(council.call, council.split) + "/decisions",
        {"outcome": "reject", "rationale": "No."},
    )
    assert response.status_code == {**STAFF_ONLY, "manager": 201}[role]
    assert Decision.objects.exists() == (role == "manager")


@pytest.mark.parametrize("role", ROLES)
def test_batch_role_matrix(api_for, council, role):
    response = api_for(role).post(
        f"{BASE}/council/calls/{council.call.pk}/decisions",
        {"applications": [council.split.pk], "outcome": "reject", "rationale": "No."},
    )
    assert response.status_code == {**STAFF_ONLY, "manager": 201}[role]


NOTICE_STATUS = {
    "anonymous": 401,
    "founder": 200,  # acts for the applicant company
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_notice_role_matrix(api_for, council, world, role, auth):
    api_for("manager").post(
        detail(council.call, council.strong) + "/decisions",
        {
            "outcome": "admit",
            "rationale": "SECRET",
            "agreement_number": "R-1",
            "start_date": "2026-12-01",
        },
    )
    assert api_for(role, auth).get(notice(council.strong)).status_code == NOTICE_STATUS[role]


def test_session_post_needs_csrf(api_for, council):
    response = api_for("manager").post(
        detail(council.call, council.split) + "/decisions",
        {"outcome": "reject", "rationale": "No."},
        csrf=False,
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


# --- Reads ---------------------------------------------------------------------------------------


def test_ranking_rows(api_for, council):
    body = api_for("manager").get(ranking(council.call)).json()
    assert body["count"] == 3
    first, second, third = body["items"]
    assert first["application_id"] == council.strong.pk
    assert first["weighted_total"] == "80.00"
    assert first["spread"] == "5.00"
    assert first["rank"] == 1
    assert first["recommendations"] == {"admit": 2, "conditions": 0, "reject": 0}
    assert first["flagged"] is False
    assert second["flagged"] is True and second["spread"] == "50.00"
    assert third["weighted_total"] is None and third["rank"] is None
    assert (third["reviews_filed"], third["reviews_assigned"]) == (0, 1)


def test_ranking_filters_sort_and_pages(api_for, council):
    client = api_for("manager", "token")
    body = client.get(ranking(council.call), {"flagged": "true"}).json()
    assert [i["application_id"] for i in body["items"]] == [council.split.pk]
    body = client.get(ranking(council.call), {"sort": "-company", "limit": 1, "offset": 1}).json()
    assert body["count"] == 3 and len(body["items"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "nope"}, "query.sort"),
        ({"status": "draft"}, "query.status"),
        ({"status": "bogus"}, "query.status"),
        ({"flagged": "perhaps"}, "query.flagged"),
        ({"limit": 0}, "query.limit"),
        ({"offset": -1}, "query.offset"),
    ],
)
def test_ranking_bad_query_is_422(api_for, council, params, field):
    assert field in field_errors(api_for("manager").get(ranking(council.call), params))


def test_unknown_or_foreign_call_is_404(api_for, council, world):
    foreign = CallFactory(park=world.other_park)
    client = api_for("manager")
    assert client.get(ranking(foreign)).status_code == 404
    assert client.get(f"{BASE}/council/calls/999999/ranking").status_code == 404
    assert client.get(detail(foreign, council.strong)).status_code == 404
    assert client.get(f"{BASE}/council/calls/0/ranking").status_code == 422
    assert client.get(f"{BASE}/council/calls/{2**63}/ranking").status_code == 422


@pytest.mark.parametrize("n_applications", [0, 20])
def test_ranking_query_count_does_not_grow(
    api_for, council, world, django_assert_num_queries, n_applications
):
    experts = [ExpertProfileFactory(park=world.park) for _ in range(2)]
    for n in range(n_applications):
        application = ApplicationFactory(call=council.call, company=CompanyFactory(park=world.park))
        for expert in experts:
            file_review(application, total=str(50 + n), expert=expert)
    client = api_for("manager")
    # user (the session comes from the cache), park, roles (3); the call, the page of rows with
    # their eligibility, the latest decisions, the failing checks, the count.
    with django_assert_num_queries(8):
        assert client.get(ranking(council.call)).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(ranking(council.call)).status_code == 200


def test_application_shows_reviews_with_names_and_council_notes(api_for, council):
    body = api_for("manager").get(detail(council.call, council.strong)).json()
    assert body["weighted_total"] == "80.00"
    assert [r["expert"] for r in body["reviews"]] == ["Expert", "Ivan Expertov"]
    assert body["reviews"][0]["note_for_council"] == "Strong team; ask about the second round."
    assert body["decisions"] == []


# --- Writes --------------------------------------------------------------------------------------


def test_admit_by_api(api_for, council, world):
    response = api_for("manager", "token").post(
        detail(council.call, council.strong) + "/decisions",
        {
            "outcome": "admit",
            "rationale": "Top.",
            "message_for_applicant": "Welcome.",
            "agreement_number": "R-9",
            "start_date": "2026-12-01",
            "site": world.site.pk,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "admit" and body["agreement_number"] == "R-9"
    assert body["decided_by"] == "Manager"
    council.strong.refresh_from_db()
    assert council.strong.status == ApplicationStatus.ADMITTED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "maybe", "rationale": "x"}, "outcome"),
        ({"rationale": "x"}, "outcome"),
        ({"outcome": "reject"}, "rationale"),
        ({"outcome": "reject", "rationale": "  "}, "rationale"),
        ({"outcome": "reject", "rationale": "x" * 10_001}, "rationale"),
        ({"outcome": "reject", "rationale": "a\x00b"}, "rationale"),
        ({"outcome": "reject", "rationale": "x", "extra": 1}, "extra"),
        ({"outcome": "more_info", "rationale": "x"}, "message_for_applicant"),
        ({"outcome": "admit", "rationale": "x", "start_date": "2026-12-01"}, "agreement_number"),
        ({"outcome": "admit", "rationale": "x", "agreement_number": "R"}, "start_date"),
        (
            {
                "outcome": "admit",
                "rationale": "x",
                "agreement_number": "R",
                "start_date": "2026-13-01",
            },
            "start_date",
        ),
        (
            {
                "outcome": "admit",
                "rationale": "x",
                "agreement_number": "R",
                "start_date": "2026-12-01",
                "site": 999999,
            },
            "site",
        ),
        (
            {
                "outcome": "admit",
                "rationale": "x",
                "agreement_number": "R" * 51,
                "start_date": "2026-12-01",
            },
            "agreement_number",
        ),
    ],
)
def test_decision_bad_input_is_422_naming_the_field(api_for, council, payload, field):
    response = api_for("manager").post(detail(council.call, council.strong) + "/decisions", payload)
    assert field in field_errors(response)
    assert not Decision.objects.exists()


def test_a_body_that_is_not_json_is_400(api_for, council):
    response = api_for("manager").post(
        detail(council.call, council.strong) + "/decisions", body="{not json"
    )
    assert response.status_code == 400


def test_deciding_twice_is_422(api_for, council):
    client = api_for("manager")
    url = detail(council.call, council.split) + "/decisions"
    assert client.post(url, {"outcome": "reject", "rationale": "No."}).status_code == 201
    response = client.post(url, {"outcome": "reject", "rationale": "Again."})
    assert "already been decided" in str(field_errors(response))


def test_decision_on_an_application_of_another_call_is_404(api_for, council, world):
    other = CallFactory(park=world.park)
    response = api_for("manager").post(
        detail(other, council.split) + "/decisions", {"outcome": "reject", "rationale": "No."}
    )
    assert response.status_code == 404


def test_batch_by_api(api_for, council):
    response = api_for("manager").post(
        f"{BASE}/council/calls/{council.call.pk}/decisions",
        {
            "applications": [council.pending.pk, council.split.pk],
            "outcome": "reject",
            "rationale": "Below the line.",
        },
    )
    assert response.status_code == 201
    assert [d["application_id"] for d in response.json()["decisions"]] == sorted(
        [council.pending.pk, council.split.pk]
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"applications": [], "outcome": "reject", "rationale": "x"}, "applications"),
        ({"applications": [0], "outcome": "reject", "rationale": "x"}, "applications.0"),
        (
            {"applications": list(range(1, 502)), "outcome": "reject", "rationale": "x"},
            "applications",
        ),
        ({"applications": [999999], "outcome": "reject", "rationale": "x"}, "applications"),
        ({"applications": "SPLIT", "outcome": "admit", "rationale": "x"}, "outcome"),
        ({"applications": "SPLIT", "outcome": "reject", "rationale": ""}, "rationale"),
    ],
)
def test_batch_bad_input_is_422(api_for, council, payload, field):
    if payload["applications"] == "SPLIT":
        payload = {**payload, "applications": [council.split.pk]}
    response = api_for("manager").post(f"{BASE}/council/calls/{council.call.pk}/decisions", payload)
    assert field in field_errors(response)
    assert not Decision.objects.exists()


# --- The applicant's notice ----------------------------------------------------------------------


def test_notice_says_only_what_is_meant_for_the_applicant(api_for, council):
    api_for("manager").post(
        detail(council.call, council.strong) + "/decisions",
        {
            "outcome": "admit",
            "rationale": "SECRET reasoning",
            "message_for_applicant": "Welcome.",
            "agreement_number": "R-1",
            "start_date": "2026-12-01",
        },
    )
    response = api_for("founder", "token").get(notice(council.strong))
    body = response.json()
    assert body["outcome"] == "admit"
    assert body["message"] == "Welcome."
    assert body["notes_for_applicant"] == [
        "A clear plan; show the pilot's figures next time.",
        "Good market analysis.",
    ]
    text = response.content.decode()
    for secret in ("SECRET", "Strong team", "Ivan Expertov", "82.5"):
        assert secret not in text


def test_notice_before_a_decision_is_404(api_for, council):
    assert api_for("founder").get(notice(council.strong)).status_code == 404


def test_notice_of_another_parks_application_is_404(api_for, world):
    foreign = ApplicationFactory(
        call=CallFactory(park=world.other_park), company=world.foreign_company
    )
    assert api_for("founder").get(notice(foreign)).status_code == 404


def test_ranking_keeps_each_rank_under_filters_and_carries_eligibility(api_for, council, world):
    from technopark.selection.models import CheckVerdict
    from tests.selection.fixtures_apply import EligibilityCheckFactory

    top = ApplicationFactory(call=council.call, company=CompanyFactory(park=world.park))
    file_review(top, total="99.00")
    EligibilityCheckFactory(application=top, code="region", passed=True)
    EligibilityCheckFactory(
        application=council.split,
        code="sme",
        passed=False,
        verdict=CheckVerdict.CONFIRMED,
        verdict_reason="Too big",
        decided_on_passed=False,
    )
    EligibilityCheckFactory(
        application=council.strong,
        code="taxes",
        passed=True,
        verdict=CheckVerdict.CONFIRMED,
        verdict_reason="Declared",
        decided_on_passed=True,
    )
    client = api_for("manager", "token")
    whole = {i["application_id"]: i for i in client.get(ranking(council.call)).json()["items"]}
    assert [whole[a.pk]["rank"] for a in (top, council.strong, council.split)] == [1, 2, 3]
    assert whole[top.pk]["eligibility"] == "not_screened"
    assert whole[top.pk]["failing_checks"] == []
    assert whole[council.strong.pk]["eligibility"] == "eligible"
    assert whole[council.split.pk]["eligibility"] == "ineligible"
    assert whole[council.split.pk]["failing_checks"] == ["sme"]
    assert whole[council.pending.pk]["eligibility"] == "not_screened"
    flagged = client.get(ranking(council.call), {"flagged": "true"}).json()
    assert [(i["application_id"], i["rank"]) for i in flagged["items"]] == [(council.split.pk, 3)]
    assert flagged["count"] == 1
    by_company = client.get(ranking(council.call), {"status": "submitted", "sort": "-rank"}).json()
    assert [i["rank"] for i in by_company["items"]][:3] == [3, 2, 1]
