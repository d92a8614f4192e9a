"""The companies pages: list (search, filters, sort, pages), CSV export, detail, create, edit, team.

Each view checks a permission that needs no record first, then looks the company up in the
request's park (another park's company is simply not found: 404), then checks the permission on
the record. Writes go through ``companies.services``; reads through ``companies.queries``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.companies import exports, queries, rules, services
from technopark.companies.forms import CompanyCreateForm, CompanyEditForm, TeamMemberForm
from technopark.companies.models import Company, Stage, TeamInvitation, TeamMember
from technopark.companies.rows import company_rows
from technopark.core.confirm import confirmation, confirmed
from technopark.core.fragments import Fragment
from technopark.core.params import PAGE
from technopark.parks.http import (
    access_of,
    park_of,
    query_without_page,
    require,
    wants_partial,
)
from technopark.parks.models import Park
from technopark.parks.queries import site_options


def _company_or_404(request: HttpRequest, pk: int) -> Company:
    company = queries.company_detail(park=park_of(request), pk=pk)
    if company is None:
        raise Http404(_("No such company in this park."))
    return company


# The list's content: the companies, the filters' directions and sites, and the two buttons the
# visitor may see. Any other parameter, or a value out of bounds, is answered but not cached.
COMPANY_LIST = Fragment(
    "company-list",
    topics=("companies", "parks"),
    varies_on=(rules.can_create_company, rules.can_export_companies),
    params={**queries.FILTER_PARAMS, "page": PAGE},
    partial=True,
)


@login_required
@require_GET
def company_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Companies of the park, searched, filtered, sorted and paged.

    The content is the declared fragment ``COMPANY_LIST`` (``core.fragments``): a repeat view
    costs no query of its own. A fresh render runs a fixed number of queries: one count, the page
    of rows, their directions, and (for the whole page, not the htmx partial) the directions and
    sites to filter by.
    """
    require(rules.can_list_companies(access_of(request)))
    park = park_of(request)
    partial = wants_partial(request)
    return COMPANY_LIST.respond(
        request,
        build=lambda: _render_list_content(request, park, partial=partial),
        template="companies/company_list.html",
        slot="list_content",
    )


def _render_list_content(request: HttpRequest, park: Park, *, partial: bool) -> str:
    filters = queries.CompanyFilters.from_params(request.GET)
    paginator = Paginator(
        queries.company_table(park=park, filters=filters), settings.TECHNOPARK_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    companies = list(page.object_list)
    context: dict[str, Any] = {
        "page": page,
        "companies": companies,
        # The rows are written in Python (companies.rows): the template loop was most of a
        # fresh render.
        "rows": company_rows(
            companies,
            directions=queries.directions_of(park=park, companies=companies),
            park_slug=park.slug,
        ),
        "filters": filters,
        "is_filtered": bool(filters.q or filters.direction or filters.stage or filters.site),
        "export_query": query_without_page(request),
    }
    if not partial:
        context.update(
            directions=queries.direction_options(park=park),
            sites=site_options(park=park),
            stages=Stage.choices,
            sorts=_sort_choices(),
        )
    template = "companies/_results.html" if partial else "companies/_list_content.html"
    return render_to_string(template, context, request=request)


def _sort_choices() -> list[tuple[str, str]]:
    return [
        ("name", _("Name, A to Z")),
        ("-name", _("Name, Z to A")),
        ("-created", _("Newest in the list first")),
        ("created", _("Oldest in the list first")),
        ("-founded", _("Founded, latest first")),
        ("founded", _("Founded, earliest first")),
        ("stage", _("Stage, from idea to market")),
        ("-stage", _("Stage, from market to idea")),
    ]


@login_required
@require_GET
def company_export(request: HttpRequest, park_slug: str) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed: one query for the rows and one for the directions of
    each chunk of rows, however many companies there are."""
    require(rules.can_export_companies(access_of(request)))
    park = park_of(request)
    filters = queries.CompanyFilters.from_params(request.GET)
    companies = queries.company_list(park=park, filters=filters).iterator(
        chunk_size=exports.CHUNK_SIZE
    )
    # The response is streamed after the view returns: keep the visitor's language for it.
    language = translation.get_language()

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield from exports.csv_lines(companies)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"companies-{park.slug}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def company_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_list_companies(access_of(request)))
    company = _company_or_404(request, pk)
    require(rules.can_view_company(access_of(request), company))
    return _render_detail(request, company, TeamMemberForm())


def _render_detail(
    request: HttpRequest, company: Company, team_form: TeamMemberForm, status: int = 200
) -> HttpResponse:
    team = list(company.team.all())
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "team": [
                (member, services.team_member_removal_problem(member=member, team=team))
                for member in team
            ],
            "pending_invitations": queries.open_team_offers(company=company),
            "history": list(company.stage_history.all()),
            "team_form": team_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_create_company(access))
    park = park_of(request)
    joins_team = rules.joins_team_on_create(access)
    form = CompanyCreateForm(
        request.POST if request.method == "POST" else None,
        park=park,
        directions=queries.direction_options(park=park),
        sites=site_options(park=park),
        may_set_park_flags=rules.can_set_park_flags(access),
        joins_team=joins_team,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            company = services.company_create(
                park=park,
                actor=signed_in_user(request),
                stage=data["stage"],
                directions=data["directions"],
                position=data.get("position", "") if joins_team else None,
                **form.company_fields(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The company has been added."))
            return redirect("companies:detail", park_slug=park.slug, pk=company.pk)
    return render(request, "companies/company_form.html", {"form": form, "company": None})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_edit_companies(access))
    company = _company_or_404(request, pk)
    require(rules.can_edit_company(access, company))
    park = park_of(request)
    form = CompanyEditForm(
        request.POST if request.method == "POST" else None,
        initial=CompanyEditForm.initial_for(company),
        park=park,
        directions=queries.direction_options(
            park=park, keep=company.directions.values_list("pk", flat=True)
        ),
        sites=site_options(park=park, keep=company.site_id),
        may_set_park_flags=rules.can_set_park_flags(access),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.company_update(
                company=company,
                actor=signed_in_user(request),
                directions=data["directions"],
                stage=data["stage"],
                stage_evidence=data["stage_evidence"],
                **form.company_fields(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The company's data has been saved."))
            return redirect("companies:detail", park_slug=park.slug, pk=company.pk)
    return render(request, "companies/company_form.html", {"form": form, "company": company})


@login_required
@require_POST
def team_member_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_edit_companies(access))
    company = _company_or_404(request, pk)
    require(rules.can_manage_team(access, company))
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            offer = services.team_member_invite_by_email(
                company=company,
                email=form.cleaned_data["email"],
                position=form.cleaned_data["position"],
                acts_for_company=form.cleaned_data["acts_for_company"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s has been asked to join the team and will join once they accept.")
                % {"name": offer.user},
            )
            return redirect("companies:detail", park_slug=park_slug, pk=company.pk)
    return _render_detail(request, company, form)


@login_required
@require_POST
def team_invitation_answer(
    request: HttpRequest, park_slug: str, pk: int, invitation_pk: int
) -> HttpResponse:
    """The invited person accepts or declines a seat in the team (nobody else may answer)."""
    require(rules.can_list_companies(access_of(request)))
    company = _company_or_404(request, pk)
    offer = get_object_or_404(
        TeamInvitation.objects.select_related("user"),
        company=company,
        pk=invitation_pk,
        user=request.user,
    )
    decision = request.POST.get("decision", "")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose whether to accept or decline."))
        return redirect("companies:detail", park_slug=park_slug, pk=company.pk)
    actor = signed_in_user(request)
    try:
        if decision == "accept":
            services.team_invitation_accept(invitation=offer, actor=actor)
        else:
            services.team_invitation_decline(invitation=offer, actor=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decision == "accept":
            messages.success(
                request,
                _("You have joined the team of %(company)s.") % {"company": company.short_name},
            )
        else:
            messages.success(request, _("You have declined to join the team."))
    return redirect("companies:detail", park_slug=park_slug, pk=company.pk)


@login_required
@require_POST
def team_member_remove(
    request: HttpRequest, park_slug: str, pk: int, member_pk: int
) -> HttpResponse:
    access = access_of(request)
    require(rules.can_edit_companies(access))
    company = _company_or_404(request, pk)
    require(rules.can_manage_team(access, company))
    member = get_object_or_404(
        TeamMember.objects.select_related("user"), company=company, pk=member_pk
    )
    back = reverse("companies:detail", kwargs={"park_slug": park_slug, "pk": company.pk})
    problem = services.team_member_removal_problem(member=member, team=list(company.team.all()))
    if problem is None and not confirmed(request):
        name = member.user.full_name or member.user.email
        return confirmation(
            request,
            title=_("Remove %(name)s from the team?") % {"name": name},
            message=_(
                "%(name)s will no longer be in the team of %(company)s and will no longer act "
                "for it. They stay a member of the park and can be invited again."
            )
            % {"name": name, "company": company.short_name},
            action=pgettext("team member", "Remove"),
            back=back + "#team-title",
        )
    try:
        if problem is not None:
            raise problem
        services.team_member_remove(member=member, actor=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("%(name)s has left the team.") % {"name": member.user})
    return redirect(back)
