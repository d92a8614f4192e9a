"""The mentoring part of the network API: pairings (the visitor's; staff: the park's, and set
by staff), their sessions (list, log, rate), the company's fit answer and ending a pairing.

A pairing of another park, or one the visitor is not party to (nor staff), is a 404; session
notes are in the JSON for the pair only (never for staff); a refusal of the service is a 422
naming the field, in the reader's language.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PageParams, paginate
from technopark.api.types import Id
from technopark.network import queries, rules
from technopark.network.models import Fit, MentoringSession, Pairing
from technopark.network.queries import mentoring as reads
from technopark.network.schemas.mentoring import (
    MentoringSessionIn,
    MentoringSessionOut,
    PairingEndIn,
    PairingFilterParams,
    PairingFitIn,
    PairingFitOut,
    PairingIn,
    PairingOut,
    PairingPageOut,
    SessionRatingIn,
)
from technopark.network.services import mentoring
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import is_staff
from technopark.programmes.models import Cohort

router = Router(tags=["network"])

BASE = "/parks/{slug:park_slug}/network/pairings"


def _pairing_out(pairing: Pairing) -> dict[str, Any]:
    user = pairing.profile.user
    mentor_avg = getattr(pairing, "avg_mentor_rating", None)
    company_avg = getattr(pairing, "avg_company_rating", None)
    return {
        "id": pairing.pk,
        "profile_id": pairing.profile_id,
        "mentor": user.full_name or user.email,
        "company_id": pairing.company_id,
        "company": pairing.company.short_name,
        "cohort_id": pairing.cohort_id,
        "source": pairing.source,
        "status": pairing.status,
        "goals": pairing.goals,
        "fit": pairing.fit,
        "fit_answered_at": pairing.fit_answered_at,
        "started_at": pairing.started_at,
        "ended_at": pairing.ended_at,
        "end_reason": pairing.end_reason,
        "session_count": getattr(pairing, "session_count", 0),
        "last_held_on": getattr(pairing, "last_held_on", None),
        "avg_mentor_rating": None if mentor_avg is None else round(float(mentor_avg), 2),
        "avg_company_rating": None if company_avg is None else round(float(company_avg), 2),
    }


def _session_out(session: MentoringSession, *, notes: bool) -> dict[str, Any]:
    out = {
        "id": session.pk,
        "pairing_id": session.pairing_id,
        "held_on": session.held_on,
        "duration_minutes": session.duration_minutes,
        "format": session.format,
        "topics": session.topics,
        "mentor_rating": session.mentor_rating,
        "company_rating": session.company_rating,
        "created_by_id": session.created_by_id,
        "created_at": session.created_at,
    }
    if notes:
        out["notes"] = session.notes
    return out


def _visible(request: HttpRequest, pairing_id: int) -> tuple[Pairing, set[int]]:
    """The park's pairing with its figures, if the visitor may see it (404 otherwise)."""
    park = park_of(request)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    access = access_of(request)
    found = (
        reads.pairing_rows(
            park=park, user=request.user, staff=is_staff(access), member_ids=member_ids
        )
        .filter(pk=pairing_id)
        .first()
    )
    if found is None or not rules.can_view_pairing(access, found, member_ids):
        raise Http404
    return found, member_ids


def _refreshed(request: HttpRequest, pairing_id: int) -> dict[str, Any]:
    found, _ids = _visible(request, pairing_id)
    return _pairing_out(found)


@router.get(
    BASE,
    auth=signed_in,
    **documented({200: PairingPageOut}, 401, 403, 404, 422),
    summary="Mentoring pairings the visitor sees",
)
def pairing_list(
    request: HttpRequest,
    park_slug: str,
    filters: Query[PairingFilterParams],
    page: Query[PageParams],
) -> Any:
    """A mentor's pairings, a founder's companies' pairings; staff see the park's and may
    filter by ``cohort`` and ``mentor`` (a mentor profile). Newest first, with each pairing's
    session count, last session day and each side's average rating."""
    access = access_of(request)
    require(rules.can_browse(access))
    park = park_of(request)
    staff = is_staff(access)
    rows = reads.pairing_rows(
        park=park,
        user=request.user,
        staff=staff,
        member_ids=queries.member_company_ids(park=park, user=request.user),
        status=filters.status,
        cohort_id=filters.cohort if staff else None,
        profile_id=filters.mentor if staff else None,
    )
    result = paginate(rows, page)
    result["items"] = [_pairing_out(row) for row in result["items"]]
    return result


@router.post(
    BASE,
    auth=signed_in,
    **documented({201: PairingOut}, 401, 403, 404, 422),
    summary="Pair a mentor with a company (staff)",
)
def pairing_create(request: HttpRequest, park_slug: str, payload: PairingIn) -> Any:
    """Managers and admins; 422 on ``profile`` when the mentor has no place left or is not an
    active mentor of the park, on ``company`` when the pair is already active, on ``cohort``
    when the company does not take part in the cohort."""
    access = access_of(request)
    require(rules.can_manage(access))
    park = park_of(request)
    profile = reads.mentor_options(park=park).filter(pk=payload.profile).first()
    if profile is None:
        raise ValidationError({"profile": _("Choose an active mentor of this park.")})
    company = reads.company_options(park=park).filter(pk=payload.company).first()
    if company is None:
        raise ValidationError({"company": _("Choose a company of this park.")})
    cohort = None
    if payload.cohort is not None:
        cohort = Cohort.all_parks.filter(park=park, pk=payload.cohort).first()
        if cohort is None:
            raise ValidationError({"cohort": _("Choose a cohort of this park.")})
    made = mentoring.pairing_create_by_staff(
        access=access,
        profile=profile,
        company=company,
        cohort=cohort,
        goals=payload.goals,
        now=timezone.now(),
    )
    return Status(201, _refreshed(request, made.pk))


@router.get(
    f"{BASE}/{{pairing_id}}",
    auth=signed_in,
    **documented({200: PairingOut}, 401, 404, 422),
    summary="A mentoring pairing",
)
def pairing_detail(request: HttpRequest, park_slug: str, pairing_id: Id) -> Any:
    """Seen by the pair and the staff."""
    found, _ids = _visible(request, pairing_id)
    return _pairing_out(found)


@router.get(
    f"{BASE}/{{pairing_id}}/sessions",
    auth=signed_in,
    **documented({200: list[MentoringSessionOut]}, 401, 404, 422),
    summary="A pairing's sessions",
)
def session_list(request: HttpRequest, park_slug: str, pairing_id: Id) -> Any:
    """Latest first; ``notes`` only for the pair (the staff get no notes)."""
    found, member_ids = _visible(request, pairing_id)
    notes = rules.can_read_notes(access_of(request), found, member_ids)
    return [_session_out(row, notes=notes) for row in reads.pairing_sessions(pairing=found)]


@router.post(
    f"{BASE}/{{pairing_id}}/sessions",
    auth=signed_in,
    **documented({201: MentoringSessionOut}, 401, 403, 404, 422),
    summary="Log a session",
)
def session_create(
    request: HttpRequest, park_slug: str, pairing_id: Id, payload: MentoringSessionIn
) -> Any:
    """Either side of an active pairing; ``held_on`` not after the park's today nor before the
    pairing started (422 on ``held_on``); ``rating`` is the logging side's own."""
    found, member_ids = _visible(request, pairing_id)
    access = access_of(request)
    require(rules.can_log_session(access, found, member_ids))
    made = mentoring.session_log(
        access=access,
        pairing=found,
        held_on=payload.held_on,
        duration_minutes=payload.duration_minutes,
        format=payload.format,
        topics=payload.topics,
        notes=payload.notes,
        rating=payload.rating,
        now=timezone.now(),
    )
    return Status(201, _session_out(made, notes=True))


@router.post(
    f"{BASE}/{{pairing_id}}/sessions/{{session_id}}/rating",
    auth=signed_in,
    **documented({200: MentoringSessionOut}, 401, 403, 404, 422),
    summary="Rate a session",
)
def session_rating(
    request: HttpRequest, park_slug: str, pairing_id: Id, session_id: Id, payload: SessionRatingIn
) -> Any:
    """A side of the pair gives its own 1–4 rating; it may change it for 14 days after the
    session (422 on ``rating`` afterwards)."""
    found, member_ids = _visible(request, pairing_id)
    session = reads.session_in_park(park=park_of(request), pk=session_id)
    if session is None or session.pairing_id != found.pk:
        raise Http404
    access = access_of(request)
    require(rules.can_rate_session(access, found, member_ids))
    rated = mentoring.session_rate(
        access=access, session=session, rating=payload.rating, now=timezone.now()
    )
    return _session_out(rated, notes=True)


@router.post(
    f"{BASE}/{{pairing_id}}/fit",
    auth=signed_in,
    **documented({200: PairingFitOut}, 401, 403, 404, 422),
    summary="Answer the fit question",
)
def pairing_fit(request: HttpRequest, park_slug: str, pairing_id: Id, payload: PairingFitIn) -> Any:
    """One who acts for the company, once, after the first session (422 on ``fit``
    otherwise). ``poor`` ends the pairing; ``rematch_url`` leads to other mentors."""
    found, _ids = _visible(request, pairing_id)
    access = access_of(request)
    park = park_of(request)
    # The company's side; answering twice, too early or after the end is a 422 on ``fit``.
    require(found.company_id in queries.acting_company_ids(park=park, user=request.user))
    answered = mentoring.pairing_answer_fit(
        access=access, pairing=found, fit=payload.fit, now=timezone.now()
    )
    rematch = None
    if answered.fit == Fit.POOR:
        rematch = reverse("network:suggestions", kwargs={"park_slug": park.slug})
        rematch += "?" + urlencode({"company": str(found.company_id), "kind": "mentor"})
    return {"pairing": _refreshed(request, found.pk), "rematch_url": rematch}


@router.post(
    f"{BASE}/{{pairing_id}}/end",
    auth=signed_in,
    **documented({200: PairingOut}, 401, 403, 404, 422),
    summary="End a mentoring pairing",
)
def pairing_end(request: HttpRequest, park_slug: str, pairing_id: Id, payload: PairingEndIn) -> Any:
    """The mentor, one who acts for the company, or staff; an ended pairing is a 422."""
    found, _ids = _visible(request, pairing_id)
    access = access_of(request)
    park = park_of(request)
    acting = queries.acting_company_ids(park=park, user=request.user)
    require(
        is_staff(access) or rules.owns_profile(access, found.profile) or found.company_id in acting
    )
    mentoring.pairing_close(access=access, pairing=found, reason=payload.reason, now=timezone.now())
    return _refreshed(request, found.pk)
