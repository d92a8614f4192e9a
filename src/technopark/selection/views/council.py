"""The council's pages: a call's ranking table, a decision on one application, decisions in batch.

Each view checks a permission that needs no record first (staff only), then looks the call and
application up in the request's park (another park's id is simply not found: 404). Writes go
through ``selection.services.council``; reads through ``selection.queries.council``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core.fragments import Fragment, fill_slots
from technopark.core.params import PAGE, Choice
from technopark.parks.http import access_of, park_of, require, wants_partial
from technopark.parks.models import Park
from technopark.parks.queries import site_options
from technopark.selection.forms.council import BatchDecisionForm, DecisionForm
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    CheckCode,
    DecisionOutcome,
    EligibilityState,
)
from technopark.selection.queries import council as queries
from technopark.selection.rules import council as rules
from technopark.selection.services import council as services

# The ranking table with the empty batch form (its CSRF token is slotted in per visitor).
RANKING = Fragment(
    "council-ranking",
    topics=("selection", "companies"),
    varies_on=(rules.can_decide,),
    params={
        "status": Choice.of(str(status.value) for status in queries.RANKED_STATUSES),
        "flagged": Choice.of(("1", "true", "on", "yes")),
        "sort": Choice.of(queries.SORTS),
        "page": PAGE,
    },
    partial=True,
)


def _call_or_404(request: HttpRequest, call_id: int) -> Call:
    call = queries.council_call(park=park_of(request), call_id=call_id)
    if call is None:
        raise Http404(_("No such call in this park."))
    return call


def _ranking_url(park: Park, call_id: int, query: str = "") -> str:
    url = reverse("selection:council_ranking", kwargs={"park_slug": park.slug, "call_id": call_id})
    return f"{url}?{query}" if query else url


# --- Ranking table -------------------------------------------------------------------------------


@login_required
@require_GET
def council_ranking(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """The applications of a call ranked by their weighted totals, with the experts' spread,
    their recommendations and a flag where they disagree widely; filters, sort and pages.

    The table's content is the declared fragment ``RANKING`` (renewed by every review filed and
    every decision): a repeat view costs no query of its own. A fresh render runs a fixed number of
    queries: the call, the count, the page of rows with their aggregates and eligibility, the
    page's latest decisions, the names of the page's failing checks.
    """
    require(rules.can_view_council(access_of(request)))
    return _ranking_page(request, call_id)


def _ranking_page(
    request: HttpRequest,
    call_id: int,
    *,
    batch_form: BatchDecisionForm | None = None,
    selected: frozenset[int] = frozenset(),
) -> HttpResponse:
    access = access_of(request)
    park = park_of(request)
    partial = wants_partial(request) and batch_form is None
    can_decide = rules.can_decide(access)

    def build() -> dict[str, Any]:
        return _render_ranking(
            request,
            park,
            call_id,
            partial=partial,
            can_decide=can_decide,
            with_batch_form=can_decide and batch_form is None,
            selected=selected,
        )

    # A batch shown again with the visitor's input and errors is never cached.
    piece = RANKING.get(request, build=build, args=(call_id,)) if batch_form is None else build()
    if not piece["found"]:
        raise Http404(_("No such call in this park."))
    if partial:
        response = HttpResponse(piece["content"])
    else:
        content = piece["content"]
        if batch_form is not None:  # shown again with the visitor's input and errors
            content += render_to_string(
                "selection/council/_batch_form.html",
                {"batch_form": batch_form, "call_id": call_id},
                request=request,
            )
        content = fill_slots(content, request)
        response = render(
            request,
            "selection/council/ranking.html",
            {
                "call_title": piece["title"],
                "call": {"pk": call_id},  # for the call's menu, which needs only its id
                "ranking_content": mark_safe(content),  # noqa: S308 - our template's output
            },
        )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _render_ranking(
    request: HttpRequest,
    park: Park,
    call_id: int,
    *,
    partial: bool,
    can_decide: bool,
    with_batch_form: bool,
    selected: frozenset[int],
) -> dict[str, Any]:
    call = queries.council_call(park=park, call_id=call_id)
    if call is None:
        return {"found": False}
    filters = queries.RankingFilters.from_params(request.GET)
    paginator: Paginator[Application] = Paginator(
        queries.RankingRows(call=call, filters=filters),  # type: ignore[arg-type]
        settings.TECHNOPARK_PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    rows: list[Application] = list(page.object_list)
    ids = [row.pk for row in rows]
    decisions = queries.latest_decisions(application_ids=ids)
    hints = queries.eligibility_hints(application_ids=ids)
    for row in rows:
        row.latest_decision = decisions.get(row.pk)  # type: ignore[attr-defined]
        row.eligibility_label = EligibilityState(row.eligibility).label  # type: ignore[attr-defined]
        row.eligibility_hint = [  # type: ignore[attr-defined]
            CheckCode(code).label for code in hints.get(row.pk, [])
        ]
    context: dict[str, Any] = {
        "call": call,
        "call_id": call.pk,
        "page": page,
        "rows": rows,
        "rows_html": _rows_html(
            rows, park=park, call_id=call.pk, can_decide=can_decide, selected=selected
        ),
        "filters": filters,
        "can_decide": can_decide,
        "selected": selected,
        "submitted": ApplicationStatus.SUBMITTED,
        "threshold": queries.DISAGREEMENT_SPREAD,
    }
    if not partial:
        context.update(
            statuses=[(s.value, s.label) for s in queries.RANKED_STATUSES],
            sorts=_sort_choices(),
            # The empty batch form is cached with the table; shown again with errors it is not.
            batch_form=(
                BatchDecisionForm(residency=call.kind == CallKind.RESIDENCY)
                if with_batch_form
                else None
            ),
        )
    template = (
        "selection/council/_ranking_results.html"
        if partial
        else "selection/council/_ranking_content.html"
    )
    return {
        "found": True,
        "title": call.title,
        "residency": call.kind == CallKind.RESIDENCY,
        "content": render_to_string(template, context, request=request),
    }


def _rows_html(
    rows: list[Any], *, park: Park, call_id: int, can_decide: bool, selected: frozenset[int]
) -> SafeString:
    """The table's rows, as ``_ranking_results.html`` wrote them with a loop: built here, each
    translated word looked up once per page, for the 25 rows' template overhead was most of a
    fresh render's time. Values are escaped and localised as the template did."""
    dash = '<span class="muted">—</span>'
    admit_title = escape(str(_("Admit")))
    no_review = escape(_("No review filed"))
    disagree = escape(_("Experts disagree"))
    choose, admit, conditions, reject = (
        _("Choose %(name)s"),
        _("admit %(n)s"),
        _("with conditions %(n)s"),
        _("reject %(n)s"),
    )
    decision_url = reverse(
        "selection:council_decision",
        kwargs={"park_slug": park.slug, "call_id": call_id, "application_id": 0},
    )
    prefix, suffix = decision_url.rsplit("/0/", 1)

    def number(value: Any) -> str:
        return escape(localize(value))

    parts: list[str] = []
    for row in rows:
        pk = row.pk
        flagged = ' class="flagged"' if row.flagged else ""
        cells = [f'    <tr{flagged} data-testid="ranking-row">']
        if can_decide:
            box = ""
            if row.status == ApplicationStatus.SUBMITTED:
                name = choose % {"name": escape(row.company.short_name)}
                box = (
                    f'<input type="checkbox" name="applications" value="{pk}" '
                    f'form="council-batch" id="choose-{pk}"'
                    f"{' checked' if pk in selected else ''}>"
                    f'<label for="choose-{pk}" class="visually-hidden">{name}</label>'
                )
            cells.append(f"      <td>{box}</td>")
        has_total = row.weighted_total is not None
        cells.append(f'      <td class="num">{number(row.rank) if has_total else dash}</td>')
        title = f'<br><span class="muted">{escape(row.title)}</span>' if row.title else ""
        cells.append(
            f'      <td><a href="{prefix}/{pk}/{suffix}">{escape(row.company.short_name)}</a>'
            f"{title}</td>"
        )
        total = escape(floatformat(row.weighted_total, 2)) if has_total else dash
        cells.append(f'      <td class="num" data-testid="total">{total}</td>')
        cells.append(
            f'      <td class="num">{number(row.reviews_filed)} / '
            f"{number(row.reviews_assigned)}</td>"
        )
        spread = escape(floatformat(row.spread, 2)) if row.spread is not None else dash
        cells.append(f'      <td class="num">{spread}</td>')
        if row.reviews_filed:
            tags = f'<span class="tag" title="{admit_title}">'
            tags += admit % {"n": number(row.n_admit)} + "</span>"
            if row.n_conditions:
                tags += '<span class="tag">' + conditions % {"n": number(row.n_conditions)}
                tags += "</span>"
            tags += '<span class="tag">' + reject % {"n": number(row.n_reject)} + "</span>"
        else:
            tags = f'<span class="muted">{no_review}</span>'
        cells.append(f"      <td>{tags}</td>")
        state = escape(row.eligibility)
        hint = (
            '<br><span class="muted">'
            + ", ".join(escape(str(label)) for label in row.eligibility_hint)
            + "</span>"
            if row.eligibility_hint
            else ""
        )
        cells.append(
            f'      <td data-testid="eligibility" data-state="{state}"><span class="tag '
            f'eligibility-{state}">{escape(str(row.eligibility_label))}</span>{hint}</td>'
        )
        flag = f'<strong class="council-flag" data-testid="flag">{disagree}</strong>'
        cells.append(f"      <td>{flag if row.flagged else ''}</td>")
        decision = row.latest_decision
        if decision is not None:
            when = escape(date_filter(localtime(decision.decided_at), "SHORT_DATE_FORMAT"))
            shown = f'{escape(str(decision.get_outcome_display()))}<br><span class="muted">{when}</span>'
        else:
            shown = f'<span class="muted">{escape(str(row.get_status_display()))}</span>'
        cells.append(f'      <td data-testid="decision">{shown}</td>')
        cells.append("    </tr>")
        parts.append("\n" + "\n".join(cells) + "\n    ")
    # The whitespace the template's loop left between the rows, kept byte for byte.
    return mark_safe("    " + "".join(parts) + "\n")  # noqa: S308 - every value is escaped


def _sort_choices() -> list[tuple[str, str]]:
    return [
        ("rank", _("Highest total first")),
        ("-rank", _("Lowest total first")),
        ("spread", _("Widest disagreement first")),
        ("-spread", _("Closest agreement first")),
        ("company", _("Company, A to Z")),
        ("-company", _("Company, Z to A")),
        ("submitted", _("Submitted, earliest first")),
        ("-submitted", _("Submitted, latest first")),
    ]


@login_required
@require_POST
def council_batch(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """One outcome and a shared rationale for the applications chosen in the table: all or none."""
    require(rules.can_decide(access_of(request)))
    call = _call_or_404(request, call_id)
    park = park_of(request)
    form = BatchDecisionForm(request.POST, residency=call.kind == CallKind.RESIDENCY)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decisions = services.decisions_record_batch(
                park=park,
                call=call,
                application_ids=data["applications"],
                actor=signed_in_user(request),
                outcome=data["outcome"],
                rationale=data["rationale"],
                message_for_applicant=data["message_for_applicant"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            count = len(decisions)
            messages.success(
                request,
                ngettext(
                    "%(count)s decision has been recorded; the applicant will be notified.",
                    "%(count)s decisions have been recorded; the applicants will be notified.",
                    count,
                )
                % {"count": count},
            )
            return redirect(_ranking_url(park, call.pk, _known_query(request)))
    selected = frozenset(form.cleaned_data.get("applications") or ()) if form.is_bound else None
    return _ranking_page(request, call_id, batch_form=form, selected=selected or frozenset())


def _known_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in RANKING.params:
            params.pop(key)
    return params.urlencode()


# --- One application -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def council_decision(
    request: HttpRequest, park_slug: str, call_id: int, application_id: int
) -> HttpResponse:
    """An application with every filed review (the experts' names, scores and notes for the
    council), the decisions so far, and the decision form while it awaits the council."""
    access = access_of(request)
    require(rules.can_view_council(access))
    if request.method == "POST":
        require(rules.can_decide(access))
    call = _call_or_404(request, call_id)
    detail = queries.council_application(call=call, pk=application_id)
    if detail is None:
        raise Http404(_("No such application in this call."))
    application = detail.application
    form: DecisionForm | None = None
    awaiting = application.status == ApplicationStatus.SUBMITTED
    if rules.can_decide(access) and (awaiting or request.method == "POST"):
        sites = site_options(park=park_of(request)) if call.kind == CallKind.RESIDENCY else []
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            call=call,
            sites=sites,
            initial={"site": call.site_id} if call.site_id else None,
        )
    if form is not None and form.is_bound and form.is_valid():
        try:
            decision = services.decision_record(
                application=application, actor=signed_in_user(request), **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _success_message(decision.outcome))
            return redirect(_ranking_url(park_of(request), call.pk))
    return render(
        request,
        "selection/council/decision.html",
        {
            "call": call,
            "detail": detail,
            "application": application,
            "form": form,
            "awaiting": awaiting,
            "threshold": queries.DISAGREEMENT_SPREAD,
        },
    )


def _success_message(outcome: str) -> str:
    if outcome == DecisionOutcome.ADMIT:
        return _("The application has been admitted; the applicant will be notified.")
    if outcome == DecisionOutcome.REJECT:
        return _("The application has been rejected; the applicant will be notified.")
    return _("The applicant has been asked for more information.")
