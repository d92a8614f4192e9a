"""The ledger's page, read through ``grant_award_ledger_idx`` (park, -decided_on, -id), lists the
same awards in the same order as the straightforward sort of every award of the park: newest
decision first, ties by the newer award, another park's awards never."""

from __future__ import annotations

from datetime import date

import pytest

from technopark.grants import queries
from technopark.grants.models import GrantAward
from tests.factories import CompanyFactory
from tests.grants.factories import make_award, make_participant

pytestmark = pytest.mark.django_db


def test_the_ledger_page_is_the_straightforward_order(world):
    cohort = make_participant(world.park).cohort
    other_cohort = make_participant(world.other_park).cohort
    decided = [date(2026, 4, 1), date(2026, 5, 1), date(2026, 4, 1), date(2026, 3, 1)] * 2
    for n, day in enumerate(decided):
        award = make_award(
            make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort),
            world.users["manager"],
            reference=f"ГР-{n}",
        )
        GrantAward.all_parks.filter(pk=award.pk).update(decided_on=day)
    make_award(
        make_participant(
            world.other_park, CompanyFactory(park=world.other_park), cohort=other_cohort
        ),
        world.users["manager"],
    )
    every = [award for award in GrantAward.all_parks.all() if award.park_id == world.park.pk]
    expected = [
        award.pk for award in sorted(every, key=lambda a: (a.decided_on, a.pk), reverse=True)
    ]
    rows = queries.award_list(park=world.park, today=date(2026, 6, 1))
    assert [award.pk for award in rows] == expected
    assert [award.pk for award in rows[2:5]] == expected[2:5]  # a page further on
