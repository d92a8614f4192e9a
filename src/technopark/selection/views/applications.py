"""The applicant's pages (own applications, the draft with autosave, submission, withdrawal, the
answer to a request for information, the status page), the staff actions on an application
(ask for information, confirm or override an eligibility check) and the private file view.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core.confirm import confirmation, confirmed
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import ParkAccess
from technopark.selection import rules
from technopark.selection.forms.applications import (
    ApplicationForm,
    CheckDecisionForm,
    EligibilityOutcomeForm,
    InformationAnswerForm,
    InformationRequestForm,
    SubmitForm,
)
from technopark.selection.models import (
    Application,
    CheckCode,
    EligibilityOutcome,
    FieldKind,
    finding_text,
)
from technopark.selection.queries import applications as queries
from technopark.selection.services import applications as services
from technopark.selection.services import drafts as draft_services
from technopark.selection.services.eligibility import (
    automatic_outcome,
    eligibility_decide,
    eligibility_outcome_set,
    evaluate,
)


def _may_see_some_application(access: ParkAccess) -> bool:
    return rules.can_apply(access) or rules.can_screen_applications(access)


def _detail_or_404(request: HttpRequest, pk: int) -> Application:
    application = queries.application_detail(park=park_of(request), pk=pk)
    if application is None:
        raise Http404(_("No such application in this park."))
    return application


def _for_update_or_404(request: HttpRequest, pk: int) -> Application:
    application = queries.application_for_update(park=park_of(request), pk=pk)
    if application is None:
        raise Http404(_("No such application in this park."))
    return application


def _to_detail(application: Application) -> HttpResponse:
    return redirect(
        "selection:application_detail", park_slug=application.park.slug, pk=application.pk
    )


@login_required
@require_GET
def application_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The applications of the companies the founder acts for: two queries."""
    require(rules.can_list_own_applications(access_of(request)))
    return render(
        request,
        "selection/applications/application_list.html",
        {"applications": list(queries.own_applications(park=park_of(request), user=request.user))},
    )


def _render_detail(
    request: HttpRequest, application: Application, *, status: int = 200, **forms: Any
) -> HttpResponse:
    answers = {a.field_id: a for a in application.answers.all()}
    rows = [(field, answers.get(field.pk)) for field in application.call.fields.all()]
    for field, answer in rows:
        if answer is not None:
            answer.field = field  # already loaded with the call: no query per answer
    context: dict[str, Any] = {
        "application": application,
        "call": application.call,
        "company": application.company,
        "rows": rows,
        "checks": list(application.eligibility_checks.all()),
        "requests": list(application.information_requests.all()),
        "revisions": list(application.revisions.all()),
        "request_form": forms.get("request_form") or InformationRequestForm(),
        "answer_form": forms.get("answer_form") or InformationAnswerForm(),
        "decision_forms": forms.get("decision_forms", {}),
        "decision_form": CheckDecisionForm(),
        "automatic_outcome": automatic_outcome(application.eligibility_checks.all()),
        "outcomes": EligibilityOutcome.choices,
        "team_changes": (
            queries.team_changes_after_assignment(application=application)
            if rules.can_screen_applications(access_of(request))
            else []
        ),
    }
    return render(request, "selection/applications/application_detail.html", context, status=status)


@login_required
@require_GET
def application_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The status page: answers, checks, requests for information and the revision history."""
    access = access_of(request)
    require(_may_see_some_application(access))
    application = _detail_or_404(request, pk)
    require(rules.can_view_application(access, application))
    return _render_detail(request, application)


def _application_form(request: HttpRequest, application: Application) -> ApplicationForm:
    detail = application
    answers = {a.field_id: a for a in detail.answers.all()}
    call_directions = list(detail.call.directions.all())
    if not call_directions:
        from technopark.selection.queries.calls import direction_options

        call_directions = direction_options(park=park_of(request))
    initial = {"title": detail.title, "directions": [str(d.pk) for d in detail.directions.all()]}
    return ApplicationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        questions=list(detail.call.fields.all()),
        answers=answers,
        directions=call_directions,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The draft. An htmx request (the page autosaves as the applicant types) gets back only the
    save status; the Save button posts the whole form (with files) and shows it again."""
    access = access_of(request)
    require(rules.can_apply(access))
    application = _detail_or_404(request, pk)
    require(rules.is_applicant(access, application))
    htmx = bool(getattr(request, "htmx", False))
    if not rules.can_edit_application(access, application):
        if htmx:  # an autosave after the status changed (in another tab): say so in place
            return render(
                request,
                "selection/applications/_save_status.html",
                {"locked": True, "application": application},
                status=409,
            )
        messages.info(request, _("This application can no longer be changed."))
        return _to_detail(application)
    form = _application_form(request, application)
    saved_at = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            files, removed = form.uploads()
            try:
                draft_services.application_save(
                    application=application,
                    actor=signed_in_user(request),
                    title=form.cleaned_data["title"],
                    directions=form.cleaned_data["directions"],
                    answers=form.raw_answers(),
                    files={} if htmx else files,
                    remove_files=() if htmx else removed,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                saved_at = timezone.now()
        if form.errors:
            status = 400
        elif not htmx:
            messages.success(request, _("Your draft has been saved."))
            if request.POST.get("then") == "submit":
                return redirect("selection:application_submit", park_slug=park_slug, pk=pk)
            return redirect("selection:application_edit", park_slug=park_slug, pk=pk)
    context = {
        "application": application,
        "call": application.call,
        "company": application.company,
        "form": form,
        "saved_at": saved_at,
        "has_files": any(q.kind == FieldKind.FILE for q in form.questions),
    }
    if htmx:
        return render(request, "selection/applications/_save_status.html", context, status=status)
    return render(request, "selection/applications/application_form.html", context, status=status)


def _failing_checks(application: Application) -> list[tuple[str, str]]:
    """What the eligibility checks would find failing if the draft were submitted now, as
    (check, finding) in the reader's language: a warning for the applicant, not a block. The
    tax declaration is made on this very page, so its check is left to the form."""
    if application.status != "draft":
        return []
    return [
        (str(CheckCode(code).label), finding_text(finding, params))
        for code, passed, finding, params in evaluate(application)
        if not passed and code != CheckCode.TAXES
    ]


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Submission: what is missing, the declaration, and the button."""
    access = access_of(request)
    require(rules.can_apply(access))
    application = _detail_or_404(request, pk)
    require(rules.is_applicant(access, application))
    form = SubmitForm(request.POST if request.method == "POST" else None)
    errors: dict[str, list[str]] = {}
    status = 200
    if form.is_valid():
        try:
            services.application_submit(
                application=application,
                actor=signed_in_user(request),
                declares_no_tax_debt=form.cleaned_data["declares_no_tax_debt"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        else:
            messages.success(
                request, _("Your application has been submitted. We have sent you a confirmation.")
            )
            return _to_detail(application)
    if form.is_bound:
        status = 400
    elif application.status == "draft":
        errors = services.missing_answers(application)
    labels = {f"field_{f.pk}": f.label for f in application.call.fields.all()}
    labels.update(
        title=_("Project title"),
        directions=_("Directions"),
        status=pgettext("application field", "Status"),
    )
    problems = [
        (labels.get(name, ""), message) for name, items in errors.items() for message in items
    ]
    return render(
        request,
        "selection/applications/application_submit.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "problems": problems,
            "failing_checks": _failing_checks(application),
            "is_open": application.call.is_open(),
        },
        status=status,
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_apply(access))
    application = _for_update_or_404(request, pk)
    require(rules.is_applicant(access, application))
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw the application?"),
            message=_(
                "Experts and the council will no longer see it. You can apply again while the "
                "call is open."
            ),
            action=pgettext("application", "Withdraw"),
            back=reverse("selection:application_detail", kwargs={"park_slug": park_slug, "pk": pk}),
        )
    try:
        services.application_withdraw(application=application, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return _to_detail(application)


@login_required
@require_POST
def application_answer(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The applicant answers the request for more information."""
    access = access_of(request)
    require(rules.can_apply(access))
    application = _detail_or_404(request, pk)
    require(rules.is_applicant(access, application))
    form = InformationAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.application_answer_info(
                application=application,
                actor=signed_in_user(request),
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your answer has been sent."))
            return _to_detail(application)
    return _render_detail(request, application, answer_form=form, status=400)


@login_required
@require_POST
def application_request_info(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_screen_applications(access))
    application = _detail_or_404(request, pk)
    require(rules.can_request_information(access, application))
    form = InformationRequestForm(request.POST)
    if form.is_valid():
        try:
            services.application_request_info(
                application=application,
                actor=signed_in_user(request),
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The applicant has been asked for more information."))
            return _to_detail(application)
    return _render_detail(request, application, request_form=form, status=400)


@login_required
@require_POST
def application_check_decide(
    request: HttpRequest, park_slug: str, pk: int, check_id: int
) -> HttpResponse:
    """A manager confirms or overrides one eligibility check, with a reason."""
    access = access_of(request)
    require(rules.can_screen_applications(access))
    check = queries.check_for_decision(park=park_of(request), application_pk=pk, check_pk=check_id)
    if check is None:
        raise Http404(_("No such check."))
    form = CheckDecisionForm(request.POST)
    if form.is_valid():
        try:
            eligibility_decide(
                check=check,
                actor=signed_in_user(request),
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your verdict has been recorded."))
            target = request.POST.get("next", "")
            if target == "screening":
                return redirect(
                    "selection:call_screening",
                    park_slug=park_slug,
                    call_id=check.application.call_id,
                )
            return _to_detail(check.application)
    application = _detail_or_404(request, pk)
    return _render_detail(request, application, decision_forms={check.pk: form}, status=400)


@login_required
@require_POST
def application_eligibility(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff give one application its eligibility outcome (a reason where it differs from the
    platform's verdict)."""
    access = access_of(request)
    require(rules.can_screen_applications(access))
    application = _detail_or_404(request, pk)
    form = EligibilityOutcomeForm(request.POST)
    if form.is_valid():
        try:
            eligibility_outcome_set(
                application=application,
                actor=signed_in_user(request),
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The eligibility outcome has been recorded."))
            if request.POST.get("next", "") == "screening":
                return redirect(
                    "selection:call_screening", park_slug=park_slug, call_id=application.call_id
                )
            return _to_detail(application)
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, str(problem))
    return _render_detail(request, application, status=400)


@login_required
@require_GET
def application_file(request: HttpRequest, park_slug: str, pk: int, answer_id: int) -> FileResponse:
    """An uploaded file, to the applicant's team, staff and assigned experts without a conflict;
    always as a download, never shown inline."""
    access = access_of(request)
    if not access.roles and not access.is_platform_admin:
        raise PermissionDenied
    answer = queries.answer_for_file(park=park_of(request), application_pk=pk, answer_pk=answer_id)
    if answer is None:
        raise Http404(_("No such file."))
    require(rules.can_open_application_file(access, answer.application))
    try:
        handle = answer.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("No such file.")) from error
    content_type = mimetypes.guess_type(answer.file_name)[0] or "application/octet-stream"
    filename = answer.file_name
    if answer.application.call.blind_review and not rules.can_view_application(
        access, answer.application
    ):
        # An expert on a blind call: the file's name could say who applied.
        filename = f"attachment-{answer.field_id}{Path(answer.file_name).suffix.lower()}"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
