"""The demo day: planning it, the order of the pitches, the guests and their feedback."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

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
from technopark.programmes.services._common import _check_site, _text

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
) -> DemoDayGuest:
    """Invite a member who is an investor, customer or partner of the park, or an outside guest
    by name (``kind`` then says which)."""
    park_id = demo_day.cohort.park_id
    organisation = _text(organisation, field="organisation", limit=200, required=False)
    if user is not None:
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
                    demo_day=demo_day, user=user, kind=kind, organisation=organisation
                )
        except IntegrityError as error:
            raise ValidationError({"user": _("This person is invited already.")}) from error
    else:
        name = _text(name, field="name", limit=200)
        if kind not in GuestKind.values:
            raise ValidationError(
                {"kind": _("Say whether the guest is an investor, a customer or a partner.")}
            )
        guest = DemoDayGuest.objects.create(
            demo_day=demo_day, name=name, organisation=organisation, kind=kind
        )
    writes("programmes", park_id=park_id)
    return guest


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

    Open from the demo day's start; only for pitches of the guest's own demo day.
    """
    if pitch.demo_day_id != guest.demo_day_id:
        raise ValidationError({"pitch": _("Choose a pitch of this demo day.")})
    demo_day = DemoDay.objects.select_related("cohort").get(pk=guest.demo_day_id)
    if demo_day.starts_at > timezone.now():
        raise ValidationError({"pitch": _("Feedback opens when the demo day starts.")})
    note = _text(note, field="note", limit=5000, required=False)
    feedback, _created = PitchFeedback.objects.update_or_create(
        pitch=pitch,
        guest=guest,
        defaults={"meet": meet, "invest": invest, "pilot": pilot, "note": note},
    )
    writes("programmes", park_id=demo_day.cohort.park_id)
    return feedback
