"""Pages of the review part: the expert's queue and review form, their profile and conflicts; the
park's experts and a call's assignment board for staff.

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (404 for another park's), then checks the permission on the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core import pickers
from technopark.core.confirm import confirmation, confirmed
from technopark.core.fragments import Fragment
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.selection.forms.review import (
    AssignmentAddForm,
    AssignmentSwapForm,
    CapacityForm,
    ConflictForm,
    ExpertProfileForm,
    ManagerConflictForm,
    PublishForm,
    RecuseForm,
    ReviewForm,
)
from technopark.selection.models import Call, ConflictOfInterest
from technopark.selection.queries import review as queries
from technopark.selection.queries.conflicts import conflict_pairs
from technopark.selection.queries.review_sheet import applicant_seen, review_sheet
from technopark.selection.rules import review as rules
from technopark.selection.services import assignment as assignment_services
from technopark.selection.services import conflicts as conflict_services
from technopark.selection.services import review as review_services


def _user_id(request: HttpRequest) -> int:
    user_id: int = request.user.pk  # type: ignore[assignment]
    return user_id


# --- The expert's queue and reviews ---------------------------------------------------------------


# The expert's queue, per expert: renewed by every write of the park's selection (assignments,
# reviews, conflicts) and companies (the applicant's name, its team). An assignment turns overdue
# by the clock: an entry holds for the minute it was built in and is built afresh once the next
# due date it knew of has passed.
REVIEW_QUEUE = Fragment("review-queue", topics=("selection", "companies"), per_user=True)


@login_required
@require_GET
def review_queue(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The expert's published assignments, soonest due first, overdue ones marked: the declared
    fragment ``REVIEW_QUEUE`` (a repeat view runs no query of its own). A fresh render runs a
    fixed number of queries however long the queue."""
    access = access_of(request)
    require(rules.can_review(access))
    park = park_of(request)
    now = timezone.now()

    def build() -> tuple[str, datetime | None]:
        return _render_queue(request, park, now)

    minute = int(now.timestamp()) // 60
    content, until = REVIEW_QUEUE.get(request, build=build, args=(minute,))
    if until is not None and now >= until:  # a review fell due since it was built
        content, _until = build()
    return render(
        request,
        "selection/review/queue.html",
        {"queue_content": mark_safe(content)},  # noqa: S308 - our template's output
    )


def _render_queue(request: HttpRequest, park: Park, now: datetime) -> tuple[str, datetime | None]:
    """The queue as of ``now``, and the next moment an assignment of it falls due."""
    rows = list(queries.review_queue_rows(park=park, user=request.user))
    if rows:
        # An assignment the expert has a conflict with has left the queue (it is the managers'
        # to reassign): a fixed number of queries whatever the length of the queue.
        in_conflict = conflict_pairs(
            applications=[row.application for row in rows], experts=[rows[0].expert]
        )
        rows = [row for row in rows if (row.application_id, row.expert_id) not in in_conflict]
    overdue = 0
    moments = []
    for row in rows:
        row.overdue = queries.is_overdue(row, now)  # type: ignore[attr-defined]
        overdue += row.overdue  # type: ignore[attr-defined]
        review = queries.own_review(row)
        if row.due_at and row.due_at >= now and (review is None or review.submitted_at is None):
            moments.append(row.due_at)
    content = render_to_string(
        "selection/review/_queue_content.html",
        {
            "assignments": rows,
            "overdue": overdue,
            "rows_html": _queue_rows_html(rows, park=park),
        },
        request=request,
    )
    return content, min(moments, default=None)


def _queue_rows_html(rows: list[Any], *, park: Park) -> SafeString:
    """The queue's rows as ``_queue_content.html`` wrote them with a loop, built here: each
    translated word looked up once, for the rows' template overhead was most of a render.
    Values are escaped and localised as the template did, and the whitespace is the same."""
    untitled = escape(str(_("Untitled project")))
    overdue_tag = escape(str(pgettext("review assignment", "overdue")))
    filed = escape(str(pgettext("review status", "Filed")))
    draft = escape(str(pgettext("review status", "Draft")))
    not_started = escape(str(pgettext("review status", "Not started")))
    url = reverse("selection:review_detail", kwargs={"park_slug": park.slug, "assignment_id": 0})
    prefix, suffix = url.rsplit("/0/", 1)
    parts: list[str] = []
    for row in rows:
        applicant = applicant_seen(row.application, team=False)
        name = f'<br><span class="muted">{escape(applicant.short_name)}</span>' if applicant else ""
        if row.due_at:
            due = localtime(row.due_at)
            when = (
                f'<time datetime="{escape(date_filter(due, "c"))}">'
                f"{escape(date_filter(due, 'DATE_FORMAT'))}</time>"
            )
        else:
            when = "—"
        tag = f'<span class="tag review-overdue-tag">{overdue_tag}</span>' if row.overdue else ""
        review = queries.own_review(row)
        if review is not None and review.submitted_at:
            state = f"{filed} ({escape(localize(review.total))}%)"
        elif review is not None:
            state = draft
        else:
            state = not_started
        overdue_class = ' class="review-overdue"' if row.overdue else ""
        title = escape(row.application.title) if row.application.title else untitled
        lines = [
            f"    <tr{overdue_class}>",
            f'      <td><a href="{prefix}/{row.pk}/{suffix}">{title}</a>',
            f"        {name}</td>",
            f"      <td>{escape(row.application.call.title)}</td>",
            f"      <td>{when}",
            f"        {tag}</td>",
            f"      <td>{state}</td>",
            "    </tr>",
        ]
        parts.append("\n" + "\n".join(lines) + "\n  ")
    return mark_safe("  " + "".join(parts) + "\n")  # noqa: S308 - every value is escaped


def _review_context(
    assignment: Any, form: ReviewForm, recuse_form: RecuseForm | None = None
) -> dict[str, Any]:
    return {
        "sheet": review_sheet(assignment=assignment),
        "form": form,
        "recuse_form": recuse_form or RecuseForm(),
    }


@login_required
@require_POST
def review_recuse(request: HttpRequest, park_slug: str, assignment_id: int) -> HttpResponse:
    """The expert declares a conflict with the application from its review page: the assignment
    leaves their queue and the managers are asked to reassign it."""
    access = access_of(request)
    require(rules.can_review(access))
    assignment = queries.review_assignment(
        park=park_of(request), user=request.user, pk=assignment_id
    )
    if assignment is None:
        raise Http404(_("No such review assignment."))
    if not rules.can_review_assignment(access, assignment):
        return redirect("selection:review_queue", park_slug=park_slug)
    form = RecuseForm(request.POST)
    if form.is_valid():
        if not confirmed(request):
            return confirmation(
                request,
                title=_("Leave this application for a conflict of interest?"),
                message=_(
                    "It leaves your queue with any draft of your review, and you will not be "
                    "given it again. The park's managers are told and will reassign it."
                ),
                action=pgettext("review", "Declare the conflict"),
                back=reverse(
                    "selection:review_detail",
                    kwargs={"park_slug": park_slug, "assignment_id": assignment.pk},
                ),
            )
        try:
            assignment_services.assignment_recuse(
                assignment=assignment,
                actor=signed_in_user(request),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest has been declared: the application has left your "
                    "queue and the managers will reassign it."
                ),
            )
            return redirect("selection:review_queue", park_slug=park_slug)
    criteria = list(assignment.application.call.criteria.all())
    review = queries.own_review(assignment)
    filed = review is not None and review.submitted_at is not None
    review_form = ReviewForm(
        initial=ReviewForm.initial_for(review, criteria), criteria=criteria, disabled=filed
    )
    return render(
        request,
        "selection/review/review.html",
        _review_context(assignment, review_form, form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, park_slug: str, assignment_id: int) -> HttpResponse:
    """The application (without who applied, for a blind call) and the review form: save a draft
    or file. Others' reviews appear once the expert's own is filed."""
    access = access_of(request)
    require(rules.can_review(access))
    assignment = queries.review_assignment(
        park=park_of(request), user=request.user, pk=assignment_id
    )
    if assignment is None:
        raise Http404(_("No such review assignment."))
    if not rules.can_review_assignment(access, assignment):
        messages.info(
            request,
            _(
                "You have a conflict of interest with this application: it has left your "
                "queue, and the park's managers will reassign it."
            ),
        )
        return redirect("selection:review_queue", park_slug=park_slug)
    criteria = list(assignment.application.call.criteria.all())
    review = queries.own_review(assignment)
    filed = review is not None and review.submitted_at is not None
    if request.method == "POST":
        if filed:
            messages.error(request, _("The review has been filed; it can no longer change."))
            return redirect(
                "selection:review_detail", park_slug=park_slug, assignment_id=assignment.pk
            )
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            action = request.POST.get("action", "save")
            service = (
                review_services.review_file if action == "file" else review_services.review_save
            )
            try:
                service(
                    assignment=assignment,
                    actor=signed_in_user(request),
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    note_for_council=form.cleaned_data["note_for_council"],
                    note_for_applicant=form.cleaned_data["note_for_applicant"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Your review has been filed.")
                    if action == "file"
                    else _("Your draft has been saved."),
                )
                return redirect(
                    "selection:review_detail", park_slug=park_slug, assignment_id=assignment.pk
                )
    else:
        form = ReviewForm(
            initial=ReviewForm.initial_for(review, criteria), criteria=criteria, disabled=filed
        )
    return render(request, "selection/review/review.html", _review_context(assignment, form))


# --- The expert's profile and conflicts ------------------------------------------------------------


def _render_profile(
    request: HttpRequest,
    profile_form: ExpertProfileForm,
    conflict_form: ConflictForm,
    status: int = 200,
) -> HttpResponse:
    profile = queries.expert_profile_of(park=park_of(request), user=request.user)
    return render(
        request,
        "selection/review/profile.html",
        {
            "profile": profile,
            "profile_form": profile_form,
            "conflict_form": conflict_form,
            "conflicts": _conflicts_shown(profile),
        },
        status=status,
    )


def _conflicts_shown(profile: Any) -> list[ConflictOfInterest]:
    """The expert's declarations, each party named except where the expert left an application of
    a blind call: naming its company there would unmask the applicant."""
    if profile is None:
        return []
    conflicts = list(
        profile.conflicts.select_related("company", "person", "recused_from__call").order_by("pk")
    )
    for conflict in conflicts:
        recused = conflict.recused_from
        conflict.party_hidden = recused is not None and recused.call.blind_review
    return conflicts


@login_required
@require_http_methods(["GET", "POST"])
def expert_profile(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_edit_expert_profile(access))
    park = park_of(request)
    profile = queries.expert_profile_of(park=park, user=request.user)
    initial = (
        {
            "directions": list(profile.directions.all()),
            "affiliations": profile.affiliations,
            "default_capacity": profile.default_capacity,
        }
        if profile
        else {}
    )
    form = ExpertProfileForm(
        request.POST if request.method == "POST" else None, initial=initial, park=park
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_services.expert_profile_save(
                park=park,
                user=request.user,
                directions=form.cleaned_data["directions"],
                affiliations=form.cleaned_data["affiliations"],
                default_capacity=form.cleaned_data["default_capacity"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your expert profile has been saved."))
            return redirect("selection:expert_profile", park_slug=park_slug)
    return _render_profile(request, form, ConflictForm())


@login_required
@require_POST
def expert_conflict_add(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_declare_conflicts(access))
    park = park_of(request)
    form = ConflictForm(request.POST)
    profile = queries.expert_profile_of(park=park, user=request.user)
    if profile is None:
        messages.error(request, _("Save your expert profile first."))
        return redirect("selection:expert_profile", park_slug=park_slug)
    if form.is_valid():
        data = form.cleaned_data
        try:
            conflict_services.conflict_declare(
                expert=profile,
                kind=data["kind"],
                company_inn=data["company_inn"],
                person_email=data["person_email"],
                organisation=data["organisation"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The conflict of interest has been declared."))
            return redirect("selection:expert_profile", park_slug=park_slug)
    return _render_profile(request, ExpertProfileForm(park=park), form)


@login_required
@require_POST
def expert_conflict_remove(request: HttpRequest, park_slug: str, conflict_id: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_declare_conflicts(access))
    conflict = (
        ConflictOfInterest.objects.filter(
            pk=conflict_id, expert__park=park_of(request), expert__user_id=_user_id(request)
        )
        .select_related("expert")
        .first()
    )
    if conflict is None:
        raise Http404(_("No such declaration."))
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw this declaration?"),
            message=_("Applications of this party may be given to you again."),
            action=pgettext("declaration", "Withdraw"),
            back=reverse("selection:expert_profile", kwargs={"park_slug": park_slug}),
        )
    conflict_services.conflict_withdraw(conflict=conflict)
    messages.success(request, _("The declaration has been withdrawn."))
    return redirect("selection:expert_profile", park_slug=park_slug)


@login_required
@require_GET
def expert_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_list_experts(access_of(request)))
    experts = list(queries.expert_list(park=park_of(request)))
    return render(request, "selection/review/experts.html", {"experts": experts})


# --- The assignment board (staff) -----------------------------------------------------------------


def _call_or_404(request: HttpRequest, call_id: int) -> Call:
    call = queries.call_for_assignments(park=park_of(request), pk=call_id)
    if call is None:
        raise Http404(_("No such call in this park."))
    return call


def _picker_urls(park_slug: str, call: Call) -> dict[str, str]:
    kwargs = {"park_slug": park_slug, "call_id": call.pk}
    return {
        "expert": reverse("selection:expert_pick", kwargs={"park_slug": park_slug}),
        "application": reverse("selection:assignment_pick_application", kwargs=kwargs),
        "company": reverse("selection:company_pick", kwargs={"park_slug": park_slug}),
    }


def _add_form(request: HttpRequest, call: Call, data: Any = None) -> AssignmentAddForm:
    park = park_of(request)
    return AssignmentAddForm(
        data,
        applications=queries.applications_to_assign(call=call),
        experts=queries.experts_to_pick(park=park),
        urls=_picker_urls(park.slug, call),
    )


def _capacity_form(request: HttpRequest, call: Call, data: Any = None) -> CapacityForm:
    park = park_of(request)
    return CapacityForm(
        data,
        experts=queries.experts_to_pick(park=park),
        search_url=_picker_urls(park.slug, call)["expert"],
    )


def _render_board(
    request: HttpRequest,
    call: Call,
    *,
    publish_form: PublishForm | None = None,
    add_form: AssignmentAddForm | None = None,
    capacity_form: CapacityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    board = queries.assignment_board(
        call=call, page=request.GET.get("page"), per_page=settings.TECHNOPARK_PAGE_SIZE
    )
    default_due = timezone.localdate() + timedelta(days=14)
    return render(
        request,
        "selection/review/board.html",
        {
            "call": call,
            "board": board,
            "publish_form": publish_form or PublishForm(initial={"due_at": default_due}),
            "add_form": add_form or _add_form(request, call),
            "capacity_form": capacity_form or _capacity_form(request, call),
        },
        status=status,
    )


@login_required
@require_GET
def assignment_board(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_assignments(access_of(request)))
    return _render_board(request, _call_or_404(request, call_id))


def _board_url(park_slug: str, call: Call) -> str:
    return reverse(
        "selection:assignment_board", kwargs={"park_slug": park_slug, "call_id": call.pk}
    )


def _board_redirect(park_slug: str, call: Call) -> HttpResponse:
    return redirect("selection:assignment_board", park_slug=park_slug, call_id=call.pk)


@login_required
@require_POST
def assignment_propose(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    result = assignment_services.assignment_propose(call=call, actor=signed_in_user(request))
    messages.success(
        request,
        ngettext(
            "%(count)s assignment proposed in %(seconds).2f s.",
            "%(count)s assignments proposed in %(seconds).2f s.",
            result.proposed,
        )
        % {"count": result.proposed, "seconds": result.seconds},
    )
    if result.shortfall:
        missing = sum(result.shortfall.values())
        messages.warning(
            request,
            ngettext(
                "%(missing)s review could not be assigned (not enough capacity, or conflicts): "
                "see the applications marked below.",
                "%(missing)s reviews could not be assigned (not enough capacity, or conflicts): "
                "see the applications marked below.",
                missing,
            )
            % {"missing": missing},
        )
    return _board_redirect(park_slug, call)


@login_required
@require_POST
def assignment_publish(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            count = assignment_services.assignment_publish(
                call=call,
                actor=signed_in_user(request),
                due_at=form.due_datetime(park_of(request).time_zone),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s assignment published.", "%(count)s assignments published.", count
                )
                % {"count": count},
            )
            return _board_redirect(park_slug, call)
    return _render_board(request, call, publish_form=form)


@login_required
@require_POST
def assignment_add(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    form = _add_form(request, call, request.POST)
    if form.is_valid():
        try:
            assignment_services.assignment_add(
                call=call,
                application=form.cleaned_data["application"],
                expert=form.cleaned_data["expert"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The expert has been proposed."))
            return _board_redirect(park_slug, call)
    return _render_board(request, call, add_form=form, status=400)


def _assignment_or_404(call: Call, pk: int) -> Any:
    assignment = queries.assignment_in_call(call=call, pk=pk)
    if assignment is None:
        raise Http404(_("No such assignment in this call."))
    return assignment


@login_required
@require_POST
def assignment_remove(
    request: HttpRequest, park_slug: str, call_id: int, assignment_id: int
) -> HttpResponse:
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    assignment = _assignment_or_404(call, assignment_id)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Take %(expert)s off application #%(number)s?")
            % {
                "expert": assignment.expert.user.get_full_name(),
                "number": assignment.application_id,
            },
            message=_(
                "A published assignment leaves the expert's queue with any draft of their "
                "review; the application then misses an expert."
            ),
            action=pgettext("assignment", "Remove"),
            back=_board_url(park_slug, call),
        )
    try:
        assignment_services.assignment_remove(assignment=assignment, actor=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The expert has been taken off the application."))
    return _board_redirect(park_slug, call)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_swap(
    request: HttpRequest, park_slug: str, call_id: int, assignment_id: int
) -> HttpResponse:
    """Put another expert in a proposed assignment's place: the optimiser's choice comes
    first."""
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    assignment = _assignment_or_404(call, assignment_id)
    park = park_of(request)
    suggested = assignment_services.replacement_for(call=call, application=assignment.application)
    form = AssignmentSwapForm(
        request.POST if request.method == "POST" else None,
        initial={"expert": suggested.pk} if suggested else None,
        experts=queries.experts_to_pick(park=park),
        search_url=_picker_urls(park_slug, call)["expert"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment_services.assignment_swap(
                assignment=assignment,
                expert=form.cleaned_data["expert"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The expert has been swapped."))
            return _board_redirect(park_slug, call)
    return render(
        request,
        "selection/review/swap.html",
        {"call": call, "assignment": assignment, "form": form, "suggested": suggested},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def assignment_capacity(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    form = _capacity_form(request, call, request.POST)
    if form.is_valid():
        try:
            assignment_services.expert_capacity_set(
                call=call,
                expert=form.cleaned_data["expert"],
                capacity=form.cleaned_data["capacity"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The capacity has been saved."))
            return _board_redirect(park_slug, call)
    return _render_board(request, call, capacity_form=form, status=400)


# --- Pickers' search endpoints (staff) -----------------------------------------------------------


@login_required
@require_GET
def expert_pick(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The park's experts matching ``q``, as options of a picker (one query)."""
    require(rules.can_manage_assignments(access_of(request)))
    field: Any = AssignmentSwapForm(experts=queries.experts_to_pick(park=park_of(request))).fields[
        "expert"
    ]
    return pickers.options_response(request, field)


@login_required
@require_GET
def company_pick(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The park's companies matching ``q`` (name or INN), as options of a picker."""
    require(rules.can_manage_assignments(access_of(request)))
    park = park_of(request)
    form = ManagerConflictForm(
        experts=queries.experts_to_pick(park=park), companies=queries.companies_to_pick(park=park)
    )
    field: Any = form.fields["company"]
    return pickers.options_response(request, field)


@login_required
@require_GET
def assignment_pick_application(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """The call's applications experts may be given, matching ``q`` (title, company, INN)."""
    require(rules.can_manage_assignments(access_of(request)))
    call = _call_or_404(request, call_id)
    field: Any = _add_form(request, call).fields["application"]
    return pickers.options_response(request, field)


# --- Managers declare conflicts for experts --------------------------------------------------------


def _conflict_form(request: HttpRequest, data: Any = None) -> ManagerConflictForm:
    park = park_of(request)
    return ManagerConflictForm(
        data,
        experts=queries.experts_to_pick(park=park),
        companies=queries.companies_to_pick(park=park),
        urls={
            "expert": reverse("selection:expert_pick", kwargs={"park_slug": park.slug}),
            "company": reverse("selection:company_pick", kwargs={"park_slug": park.slug}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_conflicts(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The experts' declared conflicts, and a form for a manager to declare one for an expert."""
    require(rules.can_manage_conflicts(access_of(request)))
    form = _conflict_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = data.get("company")
        try:
            conflict_services.conflict_declare(
                expert=data["expert"],
                kind=data["kind"],
                company_inn=company.inn if company is not None else "",
                person_email=data["person_email"],
                organisation=data["organisation"],
                reason=data["reason"],
                declared_by=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The conflict of interest has been declared."))
            return redirect("selection:expert_conflicts", park_slug=park_slug)
    return render(
        request,
        "selection/review/conflicts.html",
        {"form": form, "conflicts": queries.declared_conflicts(park=park_of(request))},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def expert_conflict_drop(request: HttpRequest, park_slug: str, conflict_id: int) -> HttpResponse:
    """A manager withdraws a declared conflict (asked first)."""
    require(rules.can_manage_conflicts(access_of(request)))
    conflict = (
        ConflictOfInterest.objects.filter(pk=conflict_id, expert__park=park_of(request))
        .select_related("expert__user", "expert__park")
        .first()
    )
    if conflict is None:
        raise Http404(_("No such declaration."))
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw the conflict of %(expert)s?")
            % {"expert": conflict.expert.user.get_full_name()},
            message=_("Applications of this party may be given to the expert again."),
            action=pgettext("declaration", "Withdraw"),
            back=reverse("selection:expert_conflicts", kwargs={"park_slug": park_slug}),
        )
    conflict_services.conflict_withdraw(conflict=conflict, actor=signed_in_user(request))
    messages.success(request, _("The declaration has been withdrawn."))
    return redirect("selection:expert_conflicts", park_slug=park_slug)


__all__ = [
    "assignment_add",
    "assignment_board",
    "assignment_capacity",
    "assignment_pick_application",
    "assignment_propose",
    "assignment_publish",
    "assignment_remove",
    "assignment_swap",
    "company_pick",
    "expert_conflict_add",
    "expert_conflict_drop",
    "expert_conflict_remove",
    "expert_conflicts",
    "expert_list",
    "expert_pick",
    "expert_profile",
    "review_detail",
    "review_queue",
    "review_recuse",
]
