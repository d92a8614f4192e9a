"""Every write to applications: start a draft, save its answers (typed by the question's kind),
submit it before the deadline (running the eligibility checks), withdraw it, ask for and give more
information. Every change by the applicant is kept as a revision, with what changed field by field.

Locking: each function locks the application row (``select_for_update``) before it reads the
status it changes; starting an application locks the call row, so that a company cannot open two
applications to one call at once (the database's partial unique constraint holds it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.parks.models import Direction
from technopark.selection.models import (
    EDITABLE_STATUSES,
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
    answer_display,
)
from technopark.selection.services.eligibility import run_checks

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000
TITLE_MAX = 300
NUMBER_LIMIT = Decimal("1e16")
MONEY_LIMIT = Decimal("1e12")
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


# --- Typed answers ----------------------------------------------------------------------------


@dataclass
class Typed:
    """The typed columns of one answer (what ``Answer`` stores); ``empty`` when not answered."""

    text: str = ""
    number: Decimal | None = None
    money: Decimal | None = None
    date: dt.date | None = None
    flag: bool | None = None
    choices: list[int] | None = None

    @property
    def empty(self) -> bool:
        return (
            not self.text
            and self.number is None
            and self.money is None
            and self.date is None
            and self.flag is None
            and not self.choices
        )


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _decimal(raw: Any, message: str) -> Decimal:
    if isinstance(raw, bool):
        raise ValidationError(message)
    if isinstance(raw, float):
        raw = repr(raw)
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(message) from error
    if not value.is_finite():
        raise ValidationError(message)
    return value


def parse_answer(field: FormField, raw: Any) -> Typed:
    """Turn what the applicant sent (form text or JSON) into the typed answer, or refuse with a
    message for the field. A blank value is an empty answer (required is checked at submission)."""
    kind = field.kind
    if kind == FieldKind.FILE:
        raise ValidationError(_("Upload the file on the application page."))
    if _is_blank(raw):
        return Typed()
    if kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT):
        if not isinstance(raw, str):
            raise ValidationError(_("Write text."))
        text = raw.strip()
        limit = SHORT_TEXT_MAX if kind == FieldKind.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            raise ValidationError(_("Keep it within %(n)d characters.") % {"n": limit})
        if "\x00" in text:
            raise ValidationError(_("The text contains a character that cannot be stored."))
        if kind == FieldKind.SHORT_TEXT and "\n" in text:
            text = " ".join(text.split())
        return Typed(text=text)
    if kind == FieldKind.NUMBER:
        value = _decimal(raw, _("Enter a number, e.g. 12 or 3.5."))
        if abs(value) >= NUMBER_LIMIT:
            raise ValidationError(_("The number is too large."))
        if value.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValidationError(_("Use at most four digits after the decimal point."))
        return Typed(number=value)
    if kind == FieldKind.MONEY:
        value = _decimal(raw, _("Enter an amount in roubles, e.g. 1500000 or 1500000.50."))
        if value < 0:
            raise ValidationError(_("The amount cannot be negative."))
        if value >= MONEY_LIMIT:
            raise ValidationError(_("The amount is too large."))
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError(_("Use at most two digits (kopecks) after the decimal point."))
        return Typed(money=value.quantize(Decimal("0.01")))
    if kind == FieldKind.DATE:
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            value_date = raw
        else:
            try:
                value_date = dt.date.fromisoformat(str(raw).strip())
            except ValueError as error:
                raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from error
        if not 1900 <= value_date.year <= 2200:
            raise ValidationError(_("Enter a date between 1900 and 2200."))
        return Typed(date=value_date)
    if kind == FieldKind.DECLARATION:
        if isinstance(raw, bool):
            return Typed(flag=raw)
        text = str(raw).strip().lower()
        if text in ("yes", "true", "on", "1"):
            return Typed(flag=True)
        if text in ("no", "false", "off", "0"):
            return Typed(flag=False)
        raise ValidationError(_("Answer yes or no."))
    if kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        options = field.option_list
        items = raw if isinstance(raw, list | tuple) else [raw]
        if kind == FieldKind.CHOICE and len(items) != 1:
            raise ValidationError(_("Choose one option."))
        chosen: list[int] = []
        for item in items:
            if isinstance(item, bool):
                raise ValidationError(_("Choose among the options given."))
            try:
                index = int(str(item).strip())
            except ValueError as error:
                raise ValidationError(_("Choose among the options given.")) from error
            if not 0 <= index < len(options):
                raise ValidationError(_("Choose among the options given."))
            if index not in chosen:
                chosen.append(index)
        return Typed(choices=sorted(chosen))
    raise ValidationError(_("Unknown kind of question."))  # pragma: no cover


def check_upload(field: FormField, upload: UploadedFile) -> None:
    """Refuse a file larger than the question allows or of a type it does not take."""
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [t for t in field.allowed_types.split(",") if t]
    if allowed and extension not in allowed:
        raise ValidationError(
            _("Upload a file of one of these types: %(types)s.") % {"types": ", ".join(allowed)}
        )
    if (upload.size or 0) > field.max_size_mb * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(n)d MB.") % {"n": field.max_size_mb})
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    if len(name) > 200:
        raise ValidationError(_("Shorten the file's name to 200 characters."))


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


def _directions_text(directions: Iterable[Direction]) -> str:
    return ", ".join(sorted(d.display_name for d in directions))


# --- Start, save, submit ----------------------------------------------------------------------


@transaction.atomic
def application_start(
    *, call: Call, company: Company, actor: User, at: dt.datetime | None = None
) -> Application:
    """Open a draft application of ``company`` to ``call``: one open application per company and
    call. The directions start as the company's (those within the call's, when it names some).
    Locks the call row."""
    locked_call = Call.all_parks.select_for_update().select_related("park").get(pk=call.pk)
    if company.park_id != locked_call.park_id:
        raise ValidationError({"company": _("Choose a company of this park.")})
    check_call_open(locked_call, at)
    open_ones = Application.all_parks.filter(
        call=locked_call, company=company, status__in=[s.value for s in OPEN_STATUSES]
    )
    if open_ones.exists():
        raise ValidationError(
            {"company": _("The company already has an open application to this call.")},
            code="duplicate",
        )
    try:
        with transaction.atomic():
            application = Application.all_parks.create(
                park=locked_call.park,
                call=locked_call,
                company=company,
                created_by=actor if getattr(actor, "pk", None) else None,
                status=ApplicationStatus.DRAFT,
            )
    except IntegrityError as error:  # a concurrent start for the same company and call
        raise ValidationError(
            {"company": _("The company already has an open application to this call.")},
            code="duplicate",
        ) from error
    call_directions = set(locked_call.directions.values_list("pk", flat=True))
    company_directions = list(company.directions.all())
    application.directions.set(
        [d for d in company_directions if not call_directions or d.pk in call_directions]
    )
    writes("selection", park_id=locked_call.park_id)
    return application


def _delete_file_on_commit(storage: Any, name: str) -> None:
    """Delete a stored file once the transaction commits. Until then the answer row that names it
    may still be rolled back, and a row must never name a file that is gone."""
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def application_save(
    *,
    application: Application,
    actor: User,
    title: str | None = None,
    directions: Iterable[Direction] | None = None,
    answers: Mapping[int, Any] | None = None,
    files: Mapping[int, UploadedFile] | None = None,
    remove_files: Iterable[int] = (),
    at: dt.datetime | None = None,
) -> ApplicationRevision | None:
    """Save what the applicant typed (a draft, or answers while more information is asked).

    ``answers`` maps question ids to raw values (text from a form or JSON values), ``files`` maps
    file questions to uploads; what is left out stays as it was. Required answers are not asked
    for until submission. Refuses, naming each question (``field_<id>``), values that do not fit
    its kind. Returns the revision that records the change (None when nothing changed). Locks the
    application row. A replaced or removed file is deleted from storage only once the change is
    committed.
    """
    now = at or timezone.now()
    locked = _lock(application)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("The application is %(status)s: it can no longer be changed.")
            % {"status": locked.get_status_display()}
        )
    if locked.status == ApplicationStatus.DRAFT:
        check_call_open(locked.call, now)
    fields = {f.pk: f for f in FormField.objects.filter(call_id=locked.call_id)}
    existing = {a.field_id: a for a in Answer.objects.filter(application=locked)}
    errors: dict[str, list[str]] = {}
    changes: list[tuple[FormField | None, str, str, str]] = []

    if title is not None:
        title = title.strip()
        if len(title) > TITLE_MAX:
            errors["title"] = [_("Keep the title within %(n)d characters.") % {"n": TITLE_MAX}]
        elif "\x00" in title:
            errors["title"] = [_("The text contains a character that cannot be stored.")]
    chosen_directions: list[Direction] | None = None
    if directions is not None:
        chosen_directions = list(directions)
        if any(d.park_id != locked.park_id for d in chosen_directions):
            errors["directions"] = [_("Choose directions of this park.")]

    typed: dict[int, Typed] = {}
    for field_id, raw in (answers or {}).items():
        field = fields.get(field_id)
        if field is None:
            errors.setdefault("answers", []).append(
                _("Question %(id)s is not in this call's form.") % {"id": field_id}
            )
            continue
        try:
            typed[field_id] = parse_answer(field, raw)
        except ValidationError as error:
            errors[field_key(field)] = list(error.messages)
    for field_id, upload in (files or {}).items():
        field = fields.get(field_id)
        if field is None or field.kind != FieldKind.FILE:
            errors.setdefault("answers", []).append(
                _("Question %(id)s takes no file.") % {"id": field_id}
            )
            continue
        try:
            check_upload(field, upload)
        except ValidationError as error:
            errors[field_key(field)] = list(error.messages)
    if errors:
        raise ValidationError(errors)

    if title is not None and title != locked.title:
        changes.append((None, str(_("Project title")), locked.title, title))
        locked.title = title
        locked.save(update_fields=["title", "updated_at"])
    if chosen_directions is not None:
        current = list(locked.directions.all())
        if {d.pk for d in current} != {d.pk for d in chosen_directions}:
            changes.append(
                (
                    None,
                    str(_("Directions")),
                    _directions_text(current),
                    _directions_text(chosen_directions),
                )
            )
            locked.directions.set(chosen_directions)

    for field_id, value in typed.items():
        field = fields[field_id]
        answer = existing.get(field_id)
        before = answer_display(field, answer)
        if value.empty:
            if answer is not None:
                answer.delete()
                changes.append((field, field.label, before, ""))
            continue
        if answer is None:
            answer = Answer(application=locked, field=field)
        answer.text = value.text
        answer.number = value.number
        answer.money = value.money
        answer.date = value.date
        answer.flag = value.flag
        answer.choices = value.choices or []
        after = answer_display(field, answer)
        if after != before or answer.pk is None:
            answer.save()
            if after != before:
                changes.append((field, field.label, before, after))
    for field_id, upload in (files or {}).items():
        field = fields[field_id]
        answer = existing.get(field_id) or Answer(application=locked, field=field)
        before = answer_display(field, answer if answer.pk else None)
        old_name = answer.file.name if answer.file else ""
        answer.file_name = PurePath(upload.name or "file").name
        answer.file_size = upload.size
        answer.file.save(answer.file_name, upload, save=False)
        answer.save()
        if old_name and old_name != answer.file.name:
            _delete_file_on_commit(answer.file.storage, old_name)
        changes.append((field, field.label, before, answer.file_name))
    for field_id in remove_files:
        answer = existing.get(field_id)
        field = fields.get(field_id)
        if answer is None or field is None or field.kind != FieldKind.FILE or not answer.file:
            continue
        if field_id in (files or {}):
            continue
        before = answer.file_name
        _delete_file_on_commit(answer.file.storage, answer.file.name or "")
        answer.delete()
        changes.append((field, field.label, before, ""))

    revision = _record_revision(
        application=locked, actor=actor, kind=RevisionKind.SAVED, changes=changes, now=now
    )
    if changes:
        Application.all_parks.filter(park_id=locked.park_id, pk=locked.pk).update(updated_at=now)
        if locked.status != ApplicationStatus.DRAFT:
            # A draft's autosave shows on no cached page: it retires none.
            writes("selection", park_id=locked.park_id)
    return revision


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
    confirmation to the company's team once the transaction commits. Locks the application."""
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
                str(_("Status")),
                str(ApplicationStatus.DRAFT.label),
                str(ApplicationStatus.SUBMITTED.label),
            )
        ],
        now=now,
    )
    run_checks(application=locked, at=now)
    writes("selection", park_id=locked.park_id)
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
    the call again while it is open. Locks the application row."""
    locked = _lock(application)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "status": _("The application is %(status)s: it cannot be withdrawn.")
                % {"status": locked.get_status_display()}
            }
        )
    before = locked.get_status_display()
    locked.status = ApplicationStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _record_revision(
        application=locked,
        actor=actor,
        kind=RevisionKind.WITHDRAWN,
        changes=[(None, str(_("Status")), str(before), str(ApplicationStatus.WITHDRAWN.label))],
        now=locked.withdrawn_at,
    )
    writes("selection", park_id=locked.park_id)
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
    writes("selection", park_id=locked.park_id)
    _notify(locked, "info_requested", "")
    return request


@transaction.atomic
def application_answer_info(
    *, application: Application, actor: User, answer: str
) -> InformationRequest:
    """The applicant answers the open request for information: the application is submitted
    again (its deadline does not apply: the park asked). Locks the application row."""
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
    writes("selection", park_id=locked.park_id)
    return request
