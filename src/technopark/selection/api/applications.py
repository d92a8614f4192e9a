"""The calls and applications part of the API.

* Calls: the open calls of a park and one call with its form and criteria, for anyone who may see
  the park (anonymous visitors of a public park too).
* Own applications: a founder lists, starts, changes, submits and withdraws the applications of
  the companies they act for.
* Staff: every application to a call, with its eligibility checks and the history of their
  runs; running one application's checks again (the screening page's button).
* Files: the applicant uploads (multipart) or removes the file answering a question of a draft
  (or while more information is asked), with the page's size and type checks and private
  storage; the applicant's team, staff and assigned experts without a conflict list and download
  an application's files, as the page serves them.

The same permissions as the pages (``selection.rules.applications``), asked before a record is
looked up: anonymous → 401, not allowed → 403, not in this park → 404. Refusals of the services
are 422 naming the field (``field_<id>`` for an answer).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import ErrorOut, ValidationErrorOut, documented
from technopark.api.types import Id
from technopark.companies.models import Company
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Direction
from technopark.selection import rules
from technopark.selection.models import Answer, Application, FieldKind
from technopark.selection.queries import applications as app_queries
from technopark.selection.queries import calls as call_queries
from technopark.selection.schemas.applications import (
    ApplicationFileListOut,
    CallDetailOut,
    CallStatusOut,
    CallSummaryListOut,
    EligibilityConfirmIn,
    EligibilityConfirmOut,
    EligibilityOutcomeIn,
    OwnApplicationCreateIn,
    OwnApplicationDetailOut,
    OwnApplicationListOut,
    OwnApplicationSubmitIn,
    OwnApplicationUpdateIn,
    ScreenedApplicationListOut,
    ScreenedApplicationOut,
)
from technopark.selection.services import applications as services
from technopark.selection.services import calls as call_services
from technopark.selection.services import drafts as draft_services
from technopark.selection.services.eligibility import (
    eligibility_confirm_bulk,
    eligibility_outcome_set,
    eligibility_rerun,
)

router = Router(tags=["selection"])


def _application(request: HttpRequest, application_id: int) -> Application:
    access = access_of(request)
    require(rules.can_apply(access))
    application = app_queries.application_detail(park=park_of(request), pk=application_id)
    if application is None:
        raise Http404
    require(rules.is_applicant(access, application))
    return application


def _reloaded(request: HttpRequest, application: Application) -> Application:
    fresh = app_queries.application_detail(park=park_of(request), pk=application.pk)
    if fresh is None:  # pragma: no cover - it was just written
        raise Http404
    return fresh


@router.get(
    "/parks/{slug:park_slug}/calls",
    auth=None,
    **documented({200: CallSummaryListOut}, 403, 404),
    summary="The park's open calls",
)
def call_list(request: HttpRequest, park_slug: str) -> Any:
    """Calls taking applications now, soonest deadline first (no sign-in needed)."""
    require(rules.can_view_calls(access_of(request)))
    return {"items": list(call_queries.open_calls(park=park_of(request)))}


@router.get(
    "/parks/{slug:park_slug}/calls/{call_id}",
    auth=None,
    **documented({200: CallDetailOut}, 403, 404, 422),
    summary="One call with its form and review criteria",
)
def call_detail(request: HttpRequest, park_slug: str, call_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_view_calls(access))
    call = call_queries.call_detail(park=park_of(request), pk=call_id)
    if call is None or not rules.can_view_call(access, call):
        raise Http404
    return call


@router.get(
    "/parks/{slug:park_slug}/calls/{call_id}/applications",
    auth=signed_in,
    **documented({200: ScreenedApplicationListOut}, 401, 403, 404, 422),
    summary="Every application to a call, with its eligibility checks (staff)",
)
def call_applications(request: HttpRequest, park_slug: str, call_id: Id) -> Any:
    require(rules.can_screen_applications(access_of(request)))
    call = call_queries.call_detail(park=park_of(request), pk=call_id)
    if call is None:
        raise Http404
    return {"items": list(app_queries.call_applications(call=call))}


@router.post(
    "/parks/{slug:park_slug}/calls/{call_id}/archive",
    auth=signed_in,
    **documented({200: CallStatusOut}, 401, 403, 404, 422),
    summary="Archive a call (staff)",
)
def call_archive(request: HttpRequest, park_slug: str, call_id: Id) -> Any:
    """As the call page's "Archive": the call leaves the lists and the public pages and takes
    no applications; its applications, reviews and decisions stay readable. Archiving an
    archived call changes nothing."""
    require(rules.can_manage_calls(access_of(request)))
    call = call_queries.call_detail(park=park_of(request), pk=call_id)
    if call is None:
        raise Http404
    return call_services.call_archive(call=call, actor=signed_in_user(request))


@router.post(
    "/parks/{slug:park_slug}/calls/{call_id}/eligibility/confirm",
    auth=signed_in,
    **documented({200: EligibilityConfirmOut}, 400, 401, 403, 404, 422),
    summary="Confirm the automatic eligibility verdicts of applications (staff)",
)
def call_eligibility_confirm(
    request: HttpRequest, park_slug: str, call_id: Id, payload: EligibilityConfirmIn
) -> Any:
    """As the screening page's bulk action: every check awaiting a decision is confirmed as
    found and each application's outcome becomes its automatic verdict; an outcome given with a
    reason stays. All or nothing: one application not of the call, decided or unchecked is a
    422 and nothing changes."""
    require(rules.can_screen_applications(access_of(request)))
    call = call_queries.call_detail(park=park_of(request), pk=call_id)
    if call is None:
        raise Http404
    count = eligibility_confirm_bulk(
        call=call, application_ids=payload.applications, actor=signed_in_user(request)
    )
    items = app_queries.call_applications(call=call).filter(pk__in=payload.applications)
    return {"confirmed": count, "items": list(items)}


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/eligibility",
    auth=signed_in,
    **documented({200: ScreenedApplicationOut}, 400, 401, 403, 404, 422),
    summary="Give an application its eligibility outcome (staff)",
)
def application_eligibility(
    request: HttpRequest, park_slug: str, application_id: Id, payload: EligibilityOutcomeIn
) -> Any:
    """Eligible, ineligible or needs information; a reason is needed only where the outcome
    differs from the automatic verdict (422 naming ``reason`` otherwise)."""
    require(rules.can_screen_applications(access_of(request)))
    park = park_of(request)
    application = app_queries.screened_application(park=park, pk=application_id)
    if application is None:
        raise Http404
    eligibility_outcome_set(
        application=application,
        actor=signed_in_user(request),
        outcome=payload.outcome,
        reason=payload.reason,
    )
    fresh = app_queries.screened_application(park=park, pk=application_id)
    if fresh is None:  # pragma: no cover - it was just read
        raise Http404
    return fresh


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/eligibility/rerun",
    auth=signed_in,
    **documented({200: ScreenedApplicationOut}, 401, 403, 404, 422),
    summary="Run an application's eligibility checks again (staff)",
)
def application_eligibility_rerun(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    """As the screening page's "Run the checks again": staff who may screen, an application
    past the draft and not yet decided (422 once decided). The run is kept in its history;
    answers the application with its checks and runs. A token needs the write scope."""
    require(rules.can_screen_applications(access_of(request)))
    park = park_of(request)
    application = app_queries.screened_application(park=park, pk=application_id)
    if application is None:
        raise Http404
    eligibility_rerun(application=application, actor=signed_in_user(request))
    fresh = app_queries.screened_application(park=park, pk=application_id)
    if fresh is None:  # pragma: no cover - it was just read
        raise Http404
    return fresh


@router.get(
    "/parks/{slug:park_slug}/applications",
    auth=signed_in,
    **documented({200: OwnApplicationListOut}, 401, 403, 404),
    summary="The applications of the companies you act for",
)
def application_list(request: HttpRequest, park_slug: str) -> Any:
    require(rules.can_list_own_applications(access_of(request)))
    rows = app_queries.own_applications(park=park_of(request), user=request.user)
    return {"items": list(rows)}


@router.post(
    "/parks/{slug:park_slug}/applications",
    auth=signed_in,
    **documented({201: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Start a draft application for a company you act for",
)
def application_create(
    request: HttpRequest, park_slug: str, payload: OwnApplicationCreateIn
) -> Any:
    access = access_of(request)
    park = park_of(request)
    require(rules.can_apply(access))
    call = call_queries.call_detail(park=park, pk=payload.call)
    if call is None or not rules.can_view_call(access, call):
        raise ValidationError({"call": _("Choose an open call of this park.")})
    company = Company.all_parks.filter(park=park, pk=payload.company).first()
    if company is None:
        raise ValidationError({"company": _("Choose a company of this park.")})
    require(rules.can_apply_for(access, company))
    application = draft_services.application_start(
        call=call, company=company, actor=signed_in_user(request)
    )
    return Status(201, _reloaded(request, application))


@router.get(
    "/parks/{slug:park_slug}/applications/{application_id}",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 401, 403, 404, 422),
    summary="One of your applications with its answers",
)
def application_detail(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    return _application(request, application_id)


@router.patch(
    "/parks/{slug:park_slug}/applications/{application_id}",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Change the title, directions or answers of a draft",
)
def application_update(
    request: HttpRequest, park_slug: str, application_id: Id, payload: OwnApplicationUpdateIn
) -> Any:
    """Only what is sent changes. Answers are checked against their question's kind."""
    application = _application(request, application_id)
    directions = None
    if payload.directions is not None:
        wanted = set(payload.directions)
        directions = list(Direction.all_parks.filter(park=park_of(request), pk__in=wanted))
        if len(directions) != len(wanted):
            raise ValidationError({"directions": _("Choose directions of this park.")})
    answers: dict[int, Any] = {}
    for item in payload.answers:
        answers[item.field] = item.value
    draft_services.application_save(
        application=application,
        actor=signed_in_user(request),
        title=payload.title,
        directions=directions,
        answers=answers,
    )
    return _reloaded(request, application)


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/submit",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Submit a draft before the call's deadline",
)
def application_submit(
    request: HttpRequest, park_slug: str, application_id: Id, payload: OwnApplicationSubmitIn
) -> Any:
    application = _application(request, application_id)
    services.application_submit(
        application=application,
        actor=signed_in_user(request),
        declares_no_tax_debt=payload.declares_no_tax_debt,
        base_url=request.build_absolute_uri("/"),
    )
    return _reloaded(request, application)


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/withdraw",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 401, 403, 404, 422),
    summary="Withdraw an open application",
)
def application_withdraw(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    application = _application(request, application_id)
    services.application_withdraw(application=application, actor=signed_in_user(request))
    return _reloaded(request, application)


# --- Files: upload to a draft, list, download --------------------------------------------------


def _editable(request: HttpRequest, application_id: int) -> Application:
    """The applicant's own application; another company's (or park's) is not found."""
    access = access_of(request)
    require(rules.can_apply(access))
    application = app_queries.application_detail(park=park_of(request), pk=application_id)
    if application is None or not rules.is_applicant(access, application):
        raise Http404
    if not rules.can_edit_application(access, application):
        raise ValidationError(_("This application can no longer be changed."))
    return application


def _file_question(application: Application, field_id: int) -> Any:
    for field in application.call.fields.all():  # prefetched with the application
        if field.pk == field_id:
            if field.kind != FieldKind.FILE:
                raise ValidationError({"file": _("This question takes no file.")})
            return field
    raise Http404


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/answers/{field_id}/file",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Upload the file answering a question of your draft (multipart)",
)
def application_file_upload(
    request: HttpRequest,
    park_slug: str,
    application_id: Id,
    field_id: Id,
    file: File[UploadedFile],
) -> Any:
    """``multipart/form-data`` with one part, ``file`` (two are refused). The question's own limits apply (its
    types and size in MB; not empty; a name of at most 200 characters); the file replaces the
    one answered before and is kept in private storage. Only a draft, or an application whose
    answers are asked to be completed, takes a file (422 otherwise)."""
    application = _editable(request, application_id)
    field = _file_question(application, field_id)
    if len(request.FILES.getlist("file")) > 1:
        raise ValidationError({"file": _("Send one file for a question.")})
    draft_services.application_save(
        application=application, actor=signed_in_user(request), files={field.pk: file}
    )
    return _reloaded(request, application)


@router.delete(
    "/parks/{slug:park_slug}/applications/{application_id}/answers/{field_id}/file",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 401, 403, 404, 422),
    summary="Remove the file answering a question of your draft",
)
def application_file_remove(
    request: HttpRequest, park_slug: str, application_id: Id, field_id: Id
) -> Any:
    """Nothing happens when the question has no file."""
    application = _editable(request, application_id)
    field = _file_question(application, field_id)
    draft_services.application_save(
        application=application, actor=signed_in_user(request), remove_files=[field.pk]
    )
    return _reloaded(request, application)


def _readable(request: HttpRequest, application_id: int) -> Application:
    """An application whose files the visitor may open (as the page's file view decides);
    another company's, another park's, or one an expert is not assigned to is not found."""
    access = access_of(request)
    if not access.roles and not access.is_platform_admin:
        raise PermissionDenied
    application = app_queries.application_detail(park=park_of(request), pk=application_id)
    if application is None or not rules.can_open_application_file(access, application):
        raise Http404
    return application


def _shown_name(request: HttpRequest, answer: Answer, application: Application) -> str:
    if application.call.blind_review and not rules.can_view_application(
        access_of(request), application
    ):
        # An expert on a blind call: the file's name could say who applied.
        return f"attachment-{answer.field_id}{Path(answer.file_name).suffix.lower()}"
    return answer.file_name


@router.get(
    "/parks/{slug:park_slug}/applications/{application_id}/files",
    auth=signed_in,
    **documented({200: ApplicationFileListOut}, 401, 403, 404, 422),
    summary="An application's files (its team, staff, assigned experts)",
)
def application_file_list(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    application = _readable(request, application_id)
    questions = {field.pk: field for field in application.call.fields.all()}
    items = []
    for answer in application.answers.all():
        field = questions.get(answer.field_id)
        if field is None or not answer.file:
            continue
        items.append(
            {
                "answer_id": answer.pk,
                "field_id": answer.field_id,
                "question": field.label,
                "file_name": _shown_name(request, answer, application),
                "file_size": answer.file_size or 0,
            }
        )
    return {"items": items}


FILE_MEANING = (
    "The file, always as a download (`Content-Disposition: attachment`), of the type its name "
    "says (`application/octet-stream` when unknown)."
)


@router.get(
    "/parks/{slug:park_slug}/applications/{application_id}/files/{answer_id}",
    auth=signed_in,
    response={
        code: ValidationErrorOut if code == 422 else ErrorOut for code in (401, 403, 404, 422)
    },
    openapi_extra={
        "responses": {
            # OpenAPI 3.1: a body of raw bytes has no schema, only its media type.
            200: {"description": FILE_MEANING, "content": {"*/*": {}}},
            **documented({}, 401, 403, 404, 422)["openapi_extra"]["responses"],
        }
    },
    summary="Download one of an application's files",
)
def application_file_download(
    request: HttpRequest, park_slug: str, application_id: Id, answer_id: Id
) -> Any:
    """Served as the application page serves it: ``Content-Disposition: attachment``,
    ``X-Content-Type-Options: nosniff``, ``Cache-Control: private, no-store``; an expert of a
    blind call gets it as ``attachment-<field_id>.<ext>``."""
    application = _readable(request, application_id)
    answer = app_queries.answer_for_file(
        park=park_of(request), application_pk=application.pk, answer_pk=answer_id
    )
    if answer is None:
        raise Http404
    try:
        handle = answer.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(answer.file_name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_shown_name(request, answer, application),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
