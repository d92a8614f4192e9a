"""The introductions part of the network API: list (paged), read, ask, accept, decline and
withdraw, under ``/parks/{slug}/network/introductions``.

The same rules and services as the pages: an introduction of another park, or one the visitor
is not party to, is a 404; a visitor who sees it but may not do the action is a 403; a refusal
of the service (a limit, an expired request, the mentor's capacity) is a 422 naming the field.
``contacts`` are in the JSON only once the holder accepted.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PageParams, paginate
from technopark.api.types import Id
from technopark.network import queries, rules
from technopark.network.models import Introduction, IntroStatus
from technopark.network.queries import intros as intro_queries
from technopark.network.schemas.intros import (
    IntroAcceptIn,
    IntroDeclineIn,
    IntroFilterParams,
    IntroIn,
    IntroOut,
    IntroPageOut,
)
from technopark.network.services import intros as services
from technopark.parks.http import access_of, park_of, require

router = Router(tags=["network"])

BASE = "/parks/{slug:park_slug}/network/introductions"


def _out(intro: Introduction, contacts: bool) -> dict[str, Any]:
    profile = intro.profile
    return {
        "id": intro.pk,
        "company_id": intro.company_id,
        "company": intro.company.short_name,
        "profile_id": profile.pk,
        "profile_headline": profile.headline,
        "profile_kind": profile.kind,
        # past ``expires_at`` but not yet swept: expired already
        "status": IntroStatus.EXPIRED
        if intro.status == IntroStatus.REQUESTED and timezone.now() >= intro.expires_at
        else intro.status,
        "note": intro.note,
        "decline_reason": intro.decline_reason,
        "answer": intro.answer,
        "created_at": intro.created_at,
        "expires_at": intro.expires_at,
        "answered_at": intro.answered_at,
        "contacts": {
            "holder_name": profile.user.full_name,
            "holder_email": profile.user.email,
            "holder_phone": profile.phone,
            "requester_name": intro.requested_by.full_name,
            "requester_email": intro.requested_by.email,
            "company": intro.company.short_name,
        }
        if contacts
        else None,
    }


def _visible(request: HttpRequest, intro_id: int) -> tuple[Introduction, set[int]]:
    park = park_of(request)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    found = intro_queries.intro_in_park(park=park, pk=intro_id)
    if found is None or not rules.can_view_intro(access_of(request), found, member_ids):
        raise Http404
    return found, member_ids


def _fresh(request: HttpRequest, intro: Introduction, member_ids: set[int]) -> dict[str, Any]:
    found = intro_queries.intro_in_park(park=park_of(request), pk=intro.pk)
    if found is None:  # pragma: no cover - the introduction was just written
        raise Http404
    return _out(found, rules.can_see_intro_contacts(access_of(request), found, member_ids))


@router.get(
    BASE,
    auth=signed_in,
    **documented({200: IntroPageOut}, 401, 403, 422),
    summary="The visitor's introductions, newest first",
)
def intro_list(
    request: HttpRequest,
    park_slug: str,
    filters: Query[IntroFilterParams],
    page: Query[PageParams],
) -> Any:
    """``received`` by the visitor's profiles, ``sent`` by the companies whose team they are in,
    or ``all`` of these (the staff: every introduction of the park); by ``status``. Four
    queries."""
    access = access_of(request)
    require(rules.can_browse(access))
    park = park_of(request)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    rows = intro_queries.intros_of(
        park=park,
        user=request.user,
        side=filters.side.value,
        member_ids=member_ids,
        staff=rules.can_see_all_intros(access),
        status=filters.status.value if filters.status else None,
    )
    data = paginate(rows, page)
    data["items"] = [
        _out(intro, rules.can_see_intro_contacts(access, intro, member_ids))
        for intro in data["items"]
    ]
    return data


@router.post(
    BASE,
    auth=signed_in,
    **documented({201: IntroOut}, 400, 401, 403, 422),
    summary="Ask for an introduction",
)
def intro_create(request: HttpRequest, park_slug: str, payload: IntroIn) -> Any:
    """For a company the visitor acts for, to a profile they may see (not their own). Refused
    (422) on ``note`` over 100 words, on ``profile`` when a request to it waits already or this
    month's limit for its kind is reached, on ``company`` when it has too many requests
    waiting. The holder is told without the requester's contacts."""
    access = access_of(request)
    require(rules.can_browse(access))
    park = park_of(request)
    acting_ids = queries.acting_company_ids(park=park, user=request.user)
    company = intro_queries.companies_among(park=park, ids=acting_ids).filter(pk=payload.company)
    chosen = company.first()
    if chosen is None:
        raise ValidationError({"company": _("Choose a company you act for.")})
    profile = intro_queries.profile_in_park(park=park, pk=payload.profile)
    if profile is None or not rules.can_view_profile(access, profile):
        raise ValidationError({"profile": _("Choose a person of this park's network.")})
    created = services.intro_request(
        access=access, company=chosen, profile=profile, note=payload.note, now=timezone.now()
    )
    member_ids = queries.member_company_ids(park=park, user=request.user)
    return Status(201, _fresh(request, created, member_ids))


@router.get(
    f"{BASE}/{{intro_id}}",
    auth=signed_in,
    **documented({200: IntroOut}, 401, 404, 422),
    summary="One introduction",
)
def intro_read(request: HttpRequest, park_slug: str, intro_id: Id) -> Any:
    """To the company's team, the holder and the staff (404 otherwise); ``contacts`` once
    accepted."""
    found, member_ids = _visible(request, intro_id)
    return _out(found, rules.can_see_intro_contacts(access_of(request), found, member_ids))


@router.post(
    f"{BASE}/{{intro_id}}/accept",
    auth=signed_in,
    **documented({200: IntroOut}, 400, 401, 403, 404, 422),
    summary="Accept an introduction (the holder)",
)
def intro_accept(request: HttpRequest, park_slug: str, intro_id: Id, payload: IntroAcceptIn) -> Any:
    """Contacts are exchanged by e-mail. 422 on ``status`` when it is no longer open or has
    expired, on ``profile`` when the month's introductions (or a mentor's places) are taken."""
    found, member_ids = _visible(request, intro_id)
    access = access_of(request)
    require(rules.can_answer_intro(access, found))
    services.intro_accept(access=access, intro=found, answer=payload.answer, now=timezone.now())
    return _fresh(request, found, member_ids)


@router.post(
    f"{BASE}/{{intro_id}}/decline",
    auth=signed_in,
    **documented({200: IntroOut}, 400, 401, 403, 404, 422),
    summary="Decline an introduction with a reason (the holder)",
)
def intro_decline(
    request: HttpRequest, park_slug: str, intro_id: Id, payload: IntroDeclineIn
) -> Any:
    found, member_ids = _visible(request, intro_id)
    access = access_of(request)
    require(rules.can_answer_intro(access, found))
    services.intro_decline(
        access=access,
        intro=found,
        reason=payload.reason.value,
        answer=payload.answer,
        now=timezone.now(),
    )
    return _fresh(request, found, member_ids)


@router.post(
    f"{BASE}/{{intro_id}}/withdraw",
    auth=signed_in,
    **documented({200: IntroOut}, 401, 403, 404, 422),
    summary="Withdraw a waiting request (someone acting for the company)",
)
def intro_withdraw(request: HttpRequest, park_slug: str, intro_id: Id) -> Any:
    found, member_ids = _visible(request, intro_id)
    access = access_of(request)
    acting_ids = queries.acting_company_ids(park=park_of(request), user=request.user)
    require(rules.can_withdraw_intro(access, found, acting_ids))
    services.intro_withdraw(access=access, intro=found, now=timezone.now())
    return _fresh(request, found, member_ids)
