"""The bench generator: deterministic shape, idempotent, and the dashboard over it stays fixed."""

from __future__ import annotations

import pytest

from technopark.demo.programmes_generate import bench_cohort_id, generate_programmes
from technopark.grants.queries import grant_summary_by_participant
from technopark.programmes import queries
from technopark.programmes.models import Attendance, Attendee, CurriculumSession, Participant

pytestmark = pytest.mark.django_db


def test_generates_cohorts_participants_sessions_and_marks(world):
    ids = generate_programmes(park=world.park, cohorts=3, per_cohort=4, sessions=5, past_sessions=3)
    assert len(ids) == 3 and bench_cohort_id(park=world.park) == ids[0]
    assert Participant.objects.filter(cohort_id__in=ids).count() == 12
    assert Attendee.objects.filter(participant__cohort_id__in=ids).count() == 12
    assert CurriculumSession.objects.filter(cohort_id__in=ids).count() == 15
    assert Attendance.objects.filter(session__cohort_id__in=ids).count() == 12 * 3
    # a company is in a cohort once (the unique constraint held through the bulk insert)
    assert generate_programmes(park=world.park, cohorts=3, per_cohort=4) == ids
    assert Participant.objects.filter(cohort_id__in=ids).count() == 12


def test_dashboard_of_a_bench_cohort(world, django_assert_num_queries):
    ids = generate_programmes(park=world.park, cohorts=2, per_cohort=5, sessions=4, past_sessions=2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = queries.cohort_for(park=world.park, pk=ids[0])
    with CaptureQueriesContext(connection) as grants:
        grant_summary_by_participant(cohort=cohort)
    with django_assert_num_queries(4 + len(grants.captured_queries)):
        dashboard = queries.cohort_dashboard(cohort=cohort)
    assert len(dashboard.rows) == 5
    assert all(row.marked == 2 for row in dashboard.rows)
