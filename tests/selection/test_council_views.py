"""The council's pages: role matrix, the ranking table (cache, query counts), decisions one by one
and in batch, bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from technopark.selection.models import ApplicationStatus, CallKind, Decision
from tests.conftest import ROLES
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.selection.factories import ApplicationFactory, CallFactory, ExpertProfileFactory
from tests.selection.fixtures_council import file_review

pytestmark = pytest.mark.django_db


def ranking_url(call, park="yakutia"):
    return reverse("selection:council_ranking", kwargs={"park_slug": park, "call_id": call.pk})


def batch_url(call):
    return reverse("selection:council_batch", kwargs={"park_slug": "yakutia", "call_id": call.pk})


def decision_url(call, application):
    return reverse(
        "selection:council_decision",
        kwargs={"park_slug": "yakutia", "call_id": call.pk, "application_id": application.pk},
    )


def main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


# --- Role matrix ---------------------------------------------------------------------------------

EXPECTED_GET = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_ranking_page_role_matrix(council, client_for, role):
    response = client_for(role).get(ranking_url(council.call))
    assert response.status_code == EXPECTED_GET[role]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_decision_page_role_matrix(council, client_for, role):
    response = client_for(role).get(decision_url(council.call, council.strong))
    assert response.status_code == EXPECTED_GET[role]


@pytest.mark.parametrize("role", ROLES)
def test_decision_post_role_matrix(council, client_for, role):
    response = client_for(role).post(
        decision_url(council.call, council.split), {"outcome": "reject", "rationale": "No."}
    )
    assert response.status_code == {**EXPECTED_GET, "manager": 302}[role]
    assert Decision.objects.exists() == (role == "manager")


@pytest.mark.parametrize("role", ROLES)
def test_batch_post_role_matrix(council, client_for, role):
    response = client_for(role).post(
        batch_url(council.call),
        {"applications": [council.split.pk], "outcome": "reject", "rationale": "No."},
    )
    assert response.status_code == {**EXPECTED_GET, "manager": 302}[role]
    assert Decision.objects.exists() == (role == "manager")


def test_park_admin_sees_and_decides(council, world):
    from django.test import Client

    from technopark.parks.models import Role

    admin = UserFactory()
    MembershipFactory(park=world.park, user=admin, role=Role.PARK_ADMIN)
    client = Client()
    client.force_login(admin)
    assert client.get(ranking_url(council.call)).status_code == 200
    response = client.post(
        decision_url(council.call, council.split), {"outcome": "reject", "rationale": "No."}
    )
    assert response.status_code == 302


def test_another_parks_call_or_application_is_not_found(council, world, client_for):
    foreign = CallFactory(park=world.other_park)
    client = client_for("manager")
    assert client.get(ranking_url(foreign)).status_code == 404
    assert client.get(decision_url(foreign, council.strong)).status_code == 404
    other_call = CallFactory(park=world.park)
    assert client.get(decision_url(other_call, council.strong)).status_code == 404
    assert client.post(batch_url(foreign), {}).status_code == 404
    assert client.get(ranking_url(council.call) + "x").status_code == 404


def test_get_on_batch_is_not_allowed(council, client_for):
    assert client_for("manager").get(batch_url(council.call)).status_code == 405


# --- Ranking table -------------------------------------------------------------------------------


def test_ranking_shows_totals_spread_recommendations_flags(council, client_for):
    body = main(client_for("manager").get(ranking_url(council.call)))
    assert body.index("Северный код") < body.index("Мерзлота Лаб") < body.index("Лёд")
    assert "80.00" in body and "65.00" in body and "50.00" in body
    assert "2 / 2" in body and "0 / 1" in body
    assert body.count('data-testid="flag"') == 1
    assert 'form="council-batch"' in body
    assert "3 applications" in body


def test_ranking_filters_by_flag_and_status(council, client_for):
    client = client_for("manager")
    body = main(client.get(ranking_url(council.call), {"flagged": "1"}))
    assert "Мерзлота Лаб" in body and "Северный код" not in body
    body = main(client.get(ranking_url(council.call), {"status": "admitted"}))
    assert "No application matches" in body


def test_htmx_returns_the_results_only(council, client_for):
    response = client_for("manager").get(
        ranking_url(council.call), {"sort": "spread"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and "Мерзлота Лаб" in body
    assert body.index("Мерзлота Лаб") < body.index("Северный код")
    assert "HX-Request" in response["Vary"]


def test_the_cached_table_shows_a_decision_at_once(council, client_for):
    client = client_for("manager")
    assert 'data-testid="decision">Reject' not in main(client.get(ranking_url(council.call)))
    client.post(
        decision_url(council.call, council.split), {"outcome": "reject", "rationale": "No."}
    )
    body = main(client.get(ranking_url(council.call)))
    assert 'data-testid="decision">Reject' in body


def test_the_cached_table_shows_a_filed_review_once_the_park_data_changes(council, client_for):
    from technopark.core.fragments import writes

    client = client_for("manager")
    client.get(ranking_url(council.call))
    file_review(council.pending, total="55.00")
    writes("selection", park_id=council.call.park_id)  # what filing a review does
    assert "55.00" in main(client.get(ranking_url(council.call)))


def grow(council, world, n_applications):
    experts = [ExpertProfileFactory(park=world.park) for _ in range(3)]
    for n in range(n_applications):
        application = ApplicationFactory(
            call=council.call, company=CompanyFactory(park=world.park), title=f"Extra {n}"
        )
        for index, expert in enumerate(experts):
            file_review(
                application,
                total=str(40 + (n * 7 + index * 13) % 60),
                expert=expert,
                recommendation="reject" if index == 2 else "admit",
            )


@pytest.mark.parametrize("n_applications", [0, 30])
def test_ranking_query_count_does_not_grow(
    council, world, client_for, django_assert_num_queries, n_applications
):
    grow(council, world, n_applications)
    Decision.objects.create(
        park=world.park,
        application=council.pending,
        outcome="more_info",
        rationale="x",
        decided_by=world.users["manager"],
        decided_at=council.pending.submitted_at,
    )
    client = client_for("manager")
    # middleware: user, park, roles (3); the call, the count, the page of rows with their
    # aggregates, eligibility and companies, the page's latest decisions, the page's failing
    # checks (5); the park switcher (1).
    with django_assert_num_queries(9):
        response = client.get(ranking_url(council.call), {"sort": "spread"})
    assert response.status_code == 200
    # Again: from the cache, and so are the session, user, park, roles and switcher.
    with django_assert_num_queries(0):
        again = client.get(ranking_url(council.call), {"sort": "spread"})
    # The batch form's CSRF token differs per response; the table does not.
    assert main(again).split("council-batch")[0] == main(response).split("council-batch")[0]


@pytest.mark.parametrize("n_applications", [0, 30])
def test_htmx_ranking_query_count_does_not_grow(
    council, world, client_for, django_assert_num_queries, n_applications
):
    grow(council, world, n_applications)
    client = client_for("manager")
    # middleware (3); the call, the count, the rows, the latest decisions, the failing checks
    # (5). No page frame.
    with django_assert_num_queries(8):
        client.get(ranking_url(council.call), {"page": "2"}, headers={"HX-Request": "true"})


def test_unknown_parameters_are_answered_but_not_cached(
    council, client_for, django_assert_num_queries
):
    client = client_for("manager")
    client.get(ranking_url(council.call), {"utm": "x"})
    # the call, the count, the rows, the latest decisions, the failing checks.
    with django_assert_num_queries(5):
        assert client.get(ranking_url(council.call), {"utm": "x"}).status_code == 200


def test_a_page_beyond_the_last_shows_the_last(council, client_for):
    response = client_for("manager").get(ranking_url(council.call), {"page": "999", "sort": "x"})
    assert response.status_code == 200


# --- One decision --------------------------------------------------------------------------------


def test_decision_page_shows_reviews_with_council_notes_and_names(council, client_for):
    body = main(client_for("manager").get(decision_url(council.call, council.strong)))
    assert "Strong team; ask about the second round." in body
    assert "A clear plan" in body
    assert "Ivan Expertov" in body and "Expert" in body
    assert body.count('data-testid="review"') == 2
    assert 'name="agreement_number"' in body


@pytest.mark.parametrize("n_reviews", [1, 5])
def test_decision_page_query_count_does_not_grow(
    council, world, client_for, django_assert_num_queries, n_reviews
):
    for _ in range(n_reviews):
        file_review(council.pending, total="70.00")
    client = client_for("manager")
    # middleware (3); call; application; assignments count; reviews with experts; their scores;
    # decisions; the park's sites for the agreement; the park switcher (1).
    with django_assert_num_queries(11):
        assert client.get(decision_url(council.call, council.pending)).status_code == 200


def test_admit_from_the_decision_page(council, world, client_for):
    response = client_for("manager").post(
        decision_url(council.call, council.strong),
        {
            "outcome": "admit",
            "rationale": "Top of the table.",
            "message_for_applicant": "Welcome!",
            "agreement_number": "R-7",
            "start_date": "2026-12-01",
            "site": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == ranking_url(council.call)
    council.strong.refresh_from_db()
    assert council.strong.status == ApplicationStatus.ADMITTED
    decision = Decision.objects.get()
    assert decision.site == world.site


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "", "rationale": "x"}, "outcome"),
        ({"outcome": "maybe", "rationale": "x"}, "outcome"),
        ({"outcome": "reject", "rationale": ""}, "rationale"),
        ({"outcome": "more_info", "rationale": "x"}, "message_for_applicant"),
        ({"outcome": "admit", "rationale": "x", "start_date": "2026-12-01"}, "agreement_number"),
        ({"outcome": "admit", "rationale": "x", "agreement_number": "R"}, "start_date"),
        (
            {"outcome": "admit", "rationale": "x", "agreement_number": "R", "start_date": "31.31"},
            "start_date",
        ),
        (
            {
                "outcome": "admit",
                "rationale": "x",
                "agreement_number": "R",
                "start_date": "2026-12-01",
                "site": "999999",
            },
            "site",
        ),
    ],
)
def test_decision_form_bad_input_is_shown_at_the_field(council, client_for, data, field):
    response = client_for("manager").post(decision_url(council.call, council.strong), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert f'id="id_{field}' in response.content.decode()
    assert not Decision.objects.exists()


def test_deciding_twice_shows_a_message_not_a_crash(council, client_for):
    client = client_for("manager")
    client.post(
        decision_url(council.call, council.split), {"outcome": "reject", "rationale": "No."}
    )
    page = client.get(decision_url(council.call, council.split))
    assert 'name="rationale"' not in page.content.decode()  # no form once decided
    response = client.post(
        decision_url(council.call, council.split), {"outcome": "reject", "rationale": "Again."}
    )
    assert response.status_code == 200
    assert "already been decided" in response.content.decode()
    assert Decision.objects.count() == 1


def test_ask_for_more_information_from_the_page(council, client_for):
    response = client_for("manager").post(
        decision_url(council.call, council.split),
        {
            "outcome": "more_info",
            "rationale": "Disagree.",
            "message_for_applicant": "Send figures.",
        },
    )
    assert response.status_code == 302
    council.split.refresh_from_db()
    assert council.split.status == ApplicationStatus.INFO_REQUESTED


# --- Batch -----------------------------------------------------------------------------------------


def test_batch_from_the_table(council, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("manager").post(
            batch_url(council.call) + "?sort=spread&utm=1",
            {
                "applications": [council.split.pk, council.pending.pk],
                "outcome": "reject",
                "rationale": "Below the line.",
                "message_for_applicant": "Thank you.",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == ranking_url(council.call) + "?sort=spread"
    assert Decision.objects.filter(outcome="reject").count() == 2
    assert len(mail.outbox) == 1  # the other_company's founder; "Лёд" has nobody to mail
    assert "Thank you." in mail.outbox[0].body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "reject", "rationale": "x"}, "applications"),
        ({"applications": ["abc"], "outcome": "reject", "rationale": "x"}, "applications"),
        ({"applications": ["1" * 30], "outcome": "reject", "rationale": "x"}, "applications"),
        ({"applications": ["SPLIT"], "outcome": "reject", "rationale": ""}, "rationale"),
        ({"applications": ["SPLIT"], "outcome": "admit", "rationale": "x"}, "outcome"),
        (
            {"applications": ["STRONG", "SPLIT"], "outcome": "more_info", "rationale": "x"},
            "message_for_applicant",
        ),
        ({"applications": ["999999"], "outcome": "reject", "rationale": "x"}, "applications"),
    ],
)
def test_batch_bad_input_shows_the_table_again_with_the_error(council, client_for, data, field):
    names = {"SPLIT": str(council.split.pk), "STRONG": str(council.strong.pk)}
    data = {**data, "applications": [names.get(v, v) for v in data.get("applications", [])]}
    response = client_for("manager").post(batch_url(council.call), data)
    assert response.status_code == 200
    (form,) = {
        id(ctx["batch_form"]): ctx["batch_form"]
        for ctx in response.context
        if ctx.get("batch_form") is not None
    }.values()
    assert field in form.errors
    assert response.content.decode().count('id="council-batch"') == 1
    body = main(response)
    assert 'data-testid="ranking-row"' in body
    if field != "applications" and data["applications"] and data["applications"][0].isdigit():
        assert (
            f'value="{council.split.pk}" form="council-batch" id="choose-{council.split.pk}" checked'
            in body
        )
    assert not Decision.objects.exists()


def test_a_residency_batch_explains_admission_is_one_by_one(council, client_for):
    body = main(client_for("manager").get(ranking_url(council.call)))
    assert "Admit residents one at a time" in body


def test_programme_call_has_no_agreement_fields(world, client_for):
    call = CallFactory(park=world.park, kind=CallKind.PROGRAMME)
    application = ApplicationFactory(call=call, company=world.company)
    body = main(client_for("manager").get(decision_url(call, application)))
    assert 'name="agreement_number"' not in body


def test_decision_dates_are_shown_in_the_parks_time_zone(council, world, client_for):
    import datetime as dt

    assert world.park.time_zone == "Asia/Yakutsk"
    council.split.status = ApplicationStatus.REJECTED
    council.split.save()
    Decision.objects.create(
        park=world.park,
        application=council.split,
        outcome="reject",
        rationale="x",
        decided_by=world.users["manager"],
        # 20:30 UTC on 30 November is 05:30 on 1 December in Yakutsk (UTC+9).
        decided_at=dt.datetime(2026, 11, 30, 20, 30, tzinfo=dt.UTC),
    )
    client = client_for("manager")
    body = main(client.get(ranking_url(council.call)))
    assert "1 Dec 2026" in body and "30 Nov 2026" not in body
    page = main(client.get(decision_url(council.call, council.split)))
    assert 'datetime="2026-12-01T05:30:00+09:00"' in page


def test_the_cached_batch_form_carries_each_visitors_csrf_token(council, world):
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["manager"])
    client.get(ranking_url(council.call))  # fills the cache
    body = client.get(ranking_url(council.call)).content.decode()
    assert "<!--council-csrf-->" not in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = client.post(
        batch_url(council.call),
        {
            "csrfmiddlewaretoken": token,
            "applications": [council.split.pk],
            "outcome": "reject",
            "rationale": "No.",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.count() == 1
