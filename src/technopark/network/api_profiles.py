"""The profiles part of the network API: the directory and one profile (contacts only for those
who may see them), creating and changing profiles, a company's needs and bookmarks.

The same rules and services as the pages: the network is for its browsers
(``rules.can_browse``), anyone else gets a 404, as do another park's record, a hidden profile of
someone else and a company the visitor does not act for; a refused write is a 422 naming the
field, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PageParams, paginate
from technopark.api.types import Id
from technopark.companies.models import Company
from technopark.network import names, queries, rules
from technopark.network.models import Bookmark, Need, Profile
from technopark.network.queries import profiles as profile_queries
from technopark.network.schemas.profiles import (
    BookmarkIn,
    BookmarkOut,
    BookmarkRemovedOut,
    DirectoryParams,
    NeedIn,
    NeedOut,
    NetworkProfileIn,
    NetworkProfileOut,
    NetworkProfilePageOut,
    NetworkProfilePatch,
)
from technopark.network.services import profiles as services
from technopark.parks.http import access_of, park_of
from technopark.parks.models import Membership, MembershipStatus
from technopark.parks.rules import ParkAccess, is_staff

router = Router(tags=["network"])

BASE = "/parks/{slug:park_slug}/network"


def _browser(request: HttpRequest) -> ParkAccess:
    access = access_of(request)
    if not rules.can_browse(access):
        raise Http404
    return access


def _profile_out(profile: Profile, *, contacts: bool, language: str) -> dict[str, Any]:
    return {
        "id": profile.pk,
        "kind": profile.kind,
        "user_id": profile.user_id,
        "name": profile.user.full_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "organisation": profile.organisation,
        "position": profile.position,
        "country": profile.country,
        "country_name": names.country_name(profile.country, language),
        "time_zone": profile.time_zone,
        "languages": profile.language_codes,
        "directions": [direction.pk for direction in profile.directions.all()],
        "stages": profile.stage_codes,
        "ticket_min": profile.ticket_min,
        "ticket_max": profile.ticket_max,
        "instruments": profile.instruments,
        "needs": profile.needs,
        "pilot_budget": profile.pilot_budget,
        "capacity_mentees": profile.capacity_mentees,
        "hours_per_month": profile.hours_per_month,
        "intros_per_month": profile.intros_per_month,
        "mentees": getattr(profile, "mentees", None),
        "visibility": profile.visibility,
        "is_active": profile.is_active,
        "email": profile.user.email if contacts else None,
        "phone": profile.phone if contacts else None,
    }


def _language() -> str:
    return translation.get_language() or "ru"


def _contacts(
    access: ParkAccess, profile: Profile, member_ids: Collection[int], connected: set[int]
) -> bool:
    """``connected``: the profiles that accepted one of the visitor's companies."""
    linked = member_ids if profile.pk in connected else ()
    return rules.can_see_contacts(access, profile, member_ids, linked)


@router.get(
    f"{BASE}/profiles",
    auth=signed_in,
    **documented({200: NetworkProfilePageOut}, 401, 404, 422),
    summary="The network's directory",
)
def profile_list(
    request: HttpRequest,
    park_slug: str,
    filters: Query[DirectoryParams],
    page: Query[PageParams],
) -> Any:
    """Active profiles visible to the park (and the visitor's own; every one for the staff),
    filtered like the directory page. ``email`` and ``phone`` are null unless the visitor may
    see the contacts (the holder accepted one of their companies). Five queries."""
    access = _browser(request)
    park = park_of(request)
    chosen = profile_queries.DirectoryFilters(
        kind=filters.kind.value if filters.kind else None,
        direction=filters.direction,
        language=filters.language,
        country=filters.country.upper() if filters.country else None,
        q=filters.q.strip(),
    )
    rows = profile_queries.directory(park=park, access=access, filters=chosen)
    result = paginate(rows, page)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    connected = profile_queries.profiles_connected_to(park=park, company_ids=member_ids)
    language = _language()
    result["items"] = [
        _profile_out(row, contacts=_contacts(access, row, member_ids, connected), language=language)
        for row in result["items"]
    ]
    return result


def _visible(request: HttpRequest, access: ParkAccess, profile_id: int) -> Profile:
    found = profile_queries.profile_detail(park=park_of(request), pk=profile_id)
    if found is None or not rules.can_view_profile(access, found):
        raise Http404
    return found


def _detail_out(request: HttpRequest, access: ParkAccess, found: Profile) -> dict[str, Any]:
    member_ids = queries.member_company_ids(park=park_of(request), user=request.user)
    connected = profile_queries.connected_company_ids(found) if member_ids else set()
    contacts = rules.can_see_contacts(access, found, member_ids, connected)
    return _profile_out(found, contacts=contacts, language=_language())


@router.get(
    f"{BASE}/profiles/{{profile_id}}",
    auth=signed_in,
    **documented({200: NetworkProfileOut}, 401, 404, 422),
    summary="A profile of the network",
)
def profile_get(request: HttpRequest, park_slug: str, profile_id: Id) -> Any:
    """404 for another park's profile and a hidden or paused one of someone else."""
    access = _browser(request)
    return _detail_out(request, access, _visible(request, access, profile_id))


def _member(request: HttpRequest, pk: int) -> Any:
    membership = (
        Membership.objects.filter(park=park_of(request), user_id=pk, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"user": _("Choose a member of this park.")})
    return membership.user


@router.post(
    f"{BASE}/profiles",
    auth=signed_in,
    **documented({201: NetworkProfileOut}, 400, 401, 404, 422),
    summary="Create a profile",
)
def profile_create(request: HttpRequest, park_slug: str, payload: NetworkProfileIn) -> Any:
    """One's own profile of a kind one's roles allow (422 on ``kind`` otherwise, or when one is
    kept already); the staff may give ``user``, a member holding the matching role."""
    access = _browser(request)
    holder = request.user
    if payload.user is not None and payload.user != request.user.pk:
        if not is_staff(access):
            raise Http404
        holder = _member(request, payload.user)
    values = payload.dict(exclude={"kind", "user", "directions"})
    created = services.profile_create(
        access=access,
        user=holder,
        kind=payload.kind.value,
        values=values,
        directions=payload.directions,
        now=timezone.now(),
    )
    found = profile_queries.profile_detail(park=park_of(request), pk=created.pk)
    if found is None:  # pragma: no cover - made in this request
        raise Http404
    return Status(201, _detail_out(request, access, found))


@router.patch(
    f"{BASE}/profiles/{{profile_id}}",
    auth=signed_in,
    **documented({200: NetworkProfileOut}, 400, 401, 404, 422),
    summary="Change a profile",
)
def profile_patch(
    request: HttpRequest, park_slug: str, profile_id: Id, payload: NetworkProfilePatch
) -> Any:
    """The holder's or the staff's; the fields given change, the others stay. ``visibility``
    hides or shows it, ``is_active`` pauses it."""
    access = _browser(request)
    found = _visible(request, access, profile_id)
    if not rules.can_edit_profile(access, found):
        raise Http404
    given = payload.model_fields_set
    changes = {name: getattr(payload, name) for name in given if name != "directions"}
    services.profile_update(
        access=access,
        profile=found,
        changes=changes,
        directions=payload.directions if "directions" in given else None,
        now=timezone.now(),
    )
    fresh = profile_queries.profile_detail(park=park_of(request), pk=found.pk)
    if fresh is None:  # pragma: no cover - seen in this request
        raise Http404
    return _detail_out(request, access, fresh)


# --- needs -------------------------------------------------------------------------------


def _company(request: HttpRequest, access: ParkAccess, company_id: int) -> Company:
    """A company of the park the visitor acts for (any, for the staff), or 404."""
    park = park_of(request)
    company = Company.all_parks.filter(park=park, pk=company_id).first()
    if company is None:
        raise Http404
    if not is_staff(access) and company.pk not in queries.acting_company_ids(
        park=park, user=request.user
    ):
        raise Http404
    return company


def _need_out(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "company_id": need.company_id,
        "seeking": need.seeking,
        "summary": need.summary,
        "directions": [direction.pk for direction in need.directions.all()],
        "languages": [code for code in need.languages.split(",") if code],
        "is_open": need.is_open,
        "created_at": need.created_at,
    }


@router.get(
    f"{BASE}/companies/{{company_id}}/needs",
    auth=signed_in,
    **documented({200: list[NeedOut]}, 401, 404, 422),
    summary="A company's needs",
)
def need_list(request: HttpRequest, park_slug: str, company_id: Id) -> Any:
    """For the company's team members who act for it, and the staff. Open ones first."""
    access = _browser(request)
    company = _company(request, access, company_id)
    rows = profile_queries.needs_of(park=park_of(request), company_ids=[company.pk])
    return [_need_out(need) for need in rows]


@router.post(
    f"{BASE}/companies/{{company_id}}/needs",
    auth=signed_in,
    **documented({201: NeedOut}, 400, 401, 404, 422),
    summary="Add a need of a company",
)
def need_add(request: HttpRequest, park_slug: str, company_id: Id, payload: NeedIn) -> Any:
    access = _browser(request)
    company = _company(request, access, company_id)
    need = services.need_create(
        access=access,
        company=company,
        seeking=payload.seeking.value,
        summary=payload.summary,
        directions=payload.directions,
        languages=payload.languages,
        now=timezone.now(),
    )
    return Status(201, _need_out(need))


# --- bookmarks ---------------------------------------------------------------------------


def _acting_company(request: HttpRequest, company_id: int) -> Company:
    park = park_of(request)
    if company_id not in queries.acting_company_ids(park=park, user=request.user):
        raise Http404
    return Company.all_parks.get(park=park, pk=company_id)


def _bookmark_out(bookmark: Bookmark) -> dict[str, Any]:
    return {
        "id": bookmark.pk,
        "company_id": bookmark.company_id,
        "profile_id": bookmark.profile_id,
        "headline": bookmark.profile.headline,
        "kind": bookmark.profile.kind,
        "created_at": bookmark.created_at,
    }


@router.get(
    f"{BASE}/companies/{{company_id}}/bookmarks",
    auth=signed_in,
    **documented({200: list[BookmarkOut]}, 401, 404, 422),
    summary="A company's bookmarks",
)
def bookmark_list(request: HttpRequest, park_slug: str, company_id: Id) -> Any:
    """For the company's team members who act for it. Newest first."""
    _browser(request)
    company = _acting_company(request, company_id)
    rows = profile_queries.bookmarks_of(park=park_of(request), company_ids=[company.pk])
    return [_bookmark_out(row) for row in rows]


@router.post(
    f"{BASE}/companies/{{company_id}}/bookmarks",
    auth=signed_in,
    **documented({201: BookmarkOut}, 400, 401, 404, 422),
    summary="Bookmark a profile for a company",
)
def bookmark_add(request: HttpRequest, park_slug: str, company_id: Id, payload: BookmarkIn) -> Any:
    """A second bookmark of the same profile changes nothing (201 with the first)."""
    access = _browser(request)
    company = _acting_company(request, company_id)
    found = _visible(request, access, payload.profile)
    bookmark = services.bookmark_add(
        access=access, company=company, profile=found, now=timezone.now()
    )
    bookmark.profile = found
    return Status(201, _bookmark_out(bookmark))


@router.delete(
    f"{BASE}/companies/{{company_id}}/bookmarks/{{profile_id}}",
    auth=signed_in,
    **documented({200: BookmarkRemovedOut}, 401, 404, 422),
    summary="Remove a bookmark",
)
def bookmark_delete(request: HttpRequest, park_slug: str, company_id: Id, profile_id: Id) -> Any:
    """404 when the company keeps no bookmark of the profile."""
    access = _browser(request)
    company = _acting_company(request, company_id)
    found = Profile.all_parks.filter(park=park_of(request), pk=profile_id).first()
    if found is None or not services.bookmark_remove(
        access=access, company=company, profile=found, now=timezone.now()
    ):
        raise Http404
    return {"removed": True}
