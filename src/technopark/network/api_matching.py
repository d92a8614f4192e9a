"""The matching part of the network API: a company's suggestions (with the factors of each
score), the weights of the scores, and batch-matching runs (list, read, solve, publish,
discard; proposals added and taken out of a draft).

The same rules and services as the pages: suggestions are for the staff and those who act for
the company; everything else is the staff's. Another park's record, or one the visitor may not
see, is a 404; a refusal of the service is a 422 naming the field.
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
from technopark.network.factors import label_of, why
from technopark.network.models import MatchProposal, MatchRun
from technopark.network.queries import matching as q
from technopark.network.schemas.matching import (
    MatchProposalIn,
    MatchProposalOut,
    MatchRunDetailOut,
    MatchRunIn,
    MatchRunPageOut,
    MatchWeightsIn,
    MatchWeightsOut,
    MatchWeightsParams,
    SuggestionParams,
    SuggestionsOut,
)
from technopark.network.services import matching as services
from technopark.parks.http import access_of, park_of

router = Router(tags=["network"])

BASE = "/parks/{slug:park_slug}/network"


def _staff(request: HttpRequest) -> None:
    if not rules.can_manage(access_of(request)):
        raise Http404


def _factors(factors: Any) -> list[dict[str, Any]]:
    rows = []
    for factor in factors:
        if isinstance(factor, dict):
            code, points = str(factor.get("factor", "")), int(factor.get("points", 0))
        else:
            code, points = factor.code, factor.points
        rows.append({"factor": code, "points": points, "label": label_of(code)})
    return rows


def _run_out(run: MatchRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "cohort_id": run.cohort_id,
        "cohort": run.cohort.name,
        "mentors_per_company": run.mentors_per_company,
        "status": run.status,
        "total_score": run.total_score,
        "pairs": getattr(run, "pairs", 0),
        "greedy_score": run.greedy_score,
        "greedy_pairs": run.greedy_pairs,
        "unmatched": run.unmatched,
        "created_at": run.created_at,
        "published_at": run.published_at,
    }


def _proposal_out(proposal: MatchProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "company_id": proposal.company_id,
        "company": proposal.company.short_name,
        "profile_id": proposal.profile_id,
        "headline": proposal.profile.headline,
        "score": proposal.score,
        "factors": _factors(proposal.factors),
        "why": why(proposal.factors),
        "edited": proposal.edited,
    }


def _run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    found = _run(request, run_id)
    proposals = [p for row in q.run_preview(found) for p in row.proposals]
    return {**_run_out(found), "proposals": [_proposal_out(p) for p in proposals]}


def _run(request: HttpRequest, run_id: int) -> MatchRun:
    _staff(request)
    found = q.run_in_park(park_of(request), run_id)
    if found is None:
        raise Http404
    return found


@router.get(
    f"{BASE}/suggestions",
    auth=signed_in,
    **documented({200: SuggestionsOut}, 401, 404, 422),
    summary="The profiles that suit a company best, with the reasons",
)
def suggestions(request: HttpRequest, park_slug: str, params: Query[SuggestionParams]) -> Any:
    """Active, visible profiles of ``kind`` ranked by their score with ``company``, best first
    (at most 20): not the company's own people, not already paired with it or introduced to
    it, mentors with a place left. Each score is the sum of its factors' points (weight ×
    0–10). For the staff and those who act for the company; anyone else gets a 404."""
    park = park_of(request)
    access = access_of(request)
    acting = queries.acting_company_ids(park=park, user=request.user)
    company = q.company_in_park(park, params.company)
    if company is None or not rules.can_see_suggestions(access, company.pk, acting):
        raise Http404
    items = q.suggestions(park, company, params.kind, q.weights_for(park), now=timezone.now())
    return {
        "company_id": company.pk,
        "kind": params.kind,
        "items": [
            {
                "profile_id": item.profile.pk,
                "headline": item.profile.headline,
                "kind": item.profile.kind,
                "organisation": item.profile.organisation,
                "score": item.score.total,
                "factors": _factors(item.score.factors),
                "why": why(item.score.factors),
                "bookmarked": item.bookmarked,
            }
            for item in items
        ],
    }


def _weights_out(row: Any, programme: Any) -> dict[str, Any]:
    own = row.pk is not None and row.programme_id == (programme.pk if programme else None)
    return {
        "programme_id": programme.pk if programme else None,
        "own": own,
        **{name: getattr(row, name) for name in q.WEIGHT_FIELDS},
    }


def _programme(request: HttpRequest, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = q.programme_in_park(park_of(request), pk)
    if found is None:
        raise ValidationError({field: _("Choose a programme of this park.")})
    return found


@router.get(
    f"{BASE}/matching/weights",
    auth=signed_in,
    **documented({200: MatchWeightsOut}, 401, 404, 422),
    summary="The match weights in force (the park's, or a programme's)",
)
def weights_read(request: HttpRequest, park_slug: str, params: Query[MatchWeightsParams]) -> Any:
    """Staff only. A programme without weights of its own answers the park's (``own``
    false)."""
    _staff(request)
    programme = None
    if params.programme is not None:
        programme = q.programme_in_park(park_of(request), params.programme)
        if programme is None:
            raise Http404
    return _weights_out(q.weights_for(park_of(request), programme), programme)


@router.put(
    f"{BASE}/matching/weights",
    auth=signed_in,
    **documented({200: MatchWeightsOut}, 400, 401, 404, 422),
    summary="Set the park's match weights, or a programme's",
)
def weights_update(request: HttpRequest, park_slug: str, payload: MatchWeightsIn) -> Any:
    """Each weight is a whole number 0–10; those left out keep their value. Staff only."""
    _staff(request)
    programme = _programme(request, payload.programme, "programme")
    values = {
        name: getattr(payload, name)
        for name in q.WEIGHT_FIELDS
        if getattr(payload, name) is not None
    }
    row = services.weights_save(
        access=access_of(request), programme=programme, values=values, now=timezone.now()
    )
    return _weights_out(row, programme)


@router.get(
    f"{BASE}/matching/runs",
    auth=signed_in,
    **documented({200: MatchRunPageOut}, 401, 404, 422),
    summary="The park's batch-matching runs, newest first",
)
def runs_list(request: HttpRequest, park_slug: str, page: Query[PageParams]) -> Any:
    _staff(request)
    data = paginate(q.runs(park_of(request)), page)
    data["items"] = [_run_out(run) for run in data["items"]]
    return data


@router.post(
    f"{BASE}/matching/runs",
    auth=signed_in,
    **documented({201: MatchRunDetailOut}, 400, 401, 404, 422),
    summary="Solve the batch matching of a cohort (a draft)",
)
def run_create(request: HttpRequest, park_slug: str, payload: MatchRunIn) -> Any:
    """The cohort's active companies against the park's active mentors with places left: as
    many pairs as possible, then the greatest total score. Staff only."""
    _staff(request)
    cohort = q.cohort_in_park(park_of(request), payload.cohort)
    if cohort is None:
        raise ValidationError({"cohort": _("Choose a cohort of this park.")})
    run = services.run_create(
        access=access_of(request),
        cohort=cohort,
        mentors_per_company=payload.mentors_per_company,
        now=timezone.now(),
    )
    return Status(201, _run_detail(request, run.pk))


@router.get(
    f"{BASE}/matching/runs/{{run_id}}",
    auth=signed_in,
    **documented({200: MatchRunDetailOut}, 401, 404, 422),
    summary="A batch-matching run with its proposals",
)
def run_read(request: HttpRequest, park_slug: str, run_id: Id) -> Any:
    return _run_detail(request, run_id)


@router.post(
    f"{BASE}/matching/runs/{{run_id}}/publish",
    auth=signed_in,
    **documented({200: MatchRunDetailOut}, 401, 404, 422),
    summary="Publish a draft run: open its pairings",
)
def run_publish(request: HttpRequest, park_slug: str, run_id: Id) -> Any:
    """All or nothing: when a mentor has no place left any more, nothing is published and the
    422 names the mentor."""
    found = _run(request, run_id)
    services.run_publish(access=access_of(request), run=found, now=timezone.now())
    return _run_detail(request, run_id)


@router.post(
    f"{BASE}/matching/runs/{{run_id}}/discard",
    auth=signed_in,
    **documented({200: MatchRunDetailOut}, 401, 404, 422),
    summary="Discard a draft run",
)
def run_discard(request: HttpRequest, park_slug: str, run_id: Id) -> Any:
    found = _run(request, run_id)
    services.run_discard(access=access_of(request), run=found, now=timezone.now())
    return _run_detail(request, run_id)


@router.post(
    f"{BASE}/matching/runs/{{run_id}}/proposals",
    auth=signed_in,
    **documented({201: MatchProposalOut}, 400, 401, 404, 422),
    summary="Add a pair to a draft run by hand",
)
def proposal_add(request: HttpRequest, park_slug: str, run_id: Id, payload: MatchProposalIn) -> Any:
    """Refused (422 on ``profile``) for a conflict of interest, a pair already active or
    proposed, or a mentor with no place left within the run; 422 on ``company`` for a company
    outside the run's cohort."""
    found = _run(request, run_id)
    park = park_of(request)
    company = q.company_in_park(park, payload.company)
    if company is None:
        raise ValidationError({"company": _("Choose a company of the run's cohort.")})
    profile = q.mentor_profiles(park).filter(pk=payload.profile).first()
    if profile is None:
        raise ValidationError({"profile": _("Choose an active mentor of this park.")})
    proposal = services.proposal_add(
        access=access_of(request), run=found, company=company, profile=profile, now=timezone.now()
    )
    fresh = MatchProposal.all_parks.select_related("company", "profile").get(pk=proposal.pk)
    return Status(201, _proposal_out(fresh))


@router.delete(
    f"{BASE}/matching/proposals/{{proposal_id}}",
    auth=signed_in,
    **documented({200: MatchRunDetailOut}, 401, 404, 422),
    summary="Take a pair out of a draft run",
)
def proposal_remove(request: HttpRequest, park_slug: str, proposal_id: Id) -> Any:
    _staff(request)
    proposal = q.proposal_in_park(park_of(request), proposal_id)
    if proposal is None:
        raise Http404
    services.proposal_remove(access=access_of(request), proposal=proposal, now=timezone.now())
    return _run_detail(request, proposal.run_id)
