"""The applications' ranking rows (``models.ranking``): written by every service that changes
what the council's table shows, inside its own transaction, so the table never aggregates at
read time.

``ranking_refresh`` recomputes the rows of the applications a write touched from the aggregate
``queries.council.ranking_aggregates`` (one query for them all) and writes them in one upsert:
filing a review, adding, swapping, publishing or removing an assignment, a recusal, a submission,
a withdrawal, a request for information and its answer, an eligibility run or verdict, a
decision. Bulk inserts that bypass the services (the bench generator) call it for their call.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from technopark.audit.services import audit_serialize
from technopark.core.fragments import writes
from technopark.selection.models import Application, ApplicationRanking, Call
from technopark.selection.models.ranking import KEY_ABOVE, KEY_BELOW
from technopark.selection.queries.council import (
    DISAGREEMENT_SPREAD,
    RANKED_STATUSES,
    ranking_aggregates,
)

__all__ = ["ranking_refresh", "ranking_refresh_call", "ranking_row"]

_MEAN = Decimal("0.000001")
_CHUNK = 500
_FIELDS = [
    field.name for field in ApplicationRanking._meta.concrete_fields if not field.primary_key
]


def ranking_row(application: Any) -> ApplicationRanking:
    """The ranking row of an application annotated by ``ranking_aggregates``."""
    filed = application.reviews_filed
    mean = (
        (Decimal(application.total_sum) / filed).quantize(_MEAN)
        if filed and application.total_sum is not None
        else None
    )
    high, low = application.total_max, application.total_min
    high = None if high is None else Decimal(str(high))
    low = None if low is None else Decimal(str(low))
    spread = None if high is None or low is None else high - low
    split = application.n_reject > 0 and (application.n_admit > 0 or application.n_conditions > 0)
    return ApplicationRanking(
        application_id=application.pk,
        call_id=application.call_id,
        company_id=application.company_id,
        status=application.status,
        ranked=application.status in RANKED_STATUSES,
        submitted_at=application.submitted_at,
        eligibility=application.eligibility,
        reviews_assigned=application.reviews_assigned,
        reviews_filed=filed,
        weighted_total=mean,
        total_max=high,
        total_min=low,
        spread=spread,
        n_admit=application.n_admit,
        n_conditions=application.n_conditions,
        n_reject=application.n_reject,
        flagged=split or (spread is not None and spread > DISAGREEMENT_SPREAD),
        rank_key=KEY_BELOW if mean is None else mean,
        rank_key_low=KEY_ABOVE if mean is None else mean,
        spread_key=KEY_BELOW if spread is None else spread,
        spread_key_low=KEY_ABOVE if spread is None else spread,
    )


def _refresh(applications: Any) -> int:
    rows = [
        ranking_row(application)
        for application in ranking_aggregates(applications.order_by()).only(
            "id", "call_id", "company_id", "status", "submitted_at", "eligibility_outcome"
        )
    ]
    ApplicationRanking.objects.bulk_create(
        rows,
        batch_size=_CHUNK,
        update_conflicts=True,
        unique_fields=["application"],
        update_fields=_FIELDS,
    )
    return len(rows)


def ranking_refresh(*, park_id: int, application_ids: Iterable[int]) -> int:
    """Recompute the ranking rows of these applications of the park (drafts included: their row
    says they are not ranked); called inside the writing service's transaction. Returns how
    many rows were written."""
    ids = sorted(set(application_ids))
    if not ids:
        return 0
    with transaction.atomic(savepoint=False):  # the writer's own transaction, when it has one
        return _refresh_locked(park_id=park_id, ids=ids)


def _refresh_locked(*, park_id: int, ids: list[int]) -> int:
    writes("selection", park_id=park_id)
    # Two writers of one application (a review filed while an assignment is removed) must take
    # turns, the second reading what the first committed instead of overwriting it with less.
    # Every writer of what the rows hold is audited, and an audited write takes the park's chain
    # head last and holds it to its commit: taking that same lock here serialises the refreshes
    # without a lock of their own. (Locking the application rows instead deadlocked on
    # PostgreSQL: the assignment services take the call, the assignment and the head first, a
    # review's filing the assignment and then the application; tests/selection/
    # test_ranking_lock_order.py.)
    audit_serialize(park_id=park_id)
    written = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        written += _refresh(Application.all_parks.filter(park_id=park_id, pk__in=chunk))
    return written


def ranking_refresh_call(*, call: Call) -> int:
    """Recompute the ranking rows of every application of ``call`` (a bulk write)."""
    writes("selection", park_id=call.park_id)
    return _refresh(Application.all_parks.filter(park_id=call.park_id, call_id=call.pk))
