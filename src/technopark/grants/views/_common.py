"""What the parts of the grants pages share: the award looked up in the request's park, the
staff's permission to manage it, the award page (every form on it, and the one that failed) and
the redirect back to it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from technopark.core.localtime import local_today
from technopark.grants import queries, rules
from technopark.grants.forms import (
    CancelForm,
    ClawbackForm,
    MilestoneForm,
    PayForm,
    TrancheRequestForm,
)
from technopark.grants.models import GrantAward, TrancheStatus
from technopark.parks.http import access_of, park_of, require


def _award_or_404(request: HttpRequest, pk: int) -> GrantAward:
    award = queries.award_detail(park=park_of(request), pk=pk)
    if award is None:
        raise Http404(_("No such grant in this park."))
    return award


def _render_detail(
    request: HttpRequest,
    award: GrantAward,
    *,
    forms: dict[str, Any] | None = None,
    failed_tranche: int | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    today = local_today(park_of(request).time_zone)
    milestones = list(award.milestones.all())
    tranches = list(award.tranches.all())
    access = access_of(request)
    can_manage = rules.can_manage_award(access, award)
    user_id = getattr(request.user, "pk", None)
    policy = queries.policy_for(park_of(request)) if can_manage else None
    rows = []
    for tranche in tranches:
        approvals = list(tranche.approvals.all())
        disbursement = (
            getattr(tranche, "disbursement", None) if tranche.status == TrancheStatus.PAID else None
        )
        cancellation = (
            getattr(tranche, "cancellation", None)
            if tranche.status == TrancheStatus.CANCELLED
            else None
        )
        is_failed = failed_tranche == tranche.pk
        # The page offers only what the services will accept: the policy's own rule decides.
        approve_refusal = pay_refusal = None
        if policy is not None:
            approve_refusal = policy.approval_refusal(
                requested_by_id=tranche.requested_by_id, actor_id=user_id
            )
            pay_refusal = policy.payment_refusal(
                requested_by_id=tranche.requested_by_id,
                approver_ids={a.approver_id for a in approvals},
                actor_id=user_id,
            )
        rows.append(
            {
                "tranche": tranche,
                "approvals": approvals,
                "disbursement": disbursement,
                "cancellation": cancellation,
                "approved_by_me": any(a.approver_id == user_id for a in approvals),
                "approve_refusal": approve_refusal,
                "pay_refusal": pay_refusal,
                "pay_form": forms.get("pay")
                if is_failed and "pay" in forms
                else PayForm(
                    initial={"idempotency_key": PayForm.new_key()}, prefix=f"pay-{tranche.pk}"
                ),
                "cancel_form": forms.get("cancel") if is_failed and "cancel" in forms else None,
                "error": forms.get("tranche_error") if is_failed else None,
            }
        )
    context = {
        "award": award,
        "company": award.participant.company,
        "budget": list(award.budget_lines.all()),
        "milestones": [
            {"milestone": m, "overdue": m.is_overdue(today), "reports": list(m.reports.all())}
            for m in milestones
        ],
        "tranches": rows,
        "clawbacks": list(award.clawbacks.all()),
        "can_manage": can_manage,
        "milestone_form": forms.get("milestone") or MilestoneForm(),
        "tranche_form": forms.get("tranche")
        or TrancheRequestForm(milestones=award.milestones.all()),
        "clawback_form": forms.get("clawback") or ClawbackForm(),
        "review_forms": forms.get("review", {}),
        "award_cancel_form": forms.get("award_cancel") or CancelForm(),
        "can_cancel": rules.can_cancel_award(access, award),
        "policy": policy,
        "today": today,
        "acts_for": not can_manage and rules.can_view_my_grants(access),
    }
    return render(request, "grants/award_detail.html", context, status=status)


def _manage(request: HttpRequest, pk: int) -> GrantAward:
    access = access_of(request)
    require(rules.can_manage_grants(access))
    award = _award_or_404(request, pk)
    require(rules.can_manage_award(access, award))
    return award


def _award_url(request: HttpRequest, award: GrantAward, anchor: str = "") -> str:
    return (
        reverse("grants:detail", kwargs={"park_slug": park_of(request).slug, "pk": award.pk})
        + anchor
    )


def _done(request: HttpRequest, award: GrantAward, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("grants:detail", park_slug=park_of(request).slug, pk=award.pk)
