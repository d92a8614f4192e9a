"""Pages of matching: a company's suggestions (people acting for it, and staff), and for the
staff the weights of the scores and the batch-matching runs of a cohort (start, preview, edit,
publish or discard).

Who may not see a page, or asks for another park's record, gets a 404; a malformed query
parameter is a 400 with the reason on the page; a refused form changes nothing and shows why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.params import ID, Choice
from technopark.network import queries, rules
from technopark.network.factors import explained, why
from technopark.network.forms.matching import (
    WEIGHT_FIELDS,
    ProposalForm,
    RunForm,
    WeightsForm,
)
from technopark.network.models import MatchRun, MatchRunStatus, ProfileKind
from technopark.network.queries import matching as q
from technopark.network.services import matching as services
from technopark.parks.http import access_of, park_of

KIND = Choice.of(ProfileKind.values)


def _staff_or_404(request: HttpRequest) -> None:
    if not rules.can_manage(access_of(request)):
        raise Http404


def _parse(request: HttpRequest, name: str, param: Any) -> tuple[Any, str | None]:
    """``(value, None)``, ``(None, None)`` when absent, or ``(None, error)`` when malformed."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None, None
    try:
        return param.parse(raw), None
    except ValueError:
        return None, _("The address has a value that is not understood: %(name)s.") % {"name": name}


# --- suggestions --------------------------------------------------------------------------


@login_required
@require_GET
def suggestions(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The profiles of a kind that suit a company best, with each score's top reasons."""
    park = park_of(request)
    access = access_of(request)
    acting = queries.acting_company_ids(park=park, user=request.user)
    if not rules.can_use_suggestions(access, acting):
        raise Http404
    staff = rules.can_manage(access)
    companies = list(q.companies_for_suggestions(park, None if staff else acting))
    company_id, company_error = _parse(request, "company", ID)
    kind, kind_error = _parse(request, "kind", KIND)
    error = company_error or kind_error
    kind = kind or ProfileKind.MENTOR
    company = None
    if company_id is not None:
        company = next((c for c in companies if c.pk == company_id), None)
        if company is None or not rules.can_see_suggestions(access, company.pk, acting):
            raise Http404
    elif companies and not error:
        company = companies[0]
    rows = []
    if company is not None and not error:
        weights = q.weights_for(park)
        for item in q.suggestions(park, company, kind, weights, now=timezone.now()):
            rows.append(
                {
                    "profile": item.profile,
                    "score": item.score.total,
                    "factors": explained(item.score.factors),
                    "why": why(item.score.factors),
                    "bookmarked": item.bookmarked,
                }
            )
    context = {
        "companies": companies,
        "company": company,
        "kind": kind,
        "kinds": ProfileKind.choices,
        "rows": rows,
        "error": error,
        "staff": staff,
        # Staff see any company's suggestions but ask for introductions only for their own.
        "can_ask": company is not None and company.pk in acting,
    }
    return render(
        request, "network/matching/suggestions.html", context, status=400 if error else 200
    )


# --- weights ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The park's default weights (``?programme=`` a programme's), and their form."""
    _staff_or_404(request)
    park = park_of(request)
    source = request.GET if request.method == "GET" else request.POST
    raw = source.get("programme") or ""
    programme = None
    if raw:
        try:
            programme_id = ID.parse(raw)
        except ValueError:
            return _weights_page(request, None, WeightsForm(), 400, _("Choose a programme."))
        programme = q.programme_in_park(park, programme_id)
        if programme is None:
            raise Http404
    row = q.weights_for(park, programme)
    initial = {name: getattr(row, name) for name in WEIGHT_FIELDS}
    form = WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_save(
                access=access_of(request),
                programme=programme,
                values=form.cleaned_data,
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The weights are saved."))
            target = redirect("network:weights", park_slug=park.slug)
            if programme is not None:
                target["Location"] += f"?programme={programme.pk}"
            return target
    status = 400 if form.is_bound else 200
    inherited = programme is not None and (row.programme_id != programme.pk)
    return _weights_page(request, programme, form, status, None, inherited=inherited)


def _weights_page(
    request: HttpRequest,
    programme: Any,
    form: WeightsForm,
    status: int,
    error: str | None,
    *,
    inherited: bool = False,
) -> HttpResponse:
    context = {
        "programme": programme,
        "programmes": q.programmes_for_weights(park_of(request)),
        "form": form,
        "error": error,
        "inherited": inherited,
    }
    return render(request, "network/matching/weights.html", context, status=status)


# --- runs ---------------------------------------------------------------------------------


def _runs_page(request: HttpRequest, form: RunForm, status: int = 200) -> HttpResponse:
    park = park_of(request)
    context = {"runs": q.runs(park), "form": form}
    return render(request, "network/matching/runs.html", context, status=status)


@login_required
@require_GET
def runs(request: HttpRequest, park_slug: str) -> HttpResponse:
    _staff_or_404(request)
    return _runs_page(request, RunForm(cohorts=q.cohorts_for_runs(park_of(request))))


@login_required
@require_POST
def run_new(request: HttpRequest, park_slug: str) -> HttpResponse:
    _staff_or_404(request)
    park = park_of(request)
    form = RunForm(request.POST, cohorts=q.cohorts_for_runs(park))
    if form.is_valid():
        try:
            run = services.run_create(
                access=access_of(request),
                cohort=form.cleaned_data["cohort"],
                mentors_per_company=form.cleaned_data["mentors_per_company"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The matching is solved: check it and publish it."))
            return redirect("network:run", park_slug=park.slug, pk=run.pk)
    return _runs_page(request, form, 400)


def _run_or_404(request: HttpRequest, pk: int) -> MatchRun:
    _staff_or_404(request)
    run = q.run_in_park(park_of(request), pk)
    if run is None:
        raise Http404
    return run


def _proposal_form(request: HttpRequest, run: MatchRun, data: Any = None) -> ProposalForm:
    return ProposalForm(
        data, companies=q.run_companies(run), mentors=q.mentor_profiles(park_of(request))
    )


def _run_page(
    request: HttpRequest,
    run: MatchRun,
    form: ProposalForm | None = None,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    companies = []
    pairs = 0
    for row in q.run_preview(run):
        pairs += len(row.proposals)
        companies.append(
            {
                "company": row.company,
                "proposals": [
                    {
                        "proposal": proposal,
                        "factors": explained(proposal.factors),
                        "why": why(proposal.factors),
                    }
                    for proposal in row.proposals
                ],
                "missing": max(0, run.mentors_per_company - len(row.proposals)),
            }
        )
    draft = run.status == MatchRunStatus.DRAFT
    context = {
        "run": run,
        "rows": companies,
        "draft": draft,
        "gain": run.total_score - run.greedy_score,
        "pairs": pairs,
        "more_pairs": pairs - run.greedy_pairs,
        "form": (form or _proposal_form(request, run)) if draft else None,
        "error": error,
    }
    return render(request, "network/matching/run.html", context, status=status)


@login_required
@require_GET
def run(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The preview: per company its proposed mentors with their scores and reasons, the total
    against the greedy baseline, the places left unmatched."""
    return _run_page(request, _run_or_404(request, pk))


@login_required
@require_POST
def proposal_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    found = _run_or_404(request, pk)
    form = _proposal_form(request, found, request.POST)
    if form.is_valid():
        try:
            services.proposal_add(
                access=access_of(request),
                run=found,
                company=form.cleaned_data["company"],
                profile=form.cleaned_data["mentor"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The pair is added to the draft."))
            return redirect("network:run", park_slug=park_of(request).slug, pk=found.pk)
    found.refresh_from_db()
    return _run_page(request, found, form, 400)


@login_required
@require_POST
def proposal_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    _staff_or_404(request)
    proposal = q.proposal_in_park(park_of(request), pk)
    if proposal is None:
        raise Http404
    try:
        services.proposal_remove(access=access_of(request), proposal=proposal, now=timezone.now())
    except ValidationError as error:
        found = _run_or_404(request, proposal.run_id)
        return _run_page(request, found, status=400, error=" ".join(error.messages))
    messages.success(request, _("The pair is taken out of the draft."))
    return redirect("network:run", park_slug=park_of(request).slug, pk=proposal.run_id)


def _finish(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    found = _run_or_404(request, pk)
    try:
        action(access=access_of(request), run=found, now=timezone.now())
    except ValidationError as error:
        found.refresh_from_db()
        return _run_page(request, found, status=400, error=" ".join(error.messages))
    messages.success(request, done)
    return redirect("network:run", park_slug=park_of(request).slug, pk=found.pk)


@login_required
@require_POST
def run_publish(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _finish(
        request, pk, services.run_publish, _("The matching is published: the pairs can meet.")
    )


@login_required
@require_POST
def run_discard(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _finish(request, pk, services.run_discard, _("The matching is discarded."))


urlpatterns = [
    path("suggestions/", suggestions, name="suggestions"),
    path("matching/", runs, name="runs"),
    path("matching/new/", run_new, name="run_new"),
    path("matching/weights/", weights, name="weights"),
    path("matching/<id:pk>/", run, name="run"),
    path("matching/<id:pk>/proposals/", proposal_add, name="proposal_add"),
    path("proposals/<id:pk>/remove/", proposal_remove, name="proposal_remove"),
    path("matching/<id:pk>/publish/", run_publish, name="run_publish"),
    path("matching/<id:pk>/discard/", run_discard, name="run_discard"),
]
