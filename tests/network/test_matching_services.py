# ruff: noqa: F811 - the matching fixtures are imported by name and used as arguments
"""The matching services: weights, a run solved and stored, draft edits, publication (refused
whole when a mentor's place was taken meanwhile), discarding; staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from technopark.network.models import (
    MatchProposal,
    MatchRunStatus,
    MatchWeights,
    Pairing,
    PairingSource,
    PairingStatus,
)
from technopark.network.queries import matching as q
from technopark.network.services import matching
from technopark.network.services.pairings import pairing_open
from technopark.programmes.models import Participant, ParticipantStatus
from tests.factories import CompanyFactory, TeamMemberFactory
from tests.network.conftest import NOW
from tests.network.matching_fixtures import (  # noqa: F401
    Cohorted,
    cohorted,
    more_companies,
    more_mentors,
)

PUBLISH_QUERIES = 12

pytestmark = pytest.mark.django_db


def test_weights_default_park_and_programme(net: Any, cohorted: Cohorted) -> None:
    park = net.world.park
    assert q.weights_for(park).pk is None  # the model's defaults, unsaved
    assert q.weights_for(park).directions == 5
    manager = net.access("manager")
    matching.weights_save(access=manager, values={"directions": 9}, now=NOW)
    assert q.weights_for(park).directions == 9
    assert q.weights_for(park, cohorted.programme).directions == 9  # falls back on the park's
    matching.weights_save(
        access=manager, programme=cohorted.programme, values={"language": 0}, now=NOW
    )
    own = q.weights_for(park, cohorted.programme)
    assert (own.directions, own.language) == (9, 0)  # started from the park's default
    assert MatchWeights.all_parks.filter(park=park).count() == 2


@pytest.mark.parametrize("value", [-1, 11, True, "5"])
def test_weights_bounded(net: Any, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        matching.weights_save(access=net.access("manager"), values={"stage": value}, now=NOW)
    assert "stage" in caught.value.message_dict
    assert not MatchWeights.all_parks.exists()


@pytest.mark.parametrize("role", ["founder", "mentor", "observer", "outsider"])
def test_only_staff_write(net: Any, cohorted: Cohorted, role: str) -> None:
    with pytest.raises(ValidationError):
        matching.weights_save(access=net.access(role), values={"stage": 1}, now=NOW)
    with pytest.raises(ValidationError):
        matching.run_create(
            access=net.access(role), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
        )


def test_run_create_stores_proposals_with_explanations(net: Any, cohorted: Cohorted) -> None:
    run = matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    proposals = list(MatchProposal.all_parks.filter(run=run))
    assert run.status == MatchRunStatus.DRAFT
    assert {p.company_id for p in proposals} == {net.world.company.pk, net.world.other_company.pk}
    assert run.total_score == sum(p.score for p in proposals) > 0
    assert (len(proposals), run.total_score) >= (run.greedy_pairs, run.greedy_score)
    assert run.unmatched == 0
    for proposal in proposals:
        assert sum(f["points"] for f in proposal.factors) == proposal.score
        points = [f["points"] for f in proposal.factors]
        assert points == sorted(points, reverse=True)
    # no conflicts: the mentor profiles of the park are the only ones proposed
    assert {p.profile_id for p in proposals} <= {
        net.mentor_profile.pk,
        net.other_mentor_profile.pk,
    }


def test_conflicts_never_proposed(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    # the mentor is in the company's team; the other mentor works for the other company
    TeamMemberFactory(company=world.company, user=net.mentor, position="Adviser")
    net.other_mentor_profile.organisation = f"  {world.other_company.short_name.upper()} "
    net.other_mentor_profile.save()
    run = matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=2, now=NOW
    )
    pairs = set(MatchProposal.all_parks.filter(run=run).values_list("company_id", "profile_id"))
    assert (world.company.pk, net.mentor_profile.pk) not in pairs
    assert (world.other_company.pk, net.other_mentor_profile.pk) not in pairs
    assert pairs == {
        (world.company.pk, net.other_mentor_profile.pk),
        (world.other_company.pk, net.mentor_profile.pk),
    }
    assert run.unmatched == 2
    with pytest.raises(ValidationError) as caught:
        matching.proposal_add(
            access=net.access("manager"),
            run=run,
            company=world.company,
            profile=net.mentor_profile,
            now=NOW,
        )
    assert caught.value.error_dict["profile"][0].code == "conflict"


def test_active_pairs_and_full_mentors_left_out(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    pairing_open(
        profile=net.mentor_profile,
        company=world.company,
        source=PairingSource.STAFF,
        by=world.users["manager"],
        now=NOW,
    )
    net.other_mentor_profile.capacity_mentees = 0
    net.other_mentor_profile.save()
    run = matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    pairs = set(MatchProposal.all_parks.filter(run=run).values_list("company_id", "profile_id"))
    assert pairs == {(world.other_company.pk, net.mentor_profile.pk)}
    assert run.unmatched == 0  # the company already has its one mentor


def test_mentors_a_company_has_count_against_its_places(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    pairing_open(
        profile=net.mentor_profile,
        company=world.company,
        source=PairingSource.STAFF,
        by=world.users["manager"],
        now=NOW,
    )
    manager = net.access("manager")
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    pairs = set(MatchProposal.all_parks.filter(run=run).values_list("company_id", "profile_id"))
    assert world.company.pk not in {c for c, _p in pairs}
    # nor can one be added by hand: the company has its one mentor already
    with pytest.raises(ValidationError) as caught:
        matching.proposal_add(
            access=manager,
            run=run,
            company=world.company,
            profile=net.other_mentor_profile,
            now=NOW,
        )
    assert caught.value.error_dict["company"][0].code == "limit"


def test_hand_added_pair_respects_mentors_per_company(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    manager = net.access("manager")
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    proposed = MatchProposal.all_parks.get(run=run, company=world.company)
    other = (
        net.other_mentor_profile
        if proposed.profile_id == net.mentor_profile.pk
        else net.mentor_profile
    )
    with pytest.raises(ValidationError) as caught:
        matching.proposal_add(
            access=manager, run=run, company=world.company, profile=other, now=NOW
        )
    assert caught.value.error_dict["company"][0].code == "limit"
    matching.run_publish(access=manager, run=run, now=NOW)
    assert Pairing.all_parks.filter(company=world.company, status=PairingStatus.ACTIVE).count() == 1


def test_zero_score_pair_refused_by_hand(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    manager = net.access("manager")
    for name in q.WEIGHT_FIELDS:
        matching.weights_save(access=manager, values={name: 0}, now=NOW)
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    assert not MatchProposal.all_parks.filter(run=run).exists()
    with pytest.raises(ValidationError) as caught:
        matching.proposal_add(
            access=manager, run=run, company=world.company, profile=net.mentor_profile, now=NOW
        )
    assert caught.value.error_dict["profile"][0].code == "zero"


def test_hidden_and_inactive_mentors_never_proposed(net: Any, cohorted: Cohorted) -> None:
    net.mentor_profile.visibility = "hidden"
    net.mentor_profile.save()
    net.other_mentor_profile.is_active = False
    net.other_mentor_profile.save()
    visible = more_mentors(net, 1)[0]
    run = matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    assert set(MatchProposal.all_parks.filter(run=run).values_list("profile_id", flat=True)) == {
        visible.pk
    }


def test_publish_refused_when_a_company_left_the_cohort(net: Any, cohorted: Cohorted) -> None:
    manager = net.access("manager")
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    Participant.objects.filter(cohort=cohorted.cohort, company=net.world.other_company).update(
        status=ParticipantStatus.LEFT
    )
    with pytest.raises(ValidationError) as caught:
        matching.run_publish(access=manager, run=run, now=NOW)
    assert caught.value.error_dict["company"][0].code == "participant"
    assert net.world.other_company.short_name in " ".join(caught.value.messages)
    assert not Pairing.all_parks.exists()
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DRAFT


def test_publish_and_discard_refuse_a_run_of_another_park(net: Any, cohorted: Cohorted) -> None:
    run = matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    elsewhere = net.access("outsider").__class__(
        user=net.world.users["manager"], park=net.world.other_park, roles=frozenset({"manager"})
    )
    for service in (matching.run_publish, matching.run_discard):
        with pytest.raises(ValidationError):
            service(access=elsewhere, run=run, now=NOW)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DRAFT
    assert not Pairing.all_parks.exists()


def _published_queries(net: Any, cohort: Any, extra: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    more_companies(net, cohort, extra)
    more_mentors(net, extra, capacity_mentees=1)
    run = matching.run_create(
        access=net.access("manager"), cohort=cohort, mentors_per_company=1, now=NOW
    )
    count = MatchProposal.all_parks.filter(run=run).count()
    with CaptureQueriesContext(connection) as captured:
        matching.run_publish(access=net.access("manager"), run=run, now=NOW)
    assert Pairing.all_parks.filter(source=PairingSource.BATCH).count() == count == 2 + extra
    return len(captured)


@pytest.mark.parametrize("extra", [0, 10])
def test_publish_queries_fixed(net: Any, cohorted: Cohorted, extra: int) -> None:
    # 2 proposals and 12 proposals: the same number of queries
    assert _published_queries(net, cohorted.cohort, extra) == PUBLISH_QUERIES


def test_draft_edits_recompute_and_respect_places(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    manager = net.access("manager")
    net.other_mentor_profile.capacity_mentees = 1
    net.other_mentor_profile.save()
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    proposal = MatchProposal.all_parks.filter(run=run).first()
    run = matching.proposal_remove(access=manager, proposal=proposal, now=NOW)
    assert run.unmatched == 1
    assert run.total_score == sum(
        MatchProposal.all_parks.filter(run=run).values_list("score", flat=True)
    )
    added = matching.proposal_add(
        access=manager, run=run, company=proposal.company, profile=proposal.profile, now=NOW
    )
    assert added.edited and added.score == proposal.score
    run.refresh_from_db()
    assert run.unmatched == 0
    # the other mentor has one place: a second company for them in this run is refused
    for existing in MatchProposal.all_parks.filter(run=run):
        matching.proposal_remove(access=manager, proposal=existing, now=NOW)
    matching.proposal_add(
        access=manager, run=run, company=world.company, profile=net.other_mentor_profile, now=NOW
    )
    with pytest.raises(ValidationError) as caught:
        matching.proposal_add(
            access=manager,
            run=run,
            company=world.other_company,
            profile=net.other_mentor_profile,
            now=NOW,
        )
    assert caught.value.error_dict["profile"][0].code == "capacity"
    run.refresh_from_db()
    assert run.unmatched == 1
    assert run.total_score == MatchProposal.all_parks.get(run=run).score


def test_publish_opens_pairings(net: Any, cohorted: Cohorted) -> None:
    manager = net.access("manager")
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    expected = set(MatchProposal.all_parks.filter(run=run).values_list("company_id", "profile_id"))
    run = matching.run_publish(access=manager, run=run, now=NOW)
    assert run.status == MatchRunStatus.PUBLISHED and run.published_at == NOW
    pairings = Pairing.all_parks.filter(source=PairingSource.BATCH, cohort=cohorted.cohort)
    assert set(pairings.values_list("company_id", "profile_id")) == expected
    with pytest.raises(ValidationError):  # published once
        matching.run_publish(access=manager, run=run, now=NOW)
    with pytest.raises(ValidationError):
        matching.run_discard(access=manager, run=run, now=NOW)


def test_publish_refused_whole_when_a_place_was_taken(net: Any, cohorted: Cohorted) -> None:
    world = net.world
    manager = net.access("manager")
    net.other_mentor_profile.capacity_mentees = 1
    net.other_mentor_profile.save()
    net.mentor_profile.capacity_mentees = 1
    net.mentor_profile.save()
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    assert MatchProposal.all_parks.filter(run=run).count() == 2
    # meanwhile the mentor takes a company outside the cohort
    pairing_open(
        profile=net.mentor_profile,
        company=CompanyFactory(park=world.park),
        source=PairingSource.STAFF,
        by=world.users["manager"],
        now=NOW,
    )
    with pytest.raises(ValidationError) as caught:
        matching.run_publish(access=manager, run=run, now=NOW)
    assert net.mentor_profile.headline in " ".join(caught.value.messages)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DRAFT
    assert not Pairing.all_parks.filter(source=PairingSource.BATCH).exists()
    assert Pairing.all_parks.filter(status=PairingStatus.ACTIVE).count() == 1


def test_discard(net: Any, cohorted: Cohorted) -> None:
    manager = net.access("manager")
    run = matching.run_create(
        access=manager, cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )
    run = matching.run_discard(access=manager, run=run, now=NOW)
    assert run.status == MatchRunStatus.DISCARDED
    with pytest.raises(ValidationError):
        matching.proposal_add(
            access=manager,
            run=run,
            company=net.world.company,
            profile=net.mentor_profile,
            now=NOW,
        )


def test_run_of_a_cohort_of_another_park_refused(net: Any, cohorted: Cohorted) -> None:
    with pytest.raises(ValidationError) as caught:
        matching.run_create(
            access=net.access("outsider").__class__(
                user=net.world.users["manager"],
                park=net.world.other_park,
                roles=frozenset({"manager"}),
            ),
            cohort=cohorted.cohort,
            mentors_per_company=1,
            now=NOW,
        )
    assert "cohort" in caught.value.message_dict


def test_larger_cohort_beats_or_equals_greedy(net: Any, cohorted: Cohorted) -> None:
    more_mentors(net, 3, capacity_mentees=1)
    run = matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=2, now=NOW
    )
    pairs = MatchProposal.all_parks.filter(run=run).count()
    assert (pairs, run.total_score) >= (run.greedy_pairs, run.greedy_score)
    counts: dict[int, int] = {}
    for profile_id in MatchProposal.all_parks.filter(run=run).values_list("profile_id", flat=True):
        counts[profile_id] = counts.get(profile_id, 0) + 1
    assert all(n <= 2 for n in counts.values())
