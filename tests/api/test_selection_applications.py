# ruff: noqa: F811 - the fixtures imported from tests.selection are pytest arguments
"""Calls and applications through the API: public calls, own applications, staff's view."""

from __future__ import annotations

import pytest

from technopark.selection.models import Application, ApplicationStatus, CallStatus
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.selection.factories import CallFactory
from tests.selection.fixtures_apply import (  # noqa: F401 - fixtures
    apply_call,
    draft,
    fields_by_label,
    private_files,
    submitted,
)

BASE = "/api/v1/parks/yakutia"


@pytest.mark.parametrize("role", ROLES)
def test_open_calls_role_matrix(api_for, apply_call, role):
    response = api_for(role).get(f"{BASE}/calls")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Residency 2026"]


@pytest.mark.parametrize("role", ROLES)
def test_call_detail_role_matrix(api_for, apply_call, role):
    response = api_for(role).get(f"{BASE}/calls/{apply_call.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Asia/Yakutsk"
    assert [f["kind"] for f in body["fields"]][:4] == ["short_text", "long_text", "number", "money"]
    assert body["criteria"][0]["weight"] == "2.00"


def test_draft_calls_and_other_parks_calls_are_404(api_for, world, apply_call):
    hidden = CallFactory(park=world.park, status=CallStatus.DRAFT)
    foreign = CallFactory(park=world.other_park)
    assert api_for("founder").get(f"{BASE}/calls/{hidden.pk}").status_code == 404
    assert api_for("manager").get(f"{BASE}/calls/{hidden.pk}").status_code == 200
    assert api_for("manager").get(f"{BASE}/calls/{foreign.pk}").status_code == 404
    assert [i["id"] for i in api_for("anonymous").get(f"{BASE}/calls").json()["items"]] == [
        apply_call.pk
    ]


OWN_STATUS = {
    "anonymous": 401,
    "founder": 200,
    "other_founder": 200,
    "manager": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_own_applications_role_matrix(api_for, draft, role, auth):
    response = api_for(role, auth).get(f"{BASE}/applications")
    assert response.status_code == OWN_STATUS[role]
    if role == "founder":
        assert [item["id"] for item in response.json()["items"]] == [draft.pk]
    if role == "other_founder":
        assert response.json()["items"] == []


DETAIL_STATUS = {**OWN_STATUS, "other_founder": 403}


@pytest.mark.parametrize("role", ROLES)
def test_application_detail_role_matrix(api_for, draft, role):
    response = api_for(role).get(f"{BASE}/applications/{draft.pk}")
    assert response.status_code == DETAIL_STATUS[role]


STAFF_STATUS = {
    "anonymous": 401,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_staff_call_applications_role_matrix(api_for, submitted, role):
    response = api_for(role).get(f"{BASE}/calls/{submitted.call_id}/applications")
    assert response.status_code == STAFF_STATUS[role]
    if role == "manager":
        item = response.json()["items"][0]
        assert item["status"] == "submitted"
        assert {c["code"] for c in item["eligibility_checks"]} >= {"region", "sme", "taxes"}


@pytest.mark.parametrize("role", ROLES)
def test_create_role_matrix(api_for, world, apply_call, role):
    response = api_for(role).post(
        f"{BASE}/applications", {"call": apply_call.pk, "company": world.company.pk}
    )
    expected = {**DETAIL_STATUS, "founder": 201}
    assert response.status_code == expected[role]


def test_the_whole_journey_through_the_api(api_for, world, apply_call, private_files):
    api = api_for("founder", "token")
    created = api.post(f"{BASE}/applications", {"call": apply_call.pk, "company": world.company.pk})
    assert created.status_code == 201
    pk = created.json()["id"]
    fields = fields_by_label(apply_call)
    answers = [
        {"field": fields["Product name"].pk, "value": "Frost"},
        {"field": fields["Budget"].pk, "value": "1500000.5"},
        {"field": fields["Team size"].pk, "value": "12"},
        {"field": fields["Markets"].pk, "value": [2, 0]},
        {"field": fields["I agree to the rules"].pk, "value": True},
    ]
    updated = api.patch(f"{BASE}/applications/{pk}", {"title": "Frost", "answers": answers})
    assert updated.status_code == 200, updated.content
    by_field = {a["field_id"]: a for a in updated.json()["answers"]}
    assert by_field[fields["Budget"].pk]["money"] == "1500000.50"
    assert by_field[fields["Markets"].pk]["choices"] == [0, 2]
    submitted_ = api.post(f"{BASE}/applications/{pk}/submit", {"declares_no_tax_debt": True})
    assert submitted_.status_code == 200
    assert submitted_.json()["status"] == "submitted"
    again = api.post(f"{BASE}/applications/{pk}/submit", {"declares_no_tax_debt": True})
    assert "status" in field_errors(again)
    withdrawn = api.post(f"{BASE}/applications/{pk}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"


def test_bad_input_is_422_naming_the_field(api_for, world, apply_call, draft):
    api = api_for("founder")
    fields = fields_by_label(apply_call)
    cases = [
        (
            {"answers": [{"field": fields["Budget"].pk, "value": "a lot"}]},
            f"field_{fields['Budget'].pk}",
        ),
        (
            {"answers": [{"field": fields["Budget"].pk, "value": "-5"}]},
            f"field_{fields['Budget'].pk}",
        ),
        (
            {"answers": [{"field": fields["Budget"].pk, "value": "1.005"}]},
            f"field_{fields['Budget'].pk}",
        ),
        (
            {"answers": [{"field": fields["Team size"].pk, "value": "NaN"}]},
            f"field_{fields['Team size'].pk}",
        ),
        (
            {"answers": [{"field": fields["Start date"].pk, "value": "31.12.2026"}]},
            f"field_{fields['Start date'].pk}",
        ),
        (
            {"answers": [{"field": fields["Stage of the product"].pk, "value": 7}]},
            f"field_{fields['Stage of the product'].pk}",
        ),
        (
            {"answers": [{"field": fields["Pitch deck"].pk, "value": "x.pdf"}]},
            f"field_{fields['Pitch deck'].pk}",
        ),
        ({"answers": [{"field": 999999, "value": "x"}]}, "answers"),
        ({"directions": [999999]}, "directions"),
        ({"title": "x" * 301}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"unknown": 1}, "unknown"),
    ]
    for body, name in cases:
        response = api.patch(f"{BASE}/applications/{draft.pk}", body)
        assert name in field_errors(response), (body, response.content)
    # Nothing was stored by the refused requests.
    assert not draft.answers.exists()


def test_create_refusals(api_for, world, apply_call, draft):
    api = api_for("founder")
    duplicate = api.post(
        f"{BASE}/applications", {"call": apply_call.pk, "company": world.company.pk}
    )
    assert "company" in field_errors(duplicate)
    assert "call" in field_errors(
        api.post(f"{BASE}/applications", {"call": 999999, "company": world.company.pk})
    )
    assert "company" in field_errors(
        api.post(
            f"{BASE}/applications", {"call": apply_call.pk, "company": world.foreign_company.pk}
        )
    )
    assert api.post(f"{BASE}/applications", {"call": 0, "company": 1}).status_code == 422
    assert api.post(f"{BASE}/applications", body="{not json").status_code == 400
    assert (
        api.post(
            f"{BASE}/applications", {"call": apply_call.pk, "company": world.other_company.pk}
        ).status_code
        == 403
    )


def test_submit_names_missing_answers_and_refuses_a_closed_call(api_for, apply_call, draft):
    api = api_for("founder")
    errors = field_errors(
        api.post(f"{BASE}/applications/{draft.pk}/submit", {"declares_no_tax_debt": True})
    )
    fields = fields_by_label(apply_call)
    assert {"title", f"field_{fields['Product name'].pk}", f"field_{fields['Budget'].pk}"} <= set(
        errors
    )
    from django.utils import timezone

    apply_call.closes_at = timezone.now()
    apply_call.save()
    closed = api.post(f"{BASE}/applications/{draft.pk}/submit", {"declares_no_tax_debt": True})
    assert "closed" in str(closed.json())
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_another_parks_application_is_404(api_as, world, apply_call):
    from technopark.selection.services.drafts import application_start
    from tests.factories import MembershipFactory, TeamMemberFactory

    foreign_call = CallFactory(park=world.other_park)
    founder = world.users["founder"]
    MembershipFactory(park=world.other_park, user=founder, role="founder")
    TeamMemberFactory(company=world.foreign_company, user=founder)
    foreign = application_start(call=foreign_call, company=world.foreign_company, actor=founder)
    response = api_as(founder).get(f"{BASE}/applications/{foreign.pk}")
    assert response.status_code == 404


WRITE_STATUS = {
    "anonymous": 401,
    "founder": 200,
    "other_founder": 403,
    "manager": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_update_role_matrix(api_for, draft, role):
    response = api_for(role, "token" if role != "anonymous" else "session").patch(
        f"{BASE}/applications/{draft.pk}", {"title": "Renamed"}
    )
    assert response.status_code == WRITE_STATUS[role]
    draft.refresh_from_db()
    assert (draft.title == "Renamed") == (role == "founder")


@pytest.mark.parametrize("role", ROLES)
def test_submit_role_matrix(api_for, world, draft, role):
    from tests.selection.fixtures_apply import fill

    fill(draft, world.users["founder"])
    response = api_for(role).post(
        f"{BASE}/applications/{draft.pk}/submit", {"declares_no_tax_debt": True}
    )
    assert response.status_code == WRITE_STATUS[role]


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_role_matrix(api_for, draft, role):
    response = api_for(role).post(f"{BASE}/applications/{draft.pk}/withdraw")
    assert response.status_code == WRITE_STATUS[role]


def test_session_writes_need_the_csrf_token(api_for, draft):
    response = api_for("founder").patch(
        f"{BASE}/applications/{draft.pk}", {"title": "x"}, csrf=False
    )
    assert response.status_code == 403


def test_submit_body_is_checked(api_for, draft):
    api = api_for("founder")
    assert api.post(f"{BASE}/applications/{draft.pk}/submit", {}).status_code == 422
    assert (
        api.post(
            f"{BASE}/applications/{draft.pk}/submit", {"declares_no_tax_debt": "perhaps"}
        ).status_code
        == 422
    )
    assert api.get(f"{BASE}/applications/0").status_code == 422
    assert api.get(f"{BASE}/applications/999999").status_code == 404


# POST …/applications/{id}/eligibility/rerun: the screening page's "Run the checks again".


def _rerun_url(application):
    return f"{BASE}/applications/{application.pk}/eligibility/rerun"


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_eligibility_rerun_role_matrix(api_for, world, submitted, role, auth):
    from technopark.selection.models import EligibilityRun

    # Anonymous has no token: both of its cases ask without credentials (401).
    response = api_for(role, auth).post(_rerun_url(submitted))
    assert response.status_code == STAFF_STATUS[role]
    runs = EligibilityRun.objects.filter(application=submitted)
    assert runs.count() == (2 if role == "manager" else 1)
    if role != "manager":
        return
    body = response.json()
    assert body["id"] == submitted.pk
    assert {c["code"] for c in body["eligibility_checks"]} >= {"region", "sme", "taxes"}
    assert all(c["needs_decision"] is False for c in body["eligibility_checks"])
    newest, first = body["runs"]
    assert newest["trigger"] == "staff"
    assert newest["by"] == world.users["manager"].get_full_name()
    assert first["trigger"] == "submitted"
    assert first["by"] == world.users["founder"].get_full_name()
    assert {r["code"] for r in newest["results"]} == {c["code"] for c in body["eligibility_checks"]}
    assert all(r["changed"] is False for r in newest["results"])


def test_eligibility_rerun_flags_a_decided_check_whose_result_changed(api_for, world, submitted):
    from technopark.selection.models import EligibilityCheck
    from technopark.selection.services.eligibility import eligibility_decide

    manager = world.users["manager"]
    check = EligibilityCheck.objects.filter(application=submitted).order_by("id").first()
    eligibility_decide(check=check, actor=manager, verdict="confirmed", reason="Seen the papers.")
    # The platform now finds otherwise than the result the manager confirmed.
    EligibilityCheck.objects.filter(pk=check.pk).update(decided_on_passed=not check.passed)
    body = api_for("manager", "token").post(_rerun_url(submitted)).json()
    by_code = {c["code"]: c for c in body["eligibility_checks"]}
    assert by_code[check.code]["needs_decision"] is True
    assert by_code[check.code]["verdict"] == "confirmed"
    listed = api_for("manager").get(f"{BASE}/calls/{submitted.call_id}/applications").json()
    (item,) = listed["items"]
    assert {c["code"]: c["needs_decision"] for c in item["eligibility_checks"]}[check.code]
    assert [run["trigger"] for run in item["runs"]] == ["staff", "submitted"]


def test_eligibility_rerun_is_refused_once_decided(api_for, submitted):
    from technopark.selection.models import EligibilityRun

    Application.all_parks.filter(pk=submitted.pk).update(status=ApplicationStatus.ADMITTED)
    response = api_for("manager").post(_rerun_url(submitted))
    assert response.status_code == 422
    assert "can no longer change" in response.content.decode()
    assert EligibilityRun.objects.filter(application=submitted).count() == 1


def test_eligibility_rerun_of_a_draft_or_unknown_application_is_404(api_for, draft):
    api = api_for("manager")
    assert api.post(_rerun_url(draft)).status_code == 404
    assert api.post(f"{BASE}/applications/999999/eligibility/rerun").status_code == 404
    assert api.post(f"{BASE}/applications/0/eligibility/rerun").status_code == 422


def test_eligibility_rerun_across_parks_is_404(api_for, api_as, world, submitted):
    from technopark.selection.models import EligibilityRun
    from tests.factories import MembershipFactory, UserFactory

    other_manager = UserFactory()
    MembershipFactory(park=world.other_park, user=other_manager, role="manager")
    other_url = f"/api/v1/parks/{world.other_park.slug}/applications/{submitted.pk}"
    assert api_as(other_manager).post(f"{other_url}/eligibility/rerun").status_code == 404
    # …and a manager of this park does not reach it through the other park's address either.
    assert api_for("manager").post(f"{other_url}/eligibility/rerun").status_code in (403, 404)
    assert EligibilityRun.objects.filter(application=submitted).count() == 1


def test_eligibility_rerun_needs_write_scope_and_csrf(world, openapi, api_for, submitted):
    from technopark.accounts import services as account_services
    from technopark.selection.models import EligibilityRun
    from tests.api.conftest import ApiClient

    api = ApiClient(openapi)
    _token, secret = account_services.api_token_create(
        user=world.users["manager"], name="read", scope="read"
    )
    api.headers["Authorization"] = f"Bearer {secret}"
    assert api.get(f"{BASE}/calls/{submitted.call_id}/applications").status_code == 200
    assert api.post(_rerun_url(submitted)).status_code == 403
    assert api_for("manager").post(_rerun_url(submitted), csrf=False).status_code == 403
    assert EligibilityRun.objects.filter(application=submitted).count() == 1


def test_staff_call_applications_query_count(
    api_for, world, submitted, django_assert_max_num_queries
):
    from technopark.selection.services.eligibility import eligibility_rerun

    for _ in range(3):
        eligibility_rerun(application=submitted, actor=world.users["manager"])
    api = api_for("manager")
    url = f"{BASE}/calls/{submitted.call_id}/applications"
    with django_assert_max_num_queries(12):
        item = api.get(url).json()["items"][0]
    assert len(item["runs"]) == 4
