"""Every write to an application once it is a draft: submit it before the deadline (running the
eligibility checks), withdraw it, ask for and give more information; and what all writes to an
application share: whether the call is open, the names of the questions, revisions and the row
lock. Starting a draft and saving its answers and files is ``drafts``. Every change by the
applicant is kept as a revision, with what changed field by field.

Locking: each function locks the application row (``select_for_update``) before it reads the
status it changes.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.selection.models import (
    OPEN_STATUSES,
    Answer,
    Application,
    ApplicationRevision,
    ApplicationStatus,
    Call,
    FieldKind,
    FormField,
    InformationRequest,
    RevisionChange,
    RevisionKind,
    RunTrigger,
    answer_display,
)
from technopark.selection.services.eligibility import run_checks
from technopark.selection.services.ranking import ranking_refresh

LONG_TEXT_MAX = 20_000
# Autosaves by the same person within this time make one revision, not one per keystroke.
REVISION_MERGE_WINDOW = dt.timedelta(minutes=15)


def field_key(field: FormField | int) -> str:
    """The name of a question in forms and in error messages: ``field_<id>``."""
    return f"field_{field if isinstance(field, int) else field.pk}"


def _closed_message(call: Call) -> str:
    return _("The call “%(title)s” is closed: it no longer takes applications.") % {
        "title": call.title
    }


def _not_open_yet_message(call: Call) -> str:
    return _("The call “%(title)s” is not open yet.") % {"title": call.title}


def check_call_open(call: Call, at: dt.datetime | None = None) -> None:
    """Refuse, with a clear message, unless the call takes applications at ``at`` (now)."""
    now = at or timezone.now()
    if call.status != "published" or now >= call.closes_at:
        raise ValidationError(_closed_message(call), code="closed")
    if now < call.opens_at:
        raise ValidationError(_not_open_yet_message(call), code="not_open")


# --- Revisions ------------------------------------------------------------------------------


def _record_revision(
    *,
    application: Application,
    actor: User,
    kind: str,
    changes: list[tuple[FormField | None, str, str, str]],
    now: dt.datetime,
) -> ApplicationRevision | None:
    """Keep a revision with the given changes ``(field, name, before, after)``.

    Autosaves (``SAVED``) by the same person within ``REVISION_MERGE_WINDOW`` of the last saved
    revision are merged into it: each field keeps its first "before" and its latest "after".
    """
    last = ApplicationRevision.objects.filter(application=application).order_by("-number").first()
    author = actor if getattr(actor, "pk", None) else None
    if (
        kind == RevisionKind.SAVED
        and last is not None
        and last.kind == RevisionKind.SAVED
        and last.author_id == getattr(author, "pk", None)
        and now - last.created_at <= REVISION_MERGE_WINDOW
    ):
        existing = {change.name: change for change in last.changes.all()}
        for field, name, before, after in changes:
            change = existing.get(name)
            if change is None:
                RevisionChange.objects.create(
                    revision=last, field=field, name=name, before=before, after=after
                )
            elif change.before == after:
                change.delete()
            else:
                change.after = after
                change.save(update_fields=["after"])
        if not last.changes.exists():
            last.delete()
            return None
        return last
    if kind == RevisionKind.SAVED and not changes:
        return None
    revision = ApplicationRevision.objects.create(
        application=application,
        number=(last.number + 1) if last else 1,
        kind=kind,
        author=author,
    )
    RevisionChange.objects.bulk_create(
        RevisionChange(revision=revision, field=field, name=name, before=before, after=after)
        for field, name, before, after in changes
    )
    return revision


def _lock(application: Application) -> Application:
    locked: Application = (
        Application.all_parks.select_for_update()
        .select_related("call", "call__park", "company")
        .get(pk=application.pk)
    )
    return locked


# --- Submit, withdraw, information requests -------------------------------------------------


def missing_answers(application: Application) -> dict[str, list[str]]:
    """What must still be given before the application can be submitted, by field name."""
    errors: dict[str, list[str]] = {}
    if not application.title.strip():
        errors["title"] = [_("Give your project a title.")]
    call = application.call
    if call.require_directions and call.directions.exists() and not application.directions.exists():
        errors["directions"] = [_("Choose at least one direction of the call.")]
    answers = {a.field_id: a for a in Answer.objects.filter(application=application)}
    for field in FormField.objects.filter(call_id=call.pk):
        if not field.required:
            continue
        answer = answers.get(field.pk)
        if field.kind == FieldKind.DECLARATION:
            if answer is None or answer.flag is not True:
                errors[field_key(field)] = [_("Confirm this declaration to submit.")]
        elif answer is None or not answer_display(field, answer):
            errors[field_key(field)] = [_("Answer this question to submit.")]
    return errors


@transaction.atomic
def application_submit(
    *,
    application: Application,
    actor: User,
    declares_no_tax_debt: bool,
    at: dt.datetime | None = None,
    base_url: str = "",
) -> Application:
    """Submit a draft before the call's deadline: every required answer must be given (refused
    field by field otherwise). Runs the eligibility checks, keeps a revision and mails a
    confirmation to the company's team once the transaction commits. Locks the application.
    Audit-logged as ``selection.application_submit``."""
    now = at or timezone.now()
    locked = _lock(application)
    if locked.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft can be submitted; this application is %(status)s.")
                % {"status": locked.get_status_display()}
            }
        )
    check_call_open(locked.call, now)
    missing = missing_answers(locked)
    if missing:
        raise ValidationError(missing)
    locked.status = ApplicationStatus.SUBMITTED
    locked.submitted_at = now
    locked.declares_no_tax_debt = bool(declares_no_tax_debt)
    locked.save(update_fields=["status", "submitted_at", "declares_no_tax_debt", "updated_at"])
    _record_revision(
        application=locked,
        actor=actor,
        kind=RevisionKind.SUBMITTED,
        changes=[
            (
                None,
                str(pgettext("application field", "Status")),
                str(ApplicationStatus.DRAFT.label),
                str(ApplicationStatus.SUBMITTED.label),
            )
        ],
        now=now,
    )
    run_checks(application=locked, trigger=RunTrigger.SUBMITTED, actor=actor, at=now)
    audit_record(
        park=locked.park,
        actor=actor,
        action="selection.application_submit",
        target=locked,
        summary=f"call {locked.call_id}: company {locked.company_id}",
        before={"status": ApplicationStatus.DRAFT},
        after={
            "status": locked.status,
            "call_id": locked.call_id,
            "company_id": locked.company_id,
            "submitted_at": now,
            "declares_no_tax_debt": locked.declares_no_tax_debt,
        },
    )
    ranking_refresh(park_id=locked.park_id, application_ids=[locked.pk])
    _notify(locked, "submitted", base_url)
    return locked


def _notify(application: Application, what: str, base_url: str) -> None:
    from django.utils import translation

    from technopark.selection.tasks.applications import application_notify

    language = translation.get_language() or "ru"
    application_id = application.pk
    transaction.on_commit(
        lambda: application_notify.enqueue(
            application_id=application_id, what=what, base_url=base_url, language=language
        )
    )


@transaction.atomic
def application_withdraw(*, application: Application, actor: User) -> Application:
    """The applicant withdraws an open application (at any time); the company may then apply to
    the call again while it is open. Locks the application row. Audit-logged as
    ``selection.application_withdraw``."""
    locked = _lock(application)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "status": _("The application is %(status)s: it cannot be withdrawn.")
                % {"status": locked.get_status_display()}
            }
        )
    before = locked.get_status_display()
    before_status = locked.status
    locked.status = ApplicationStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _record_revision(
        application=locked,
        actor=actor,
        kind=RevisionKind.WITHDRAWN,
        changes=[
            (
                None,
                str(pgettext("application field", "Status")),
                str(before),
                str(ApplicationStatus.WITHDRAWN.label),
            )
        ],
        now=locked.withdrawn_at,
    )
    audit_record(
        park=locked.park,
        actor=actor,
        action="selection.application_withdraw",
        target=locked,
        summary=f"call {locked.call_id}: company {locked.company_id}",
        before={"status": before_status},
        after={"status": locked.status, "withdrawn_at": locked.withdrawn_at},
    )
    ranking_refresh(park_id=locked.park_id, application_ids=[locked.pk])
    return locked


@transaction.atomic
def application_request_info(
    *, application: Application, actor: User, message: str
) -> InformationRequest:
    """Staff ask the applicant for more information: the application goes to ``info_requested``
    and the applicant may change their answers until they reply. Only a submitted application
    can be asked. Recorded in the audit log. Locks the application row."""
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write what the applicant should add.")})
    if len(message) > 5000:
        raise ValidationError({"message": _("Keep the message within 5000 characters.")})
    if "\x00" in message:
        raise ValidationError(
            {"message": _("The text contains a character that cannot be stored.")}
        )
    locked = _lock(application)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            {
                "status": _(
                    "Only a submitted application can be asked for more information; "
                    "this one is %(status)s."
                )
                % {"status": locked.get_status_display()}
            }
        )
    request = InformationRequest.objects.create(
        application=locked, message=message, requested_by=actor
    )
    locked.status = ApplicationStatus.INFO_REQUESTED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        park=locked.park,
        actor=actor,
        action="selection.info_request",
        target=locked,
        summary=message[:300],
        before={"status": ApplicationStatus.SUBMITTED.value},
        after={"status": ApplicationStatus.INFO_REQUESTED.value},
    )
    ranking_refresh(park_id=locked.park_id, application_ids=[locked.pk])
    _notify(locked, "info_requested", "")
    return request


@transaction.atomic
def application_answer_info(
    *, application: Application, actor: User, answer: str
) -> InformationRequest:
    """The applicant answers the open request for information: the application is submitted
    again (its deadline does not apply: the park asked) and its eligibility checks run again
    (kept in their history; audit-logged). Locks the application row."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write your answer.")})
    if len(answer) > LONG_TEXT_MAX:
        raise ValidationError(
            {"answer": _("Keep it within %(n)d characters.") % {"n": LONG_TEXT_MAX}}
        )
    if "\x00" in answer:
        raise ValidationError({"answer": _("The text contains a character that cannot be stored.")})
    locked = _lock(application)
    if locked.status != ApplicationStatus.INFO_REQUESTED:
        raise ValidationError(
            {"status": _("Nobody has asked this application for more information.")}
        )
    request = (
        InformationRequest.objects.select_for_update()
        .filter(application=locked, answered_at__isnull=True)
        .order_by("-requested_at", "-id")
        .first()
    )
    if request is None:  # pragma: no cover - the status says one is open
        raise ValidationError(
            {"status": _("Nobody has asked this application for more information.")}
        )
    now = timezone.now()
    request.answer = answer
    request.answered_by = actor
    request.answered_at = now
    request.save(update_fields=["answer", "answered_by", "answered_at"])
    locked.status = ApplicationStatus.SUBMITTED
    locked.save(update_fields=["status", "updated_at"])
    _record_revision(
        application=locked,
        actor=actor,
        kind=RevisionKind.INFO_ANSWERED,
        changes=[(None, str(_("Answer to the request for information")), "", answer)],
        now=now,
    )
    # The answer may have changed what the checks find (directions, the company's record).
    run_checks(application=locked, trigger=RunTrigger.INFO_ANSWERED, actor=actor, at=now)
    ranking_refresh(park_id=locked.park_id, application_ids=[locked.pk])
    return request
