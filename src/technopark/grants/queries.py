"""Reads of the grants app, shaped for their pages: a fixed number of queries whatever the size.

The ledger needs no sums over payments: each award carries its running totals (``paid_total``,
``clawed_back_total``), kept by the paying and clawback services under the award's lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from technopark.audit.services import MoneyLedger, MoneyRow
from technopark.core.localtime import local_today
from technopark.core.params import ID, Choice, Text, param_value
from technopark.core.scopes import active_park
from technopark.grants.models import (
    ZERO,
    Clawback,
    Disbursement,
    GrantAward,
    GrantPolicy,
    GrantReport,
    Milestone,
    MilestoneStatus,
    ReportAttachment,
    Tranche,
    TrancheApproval,
    TrancheCancellation,
)
from technopark.parks.models import Park
from technopark.programmes.models import Cohort, Participant


def policy_for(park: Park) -> GrantPolicy:
    """The park's grant policy; the defaults (both rules on) when none has been set."""
    return GrantPolicy.for_park(park)


def _overdue_count(today: date) -> Subquery:
    return Subquery(
        Milestone.objects.filter(
            award=OuterRef("pk"), status=MilestoneStatus.OPEN, due_on__lt=today
        )
        .order_by()
        .values("award")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_overdue(rows: QuerySet[GrantAward], today: date) -> QuerySet[Any]:
    """Annotate ``overdue_milestones``: open milestones due before ``today`` (a subquery)."""
    return rows.annotate(overdue_milestones=Coalesce(_overdue_count(today), 0))


class GrantState:
    """The state of a grant as the cohort dashboard shows it (codes; labels translated)."""

    AWARDED = "awarded"  # nothing paid yet
    IN_PAYMENT = "in_payment"  # some paid, some remaining
    PAID = "paid"  # the whole award paid (net of clawbacks)

    @staticmethod
    def label(code: str) -> str:
        return str(
            {
                GrantState.AWARDED: _("Awarded, nothing paid yet"),
                GrantState.IN_PAYMENT: _("Being paid"),
                GrantState.PAID: _("Fully paid"),
            }[code]
        )


@dataclass(frozen=True)
class GrantSummary:
    """A participant's grant for the cohort dashboard: money as Decimals, net of clawbacks."""

    award_id: int
    awarded: Decimal
    paid: Decimal  # net of clawbacks
    remaining: Decimal
    overdue_milestones: int
    status: str  # a GrantState code

    @property
    def status_label(self) -> str:
        return GrantState.label(self.status)


def grant_summary_by_participant(
    *, cohort: Cohort, today: date | None = None
) -> dict[int, GrantSummary]:
    """Participant id → awarded, paid (net of clawbacks), remaining, overdue milestones and
    state, for the cohort dashboard. One query whatever the cohort's size (plus one for the
    park when it is neither the active park nor loaded with the cohort); "overdue" is counted in
    the park's time zone."""
    if today is None:
        park = active_park()
        if not isinstance(park, Park) or park.pk != cohort.park_id:
            park = cohort.park  # loaded with the cohort, or one query more
        today = local_today(park.time_zone)
    rows = with_overdue(
        GrantAward.all_parks.filter(park_id=cohort.park_id, participant__cohort=cohort), today
    ).values_list(
        "pk", "participant_id", "amount", "paid_total", "clawed_back_total", "overdue_milestones"
    )
    result: dict[int, GrantSummary] = {}
    for pk, participant_id, amount, paid, clawed, overdue in rows:
        net = paid - clawed
        if net <= 0:
            status = GrantState.AWARDED
        elif net >= amount:
            status = GrantState.PAID
        else:
            status = GrantState.IN_PAYMENT
        result[participant_id] = GrantSummary(
            award_id=pk,
            awarded=amount,
            paid=net,
            remaining=amount - net,
            overdue_milestones=overdue,
            status=status,
        )
    return result


@dataclass
class GrantFilters:
    q: str = ""
    cohort: int | None = None
    state: str = ""  # "", "open" (money left to pay), "paid" (fully paid), "overdue"

    STATES = ("", "open", "paid", "overdue")

    @classmethod
    def from_params(cls, params: Any) -> GrantFilters:
        return cls(
            q=param_value(params, "q", Text(max_length=100), ""),
            cohort=param_value(params, "cohort", ID, None),
            state=param_value(params, "state", Choice.of(cls.STATES), ""),
        )


def award_list(*, park: Park, filters: GrantFilters | None = None, today: date) -> QuerySet[Any]:
    """The park's awards with participant, company, cohort and programme (one query per page)."""
    filters = filters or GrantFilters()
    rows = GrantAward.all_parks.filter(park=park).select_related(
        "participant__company", "participant__cohort__programme"
    )
    if filters.q:
        rows = rows.filter(
            Q(participant__company__short_name__icontains=filters.q)
            | Q(participant__company__inn__startswith=filters.q)
            | Q(decision_reference__icontains=filters.q)
        )
    if filters.cohort:
        rows = rows.filter(participant__cohort_id=filters.cohort)
    rows = with_overdue(rows, today)
    if filters.state == "open":
        rows = rows.filter(paid_total__lt=F("amount") + F("clawed_back_total"))
    elif filters.state == "paid":
        rows = rows.filter(paid_total__gte=F("amount") + F("clawed_back_total"))
    elif filters.state == "overdue":
        rows = rows.filter(overdue_milestones__gt=0)
    return rows.order_by("-decided_on", "-pk")


@dataclass(frozen=True)
class LedgerTotals:
    awards: int
    awarded: Decimal
    paid: Decimal
    clawed_back: Decimal

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.clawed_back

    @property
    def remaining(self) -> Decimal:
        return self.awarded - self.net_paid


def ledger_totals(rows: QuerySet[GrantAward]) -> LedgerTotals:
    """Totals of the listed awards (one query)."""
    data = rows.order_by().aggregate(
        awards=Count("pk"),
        awarded=Coalesce(Sum("amount"), ZERO),
        paid=Coalesce(Sum("paid_total"), ZERO),
        clawed=Coalesce(Sum("clawed_back_total"), ZERO),
    )
    return LedgerTotals(data["awards"], data["awarded"], data["paid"], data["clawed"])


class CohortOption(NamedTuple):
    pk: int
    label: str  # «cohort — programme»


def cohort_options(*, park: Park) -> list[CohortOption]:
    """The park's cohorts for the ledger's two cohort pickers, newest first. One query of three
    columns: a park with a hundred cohorts built two hundred model instances for two labels."""
    return [
        CohortOption(pk, f"{name} — {programme}")
        for pk, name, programme in Cohort.all_parks.filter(park=park)
        .order_by("-starts_on", "name")
        .values_list("pk", "name", "programme__name")
    ]


def award_detail(*, park: Park, pk: int) -> GrantAward | None:
    """An award with everything its page shows: budget, milestones with reports (spending and
    files), tranches with approvals (and approvers), payment and cancellation, clawbacks.
    Seven queries whatever the counts."""
    return (
        GrantAward.all_parks.filter(park=park, pk=pk)
        .select_related(
            "participant__company", "participant__cohort__programme", "decided_by", "cancelled_by"
        )
        .prefetch_related(
            "budget_lines",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.prefetch_related(
                    Prefetch(
                        "reports",
                        queryset=GrantReport.objects.select_related("filed_by").prefetch_related(
                            "spending", "attachments"
                        ),
                    )
                ),
            ),
            Prefetch(
                "tranches",
                queryset=Tranche.objects.select_related(
                    "milestone",
                    "requested_by",
                    "disbursement__paid_by",
                    "cancellation__cancelled_by",
                ).prefetch_related(
                    Prefetch(
                        "approvals", queryset=TrancheApproval.objects.select_related("approver")
                    )
                ),
            ),
            "clawbacks__decided_by",
            "participant__company__team",
        )
        .first()
    )


def tranche_in_park(*, park: Park, pk: int) -> Tranche | None:
    return (
        Tranche.objects.filter(pk=pk, award__park=park)
        .select_related("award__park", "award__participant__company")
        .first()
    )


def milestone_in_park(*, park: Park, pk: int) -> Milestone | None:
    return (
        Milestone.objects.filter(pk=pk, award__park=park)
        .select_related("award__participant__company", "award__park")
        .prefetch_related("award__budget_lines")
        .first()
    )


def report_in_park(*, park: Park, pk: int) -> GrantReport | None:
    return (
        GrantReport.objects.filter(pk=pk, milestone__award__park=park)
        .select_related("milestone__award__participant__company")
        .first()
    )


def attachment_in_park(*, park: Park, pk: int) -> ReportAttachment | None:
    return (
        ReportAttachment.objects.filter(pk=pk, report__milestone__award__park=park)
        .select_related("report__milestone__award__participant__company")
        .first()
    )


def my_awards(*, park: Park, user: Any, today: date) -> QuerySet[Any]:
    """The grants of the companies the person acts for, with milestones and tranches."""
    return with_overdue(
        GrantAward.all_parks.filter(
            park=park,
            participant__company__team__user=user,
            participant__company__team__acts_for_company=True,
        )
        .select_related("participant__company", "participant__cohort__programme")
        .prefetch_related(
            "milestones", Prefetch("tranches", queryset=Tranche.objects.select_related("milestone"))
        ),
        today,
    ).order_by("-decided_on", "-pk")


def participants_without_grant(*, park: Park) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(cohort__park=park, grant__isnull=True)
        .select_related("company", "cohort__programme")
        .order_by("cohort__name", "company__short_name")
    )


@dataclass
class ExportFilters:
    cohort: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)


def awards_for_export(*, park: Park, filters: ExportFilters) -> QuerySet[GrantAward]:
    rows = GrantAward.all_parks.filter(park=park).select_related(
        "participant__company", "participant__cohort__programme"
    )
    if filters.cohort:
        rows = rows.filter(participant__cohort_id=filters.cohort)
    if filters.date_from:
        rows = rows.filter(decided_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(decided_on__lte=filters.date_to)
    return rows.order_by("decided_on", "pk")


def tranches_for_export(*, park: Park, filters: ExportFilters) -> QuerySet[Tranche]:
    rows = (
        Tranche.objects.filter(award__park=park)
        .select_related("award__participant__company", "milestone", "disbursement")
        .annotate(approval_count=Count("approvals"))
    )
    if filters.cohort:
        rows = rows.filter(award__participant__cohort_id=filters.cohort)
    if filters.date_from:
        rows = rows.filter(requested_at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(requested_at__date__lte=filters.date_to)
    return rows.order_by("award__decided_on", "award_id", "number")


def payments_for_export(*, park: Park, filters: ExportFilters) -> QuerySet[Disbursement]:
    rows = Disbursement.objects.filter(award__park=park).select_related(
        "award__participant__company", "tranche", "paid_by"
    )
    if filters.cohort:
        rows = rows.filter(award__participant__cohort_id=filters.cohort)
    if filters.date_from:
        rows = rows.filter(paid_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(paid_on__lte=filters.date_to)
    return rows.order_by("paid_on", "pk")


def clawbacks_for_export(*, park: Park, filters: ExportFilters) -> QuerySet[Any]:
    rows = Clawback.objects.filter(award__park=park).select_related("award__participant__company")
    if filters.cohort:
        rows = rows.filter(award__participant__cohort_id=filters.cohort)
    if filters.date_from:
        rows = rows.filter(decided_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(decided_on__lte=filters.date_to)
    return rows.order_by("decided_on", "pk")


def audit_money_ledger() -> MoneyLedger:
    """Every payment, cancellation and clawback with the audit entry it must have, and the awards
    whose running totals are not the sum of their rows (handed to ``audit_verify``; four queries,
    every park)."""
    rows: list[MoneyRow] = []
    # Each row's award and tranche must be the ones its entry recorded: moving a payment to
    # another award or tranche (and the running totals with it) is named.
    for (
        pk,
        park_id,
        reference,
        amount,
        actor_id,
        award_id,
        tranche_id,
    ) in Disbursement.objects.order_by("pk").values_list(
        "pk",
        "award__park_id",
        "award__decision_reference",
        "amount",
        "paid_by_id",
        "award_id",
        "tranche_id",
    ):
        rows.append(
            MoneyRow(
                f"disbursement {pk} (award {reference})",
                park_id,
                "grants.pay",
                "grants.disbursement",
                str(pk),
                amount,
                actor_id,
                links=(("award_id", award_id), ("tranche_id", tranche_id)),
            )
        )
    for (
        tranche_id,
        park_id,
        reference,
        amount,
        actor_id,
        award_id,
    ) in TrancheCancellation.objects.order_by("pk").values_list(
        "tranche_id",
        "tranche__award__park_id",
        "tranche__award__decision_reference",
        "tranche__amount",
        "cancelled_by_id",
        "tranche__award_id",
    ):
        rows.append(
            MoneyRow(
                f"cancellation of tranche {tranche_id} (award {reference})",
                park_id,
                "grants.tranche_cancel",
                "grants.tranche",
                str(tranche_id),
                amount,
                actor_id,
                amount_in="before",
                links=(("award_id", award_id),),
            )
        )
    for pk, park_id, reference, amount, actor_id, award_id in Clawback.objects.order_by(
        "pk"
    ).values_list(
        "pk", "award__park_id", "award__decision_reference", "amount", "decided_by_id", "award_id"
    ):
        rows.append(
            MoneyRow(
                f"clawback {pk} (award {reference})",
                park_id,
                "grants.clawback",
                "grants.clawback",
                str(pk),
                amount,
                actor_id,
                links=(("award_id", award_id),),
            )
        )
    paid = (
        Disbursement.objects.filter(award=OuterRef("pk"))
        .values("award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    clawed = (
        Clawback.objects.filter(award=OuterRef("pk"))
        .values("award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    problems = [
        f"award {reference} (id {pk}): running totals paid {paid_total}, clawed back "
        f"{clawed_total}; its rows add up to {rows_paid} and {rows_clawed}"
        for pk, reference, paid_total, clawed_total, rows_paid, rows_clawed in (
            GrantAward.all_parks.annotate(
                rows_paid=Coalesce(Subquery(paid), ZERO),
                rows_clawed=Coalesce(Subquery(clawed), ZERO),
            )
            .filter(~Q(paid_total=F("rows_paid")) | ~Q(clawed_back_total=F("rows_clawed")))
            .order_by("pk")
            .values_list(
                "pk",
                "decision_reference",
                "paid_total",
                "clawed_back_total",
                "rows_paid",
                "rows_clawed",
            )
        )
    ]
    return MoneyLedger(
        actions=frozenset({"grants.pay", "grants.tranche_cancel", "grants.clawback"}),
        rows=rows,
        problems=problems,
    )
