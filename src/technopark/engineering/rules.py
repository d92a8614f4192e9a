"""Who may see and do what with the engineering centre's services, requests and quotes.

The NDA rule: a confidential request is seen only by its company's team, the engineers
assigned to it and the park's managers and admins; to everyone else it does not exist (404).
A request that is not confidential is seen by its company's team, every engineer of the park
and the managers and admins. Other companies, observers, experts and mentors never see a
company's requests.

Predicates that concern one request take the ids of the companies whose team the visitor is in
(``member_ids``) or acts for (``acting_ids``), loaded once per page by the view.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from technopark.core.scopes import in_park
from technopark.engineering.models import (
    ApprovalSide,
    Quote,
    QuoteStatus,
    RequestState,
    ServiceRequest,
    TimeEntry,
)
from technopark.engineering.workflow import By, next_states
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, has_role, is_staff


def is_engineer(access: ParkAccess) -> bool:
    return has_role(access, Role.ENGINEER)


def can_request_services(access: ParkAccess) -> bool:
    """File a request and see one's own: founders (for companies they act for) and staff (on a
    company's behalf)."""
    return is_staff(access) or has_role(access, Role.FOUNDER)


def can_work_requests(access: ParkAccess) -> bool:
    """The staff queue: managers, admins and engineers."""
    return is_staff(access) or is_engineer(access)


def can_see_all_requests(access: ParkAccess) -> bool:
    """Every request, confidential ones too: the park's managers and admins."""
    return is_staff(access)


def can_configure_catalogue(access: ParkAccess) -> bool:
    """Services, prices and the approval threshold: the park's managers and admins."""
    return is_staff(access)


def _assigned(access: ParkAccess, request: ServiceRequest) -> bool:
    # ``engineers`` is prefetched by the detail's query: no query here.
    return access.is_authenticated and any(
        engineer.pk == access.user.pk for engineer in request.engineers.all()
    )


def can_view_request(
    access: ParkAccess, request: ServiceRequest, member_ids: Collection[int]
) -> bool:
    if not in_park(access, request):
        return False
    if is_staff(access) or request.company_id in member_ids:
        return True
    if is_engineer(access):
        return not request.confidential or _assigned(access, request)
    return False


def works_on(access: ParkAccess, request: ServiceRequest) -> bool:
    """Acts on the request for the park: a manager or admin, or an engineer assigned to it."""
    return in_park(access, request) and (
        is_staff(access) or (is_engineer(access) and _assigned(access, request))
    )


def acts_for_request(
    access: ParkAccess, request: ServiceRequest, acting_ids: Collection[int]
) -> bool:
    return in_park(access, request) and request.company_id in acting_ids


def can_assign(access: ParkAccess, request: ServiceRequest) -> bool:
    return in_park(access, request) and is_staff(access)


def transitions_for(
    access: ParkAccess, request: ServiceRequest, acting_ids: Collection[int]
) -> list[str]:
    """The states the visitor may move the request to with a button (not those a quote makes)."""
    states: list[str] = []
    if works_on(access, request):
        states += next_states(from_state=request.state, held_from=request.held_from, by=By.STAFF)
    if acts_for_request(access, request, acting_ids):
        states += next_states(from_state=request.state, held_from=request.held_from, by=By.COMPANY)
    return states


def can_edit_quotes(access: ParkAccess, request: ServiceRequest) -> bool:
    return works_on(access, request)


def _waits_for(quote: Quote, request: ServiceRequest, side: str, today: date | None) -> bool:
    """Sent, of a «quoted» request, not expired on ``today`` (when given) and not yet approved
    for ``side`` (``approvals`` is prefetched by the detail's query: no query here)."""
    return (
        quote.status == QuoteStatus.SENT
        and request.state == RequestState.QUOTED
        and not (today is not None and quote.expires_on is not None and quote.expires_on < today)
        and all(approval.side != side for approval in quote.approvals.all())
    )


def can_answer_quote(
    access: ParkAccess,
    quote: Quote,
    request: ServiceRequest,
    acting_ids: Collection[int],
    *,
    today: date | None = None,
) -> bool:
    """Approve or decline for the company: someone acting for it, while the quote waits for the
    company's answer (sent, the request «quoted», not expired, not yet approved by it)."""
    return _waits_for(quote, request, ApprovalSide.COMPANY, today) and acts_for_request(
        access, request, acting_ids
    )


def can_approve_as_manager(
    access: ParkAccess, quote: Quote, request: ServiceRequest, *, today: date | None = None
) -> bool:
    return (
        quote.needs_manager
        and _waits_for(quote, request, ApprovalSide.MANAGER, today)
        and in_park(access, quote)
        and is_staff(access)
    )


# --- figures (engineering.figures) ---------------------------------------------------------------


def can_view_figures(access: ParkAccess) -> bool:
    """The figures page and its XLSX: managers, admins and engineers; the park's observers read
    the aggregated figures only (no request, company or comment)."""
    return is_staff(access) or is_engineer(access) or has_role(access, Role.OBSERVER)


def figures_name_requests(access: ParkAccess) -> bool:
    """The figures list requests by title and company (the XLSX's «Requests» sheet): the staff
    and engineers, never observers."""
    return is_staff(access) or is_engineer(access)


def figures_show_comments(access: ParkAccess) -> bool:
    """The companies' comments on accepted work: the park's managers and admins."""
    return is_staff(access)


def may_read_title(
    access: ParkAccess, *, confidential: bool, engineer_ids: Collection[int]
) -> bool:
    """A request's title and company in the figures: the NDA rule without the company side
    (managers and admins, or any request not under NDA, or an engineer assigned to it)."""
    if is_staff(access) or not confidential:
        return True
    return access.is_authenticated and access.user.pk in engineer_ids


# --- Work orders ----------------------------------------------------------------------------


def can_view_board(access: ParkAccess) -> bool:
    """The work order board and one's own time: managers, admins and engineers."""
    return can_work_requests(access)


def can_record_work(access: ParkAccess, request: ServiceRequest) -> bool:
    """Tasks, time, instrument use and deliveries: the people who work on the request, while
    it is in work."""
    return works_on(access, request) and request.state == RequestState.IN_WORK


def can_change_time_entry(access: ParkAccess, entry: TimeEntry, request: ServiceRequest) -> bool:
    """Correct or delete a time entry: one's own (managers and admins: anyone's), while the
    request is in work."""
    return can_record_work(access, request) and (
        entry.engineer_id == access.user.pk or is_staff(access)
    )


# --- Charges --------------------------------------------------------------------------------


def can_charge(access: ParkAccess, request: ServiceRequest) -> bool:
    """Charge an accepted request: the park's managers and admins (money is theirs to move)."""
    return in_park(access, request) and is_staff(access) and request.state == RequestState.ACCEPTED


def can_view_charges(access: ParkAccess) -> bool:
    """The month's charges of the park: the park's managers and admins."""
    return is_staff(access)


def can_dispute_charge(
    access: ParkAccess, request: ServiceRequest, acting_ids: Collection[int]
) -> bool:
    """Dispute a line of the request's charge: someone acting for the request's company."""
    return acts_for_request(access, request, acting_ids)


def can_decide_adjustments(access: ParkAccess, request: ServiceRequest) -> bool:
    """Accept or refuse a dispute: the park's managers and admins."""
    return in_park(access, request) and is_staff(access)


#: the states in which a request has an acceptance act to download
WITH_ACT = (RequestState.ACCEPTED, RequestState.CHARGED)


def can_download_quote(
    access: ParkAccess, quote: Quote, request: ServiceRequest, member_ids: Collection[int]
) -> bool:
    """A quote's PDF: whoever sees the request, once the quote is sent; a draft only to the people
    who work on the request (the company never sees one: to it a draft does not exist). A quote
    never sent is a draft here whatever its status: a draft closed with its request becomes
    «superseded» without ever reaching the company."""
    if quote.request_id != request.pk or not can_view_request(access, request, member_ids):
        return False
    sent = quote.status != QuoteStatus.DRAFT and quote.sent_at is not None and bool(quote.number)
    return sent or works_on(access, request)


def has_act(request: ServiceRequest) -> bool:
    """The request's work is accepted (or charged): its acceptance act exists. Put on hold
    after acceptance, it keeps the act."""
    state = request.state
    accepted = state in WITH_ACT or (
        state == RequestState.ON_HOLD and request.held_from in WITH_ACT
    )
    return accepted and bool(request.act_number)


def can_download_act(
    access: ParkAccess, request: ServiceRequest, member_ids: Collection[int]
) -> bool:
    return has_act(request) and can_view_request(access, request, member_ids)


def sees_rating(access: ParkAccess, request: ServiceRequest, member_ids: Collection[int]) -> bool:
    """The company's rating of the work: the company's team and the people who work on it."""
    return request.company_id in member_ids or works_on(access, request)
