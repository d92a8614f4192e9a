"""Service requests: filing, assigning, and every change of state through the one table of
``engineering.workflow``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.companies.models import Company
from technopark.core.scopes import in_park
from technopark.engineering import queries, workflow
from technopark.engineering.models import (
    DocumentKind,
    EventKind,
    Quote,
    QuoteStatus,
    RequestEvent,
    RequestState,
    ServiceRequest,
)
from technopark.engineering.services import work
from technopark.engineering.services._common import (
    company_side,
    lock_request,
    number_next,
    park_day,
    refuse_unless,
    staff_side,
    touched,
)
from technopark.engineering.workflow import By
from technopark.parks.rules import ParkAccess, is_staff


def _event(
    request: ServiceRequest,
    *,
    actor: Any,
    at: datetime,
    from_state: str,
    to_state: str,
    reason: str,
    kind: str = EventKind.PERSON,
    params: dict[str, Any] | None = None,
) -> RequestEvent:
    return RequestEvent.all_parks.create(
        kind=kind,
        params=params or {},
        park_id=request.park_id,
        request=request,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def request_create(
    *,
    access: ParkAccess,
    company: Company,
    title: str,
    description: str,
    desired_on: date | None = None,
    confidential: bool = False,
    now: datetime,
) -> ServiceRequest:
    """A new request, submitted: by someone acting for ``company``, or by staff on its behalf.
    Its first event records who filed it."""
    park = access.park
    if park is None or not in_park(park, company):
        raise ValidationError({"company": _("Choose a company of this park.")})
    acting = company.pk in queries.acting_company_ids(park=park, user=access.user)
    if not (acting or is_staff(access)):
        raise ValidationError({"company": _("You do not act for this company.")})
    if not title.strip():
        raise ValidationError({"title": _("Say what you need in a few words.")})
    if desired_on is not None and desired_on < park_day(park, now):
        raise ValidationError({"desired_on": _("The desired date has passed.")})
    with transaction.atomic():
        request = ServiceRequest.all_parks.create(
            park=park,
            company=company,
            title=title.strip(),
            description=description,
            desired_on=desired_on,
            confidential=confidential,
            created_by=access.user,
            created_at=now,
            changed_at=now,
        )
        _event(
            request,
            actor=access.user,
            at=now,
            from_state="",
            to_state=RequestState.SUBMITTED,
            reason="",
        )
        touched(park.pk)
    return request


def request_assign(
    *,
    access: ParkAccess,
    request: ServiceRequest,
    responsible: Any,
    engineers: Iterable[Any],
    now: datetime,
) -> ServiceRequest:
    """Name the staff member responsible and the engineers who work on the request (the park's
    managers and admins only). Engineers must hold the engineer role in the park."""
    refuse_unless(is_staff(access) and in_park(access, request))
    chosen = list(engineers)
    allowed = set(queries.engineer_ids(park=request.park))
    if any(engineer.pk not in allowed for engineer in chosen):
        raise ValidationError({"engineers": _("Choose engineers of this park.")})
    if responsible is not None and responsible.pk not in set(queries.staff_ids(park=request.park)):
        raise ValidationError({"responsible": _("Choose a staff member of this park.")})
    with transaction.atomic():
        locked = lock_request(request)
        locked.responsible = responsible
        locked.changed_at = now
        locked.save(update_fields=["responsible", "changed_at"])
        locked.engineers.set(chosen)
        touched(locked.park_id)
    request.refresh_from_db()
    return locked


def _check_side(access: ParkAccess, request: ServiceRequest, by: By) -> None:
    if by == By.STAFF:
        refuse_unless(staff_side(access, request))
    elif by == By.COMPANY:
        refuse_unless(company_side(access, request))


#: the states that end a request before its work: its open quotes are closed with it
CLOSING = (RequestState.REJECTED, RequestState.CANCELLED)


def _close_open_quotes(request: ServiceRequest, *, reason: str, now: datetime) -> None:
    """A rejected or cancelled request leaves no quote open. A sent quote becomes «declined»:
    it will never be answered, and the request's end is its answer (the reason given for the
    change, if any, is kept as the decline's reason). A draft becomes «superseded»: the company
    never saw it, so there is nothing for it to decline. Locking: the quote rows, after the
    request's."""
    open_ = Quote.all_parks.select_for_update().filter(
        request=request, status__in=(QuoteStatus.DRAFT, QuoteStatus.SENT)
    )
    for quote in open_:
        if quote.status == QuoteStatus.SENT:
            quote.status = QuoteStatus.DECLINED
            quote.decided_at = now
            quote.decline_reason = reason.strip()
            quote.save(update_fields=["status", "decided_at", "decline_reason"])
        else:
            quote.status = QuoteStatus.SUPERSEDED
            quote.save(update_fields=["status"])


def apply_transition(
    *,
    request: ServiceRequest,
    to_state: str,
    actor: Any,
    reason: str,
    now: datetime,
    kind: str = EventKind.PERSON,
    params: dict[str, Any] | None = None,
) -> workflow.Transition:
    """Move a locked request to ``to_state`` if the table allows it (whoever asks: callers check
    the side), record the event, and the decision in the audit chain when the table says so.
    A rejected or cancelled request closes its open quotes (``_close_open_quotes``); one that
    goes into work gets its work order (``work.work_order_open``). A change
    the system makes gives no ``reason`` but a ``kind`` and its ``params``, put into words in
    the reader's language when shown (``RequestEvent.shown_reason``). Call inside the transaction that locked the request."""
    from_state = request.state
    found = workflow.transition_for(
        from_state=from_state, to_state=to_state, held_from=request.held_from
    )
    labels = workflow.STATE_LABELS
    if found is None:
        raise ValidationError(
            {
                "to_state": workflow.REFUSED
                % {"from": labels.get(from_state, from_state), "to": labels.get(to_state, to_state)}
            },
            code="illegal_transition",
        )
    if found.reason_required and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this change.")})
    if to_state == RequestState.ON_HOLD:
        request.held_from = from_state
    elif from_state == RequestState.ON_HOLD:
        request.held_from = ""
    if to_state == RequestState.ACCEPTED and not request.act_number:
        request.act_number = number_next(park=request.park, kind=DocumentKind.ACT, now=now)
    request.state = to_state
    request.changed_at = now
    request.save(update_fields=["state", "held_from", "act_number", "changed_at"])
    if to_state in CLOSING:
        _close_open_quotes(request, reason=reason, now=now)
    if to_state == RequestState.IN_WORK:
        work.work_order_open(request=request, actor=actor, now=now)
    elif from_state == RequestState.IN_WORK:
        work.work_order_leave(request=request, now=now)
    _event(
        request,
        actor=actor,
        at=now,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        kind=kind,
        params=params,
    )
    if found.audited:
        audit_record(
            park=request.park,
            actor=actor,
            action=f"engineering.request_{to_state}",
            target=request,
            summary=f"{request.title} ({request.company})"[:300],
            before={"state": from_state},
            after={"state": to_state, "reason": reason, "act_number": request.act_number},
        )
    touched(request.park_id)
    return found


#: the longest comment a company may give with its rating
MAX_RATING_COMMENT = 2000


def _check_rating(to_state: str, rating: int | None, comment: str) -> None:
    """A rating (1 to 5) and a comment go only with the company's acceptance of the work."""
    if rating is None and not comment.strip():
        return
    if to_state != RequestState.ACCEPTED:
        raise ValidationError(
            {"rating": _("A rating is given only when the company accepts the work.")}
        )
    if rating is not None and (isinstance(rating, bool) or not 1 <= rating <= 5):
        raise ValidationError({"rating": _("Give the rating as a whole number from 1 to 5.")})
    if len(comment) > MAX_RATING_COMMENT:
        raise ValidationError(
            {
                "rating_comment": _("Keep the comment within %(n)d characters.")
                % {"n": MAX_RATING_COMMENT}
            }
        )


def request_transition(
    *,
    access: ParkAccess,
    request: ServiceRequest,
    to_state: str,
    reason: str = "",
    rating: int | None = None,
    rating_comment: str = "",
    now: datetime,
) -> ServiceRequest:
    """Change the request's state as ``workflow.TRANSITIONS`` allows, by the side it names.

    Refused with a ``ValidationError`` naming the field (``to_state``, ``reason``) when the change
    is not in the table, is made only through a quote or a charge, or the person is not on the side that
    makes it. The company accepting the work may rate it (``rating`` 1 to 5, optional) and say
    why (``rating_comment``); both are refused (on ``rating``) with any other change. Locking:
    the request row, then (for an accepted request's act number) the park's act counter, then
    the audit chain's head."""
    if not in_park(access, request):
        raise ValidationError({"to_state": _("No such request in this park.")})
    _check_rating(to_state, rating, rating_comment)
    with transaction.atomic():
        locked = lock_request(request)
        found = workflow.transition_for(
            from_state=locked.state, to_state=to_state, held_from=locked.held_from
        )
        if found is not None and found.by in (By.QUOTE, By.CHARGE):
            words = workflow.BY_QUOTE if found.by == By.QUOTE else workflow.BY_CHARGE
            raise ValidationError(
                {"to_state": words % {"to": workflow.STATE_LABELS.get(to_state, to_state)}},
                code=f"by_{found.by.value}",
            )
        if found is not None:
            _check_side(access, locked, found.by)
        apply_transition(
            request=locked, to_state=to_state, actor=access.user, reason=reason, now=now
        )
        if to_state == RequestState.ACCEPTED and (rating is not None or rating_comment.strip()):
            locked.rating = rating
            locked.rating_comment = rating_comment.strip()
            locked.save(update_fields=["rating", "rating_comment"])
    return locked
