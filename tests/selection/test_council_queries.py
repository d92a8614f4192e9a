"""The ranking table's figures, aggregated in SQL, and what the applicant may read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from technopark.selection.models import ApplicationStatus
from technopark.selection.queries.council import (
    RankingFilters,
    council_application,
    decision_for_applicant,
    ranking_table,
)
from technopark.selection.services.council import decision_record
from tests.selection.factories import ApplicationFactory
from tests.selection.fixtures_council import file_review

pytestmark = pytest.mark.django_db


def table(council, **filters):
    return {
        row.pk: row for row in ranking_table(call=council.call, filters=RankingFilters(**filters))
    }


def test_weighted_total_spread_recommendations_and_flag(council):
    rows = table(council)
    strong, split, pending = (
        rows[council.strong.pk],
        rows[council.split.pk],
        rows[council.pending.pk],
    )
    assert Decimal(strong.weighted_total).quantize(Decimal("0.01")) == Decimal("80.00")
    assert (strong.reviews_filed, strong.reviews_assigned) == (2, 2)
    assert Decimal(strong.spread) == Decimal("5")
    assert (strong.n_admit, strong.n_conditions, strong.n_reject) == (2, 0, 0)
    assert not strong.flagged
    assert Decimal(split.weighted_total) == Decimal("65")
    assert Decimal(split.spread) == Decimal("50")
    assert split.flagged
    assert pending.weighted_total is None and pending.spread is None
    assert (pending.reviews_filed, pending.reviews_assigned) == (0, 1)
    assert not pending.flagged
    assert [strong.rank, split.rank] == [1, 2]


def test_a_draft_review_does_not_count(council):
    file_review(council.pending, total="10.00", recommendation="reject", filed=False)
    row = table(council)[council.pending.pk]
    assert row.weighted_total is None
    assert (row.reviews_filed, row.reviews_assigned) == (0, 2)


def test_split_recommendations_flag_even_when_totals_agree(council):
    application = ApplicationFactory(call=council.call)
    file_review(application, total="60.00", recommendation="conditions")
    file_review(application, total="62.00", recommendation="reject")
    assert table(council)[application.pk].flagged


def test_a_spread_of_exactly_the_threshold_is_not_flagged(council):
    application = ApplicationFactory(call=council.call)
    file_review(application, total="50.00")
    file_review(application, total="75.00")
    assert not table(council)[application.pk].flagged


def test_filters_and_sorts(council, world):
    assert list(table(council, flagged=True)) == [council.split.pk]
    decision_record(
        application=council.split, actor=world.users["manager"], outcome="reject", rationale="No."
    )
    assert list(table(council, status="rejected")) == [council.split.pk]
    assert set(table(council, status="submitted")) == {council.strong.pk, council.pending.pk}
    order = [
        row.pk for row in ranking_table(call=council.call, filters=RankingFilters(sort="-rank"))
    ]
    assert order == [council.split.pk, council.strong.pk, council.pending.pk]
    order = [
        row.pk for row in ranking_table(call=council.call, filters=RankingFilters(sort="spread"))
    ]
    assert order[0] == council.split.pk


def test_drafts_and_withdrawn_applications_are_not_ranked(council):
    draft = ApplicationFactory(call=council.call, status=ApplicationStatus.DRAFT)
    withdrawn = ApplicationFactory(call=council.call, status=ApplicationStatus.WITHDRAWN)
    assert not {draft.pk, withdrawn.pk} & set(table(council))


def test_unusable_filter_parameters_are_ignored():
    filters = RankingFilters.from_params({"status": "draft", "sort": "evil", "flagged": "1"})
    assert filters == RankingFilters(status="", flagged=True, sort="rank")


def test_council_application_summarises_the_filed_reviews(council):
    detail = council_application(call=council.call, pk=council.split.pk)
    assert detail.weighted_total == Decimal("65.00")
    assert detail.spread == Decimal("50.00")
    assert detail.flagged
    assert detail.recommendations == {"admit": 1, "conditions": 0, "reject": 1}
    assert council_application(call=council.call, pk=10**9) is None


def test_the_applicant_reads_only_what_is_meant_for_them(council, world):
    assert decision_for_applicant(application=council.strong) is None
    decision_record(
        application=council.strong,
        actor=world.users["manager"],
        outcome="admit",
        rationale="SECRET council reasoning",
        message_for_applicant="Welcome.",
        agreement_number="A-1",
        start_date=__import__("datetime").date(2026, 12, 1),
    )
    notice = decision_for_applicant(application=council.strong)
    assert notice.outcome == "admit"
    assert notice.message == "Welcome."
    assert notice.notes == [
        "A clear plan; show the pilot's figures next time.",
        "Good market analysis.",
    ]
    assert "SECRET" not in repr(notice)
    assert "Strong team" not in repr(notice)
