"""The demo day: planning it, the order of the pitches, the guests and their feedback."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.parks.models import Membership, MembershipStatus, Role, Site
from technopark.programmes.models import (
    Cohort,
    DemoDay,
    DemoDayGuest,
    GuestKind,
    Participant,
    Pitch,
    PitchFeedback,
)
from technopark.programmes.queries.demo_day import guest_links_expire_at
from technopark.programmes.services._common import _check_site, _text

# What a link's secret looks like (``secrets.token_urlsafe(32)``): anything else is not looked up.
LINK_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")


def guest_link_digest(secret: str) -> str:
    """What is stored of a guest's link: the SHA-256 of its secret ("" for a malformed one)."""
    if not LINK_SECRET.fullmatch(secret or ""):
        return ""
    return hashlib.sha256(secret.encode()).hexdigest()


GUEST_ROLES = {
    Role.INVESTOR: GuestKind.INVESTOR,
    Role.CUSTOMER: GuestKind.CUSTOMER,
    Role.PARTNER: GuestKind.PARTNER,
}


def _retime(demo_day: DemoDay) -> None:
    pitches = list(demo_day.pitches.order_by("position"))
    for index, pitch in enumerate(pitches):
        pitch.starts_at = demo_day.starts_at + timedelta(minutes=demo_day.minutes_per_pitch * index)
    Pitch.objects.bulk_update(pitches, ["starts_at"])


@transaction.atomic
def demo_day_save(
    *,
    cohort: Cohort,
    actor: Any,
    title: str,
    starts_at: datetime,
    minutes_per_pitch: int = 10,
    site: Site | None = None,
    room: str = "",
) -> DemoDay:
    """Plan (or re-plan) the cohort's demo day; the pitches' times follow its start."""
    _check_site(cohort.park_id, site)
    if starts_at.tzinfo is None:
        raise ValueError("demo day time must be aware")
    if minutes_per_pitch < 1 or minutes_per_pitch > 120:
        raise ValidationError({"minutes_per_pitch": _("Give 1 to 120 minutes per pitch.")})
    values = {
        "title": _text(title, field="title", limit=200),
        "starts_at": starts_at,
        "site": site,
        "room": _text(room, field="room", limit=120, required=False),
        "minutes_per_pitch": minutes_per_pitch,
    }
    demo_day, _created = DemoDay.objects.update_or_create(cohort=cohort, defaults=values)
    _retime(demo_day)
    writes("programmes", park_id=cohort.park_id)
    return demo_day


@transaction.atomic
def demo_day_set_order(*, demo_day: DemoDay, participant_ids: list[int]) -> list[Pitch]:
    """Set who pitches and in which order (times follow); a pitch with feedback stays in.

    Locking: the demo day row, so two staff reordering at once do not interleave.
    """
    locked = DemoDay.objects.select_for_update().get(pk=demo_day.pk)
    if len(set(participant_ids)) != len(participant_ids):
        raise ValidationError({"order": _("Each start-up pitches once.")})
    valid = set(
        Participant.objects.filter(cohort_id=locked.cohort_id, pk__in=participant_ids).values_list(
            "pk", flat=True
        )
    )
    if valid != set(participant_ids):
        raise ValidationError({"order": _("Choose participants of this cohort.")})
    current = {p.participant_id: p for p in locked.pitches.all()}
    dropped = [p for pid, p in current.items() if pid not in valid]
    if any(p.feedback.exists() for p in dropped):
        raise ValidationError(
            {"order": _("A pitch that has feedback cannot be taken off the programme.")}
        )
    Pitch.objects.filter(pk__in=[p.pk for p in dropped]).delete()
    # Two steps so that the unique (demo day, position) holds at every moment.
    Pitch.objects.filter(demo_day=locked).update(position=F("position") + 10_000)
    keep = []
    for position, participant_id in enumerate(participant_ids, start=1):
        pitch = current.get(participant_id)
        if pitch is None:
            pitch = Pitch(
                demo_day=locked,
                participant_id=participant_id,
                position=position,
                starts_at=locked.starts_at,
            )
        pitch.position = position
        keep.append(pitch)
    for pitch in keep:
        pitch.save()
    _retime(locked)
    writes("programmes", park_id=demo_day.cohort.park_id)
    return list(locked.pitches.order_by("position"))


@transaction.atomic
def guest_invite(
    *,
    demo_day: DemoDay,
    user: Any = None,
    name: str = "",
    organisation: str = "",
    kind: str = "",
    email: str = "",
    actor: Any = None,
) -> DemoDayGuest:
    """Invite a member who is an investor, customer or partner of the park, or an outside guest
    by name (``kind`` then says which) and, to give feedback without an account, e-mail.

    An outside guest with an e-mail address is sent a secret link by the caller
    (``tasks.queue_guest_link``, on commit); the link works until the end of the demo day
    (``queries.guest_links_expire_at``). Audited as ``programmes.guest_invite``.
    """
    park_id = demo_day.cohort.park_id
    organisation = _text(organisation, field="organisation", limit=200, required=False)
    email = (email or "").strip().lower()
    if user is not None:
        if email:
            raise ValidationError({"email": _("A member signs in: give no e-mail address.")})
        roles = set(
            Membership.all_parks.filter(
                park_id=park_id,
                user=user,
                status=MembershipStatus.ACTIVE,
                role__in=list(GUEST_ROLES),
            ).values_list("role", flat=True)
        )
        if not roles or not getattr(user, "is_active", False):
            raise ValidationError(
                {"user": _("Invite an investor, customer or partner of this park.")}
            )
        if kind and kind not in GuestKind.values:
            raise ValidationError({"kind": _("Unknown kind of guest.")})
        kind = kind or next(GUEST_ROLES[r] for r in GUEST_ROLES if r in roles)
        if demo_day.guests.filter(user=user).exists():
            raise ValidationError({"user": _("This person is invited already.")})
        try:
            with transaction.atomic():
                guest = DemoDayGuest.objects.create(
                    demo_day=demo_day,
                    user=user,
                    kind=kind,
                    organisation=organisation,
                    invited_by=actor,
                )
        except IntegrityError as error:
            raise ValidationError({"user": _("This person is invited already.")}) from error
    else:
        name = _text(name, field="name", limit=200)
        if kind not in GuestKind.values:
            raise ValidationError(
                {"kind": _("Say whether the guest is an investor, a customer or a partner.")}
            )
        if email:
            if len(email) > 254:
                raise ValidationError({"email": _("Give a valid e-mail address.")})
            try:
                validate_email(email)
            except ValidationError as error:
                raise ValidationError({"email": _("Give a valid e-mail address.")}) from error
            if timezone.now() >= guest_links_expire_at(demo_day):
                raise ValidationError(
                    {"email": _("The demo day is over: a feedback link would not work any more.")}
                )
            if demo_day.guests.filter(email=email, revoked_at__isnull=True).exists():
                raise ValidationError({"email": _("This address is invited already.")})
        try:
            with transaction.atomic():
                guest = DemoDayGuest.objects.create(
                    demo_day=demo_day,
                    name=name,
                    organisation=organisation,
                    kind=kind,
                    email=email,
                    invited_by=actor,
                )
        except IntegrityError as error:
            raise ValidationError({"email": _("This address is invited already.")}) from error
    audit_record(
        park=demo_day.cohort.park,
        actor=actor,
        action="programmes.guest_invite",
        target=guest,
        summary=f"{demo_day.title}: {guest.display_name}",
        before={},
        after={"kind": guest.kind, "user": guest.user_id, "email": guest.email},
    )
    writes("programmes", park_id=park_id)
    return guest


def _lock_guest(guest: DemoDayGuest) -> DemoDayGuest:
    locked: DemoDayGuest = (
        DemoDayGuest.objects.select_for_update(of=("self",))
        .select_related("demo_day__cohort__park", "demo_day__cohort__site", "demo_day__site")
        .get(pk=guest.pk)
    )
    return locked


def guest_link_is_open(guest: DemoDayGuest, *, now: datetime | None = None) -> bool:
    """An outside guest's link works: they have an address, are not withdrawn, and the demo day
    has not ended (``queries.guest_links_expire_at``)."""
    now = now or timezone.now()
    return (
        guest.user_id is None
        and bool(guest.email)
        and guest.revoked_at is None
        and now < guest_links_expire_at(guest.demo_day)
    )


def _check_link_open(guest: DemoDayGuest) -> None:
    if guest.user_id is not None or not guest.email:
        raise ValidationError(
            {"guest": _("Only a guest from outside with an e-mail address gets a link.")}
        )
    if guest.revoked_at is not None:
        raise ValidationError({"guest": _("This invitation has been withdrawn.")})
    if not guest_link_is_open(guest):
        raise ValidationError(
            {"guest": _("The demo day is over: a feedback link would not work any more.")}
        )


@transaction.atomic
def guest_link_renew(*, guest: DemoDayGuest) -> str:
    """Give an outside guest a fresh link secret and return it; the earlier link stops working.

    Called by the task that mails the link, so the secret exists only in the e-mail. Refused
    (``ValidationError``) for a withdrawn invitation or after the demo day. Locks the guest row.
    """
    locked = _lock_guest(guest)
    _check_link_open(locked)
    secret = secrets.token_urlsafe(32)
    locked.link_hash = guest_link_digest(secret)
    locked.link_sent_at = timezone.now()
    locked.save(update_fields=["link_hash", "link_sent_at"])
    writes("programmes", park_id=locked.demo_day.cohort.park_id)
    return secret


@transaction.atomic
def guest_link_resend(*, guest: DemoDayGuest, actor: Any) -> DemoDayGuest:
    """Staff send an outside guest their link again (the caller queues the mail, which makes a
    fresh link: the earlier one stops working). Audited as ``programmes.guest_resend``."""
    locked = _lock_guest(guest)
    _check_link_open(locked)
    audit_record(
        park=locked.demo_day.cohort.park,
        actor=actor,
        action="programmes.guest_resend",
        target=locked,
        summary=f"{locked.demo_day.title}: {locked.display_name}",
        before={"link_sent_at": locked.link_sent_at},
        after={"email": locked.email},
    )
    return locked


@transaction.atomic
def guest_revoke(*, guest: DemoDayGuest, actor: Any) -> DemoDayGuest:
    """Withdraw an outside guest's invitation: the link stops working at once; feedback already
    given stays. Works once. Audited as ``programmes.guest_revoke``. Locks the guest row."""
    locked = _lock_guest(guest)
    if locked.user_id is not None:
        raise ValidationError({"guest": _("Only a guest from outside can be withdrawn here.")})
    if locked.revoked_at is not None:
        raise ValidationError({"guest": _("This invitation has been withdrawn.")})
    # The hash stays, so that the link says it was withdrawn rather than "not found".
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        park=locked.demo_day.cohort.park,
        actor=actor,
        action="programmes.guest_revoke",
        target=locked,
        summary=f"{locked.demo_day.title}: {locked.display_name}",
        before={"revoked_at": None},
        after={"revoked_at": locked.revoked_at, "email": locked.email},
    )
    writes("programmes", park_id=locked.demo_day.cohort.park_id)
    guest.revoked_at = locked.revoked_at
    return locked


@transaction.atomic
def feedback_record(
    *,
    guest: DemoDayGuest,
    pitch: Pitch,
    meet: bool = False,
    invest: bool = False,
    pilot: bool = False,
    note: str = "",
) -> PitchFeedback:
    """A guest's interest in a pitch (re-sent feedback replaces the earlier one).

    Open from the demo day's start; only for pitches of the guest's own demo day. An outside
    guest's feedback (through their link) only while the link works: not withdrawn, and until
    the end of the demo day. (Feedback of a guest known by name only is what the staff heard.)
    """
    if pitch.demo_day_id != guest.demo_day_id:
        raise ValidationError({"pitch": _("Choose a pitch of this demo day.")})
    demo_day = DemoDay.objects.select_related("cohort__park", "cohort__site", "site").get(
        pk=guest.demo_day_id
    )
    if demo_day.starts_at > timezone.now():
        raise ValidationError({"pitch": _("Feedback opens when the demo day starts.")})
    if guest.revoked_at is not None or (guest.user_id is None and guest.email):
        guest.demo_day = demo_day
        if not guest_link_is_open(guest):
            raise ValidationError({"pitch": _("The feedback link no longer works.")})
    note = _text(note, field="note", limit=5000, required=False)
    feedback, _created = PitchFeedback.objects.update_or_create(
        pitch=pitch,
        guest=guest,
        defaults={"meet": meet, "invest": invest, "pilot": pilot, "note": note},
    )
    writes("programmes", park_id=demo_day.cohort.park_id)
    return feedback


@transaction.atomic
def feedback_record_many(
    *, guest: DemoDayGuest, entries: list[tuple[Pitch, dict[str, Any]]]
) -> list[PitchFeedback]:
    """A guest's feedback on several pitches (``(pitch, {meet, invest, pilot, note})``): all
    saved or none (``feedback_record`` for each)."""
    return [feedback_record(guest=guest, pitch=pitch, **values) for pitch, values in entries]
