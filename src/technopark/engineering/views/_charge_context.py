"""The charge part of a request's page (``engineering/_charge_section.html``): the charge with
its lines and disputes, and the forms the visitor may use. Kept apart from ``views.charges`` so
that the request page (``views.requests``) and the charge views (which render that page again
with a form's errors) both use it without importing each other."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from technopark.core.money import format_money
from technopark.engineering import queries, rules
from technopark.engineering.forms import AdjustmentDecisionForm, ChargeForm, DisputeForm
from technopark.engineering.models import (
    AdjustmentStatus,
    ChargeLineKind,
    RequestState,
    ServiceRequest,
)
from technopark.engineering.views._common import Visitor
from technopark.parks.http import access_of


def line_choices(found: ServiceRequest) -> list[tuple[int, str]]:
    """The company's budget lines that may pay, each with what is left on it (one query)."""
    return [
        (
            line.pk,
            f"{line.award.decision_reference} — {line.get_kind_display()} "
            f"({format_money(line.amount - line.charged, line.award.currency)})",
        )
        for line in queries.budget_lines_for(request=found)
    ]


def charge_form(found: ServiceRequest, data: Any = None) -> ChargeForm:
    """The form to charge ``found``, with a fresh idempotency key when it is first shown."""
    return ChargeForm(
        data,
        lines=line_choices(found),
        initial={"payer": "company", "idempotency_key": secrets.token_urlsafe(24)},
    )


def charge_context(request: HttpRequest, found: ServiceRequest, who: Visitor) -> dict[str, Any]:
    """What the charge section shows: nothing before «accepted»; the charge form for staff on
    an accepted request; the charge's lines (each with what it charges now and its open dispute),
    the disputes, and the forms to dispute and to answer once it is charged."""
    access = access_of(request)
    context: dict[str, Any] = {"charge": None}
    if rules.can_charge(access, found):
        context["charge_form"] = charge_form(found)
    if found.state != RequestState.CHARGED:
        return context
    charge = queries.charge_of(request=found)
    if charge is None:
        return context
    lines: list[Any] = list(charge.lines.all())
    adjustments = list(charge.adjustments.all())
    corrections: dict[int, Decimal] = {}
    for line in lines:
        if line.corrects_id is not None:
            corrections[line.corrects_id] = corrections.get(line.corrects_id, Decimal(0)) + (
                line.amount
            )
    open_lines = {a.line_id for a in adjustments if a.status == AdjustmentStatus.REQUESTED}
    may_dispute = rules.can_dispute_charge(access, found, who.acting_ids)
    for line in lines:
        line.effective = line.amount + corrections.get(line.pk, Decimal(0))
        line.disputable = (
            may_dispute and line.kind != ChargeLineKind.ADJUSTMENT and line.pk not in open_lines
        )
    context.update(
        {
            "charge": charge,
            "charge_lines": lines,
            "adjustments": adjustments,
            "may_decide": rules.can_decide_adjustments(access, found),
            "dispute_form": DisputeForm(),
            "decision_form": AdjustmentDecisionForm(),
        }
    )
    return context
