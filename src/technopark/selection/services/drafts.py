"""The applicant's draft: start it, save its answers (typed by the question's kind) and files,
also while more information is asked. Every change is kept as a revision
(``applications._record_revision``), with what changed field by field.

Locking: starting an application locks the call row, so that a company cannot open two
applications to one call at once (the database's partial unique constraint holds it too); saving
locks the application row (``select_for_update``) before it reads the status it changes.
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
    RevisionKind,
    answer_display,
)
from technopark.selection.services.applications import (
    LONG_TEXT_MAX,
    _lock,
    _record_revision,
    check_call_open,
    field_key,
)

SHORT_TEXT_MAX = 300
TITLE_MAX = 300
NUMBER_LIMIT = Decimal("1e16")
MONEY_LIMIT = Decimal("1e12")


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


def _directions_text(directions: Iterable[Direction]) -> str:
    return ", ".join(sorted(d.display_name for d in directions))


# --- Start, save ------------------------------------------------------------------------------


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
