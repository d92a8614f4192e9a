# ruff: noqa: F811 - the matching fixtures are imported by name and used as arguments
"""The matching pages: who sees what (a 404 for everyone else), typed parameters, the
explanations consistent with the scores shown, and a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from technopark.network.models import (
    Bookmark,
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    MatchWeights,
    Pairing,
)
from technopark.network.services import matching
from tests.network.conftest import NOW
from tests.network.matching_fixtures import (  # noqa: F401
    Cohorted,
    cohorted,
    more_companies,
    more_mentors,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "mentor",
    "investor",
    "observer",
    "outsider",
)


def client(net: Any, role: str) -> Client:
    made = Client()
    if role != "anonymous":
        made.force_login(net.world.users[role])
    return made


def url(net: Any, name: str, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"park_slug": net.world.park.slug, **kwargs})


def make_run(net: Any, cohorted: Cohorted) -> MatchRun:
    return matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )


# --- suggestions --------------------------------------------------------------------------

SUGGESTIONS = {
    "anonymous": 302,
    "founder": 200,
    "other_founder": 404,  # not their company
    "manager": 200,
    "mentor": 404,
    "investor": 404,
    "observer": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_suggestions_role_matrix(net: Any, role: str) -> None:
    company = net.world.company
    response = client(net, role).get(url(net, "suggestions"), {"company": company.pk})
    assert response.status_code == SUGGESTIONS[role]
    if response.status_code == 200:
        assert net.mentor_profile.headline in response.content.decode()


def test_other_founder_sees_their_own_company_by_default(net: Any) -> None:
    response = client(net, "other_founder").get(url(net, "suggestions"))
    assert response.status_code == 200
    assert response.context["company"] == net.world.other_company
    assert [c.pk for c in response.context["companies"]] == [net.world.other_company.pk]


def test_another_parks_company_is_404(net: Any) -> None:
    response = client(net, "manager").get(
        url(net, "suggestions"), {"company": net.world.foreign_company.pk}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params", [{"company": "abc"}, {"company": "9" * 30}, {"kind": "wizard"}, {"company": "-1"}]
)
def test_malformed_parameters_are_a_400_with_the_reason(net: Any, params: dict[str, str]) -> None:
    response = client(net, "founder").get(url(net, "suggestions"), params)
    assert response.status_code == 400
    assert "not understood" in response.content.decode()


def test_suggestions_explained_and_consistent(net: Any) -> None:
    world = net.world
    Bookmark.all_parks.create(
        park=world.park,
        company=world.company,
        profile=net.other_mentor_profile,
        created_by=world.users["founder"],
    )
    response = client(net, "founder").get(
        url(net, "suggestions"), {"company": world.company.pk, "kind": "mentor"}
    )
    html = response.content.decode()
    rows = response.context["rows"]
    assert [row["profile"] for row in rows] == [net.mentor_profile, net.other_mentor_profile]
    assert rows[0]["score"] > rows[1]["score"]
    assert rows[1]["bookmarked"] and not rows[0]["bookmarked"]
    for row in rows:
        assert 1 <= len(row["factors"]) <= 3
        assert row["why"].startswith("Suggested mostly for")
    # the score shown is the sum of all the factors' points; the top ones are on the page
    first = rows[0]
    assert "shared directions" in html
    assert f'data-score="{first["score"]}"' in html
    points = [int(p) for p in re.findall(r'data-points="(\d+)"', html)]
    assert points and all(p > 0 for p in points)
    assert f"?company={world.company.pk}" in html
    assert (
        reverse(
            "network:intro_new", kwargs={"park_slug": world.park.slug, "pk": net.mentor_profile.pk}
        )
        in html
    )


def test_suggestions_leave_out_paired_and_full(net: Any) -> None:
    world = net.world
    Pairing.all_parks.create(
        park=world.park,
        profile=net.mentor_profile,
        company=world.company,
        source="staff",
        started_at=NOW,
        created_by=world.users["manager"],
    )
    net.other_mentor_profile.capacity_mentees = 0
    net.other_mentor_profile.save()
    response = client(net, "founder").get(url(net, "suggestions"), {"company": world.company.pk})
    assert response.context["rows"] == []
    assert 'data-testid="no-suggestions"' in response.content.decode()


def test_suggestions_of_investors(net: Any) -> None:
    response = client(net, "manager").get(
        url(net, "suggestions"), {"company": net.world.company.pk, "kind": "investor"}
    )
    assert [row["profile"] for row in response.context["rows"]] == [net.investor_profile]


@pytest.mark.parametrize("extra", [0, 6])
def test_suggestions_queries_fixed(net: Any, extra: int, django_assert_num_queries: Any) -> None:
    more_mentors(net, extra)
    browser = client(net, "founder")
    address = url(net, "suggestions")
    browser.get(address, {"company": net.world.company.pk})  # warm the session and caches
    with django_assert_num_queries(QUERIES_SUGGESTIONS):
        response = browser.get(address, {"company": net.world.company.pk})
    assert len(response.context["rows"]) == 2 + extra


QUERIES_SUGGESTIONS = 12


# --- staff pages --------------------------------------------------------------------------

STAFF_ONLY = {role: 404 for role in ROLES} | {"anonymous": 302, "manager": 200}


@pytest.mark.parametrize("role", ROLES)
def test_runs_and_weights_role_matrix(net: Any, cohorted: Cohorted, role: str) -> None:
    found = make_run(net, cohorted)
    browser = client(net, role)
    for address in (
        url(net, "runs"),
        url(net, "weights"),
        url(net, "weights") + f"?programme={cohorted.programme.pk}",
        url(net, "run", pk=found.pk),
    ):
        assert browser.get(address).status_code == STAFF_ONLY[role], address


@pytest.mark.parametrize("role", ROLES)
def test_writes_role_matrix(net: Any, cohorted: Cohorted, role: str) -> None:
    found = make_run(net, cohorted)
    proposal = MatchProposal.all_parks.filter(run=found).first()
    browser = client(net, role)
    expected = {"anonymous": 302, "manager": 302}.get(role, 404)
    posts = [
        (
            url(net, "weights"),
            {
                name: 3
                for name in (
                    "directions",
                    "needs",
                    "stage",
                    "language",
                    "time_zone",
                    "ratings",
                    "load",
                )
            },
        ),
        (url(net, "run_new"), {"cohort": cohorted.cohort.pk, "mentors_per_company": 1}),
        (url(net, "proposal_remove", pk=proposal.pk), {}),
        (
            url(net, "proposal_add", pk=found.pk),
            {"company": proposal.company_id, "mentor": proposal.profile_id},
        ),
        (url(net, "run_discard", pk=found.pk), {}),
    ]
    if role != "manager":  # publishing is staff only too (the manager's run is discarded)
        posts.insert(0, (url(net, "run_publish", pk=found.pk), {}))
    for address, data in posts:
        assert browser.post(address, data).status_code == expected, address
    if role != "manager":
        assert MatchRun.all_parks.count() == 1
        assert MatchRun.all_parks.get().status == MatchRunStatus.DRAFT
        assert not MatchWeights.all_parks.exists()
        assert not Pairing.all_parks.exists()


def test_another_parks_run_is_404(net: Any, cohorted: Cohorted) -> None:
    found = make_run(net, cohorted)
    outsider = client(net, "outsider")
    other = reverse("network:run", kwargs={"park_slug": net.world.other_park.slug, "pk": found.pk})
    assert outsider.get(other).status_code == 404


def test_run_page_preview(net: Any, cohorted: Cohorted) -> None:
    found = make_run(net, cohorted)
    response = client(net, "manager").get(url(net, "run", pk=found.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="total">{found.total_score}' in html
    assert f'data-testid="greedy">{found.greedy_score}' in html
    for row in response.context["rows"]:
        for item in row["proposals"]:
            proposal = item["proposal"]
            assert sum(f["points"] for f in proposal.factors) == proposal.score
            assert f'data-score="{proposal.score}"' in html
    assert 'data-testid="publish"' in html and 'data-testid="add-form"' in html


def test_run_new_publish_flow(net: Any, cohorted: Cohorted) -> None:
    browser = client(net, "manager")
    response = browser.post(
        url(net, "run_new"), {"cohort": cohorted.cohort.pk, "mentors_per_company": 1}
    )
    found = MatchRun.all_parks.get()
    assert response.status_code == 302 and response["Location"] == url(net, "run", pk=found.pk)
    response = browser.post(url(net, "run_publish", pk=found.pk))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == MatchRunStatus.PUBLISHED
    assert Pairing.all_parks.filter(cohort=cohorted.cohort).count() == 2
    page = browser.get(url(net, "run", pk=found.pk)).content.decode()
    assert 'data-testid="publish"' not in page
    again = browser.post(url(net, "run_publish", pk=found.pk))
    assert again.status_code == 400 and "no longer a draft" in again.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"cohort": "", "mentors_per_company": 1},
        {"cohort": "abc", "mentors_per_company": 1},
        {"mentors_per_company": 9},
        {"mentors_per_company": "x"},
    ],
)
def test_run_new_bad_input(net: Any, cohorted: Cohorted, data: dict[str, Any]) -> None:
    data = {"cohort": cohorted.cohort.pk, **data}
    response = client(net, "manager").post(url(net, "run_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not MatchRun.all_parks.exists()


def test_proposal_add_refusal_shown(net: Any, cohorted: Cohorted) -> None:
    found = make_run(net, cohorted)
    proposal = MatchProposal.all_parks.filter(run=found).first()
    response = client(net, "manager").post(
        url(net, "proposal_add", pk=found.pk),
        {"company": proposal.company_id, "mentor": proposal.profile_id},
    )
    assert response.status_code == 400
    assert "already proposed" in response.content.decode()


@pytest.mark.parametrize("value", ["11", "-1", "x", ""])
def test_weights_bad_input(net: Any, value: str) -> None:
    data = {
        name: 3
        for name in ("directions", "needs", "stage", "language", "time_zone", "ratings", "load")
    }
    data["stage"] = value  # type: ignore[assignment]
    response = client(net, "manager").post(url(net, "weights"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["stage"]
    assert not MatchWeights.all_parks.exists()


def test_weights_of_a_programme(net: Any, cohorted: Cohorted) -> None:
    browser = client(net, "manager")
    address = url(net, "weights") + f"?programme={cohorted.programme.pk}"
    assert 'data-testid="inherited"' in browser.get(address).content.decode()
    data = {
        name: 7
        for name in ("directions", "needs", "stage", "language", "time_zone", "ratings", "load")
    }
    data["programme"] = cohorted.programme.pk
    response = browser.post(url(net, "weights"), data)
    assert response.status_code == 302 and response["Location"] == address
    row = MatchWeights.all_parks.get()
    assert row.programme_id == cohorted.programme.pk and row.load == 7
    assert browser.get(url(net, "weights") + "?programme=x").status_code == 400
    assert browser.get(url(net, "weights") + "?programme=999999").status_code == 404


@pytest.mark.parametrize("extra", [0, 5])
def test_run_page_queries_fixed(
    net: Any, cohorted: Cohorted, extra: int, django_assert_num_queries: Any
) -> None:
    more_mentors(net, extra)
    more_companies(net, cohorted.cohort, extra)
    found = make_run(net, cohorted)
    browser = client(net, "manager")
    address = url(net, "run", pk=found.pk)
    browser.get(address)
    with django_assert_num_queries(QUERIES_RUN):
        response = browser.get(address)
    assert len(response.context["rows"]) == 2 + extra


QUERIES_RUN = 6


def test_suggestions_in_russian(net: Any) -> None:
    browser = client(net, "founder")
    browser.cookies["django_language"] = "ru"
    response = browser.get(url(net, "suggestions"), {"company": net.world.company.pk})
    html = response.content.decode()
    assert "Рекомендации" in html
    assert "общие направления" in html and "балл" in html
    assert "Предложено прежде всего за" in html


@pytest.mark.parametrize("runs", [1, 4])
def test_runs_page_queries_fixed(
    net: Any, cohorted: Cohorted, runs: int, django_assert_num_queries: Any
) -> None:
    for _ in range(runs):
        make_run(net, cohorted)
    browser = client(net, "manager")
    address = url(net, "runs")
    browser.get(address)
    with django_assert_num_queries(QUERIES_RUNS):
        response = browser.get(address)
    assert len(response.context["runs"]) == runs


QUERIES_RUNS = 2
