"""Pages of the tranches part, the forms on the award page that move money: request a tranche,
approve it (four eyes), pay it (once), cancel it, record a clawback.

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.http import signed_in_user
from technopark.core.confirm import confirmation, confirmed
from technopark.core.money import format_money
from technopark.grants import services
from technopark.grants.forms import CancelForm, ClawbackForm, PayForm, TrancheRequestForm
from technopark.grants.models import GrantAward, TrancheStatus
from technopark.grants.views._common import (
    _award_or_404,
    _award_url,
    _done,
    _manage,
    _render_detail,
)


@login_required
@require_POST
def tranche_request(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    award = _manage(request, pk)
    form = TrancheRequestForm(request.POST, milestones=award.milestones.all())
    if form.is_valid():
        try:
            services.tranche_request(
                award=award,
                milestone=form.cleaned_data["milestone"],
                actor=signed_in_user(request),
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The tranche has been requested."))
    return _render_detail(request, award, forms={"tranche": form}, status=400)


def _tranche_of(award: GrantAward, tranche_pk: int) -> Any:
    for tranche in award.tranches.all():
        if tranche.pk == tranche_pk:
            return tranche
    raise Http404(_("No such tranche in this grant."))


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@login_required
@require_POST
def tranche_approve(request: HttpRequest, park_slug: str, pk: int, tranche_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    tranche = _tranche_of(award, tranche_pk)
    try:
        result = services.tranche_approve(tranche=tranche, actor=signed_in_user(request))
    except ValidationError as error:
        return _render_detail(
            request,
            _award_or_404(request, pk),
            forms={"tranche_error": _error_text(error)},
            failed_tranche=tranche.pk,
            status=400,
        )
    if result.status == TrancheStatus.APPROVED:
        return _done(request, award, _("Tranche approved by two staff members: it may be paid."))
    return _done(
        request, award, _("Your approval is recorded: a second staff member must approve.")
    )


@login_required
@require_POST
def tranche_pay(request: HttpRequest, park_slug: str, pk: int, tranche_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    tranche = _tranche_of(award, tranche_pk)
    form = PayForm(request.POST, prefix=f"pay-{tranche.pk}")
    if form.is_valid():
        try:
            result = services.tranche_pay(
                tranche=tranche,
                actor=signed_in_user(request),
                payment_reference=form.cleaned_data["payment_reference"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                paid_on=form.cleaned_data["paid_on"],
            )
        except ValidationError as error:
            return _render_detail(
                request,
                _award_or_404(request, pk),
                forms={"pay": form, "tranche_error": _error_text(error)},
                failed_tranche=tranche.pk,
                status=409
                if isinstance(error, (services.Overpayment, services.AlreadyPaid))
                else 400,
            )
        if result.created:
            return _done(request, award, _("The tranche has been paid."))
        return _done(request, award, _("This payment was already made; it was not made again."))
    return _render_detail(
        request,
        award,
        forms={"pay": form, "tranche_error": _("Check the payment's details.")},
        failed_tranche=tranche.pk,
        status=400,
    )


@login_required
@require_POST
def tranche_cancel(request: HttpRequest, park_slug: str, pk: int, tranche_pk: int) -> HttpResponse:
    award = _manage(request, pk)
    tranche = _tranche_of(award, tranche_pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        cancellable = tranche.status in (TrancheStatus.REQUESTED, TrancheStatus.APPROVED)
        if cancellable and award.cancelled_at is None and not confirmed(request):
            return confirmation(
                request,
                title=_("Cancel tranche %(number)s?") % {"number": tranche.number},
                message=_(
                    "Tranche %(number)s of %(amount)s will not be paid. A cancelled tranche "
                    "cannot be restored: a new one can be requested against the milestone."
                )
                % {
                    "number": tranche.number,
                    "amount": format_money(tranche.amount, award.currency),
                },
                consequences=[_("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]}],
                action=_("Cancel the tranche"),
                back=_award_url(request, award, f"#tranche-{tranche.number}"),
            )
        try:
            services.tranche_cancel(
                tranche=tranche, actor=signed_in_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return _render_detail(
                request,
                _award_or_404(request, pk),
                forms={"cancel": form, "tranche_error": _error_text(error)},
                failed_tranche=tranche.pk,
                status=400,
            )
        return _done(request, award, _("The tranche has been cancelled."))
    return _render_detail(
        request,
        award,
        forms={"cancel": form, "tranche_error": _("Give the reason for cancelling.")},
        failed_tranche=tranche.pk,
        status=400,
    )


@login_required
@require_POST
def clawback(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    award = _manage(request, pk)
    form = ClawbackForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_record(
                award=award, actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, award, _("The clawback has been recorded."))
    return _render_detail(request, award, forms={"clawback": form}, status=400)
