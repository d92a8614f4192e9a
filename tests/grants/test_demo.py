"""The demo grants: every step of the workflow, idempotent, and the audit chain holds."""

from __future__ import annotations

import pytest

from technopark.audit.services import audit_verify
from technopark.demo.grants import seed_grants
from technopark.grants.models import (
    Clawback,
    Disbursement,
    GrantAward,
    GrantReport,
    Tranche,
    TrancheCancellation,
)
from technopark.grants.queries import grant_summary_by_participant
from tests.factories import CompanyFactory, TeamMemberFactory
from tests.grants.factories import make_participant

pytestmark = pytest.mark.django_db


def test_seed_grants_covers_every_step_and_is_idempotent(world, admin, private_files):
    first = make_participant(world.park, CompanyFactory(park=world.park))
    cohort = first.cohort
    make_participant(world.park, world.company, cohort=cohort)
    for _ in range(4):
        participant = make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort)
        TeamMemberFactory(company=participant.company, acts_for_company=True)
    users = {
        "manager": world.users["manager"],
        "park_admin": admin,
        "founder": world.users["founder"],
    }
    seed_grants(world.park, users=users)
    counts = (
        GrantAward.all_parks.count(),
        Tranche.objects.count(),
        Disbursement.objects.count(),
        Clawback.objects.count(),
        TrancheCancellation.objects.count(),
        GrantReport.objects.count(),
    )
    assert counts == (5, 12, 2, 1, 1, 3)
    statuses = set(Tranche.objects.values_list("status", flat=True))
    assert statuses == {"requested", "approved", "paid", "cancelled"}
    own = GrantAward.all_parks.get(participant__company=world.company)
    assert own.paid_total == 500000
    summary = grant_summary_by_participant(cohort=cohort)
    assert summary[own.participant_id].overdue_milestones == 1
    seed_grants(world.park, users=users)
    assert (
        GrantAward.all_parks.count(),
        Tranche.objects.count(),
        Disbursement.objects.count(),
    ) == counts[:3]
    assert audit_verify().ok


def test_grant_summary_is_one_query(world, django_assert_num_queries, award):
    with django_assert_num_queries(1):
        summary = grant_summary_by_participant(cohort=award.participant.cohort)
    entry = summary[award.participant_id]
    assert (entry.awarded, entry.paid, entry.remaining) == (1500000, 0, 1500000)
