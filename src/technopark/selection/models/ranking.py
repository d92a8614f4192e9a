"""The council's ranking, kept per application: what the ranking table shows of its reviews.

One row per application once it has been submitted, written by the services that file reviews,
change assignments, screen eligibility or decide (``selection.services.ranking``), inside their
transactions, from the same aggregate the table used to compute at every read
(``selection.queries.council.ranking_reference``). The table then reads a page of these rows by
an index instead of aggregating 20,000 reviews on every first visit.

The ``*_key`` columns are the sort orders without NULLs (a missing total sorts last both ways),
so that one index per order serves a page on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import models

from technopark.companies.models import Company
from technopark.selection.models.applications import Application
from technopark.selection.models.calls import Call

__all__ = ["KEY_ABOVE", "KEY_BELOW", "ApplicationRanking"]

# What a missing total or spread sorts as: below every real value (0–100) in a descending order,
# above every one in an ascending order.
KEY_BELOW = -1
KEY_ABOVE = 1000


class ApplicationRanking(models.Model):
    """An application's standing in the council's table (derived data, never edited)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="ranking"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", db_index=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    # The status is one the council ranks (submitted, sent back, decided).
    ranked = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    eligibility = models.CharField(max_length=20)
    reviews_assigned = models.PositiveIntegerField(default=0)
    reviews_filed = models.PositiveIntegerField(default=0)
    # The mean of the filed totals, exact enough that two different means never compare equal.
    weighted_total = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    total_max = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    total_min = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    spread = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    n_admit = models.PositiveIntegerField(default=0)
    n_conditions = models.PositiveIntegerField(default=0)
    n_reject = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    rank_key = models.DecimalField(max_digits=12, decimal_places=6, default=KEY_BELOW)
    rank_key_low = models.DecimalField(max_digits=12, decimal_places=6, default=KEY_ABOVE)
    spread_key = models.DecimalField(max_digits=5, decimal_places=2, default=KEY_BELOW)
    spread_key_low = models.DecimalField(max_digits=6, decimal_places=2, default=KEY_ABOVE)

    class Meta:
        indexes = [
            # Each order of the table over the call's ranked rows: a page is a range of one.
            # It also counts the rows above a total (a rank): ``ranked`` is in it so that SQLite
            # counts on the index alone.
            models.Index(
                fields=["call", "-rank_key", "application", "ranked"],
                condition=models.Q(ranked=True),
                name="ranking_rank_idx",
            ),
            models.Index(
                fields=["call", "rank_key_low", "-application"],
                condition=models.Q(ranked=True),
                name="ranking_rank_low_idx",
            ),
            models.Index(
                fields=["call", "-spread_key", "application"],
                condition=models.Q(ranked=True),
                name="ranking_spread_idx",
            ),
            models.Index(
                fields=["call", "spread_key_low", "application"],
                condition=models.Q(ranked=True),
                name="ranking_spread_low_idx",
            ),
            models.Index(
                fields=["call", "submitted_at", "application"],
                condition=models.Q(ranked=True),
                name="ranking_submitted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.weighted_total}"
