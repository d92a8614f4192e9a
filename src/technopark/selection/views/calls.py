"""The calls pages: the public list and page of a call, and the staff pages that create, edit,
publish and close calls, build their forms and set their review criteria.

Each view checks a permission that needs no record first, then looks the call up in the request's
park (another park's call is simply not found: 404), then checks the permission on the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core.confirm import confirmation, confirmed
from technopark.core.fragments import Fragment
from technopark.core.params import Choice, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.parks.queries import site_options
from technopark.selection import rules
from technopark.selection.forms.applications import EligibilityBulkForm, StartApplicationForm
from technopark.selection.forms.calls import CallForm, CriterionForm, FormFieldForm
from technopark.selection.models import Call, Criterion, EligibilityOutcome, FormField
from technopark.selection.queries import applications as app_queries
from technopark.selection.queries import calls as queries
from technopark.selection.services import calls as services
from technopark.selection.services.eligibility import (
    DECIDABLE_STATUSES,
    automatic_outcome,
    eligibility_confirm_bulk,
    eligibility_rerun,
)


def _call_or_404(request: HttpRequest, call_id: int) -> Call:
    call = queries.call_detail(park=park_of(request), pk=call_id)
    if call is None:
        raise Http404(_("No such call in this park."))
    return call


def _manage_url(call: Call, name: str = "call_edit") -> str:
    return reverse(f"selection:{name}", kwargs={"park_slug": call.park.slug, "call_id": call.pk})


def _manage_redirect(call: Call, name: str = "call_edit") -> HttpResponse:
    return redirect(f"selection:{name}", park_slug=call.park.slug, call_id=call.pk)


# --- Public ---------------------------------------------------------------------------------


# The list of open and upcoming calls, per park and language. Calls open and close by the clock,
# not by a write: an entry is kept for the minute it was built in (a part of its key) and is
# built again, uncached, once the next opening or deadline it knew of has passed.
OPEN_CALLS = Fragment("open-calls", topics=("selection", "parks"))


@require_GET
def call_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Open calls with their deadlines in local time, and those opening soon. The list is the
    declared fragment ``OPEN_CALLS``: a repeat view runs no query of its own; a fresh render
    three (the open calls, the upcoming ones, their directions)."""
    require(rules.can_view_calls(access_of(request)))
    park = park_of(request)
    now = timezone.now()

    def build() -> tuple[str, datetime | None]:
        return _render_call_list(request, park, now)

    minute = int(now.timestamp()) // 60
    content, until = OPEN_CALLS.get(request, build=build, args=(minute,))
    if until is not None and now >= until:  # a call opened or closed since it was built
        content, _until = build()
    return render(
        request,
        "selection/calls/call_list.html",
        {"calls_content": mark_safe(content)},  # noqa: S308 - our template's output
    )


def _render_call_list(
    request: HttpRequest, park: Park, now: datetime
) -> tuple[str, datetime | None]:
    """The list as of ``now``, and the next moment it changes by itself (a deadline or an
    opening), if any."""
    open_calls = list(queries.open_calls(park=park, at=now))
    upcoming_calls = list(queries.upcoming_calls(park=park, at=now))
    moments = [call.closes_at for call in open_calls] + [call.opens_at for call in upcoming_calls]
    content = render_to_string(
        "selection/calls/_call_list_content.html",
        {"open_calls": open_calls, "upcoming_calls": upcoming_calls},
        request=request,
    )
    return content, min(moments, default=None)


@require_GET
def call_detail(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_calls(access))
    call = _call_or_404(request, call_id)
    if not rules.can_view_call(access, call):
        raise Http404(_("No such call in this park."))
    return _render_call(request, call)


def _render_call(
    request: HttpRequest, call: Call, form: StartApplicationForm | None = None, status: int = 200
) -> HttpResponse:
    access = access_of(request)
    companies = (
        app_queries.companies_for_applicant(park=park_of(request), user=request.user)
        if rules.can_apply(access)
        else []
    )
    own = []
    if companies:
        own = [
            a
            for a in app_queries.own_applications(park=park_of(request), user=request.user)
            if a.call_id == call.pk
        ]
    if form is None and companies:
        form = StartApplicationForm(companies=companies)
    return render(
        request,
        "selection/calls/call_detail.html",
        {"call": call, "start_form": form, "own_applications": own, "is_open": call.is_open()},
        status=status,
    )


@login_required
@require_POST
def call_apply(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """A founder starts a draft application for a company they act for."""
    access = access_of(request)
    require(rules.can_apply(access))
    call = _call_or_404(request, call_id)
    if not rules.can_view_call(access, call):
        raise Http404(_("No such call in this park."))
    companies = app_queries.companies_for_applicant(park=park_of(request), user=request.user)
    form = StartApplicationForm(request.POST, companies=companies)
    if form.is_valid():
        company = form.cleaned_data["company"]
        require(rules.can_apply_for(access, company))
        try:
            from technopark.selection.services.drafts import application_start

            application = application_start(
                call=call, company=company, actor=signed_in_user(request)
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your draft is ready: it is saved as you type."))
            return redirect("selection:application_edit", park_slug=park_slug, pk=application.pk)
    return _render_call(request, call, form, status=400)


# --- Staff: calls ---------------------------------------------------------------------------


@login_required
@require_GET
def call_manage_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The park's calls for staff; the archived ones on their own list (``?archived=1``)."""
    require(rules.can_manage_calls(access_of(request)))
    park = park_of(request)
    archived = param_value(request.GET, "archived", Choice.of(["1"]), "") == "1"
    return render(
        request,
        "selection/calls/manage_list.html",
        {
            "calls": list(queries.all_calls(park=park, archived=archived)),
            "archived": archived,
            "archived_count": 0 if archived else queries.archived_count(park=park),
        },
    )


def _call_form(request: HttpRequest, call: Call | None) -> CallForm:
    park = park_of(request)
    return CallForm(
        request.POST if request.method == "POST" else None,
        initial=CallForm.initial_for(call) if call else None,
        park=park,
        directions=queries.direction_options(
            park=park, keep=call.directions.values_list("pk", flat=True) if call else ()
        ),
        sites=site_options(park=park, keep=call.site_id if call else None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    form = _call_form(request, None)
    if form.is_valid():
        try:
            call = services.call_create(
                park=park_of(request),
                actor=signed_in_user(request),
                directions=form.cleaned_data["directions"],
                **form.call_fields(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The call has been created as a draft. Add its questions and criteria."),
            )
            return redirect("selection:call_form", park_slug=park_slug, call_id=call.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "selection/calls/call_form.html", {"form": form, "call": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    form = _call_form(request, call)
    if form.is_valid():
        try:
            services.call_update(
                call=call,
                actor=signed_in_user(request),
                directions=form.cleaned_data["directions"],
                **form.call_fields(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The call has been saved."))
            return _manage_redirect(call)
    status = 400 if form.is_bound else 200
    return render(
        request, "selection/calls/call_form.html", {"form": form, "call": call}, status=status
    )


@login_required
@require_POST
def call_publish(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    try:
        services.call_publish(call=call, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The call is published."))
    return _manage_redirect(call)


@login_required
@require_POST
def call_close(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Close the call now?"),
            message=_(
                "It takes no more applications from this moment; drafts cannot be submitted."
            ),
            action=pgettext("call", "Close now"),
            back=_manage_url(call),
        )
    services.call_close(call=call, actor=signed_in_user(request))
    messages.success(request, _("The call is closed: it takes no more applications."))
    return _manage_redirect(call)


@login_required
@require_POST
def call_archive(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """Staff archive a call: it leaves the lists and the public pages, and stays readable."""
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Archive the call “%(title)s”?") % {"title": call.title},
            message=_(
                "It leaves the lists of calls and the public pages and takes no applications. "
                "Its applications, reviews and decisions stay readable."
            ),
            action=pgettext("call", "Archive"),
            back=_manage_url(call),
        )
    try:
        services.call_archive(call=call, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The call is archived."))
    return redirect("selection:call_manage_list", park_slug=park_slug)


# --- Staff: the form builder ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_form(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """The call's questions, in order, and a form to add one."""
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    form = FormFieldForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.form_field_add(call=call, actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The question has been added."))
            return _manage_redirect(call, "call_form")
    return render(
        request,
        "selection/calls/form_builder.html",
        {"call": call, "fields": list(call.fields.all()), "form": form},
        status=400 if form.is_bound else 200,
    )


def _field_or_404(call: Call, field_id: int) -> FormField:
    for field in call.fields.all():
        if field.pk == field_id:
            return field
    raise Http404(_("No such question in this call."))


@login_required
@require_http_methods(["GET", "POST"])
def call_field_edit(
    request: HttpRequest, park_slug: str, call_id: int, field_id: int
) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    field = _field_or_404(call, field_id)
    initial = {name: getattr(field, name) for name in services.FIELD_FIELDS}
    form = FormFieldForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            services.form_field_update(
                field=field, actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The question has been saved."))
            return _manage_redirect(call, "call_form")
    return render(
        request,
        "selection/calls/field_form.html",
        {"call": call, "field": field, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def call_field_remove(
    request: HttpRequest, park_slug: str, call_id: int, field_id: int
) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    field = _field_or_404(call, field_id)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Remove the question “%(label)s”?") % {"label": field.label},
            message=_("Applicants will no longer be asked it. Answers already given are kept."),
            action=pgettext("question", "Remove"),
            back=_manage_url(call, "call_form"),
        )
    try:
        services.form_field_remove(field=field, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The question has been removed."))
    return _manage_redirect(call, "call_form")


@login_required
@require_POST
def call_field_move(
    request: HttpRequest, park_slug: str, call_id: int, field_id: int
) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    field = _field_or_404(call, field_id)
    services.form_field_move(
        field=field, actor=signed_in_user(request), up=request.POST.get("to") == "up"
    )
    return _manage_redirect(call, "call_form")


# --- Staff: criteria ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_criteria(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    form = CriterionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.criterion_add(call=call, actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The criterion has been added."))
            return _manage_redirect(call, "call_criteria")
    return render(
        request,
        "selection/calls/criteria.html",
        {"call": call, "criteria": list(call.criteria.all()), "form": form},
        status=400 if form.is_bound else 200,
    )


def _criterion_or_404(call: Call, criterion_id: int) -> Criterion:
    for criterion in call.criteria.all():
        if criterion.pk == criterion_id:
            return criterion
    raise Http404(_("No such criterion in this call."))


@login_required
@require_http_methods(["GET", "POST"])
def call_criterion_edit(
    request: HttpRequest, park_slug: str, call_id: int, criterion_id: int
) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    criterion = _criterion_or_404(call, criterion_id)
    initial = {name: getattr(criterion, name) for name in services.CRITERION_FIELDS}
    form = CriterionForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            services.criterion_update(
                criterion=criterion, actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The criterion has been saved."))
            return _manage_redirect(call, "call_criteria")
    return render(
        request,
        "selection/calls/criterion_form.html",
        {"call": call, "criterion": criterion, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def call_criterion_remove(
    request: HttpRequest, park_slug: str, call_id: int, criterion_id: int
) -> HttpResponse:
    require(rules.can_manage_calls(access_of(request)))
    call = _call_or_404(request, call_id)
    criterion = _criterion_or_404(call, criterion_id)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Remove the criterion “%(name)s”?") % {"name": criterion.name},
            message=_("Experts will no longer score it."),
            action=pgettext("criterion", "Remove"),
            back=_manage_url(call, "call_criteria"),
        )
    try:
        services.criterion_remove(criterion=criterion, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The criterion has been removed."))
    return _manage_redirect(call, "call_criteria")


# --- Staff: screening -----------------------------------------------------------------------


@login_required
@require_GET
def call_screening(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """The call's submitted applications with their eligibility checks and the managers'
    verdicts: a fixed number of queries however many applications there are."""
    require(rules.can_screen_applications(access_of(request)))
    call = _call_or_404(request, call_id)
    return _render_screening(request, call)


def _render_screening(
    request: HttpRequest, call: Call, *, bulk_form: Any = None, status: int = 200
) -> HttpResponse:
    rows: list[Any] = list(app_queries.screening_list(call=call))
    awaiting = []
    for row in rows:
        checks = list(row.eligibility_checks.all())
        row.automatic = automatic_outcome(checks)
        row.failing = [check for check in checks if not check.final_passed]
        row.decidable = row.status in DECIDABLE_STATUSES
        row.awaiting = row.decidable and bool(checks) and not row.eligibility_outcome
        if row.awaiting:
            awaiting.append(row)
    return render(
        request,
        "selection/calls/screening.html",
        {
            "call": call,
            "applications": rows,
            "awaiting": awaiting,
            "bulk_form": bulk_form,
            "outcomes": EligibilityOutcome.choices,
        },
        status=status,
    )


@login_required
@require_POST
def call_screening_confirm(request: HttpRequest, park_slug: str, call_id: int) -> HttpResponse:
    """Staff confirm the automatic verdicts of the chosen applications in one go."""
    require(rules.can_screen_applications(access_of(request)))
    call = _call_or_404(request, call_id)
    ids = list(app_queries.screening_list(call=call).values_list("pk", flat=True))
    form = EligibilityBulkForm(request.POST, ids=ids)
    if form.is_valid():
        try:
            count = eligibility_confirm_bulk(
                call=call,
                application_ids=form.cleaned_data["applications"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                ngettext(
                    "The automatic verdict of %(count)s application has been confirmed.",
                    "The automatic verdicts of %(count)s applications have been confirmed.",
                    count,
                )
                % {"count": count},
            )
            return _manage_redirect(call, "call_screening")
    return _render_screening(request, call, bulk_form=form, status=400)


@login_required
@require_POST
def call_screening_rerun(
    request: HttpRequest, park_slug: str, call_id: int, application_id: int
) -> HttpResponse:
    """Staff run one application's eligibility checks again (kept in its history)."""
    require(rules.can_screen_applications(access_of(request)))
    call = _call_or_404(request, call_id)
    application = app_queries.screening_application(call=call, pk=application_id)
    if application is None:
        raise Http404(_("No such application in this call."))
    try:
        eligibility_rerun(application=application, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The checks have been run again."))
    return _manage_redirect(call, "call_screening")
