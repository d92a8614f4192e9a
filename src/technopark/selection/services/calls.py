"""Every write to calls, their forms and their review criteria.

Dates arrive as aware datetimes (the forms read them in the call's time zone) and are stored in UTC.
Each function locks the call row (``select_for_update``) before it changes the call or its form, so
that two staff members editing the same form do not interleave their positions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.parks.models import Direction, Park, Site
from technopark.selection.models import (
    Call,
    CallKind,
    CallStatus,
    Criterion,
    FieldKind,
    FormField,
)
from technopark.selection.services.eligibility import CHECK_SETTINGS, rerun_for_call

# Call fields staff set directly (status goes through publish/close).
CALL_FIELDS = (
    "kind",
    "title",
    "description",
    "site",
    "opens_at",
    "closes_at",
    "reviews_per_application",
    "blind_review",
    "require_region",
    "require_sme",
    "require_no_tax_debt",
    "require_directions",
    "exclude_residents",
)
FIELD_FIELDS = ("kind", "label", "help_text", "required", "options", "max_size_mb", "allowed_types")
CRITERION_FIELDS = ("name", "description", "weight", "scale_max")
CHOICE_KINDS = (FieldKind.CHOICE, FieldKind.MULTI_CHOICE)
LARGEST_UPLOAD_MB = 50


def _check_call(call: Call, directions: list[Direction] | None) -> None:
    if call.kind not in CallKind.values:
        raise ValidationError({"kind": _("Choose a kind of call.")})
    if not call.title.strip():
        raise ValidationError({"title": _("Give the call a title.")})
    if call.site is not None and call.site.park_id != call.park_id:
        raise ValidationError({"site": _("Choose a site of this park.")})
    if directions is not None and any(d.park_id != call.park_id for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    if call.opens_at is None or call.closes_at is None:
        raise ValidationError({"closes_at": _("Give the dates the call opens and closes.")})
    if call.closes_at <= call.opens_at:
        raise ValidationError({"closes_at": _("The call must close after it opens.")})
    if not 1 <= int(call.reviews_per_application or 0) <= 20:
        raise ValidationError(
            {"reviews_per_application": _("Each application gets from 1 to 20 reviews.")}
        )


@transaction.atomic
def call_create(
    *,
    park: Park,
    actor: User,
    kind: str,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    site: Site | None = None,
    directions: Iterable[Direction] = (),
    **fields: Any,
) -> Call:
    """A new call, as a draft: nobody but staff sees it until it is published."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    directions = list(directions)
    call = Call(
        park=park,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        site=site,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor if getattr(actor, "pk", None) else None,
        status=CallStatus.DRAFT,
        **fields,
    )
    _check_call(call, directions)
    call.save()
    call.directions.set(directions)
    writes("selection", park_id=park.pk)
    return call


@transaction.atomic
def call_update(
    *,
    call: Call,
    actor: User,
    directions: Iterable[Direction] | None = None,
    at: datetime | None = None,
    **changes: Any,
) -> Call:
    """Change a call's settings. Locks the call row, then (in id order) the applications whose
    checks run again.

    When the change touches the eligibility checks (which apply, or the call's directions or
    kind) before the deadline in force when the change is made, the checks of every submitted
    application not yet decided run again (kept in their history, audit-logged). After the
    deadline they do not: applicants could no longer answer a rule changed under them; staff
    may still re-run one application's checks by hand."""
    unknown = set(changes) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    now = at or timezone.now()
    locked = (
        Call.all_parks.select_for_update(of=("self",))
        .select_related("site", "park")
        .get(pk=call.pk)
    )
    deadline = locked.closes_at
    checks_before = [getattr(locked, name) for name in CHECK_SETTINGS]
    directions_before = set(locked.directions.values_list("pk", flat=True))
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    directions = list(directions) if directions is not None else None
    _check_call(locked, directions)
    locked.save()
    if directions is not None:
        locked.directions.set(directions)
    checks_changed = checks_before != [getattr(locked, name) for name in CHECK_SETTINGS] or (
        directions is not None and {d.pk for d in directions} != directions_before
    )
    if checks_changed and now < deadline:
        rerun_for_call(call=locked, actor=actor, at=now)
    writes("selection", park_id=locked.park_id)
    return locked


@transaction.atomic
def call_publish(*, call: Call, actor: User) -> Call:
    """Publish a draft call: it is listed publicly and takes applications between its dates.

    A call needs at least one review criterion before it is published. Locks the call row.
    """
    locked = Call.all_parks.select_for_update().get(park_id=call.park_id, pk=call.pk)
    if locked.status == CallStatus.PUBLISHED:
        return locked
    if not Criterion.objects.filter(call=locked).exists():
        raise ValidationError(
            {"status": _("Add at least one review criterion before publishing the call.")}
        )
    locked.status = CallStatus.PUBLISHED
    locked.save(update_fields=["status"])
    writes("selection", park_id=locked.park_id)
    return locked


@transaction.atomic
def call_close(*, call: Call, actor: User, at: datetime | None = None) -> Call:
    """Close a call now: its deadline becomes this moment (an earlier deadline stays), and from
    then on it refuses submissions. Locks the call row."""
    now = at or timezone.now()
    locked = Call.all_parks.select_for_update().get(park_id=call.park_id, pk=call.pk)
    if locked.closes_at <= now:
        return locked
    if locked.opens_at >= now:
        # Never opened: it opens and closes at once (the database wants closing after opening).
        locked.opens_at = now - timedelta(seconds=1)
    locked.closes_at = now
    locked.save(update_fields=["opens_at", "closes_at"])
    writes("selection", park_id=locked.park_id)
    return locked


@transaction.atomic
def call_archive(*, call: Call, actor: User) -> Call:
    """Archive a call: it leaves the lists and the public pages and takes no applications; its
    applications, reviews and decisions stay readable. Archiving twice changes nothing. Locks
    the call row; audit-logged as ``selection.call_archive``."""
    locked = Call.all_parks.select_for_update().get(park_id=call.park_id, pk=call.pk)
    if locked.status == CallStatus.ARCHIVED:
        return locked
    before = locked.status
    locked.status = CallStatus.ARCHIVED
    locked.save(update_fields=["status"])
    audit_record(
        park=locked.park,
        actor=actor,
        action="selection.call_archive",
        target=locked,
        summary=f"call {locked.pk} archived",
        before={"status": before},
        after={"status": locked.status},
    )
    writes("selection", park_id=locked.park_id)
    return locked


# --- The form -------------------------------------------------------------------------------


def _check_field(field: FormField) -> None:
    if field.kind not in FieldKind.values:
        raise ValidationError({"kind": _("Choose a kind of question.")})
    field.label = field.label.strip()
    if not field.label:
        raise ValidationError({"label": _("Write the question.")})
    if len(field.label) > 300:
        raise ValidationError({"label": _("Keep the question within 300 characters.")})
    if len(field.help_text) > 500:
        raise ValidationError({"help_text": _("Keep the help text within 500 characters.")})
    field.options = "\n".join(field.option_list)
    if field.kind in CHOICE_KINDS:
        if len(field.option_list) < 2:
            raise ValidationError({"options": _("Give at least two options, one per line.")})
        if len(set(field.option_list)) != len(field.option_list):
            raise ValidationError({"options": _("Each option must differ from the others.")})
    if field.kind == FieldKind.FILE:
        if not 1 <= int(field.max_size_mb or 0) <= LARGEST_UPLOAD_MB:
            raise ValidationError(
                {"max_size_mb": _("A file may be from 1 to %(n)d MB.") % {"n": LARGEST_UPLOAD_MB}}
            )
        types = [t.strip().lower().lstrip(".") for t in field.allowed_types.split(",") if t.strip()]
        if not types or any(not t.isalnum() or len(t) > 10 for t in types):
            raise ValidationError(
                {"allowed_types": _("List file extensions separated by commas, e.g. pdf,docx.")}
            )
        field.allowed_types = ",".join(types)


def _lock_call(call: Call) -> Call:
    locked: Call = Call.all_parks.select_for_update().get(park_id=call.park_id, pk=call.pk)
    return locked


@transaction.atomic
def form_field_add(*, call: Call, actor: User, kind: str, label: str, **fields: Any) -> FormField:
    """Add a question at the end of the call's form. Locks the call row."""
    unknown = set(fields) - set(FIELD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown field attributes: {sorted(unknown)}")
    locked = _lock_call(call)
    last = FormField.objects.filter(call=locked).aggregate(last=Max("position"))["last"]
    field = FormField(call=locked, kind=kind, label=label, position=(last or 0) + 1, **fields)
    _check_field(field)
    field.save()
    writes("selection", park_id=locked.park_id)
    return field


@transaction.atomic
def form_field_update(*, field: FormField, actor: User, **changes: Any) -> FormField:
    """Change a question. Its kind cannot change once someone has answered it. Locks the call."""
    unknown = set(changes) - set(FIELD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown field attributes: {sorted(unknown)}")
    locked_call = _lock_call(field.call)
    current = FormField.objects.get(pk=field.pk)
    if "kind" in changes and changes["kind"] != current.kind and current.answers.exists():
        raise ValidationError(
            {"kind": _("Applicants have answered this question: its kind cannot change.")}
        )
    for name, value in changes.items():
        setattr(current, name, value)
    _check_field(current)
    current.save()
    writes("selection", park_id=locked_call.park_id)
    return current


@transaction.atomic
def form_field_remove(*, field: FormField, actor: User) -> None:
    """Remove a question nobody has answered yet. Locks the call row."""
    locked_call = _lock_call(field.call)
    if field.answers.exists():
        raise ValidationError(
            _("Applicants have answered this question: it cannot be removed, only edited.")
        )
    field.delete()
    writes("selection", park_id=locked_call.park_id)


@transaction.atomic
def form_field_move(*, field: FormField, actor: User, up: bool) -> None:
    """Move a question one place up or down the form. Locks the call row; renumbers the form."""
    locked_call = _lock_call(field.call)
    fields = list(FormField.objects.filter(call=locked_call).order_by("position", "id"))
    index = next(i for i, f in enumerate(fields) if f.pk == field.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(fields):
        fields[index], fields[other] = fields[other], fields[index]
    for position, item in enumerate(fields, start=1):
        item.position = position
    FormField.objects.bulk_update(fields, ["position"])
    writes("selection", park_id=locked_call.park_id)


# --- Criteria -------------------------------------------------------------------------------


def _check_criterion(criterion: Criterion) -> None:
    criterion.name = criterion.name.strip()
    if not criterion.name:
        raise ValidationError({"name": _("Name the criterion.")})
    try:
        weight = Decimal(criterion.weight)
    except (ArithmeticError, TypeError, ValueError) as error:
        raise ValidationError({"weight": _("Give the weight as a number.")}) from error
    if not Decimal("0.01") <= weight <= Decimal("999.99"):
        raise ValidationError({"weight": _("The weight is from 0.01 to 999.99.")})
    criterion.weight = weight.quantize(Decimal("0.01"))
    if not 1 <= int(criterion.scale_max or 0) <= 100:
        raise ValidationError({"scale_max": _("The highest score is from 1 to 100.")})


@transaction.atomic
def criterion_add(*, call: Call, actor: User, name: str, **fields: Any) -> Criterion:
    """Add a review criterion at the end of the call's list. Locks the call row."""
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion attributes: {sorted(unknown)}")
    locked = _lock_call(call)
    last = Criterion.objects.filter(call=locked).aggregate(last=Max("position"))["last"]
    criterion = Criterion(call=locked, name=name, position=(last or 0) + 1, **fields)
    _check_criterion(criterion)
    criterion.save()
    writes("selection", park_id=locked.park_id)
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, actor: User, **changes: Any) -> Criterion:
    """Change a criterion. Locks the call row."""
    unknown = set(changes) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion attributes: {sorted(unknown)}")
    locked_call = _lock_call(criterion.call)
    current = Criterion.objects.get(pk=criterion.pk)
    for name, value in changes.items():
        setattr(current, name, value)
    _check_criterion(current)
    current.save()
    writes("selection", park_id=locked_call.park_id)
    return current


@transaction.atomic
def criterion_remove(*, criterion: Criterion, actor: User) -> None:
    """Remove a criterion no expert has scored yet. Locks the call row."""
    from django.db.models import ProtectedError

    locked_call = _lock_call(criterion.call)
    try:
        with transaction.atomic():
            criterion.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("Experts have scored this criterion: it cannot be removed.")
        ) from error
    writes("selection", park_id=locked_call.park_id)
