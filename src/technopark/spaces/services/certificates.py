"""Certificates that lapse, the reminders before they do, and training sessions.

**When a certificate is valid.** Through its fixed date ``expires_on`` (inclusive) and, when the
resource sets ``certificate_lapses_after_days`` (N), through N days after the later of the
training day and the day of its last *use*; the first day after that it has *lapsed*.

**What a use is.** A booking of the resource by the certificate's holder (``booked_by``, the
person the booking check asks for a certificate) that was **checked in**: ``booking_check_in``
sets ``Certificate.last_used_at`` to the check-in time, inside the check-in's transaction. A
booking that is only made, cancelled or released as a no-show is not a use. Days are the site's
local days.

**Why a stored ``last_used_at``.** The booking check runs on every booking of a certified
resource; with the column it reads the holder's one or two certificate rows through the
(user, resource, expires_on) index and decides in Python. Computing the last use instead would
scan the holder's checked-in bookings of the resource at every booking check (a ``MAX`` that
grows with the history). The write it costs is one ``UPDATE`` of a few rows in a check-in, which
happens once per booking at most.

**What the booking check asks.** A certificate whose fixed date covers the booking's last day
and that has not lapsed *today* (disuse is reckoned at the moment of booking: the booking's own
check-in renews it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.localtime import to_local
from technopark.notices.services import notify
from technopark.parks.models import Membership, MembershipStatus
from technopark.spaces.models import Certificate, Resource, TrainingSession
from technopark.spaces.services._common import times_readable_check, zone_of

#: How many days before a lapse its holder is reminded.
REMIND_DAYS_BEFORE = 7
#: At most this many people qualified in one training session.
MAX_PEOPLE = 50

EXPIRY = "expiry"  # ended by its fixed date
UNUSED = "unused"  # lapsed for want of use


@dataclass(frozen=True)
class Validity:
    """Until when a certificate holds (``valid_through``, inclusive) and what ends it."""

    valid_through: date
    reason: str  # EXPIRY or UNUSED

    @property
    def lapses_on(self) -> date:
        """The first day it no longer holds."""
        return self.valid_through + timedelta(days=1)

    def holds_on(self, day: date) -> bool:
        return day <= self.valid_through


def last_use_day(certificate: Certificate, resource: Resource) -> date | None:
    if certificate.last_used_at is None:
        return None
    return to_local(certificate.last_used_at, zone_of(resource.site)).date()


def validity(certificate: Certificate, resource: Resource | None = None) -> Validity:
    """When ``certificate`` stops holding (``resource``: the certificate's, already loaded)."""
    resource = resource or certificate.resource
    through, reason = certificate.expires_on, EXPIRY
    days = resource.certificate_lapses_after_days
    if days is not None:
        used = last_use_day(certificate, resource)
        base = max(certificate.trained_on, used) if used else certificate.trained_on
        unused_through = base + timedelta(days=days)
        if unused_through < through:
            through, reason = unused_through, UNUSED
    return Validity(valid_through=through, reason=reason)


def _best(certificates: Iterable[Certificate], resource: Resource) -> Validity | None:
    """The longest validity among a person's certificates of one resource."""
    found = [validity(row, resource) for row in certificates]
    return max(found, key=lambda item: item.valid_through) if found else None


def _today(resource: Resource, now: datetime) -> date:
    return to_local(now, zone_of(resource.site)).date()


def _certificates_of(*, user: Any, resource: Resource) -> list[Certificate]:
    if not getattr(user, "pk", None):
        return []
    return list(
        Certificate.all_parks.filter(park_id=resource.park_id, user=user, resource=resource)
    )


def has_valid_certificate(
    *, user: Any, resource: Resource, on: date, now: datetime | None = None
) -> bool:
    """Whether ``user`` holds a certificate of ``resource`` covering day ``on`` by its fixed date
    and not lapsed for want of use on ``now``'s day. One query."""
    return certificate_refusal(user=user, resource=resource, on=on, now=now) is None


def certificate_refusal(
    *, user: Any, resource: Resource, on: date, now: datetime | None = None
) -> str | None:
    """Why ``user`` may not book ``resource`` through day ``on`` (``None``: they may). One query.

    A certificate fits when its fixed date covers ``on`` and it has not lapsed on ``now``'s day.
    """
    now = now or timezone.now()
    today = _today(resource, now)
    rows = _certificates_of(user=user, resource=resource)
    for row in rows:
        item = validity(row, resource)
        if row.expires_on >= on and item.holds_on(today):
            return None
    best = _best(rows, resource)
    params: dict[str, Any] = {"resource": resource.display_name}
    if best is None:
        return (
            _("%(resource)s needs a valid certificate: ask the park's staff for the training.")
            % params
        )
    params["date"] = formats.date_format(best.lapses_on, "SHORT_DATE_FORMAT")
    if best.reason == UNUSED and not best.holds_on(today):
        params["days"] = resource.certificate_lapses_after_days
        return (
            _(
                "Your certificate for %(resource)s lapsed on %(date)s: it was not used for "
                "%(days)d days. Ask the park's staff for a refresher training."
            )
            % params
        )
    if not best.holds_on(today):
        return (
            _(
                "Your certificate for %(resource)s expired on %(date)s. Ask the park's staff to "
                "renew it."
            )
            % params
        )
    return _(
        "Your certificate for %(resource)s ends before this booking does (it holds until "
        "%(until)s). Ask the park's staff to renew it."
    ) % {**params, "until": formats.date_format(best.valid_through, "SHORT_DATE_FORMAT")}


def certificate_use_record(*, user_id: int, resource_id: int, park_id: int, at: datetime) -> int:
    """Note a use of ``resource`` by ``user_id`` at ``at`` (a check-in) on their certificates of
    it; in the caller's transaction. Returns the rows changed. Locking: the rows, by id (the
    order a training session locks them in, so the two cannot deadlock)."""
    ids = list(
        Certificate.all_parks.select_for_update()
        .filter(park_id=park_id, user_id=user_id, resource_id=resource_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        return 0
    return Certificate.all_parks.filter(park_id=park_id, pk__in=ids).update(last_used_at=at)


def _park_language(languages: str) -> str:
    first = (languages or "").split(",")[0].strip()
    return first if first in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- reminders ----------------------------------------------------------------------------------


def certificate_lapse_reminders_send(
    *, now: datetime | None = None, days_before: int = REMIND_DAYS_BEFORE
) -> int:
    """Remind every holder whose certificate of a resource lapses within ``days_before`` days
    (the best of their certificates of it, in the site's local days). Once per lapse: the
    notice's key names the person, the resource and the lapse day, so running again, or every
    day until the lapse, tells nobody twice, and a renewed certificate that lapses on another
    day is reminded again. Only active members of the resource's park, and only bookable
    (active) resources: a former member or a withdrawn instrument is not reminded. Every park.
    ``now`` must be timezone-aware (``ValueError`` otherwise). Returns how many notices were
    made. Locking: none."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    member = Membership.all_parks.filter(
        park_id=OuterRef("park_id"), user_id=OuterRef("user_id"), status=MembershipStatus.ACTIVE
    )
    # Certificates that may still hold (a day's margin for the sites' zones); grouped per holder
    # and resource, so that a longer certificate of the same resource spares the reminder.
    rows = (
        Certificate.all_parks.filter(
            Exists(member),
            resource__requires_certification=True,
            resource__is_active=True,
            user__is_active=True,
            expires_on__gte=now.date() - timedelta(days=1),
        )
        .select_related("resource__site", "resource__park", "user")
        .order_by("user_id", "resource_id", "id")
    )
    groups: dict[tuple[int, int], list[Certificate]] = {}
    for row in rows.iterator(chunk_size=2000):
        groups.setdefault((row.user_id, row.resource_id), []).append(row)
    made = 0
    for certificates in groups.values():
        resource = certificates[0].resource
        best = _best(certificates, resource)
        if best is None:
            continue
        today = _today(resource, now)
        if not today <= best.valid_through < today + timedelta(days=days_before):
            continue
        holder = certificates[0].user
        park = resource.park
        with transaction.atomic():
            made += notify(
                recipients=[holder],
                park=park,
                kind="spaces.certificate_lapse",
                url=reverse("spaces:my_certificates", kwargs={"park_slug": park.slug}),
                key=f"spaces.certificate_lapse:{holder.pk}:{resource.pk}:{best.lapses_on:%Y%m%d}",
                template="spaces/email/certificate_lapse",
                context={
                    "resource": resource.display_name,
                    "park": park.display_name,
                    "lapses_on": best.lapses_on,
                    "unused": best.reason == UNUSED,
                    "days": resource.certificate_lapses_after_days,
                },
                language=_park_language(park.languages),
                time_zone=resource.site.time_zone,
            )
    return made


# --- training sessions --------------------------------------------------------------------------


def _active_member_ids(*, park_id: int, user_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.all_parks.filter(
            park_id=park_id, user_id__in=list(user_ids), status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def training_session_record(
    *,
    actor: User,
    resource: Resource,
    trainer: User,
    starts_at: datetime,
    duration_minutes: int,
    people: Sequence[User],
    expires_on: date,
    notes: str = "",
    now: datetime | None = None,
) -> TrainingSession:
    """Record a training on ``resource`` by ``trainer`` and qualify ``people``: each gets a
    certificate valid through ``expires_on``, or has theirs renewed (trained on the session's day,
    valid through the later of its date and ``expires_on``, the disuse clock restarted). All in
    one transaction: one refusal records nothing. Audited as ``spaces.training`` and, per person,
    ``spaces.certify`` (new) or ``spaces.certify_change`` (renewed), as single grants are.
    Locking, in this order (as everywhere in spaces): the certificate rows by id, then the park's
    audit head, taken last after every insert and update."""
    now = now or timezone.now()
    if not resource.requires_certification:
        raise ValidationError(
            {
                "resource": _("%(resource)s needs no certificate: choose a resource that does.")
                % {"resource": resource.display_name}
            }
        )
    times_readable_check(starts_at=starts_at)
    if starts_at > now + timedelta(minutes=5):
        raise ValidationError({"starts_at": _("Record a training after it took place.")})
    if not 1 <= duration_minutes <= 24 * 60:
        raise ValidationError({"duration_minutes": _("A training lasts 1 to 1440 minutes.")})
    if len(notes) > 2000:
        raise ValidationError({"notes": _("Keep the notes under 2000 characters.")})
    wanted = {person.pk: person for person in people}
    if not wanted:
        raise ValidationError({"people": _("Choose the people who were qualified.")})
    if len(wanted) > MAX_PEOPLE:
        raise ValidationError(
            {"people": _("At most %(count)d people per session.") % {"count": MAX_PEOPLE}}
        )
    members = _active_member_ids(park_id=resource.park_id, user_ids=[*wanted, trainer.pk])
    if trainer.pk not in members:
        raise ValidationError({"trainer": _("The trainer must be a member of the park.")})
    if any(pk not in members for pk in wanted):
        # Which ones is not said: an id of another park's person tells nothing about them.
        raise ValidationError({"people": _("Choose members of the park.")})
    day = _today(resource, starts_at)
    if expires_on < day:
        raise ValidationError({"expires_on": _("A certificate expires after the training.")})
    session = TrainingSession.all_parks.create(
        park_id=resource.park_id,
        resource=resource,
        trainer=trainer,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        notes=notes.strip(),
        recorded_by=actor,
    )
    session.people.set(list(wanted.values()))
    # Lock order, as in a check-in: certificate rows by id, then (last) the park's audit head.
    existing: dict[int, Certificate] = {}
    for row in (
        Certificate.all_parks.select_for_update()
        .filter(park_id=resource.park_id, resource=resource, user_id__in=list(wanted))
        .order_by("id")
    ):
        best = existing.get(row.user_id)
        if best is None or (row.expires_on, row.pk) > (best.expires_on, best.pk):
            existing[row.user_id] = row
    # Every insert and update first; the audit entries after them, so the chain's head row is
    # the last lock this transaction takes.
    entries: list[dict[str, Any]] = []
    for pk, person in sorted(wanted.items()):
        row = existing.get(pk)
        if row is None:
            row = Certificate.all_parks.create(
                park_id=resource.park_id,
                user=person,
                resource=resource,
                trained_on=day,
                expires_on=expires_on,
                recorded_by=actor,
                training=session,
            )
            entries.append(
                {
                    "action": "spaces.certify",
                    "target": row,
                    "summary": f"{person.email}: {resource.name}",
                    "after": {
                        "resource": resource.pk,
                        "user": person.pk,
                        "expires_on": expires_on,
                        "training": session.pk,
                    },
                }
            )
            continue
        before = {
            "trained_on": row.trained_on,
            "expires_on": row.expires_on,
            "last_used_at": row.last_used_at,
        }
        row.trained_on = max(row.trained_on, day)
        row.expires_on = max(row.expires_on, expires_on)
        row.training = session
        row.save(update_fields=["trained_on", "expires_on", "training"])
        entries.append(
            {
                "action": "spaces.certify_change",
                "target": row,
                "summary": f"{person.email}: {resource.name}",
                "before": before,
                "after": {
                    "trained_on": row.trained_on,
                    "expires_on": row.expires_on,
                    "training": session.pk,
                },
            }
        )
    for entry in entries:
        audit_record(park=resource.park, actor=actor, **entry)
    audit_record(
        park=resource.park,
        actor=actor,
        action="spaces.training",
        target=session,
        summary=f"{resource.name}: {len(wanted)}",
        after={
            "resource": resource.pk,
            "trainer": trainer.pk,
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "people": sorted(wanted),
        },
    )
    writes("spaces", park_id=resource.park_id)
    return session
