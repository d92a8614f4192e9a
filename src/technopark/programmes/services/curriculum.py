"""The curriculum: scheduling, changing and deleting sessions, and taking attendance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.core.fragments import writes
from technopark.parks.models import Site
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Cohort,
    CurriculumSession,
    SessionKind,
)
from technopark.programmes.services._common import _check_site, _text


@transaction.atomic
def session_create(
    *,
    cohort: Cohort,
    actor: User,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    speaker: str = "",
    site: Site | None = None,
    room: str = "",
) -> CurriculumSession:
    """Schedule a session. ``starts_at``/``ends_at`` are aware datetimes (``core.localtime.to_utc``
    turns the site's wall-clock time into them)."""
    _check_session_fields(cohort, kind=kind, site=site, starts_at=starts_at, ends_at=ends_at)
    session = CurriculumSession.objects.create(
        cohort=cohort,
        kind=kind,
        title=_text(title, field="title", limit=200),
        speaker=_text(speaker, field="speaker", limit=200, required=False),
        site=site,
        room=_text(room, field="room", limit=120, required=False),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )
    writes("programmes", park_id=cohort.park_id)
    return session


def _check_session_fields(
    cohort: Cohort, *, kind: str, site: Site | None, starts_at: datetime, ends_at: datetime
) -> None:
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Unknown kind of session.")})
    _check_site(cohort.park_id, site)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("session times must be aware")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationError({"ends_at": _("A session lasts at most 24 hours.")})


@transaction.atomic
def session_update(
    *,
    session: CurriculumSession,
    actor: User,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    speaker: str = "",
    site: Site | None = None,
    room: str = "",
) -> CurriculumSession:
    """Change a session. Once attendance has been taken it cannot move to the future (its
    marks would then describe a session that has not happened). Locking: the session row."""
    locked = CurriculumSession.objects.select_for_update().get(pk=session.pk)
    cohort = Cohort.all_parks.get(pk=locked.cohort_id)
    _check_session_fields(cohort, kind=kind, site=site, starts_at=starts_at, ends_at=ends_at)
    if starts_at > timezone.now() and locked.attendance.exists():
        raise ValidationError(
            {
                "starts_at": _(
                    "Attendance has been taken for this session: it cannot move to the future."
                )
            }
        )
    locked.kind = kind
    locked.title = _text(title, field="title", limit=200)
    locked.speaker = _text(speaker, field="speaker", limit=200, required=False)
    locked.site = site
    locked.room = _text(room, field="room", limit=120, required=False)
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.save()
    writes("programmes", park_id=cohort.park_id)
    return locked


def session_removal_problem(session: CurriculumSession) -> ValidationError | None:
    """Why a session cannot be deleted, or ``None``: once attendance is taken it is part of
    the participants' record and stays."""
    if session.attendance.exists():
        return ValidationError(
            _(
                "Attendance has been taken for this session, so it stays in the participants' "
                "record and cannot be deleted. Change its details instead."
            )
        )
    return None


@transaction.atomic
def session_remove(*, session: CurriculumSession, actor: User) -> None:
    """Delete a session no attendance has been taken for; refused otherwise (nothing changes).
    Locking: the session row (taking attendance writes under the same row's cohort)."""
    locked = CurriculumSession.objects.select_for_update().get(pk=session.pk)
    problem = session_removal_problem(locked)
    if problem is not None:
        raise problem
    park_id = Cohort.all_parks.filter(pk=locked.cohort_id).values_list("park_id", flat=True)[0]
    locked.delete()
    writes("programmes", park_id=park_id)


@transaction.atomic
def attendance_record(*, session: CurriculumSession, actor: User, marks: Mapping[int, bool]) -> int:
    """Record present/absent for attendees of the session's cohort (``attendee id → present``).

    Marks of attendees left out stay as they were. Refused before the session starts, and for
    anyone who is not an attendee of the cohort. Three queries whatever the number of marks;
    the unique (session, attendee) row is updated in place, so re-sending the same form changes
    nothing.
    """
    if not marks:
        raise ValidationError({"marks": _("Mark at least one person.")})
    if session.starts_at > timezone.now():
        raise ValidationError({"marks": _("Attendance is taken once the session has started.")})
    known = set(
        Attendee.objects.filter(
            participant__cohort_id=session.cohort_id, pk__in=list(marks)
        ).values_list("pk", flat=True)
    )
    unknown = set(marks) - known
    if unknown:
        raise ValidationError(
            {
                "marks": _("Not attendees of this cohort: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in sorted(unknown))}
            }
        )
    existing = {
        row.attendee_id: row
        for row in Attendance.objects.filter(session=session, attendee_id__in=list(marks))
    }
    now = timezone.now()
    changed = []
    new = []
    for attendee_id, present in marks.items():
        row = existing.get(attendee_id)
        if row is None:
            new.append(
                Attendance(
                    session=session,
                    attendee_id=attendee_id,
                    present=bool(present),
                    marked_by=actor,
                    marked_at=now,
                )
            )
        elif row.present != bool(present):
            row.present = bool(present)
            row.marked_by = actor
            row.marked_at = now
            changed.append(row)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["present", "marked_by", "marked_at"])
    if new or changed:
        writes("programmes", park_id=session.cohort.park_id)
    return len(new) + len(changed)
