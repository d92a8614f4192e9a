"""Every write to programmes, cohorts, participants, the curriculum, progress and the demo day.

Each function validates, writes inside one transaction, and declares what it wrote
(``writes("programmes", ...)``): the cohort dashboard is a fragment of that topic. Refusals are ``ValidationError`` keyed by the field they are about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.companies import services as company_services
from technopark.companies.models import Company, Stage, TeamMember
from technopark.core.fragments import writes
from technopark.core.scopes import in_park
from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Role, Site
from technopark.programmes.models import (
    DEFAULT_GRANT_CAP,
    Attendance,
    Attendee,
    Cohort,
    CurriculumSession,
    DemoDay,
    DemoDayGuest,
    GuestKind,
    Participant,
    ParticipantStatus,
    Pitch,
    PitchFeedback,
    Programme,
    ProposalStatus,
    SessionKind,
    StageProposal,
)
from technopark.selection.models import Application, ApplicationStatus, CallKind

STAGE_ORDER = {stage: rank for rank, stage in enumerate(Stage.values)}
GUEST_ROLES = {
    Role.INVESTOR: GuestKind.INVESTOR,
    Role.CUSTOMER: GuestKind.CUSTOMER,
    Role.PARTNER: GuestKind.PARTNER,
}


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return value


def _check_site(park_id: int, site: Site | None) -> None:
    if site is not None and site.park_id != park_id:
        raise ValidationError({"site": _("Choose a site of this park.")})


# --- Programmes and cohorts -----------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    park: Park,
    actor: Any,
    name: str,
    description: str = "",
    grant_cap: Decimal = DEFAULT_GRANT_CAP,
    coworking_seats: int = 0,
    length_weeks: int = 12,
    directions: Iterable[Direction] = (),
) -> Programme:
    """Create a programme. The grant cap is in roubles (Decimal), never negative."""
    directions = list(directions)
    if not all(in_park(park, d) for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    if not isinstance(grant_cap, Decimal) or grant_cap < 0 or grant_cap >= Decimal("1e12"):
        raise ValidationError({"grant_cap": _("Give a grant cap from 0 to 999,999,999,999.99.")})
    if coworking_seats < 0 or coworking_seats > 10_000:
        raise ValidationError({"coworking_seats": _("Give a number from 0 to 10,000.")})
    if length_weeks < 1 or length_weeks > 520:
        raise ValidationError({"length_weeks": _("Give a length from 1 to 520 weeks.")})
    programme = Programme.all_parks.create(
        park=park,
        name=_text(name, field="name", limit=200),
        description=(description or "").strip(),
        grant_cap=grant_cap.quantize(Decimal("0.01")),
        coworking_seats=coworking_seats,
        length_weeks=length_weeks,
    )
    programme.directions.set(directions)
    writes("programmes", park_id=park.pk)
    return programme


@transaction.atomic
def cohort_create(
    *,
    programme: Programme,
    actor: Any,
    name: str,
    starts_on: date,
    ends_on: date,
    capacity: int = 20,
    site: Site | None = None,
    intake_call: Any = None,
) -> Cohort:
    """Create a cohort of ``programme``; its intake call must be a programme-intake call of the
    same park."""
    park_id = programme.park_id
    _check_site(park_id, site)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A cohort ends on or after the day it starts.")})
    if capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": _("Give a number of places from 1 to 1,000.")})
    if intake_call is not None and (
        intake_call.park_id != park_id or intake_call.kind != CallKind.PROGRAMME
    ):
        raise ValidationError({"intake_call": _("Choose a programme-intake call of this park.")})
    cohort = Cohort.all_parks.create(
        park_id=park_id,
        programme=programme,
        name=_text(name, field="name", limit=200),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        site=site,
        intake_call=intake_call,
    )
    writes("programmes", park_id=park_id)
    return cohort


def _add_team(participant: Participant) -> int:
    """Add the company's team members who are not attendees yet; return how many were added."""
    have = set(participant.attendees.values_list("user_id", flat=True))
    new = [
        Attendee(participant=participant, user_id=user_id)
        for user_id in TeamMember.objects.filter(company_id=participant.company_id)
        .order_by("id")
        .values_list("user_id", flat=True)
        if user_id not in have
    ]
    Attendee.objects.bulk_create(new)
    return len(new)


def _active_count(cohort: Cohort) -> int:
    return cohort.participants.filter(status=ParticipantStatus.ACTIVE).count()


def _lock_cohort(cohort: Cohort) -> Cohort:
    locked: Cohort = (
        Cohort.all_parks.select_for_update().select_related("programme").get(pk=cohort.pk)
    )
    return locked


@transaction.atomic
def participant_add(
    *, cohort: Cohort, actor: Any, company: Company, application: Application | None = None
) -> Participant:
    """Add one company to the cohort (with its team as attendees), within the cohort's places.

    Locking: the cohort row (``select_for_update``), so that two staff filling the same cohort at
    once never put it over its capacity.
    """
    return cohort_fill_companies(cohort=cohort, actor=actor, entries=[(company, application)])[0]


def cohort_fill_companies(
    *, cohort: Cohort, actor: Any, entries: Sequence[tuple[Company, Application | None]]
) -> list[Participant]:
    """Add companies to the cohort; all or none. Locks the cohort row (capacity check)."""
    with transaction.atomic():
        locked = _lock_cohort(cohort)
        if not entries:
            raise ValidationError({"applications": _("Choose at least one company.")})
        for company, _application in entries:
            if company.park_id != locked.park_id:
                raise ValidationError({"company": _("Choose a company of this park.")})
        taken = set(
            locked.participants.filter(company_id__in=[c.pk for c, _a in entries]).values_list(
                "company__short_name", flat=True
            )
        )
        if taken:
            raise ValidationError(
                {
                    "applications": _("Already in the cohort: %(names)s.")
                    % {"names": ", ".join(sorted(taken))}
                }
            )
        free = locked.capacity - _active_count(locked)
        if len(entries) > free:
            raise ValidationError(
                {
                    "applications": _(
                        "The cohort has %(free)d free places of %(capacity)d; you chose %(chosen)d."
                    )
                    % {"free": max(free, 0), "capacity": locked.capacity, "chosen": len(entries)}
                }
            )
        made = []
        for company, application in entries:
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        cohort=locked, company=company, application=application, added_by=actor
                    )
            except IntegrityError as error:  # the same company added at the same moment
                raise ValidationError(
                    {"applications": _("This company is already in the cohort.")}
                ) from error
            _add_team(participant)
            made.append(participant)
        writes("programmes", park_id=locked.park_id)
        return made


def cohort_fill(
    *, cohort: Cohort, actor: Any, applications: list[Application]
) -> list[Participant]:
    """Fill the cohort from admitted applications of its programme-intake call.

    Each application must be admitted, to a programme-intake call of the park (the cohort's own
    intake call when it has one). All are added or none; the cohort's capacity holds (the cohort
    row is locked while counting, see ``cohort_fill_companies``).
    """
    for application in applications:
        if application.park_id != cohort.park_id:
            raise ValidationError({"applications": _("Choose applications of this park.")})
        if application.status != ApplicationStatus.ADMITTED:
            raise ValidationError({"applications": _("Only admitted applications join a cohort.")})
        call = application.call
        if call.kind != CallKind.PROGRAMME or (
            cohort.intake_call_id is not None and call.pk != cohort.intake_call_id
        ):
            raise ValidationError(
                {"applications": _("Choose applications to this cohort's intake call.")}
            )
    return cohort_fill_companies(
        cohort=cohort, actor=actor, entries=[(a.company, a) for a in applications]
    )


@transaction.atomic
def participant_sync_team(*, participant: Participant) -> int:
    """Add team members who joined the company since it joined the cohort."""
    added = _add_team(participant)
    if added:
        writes("programmes", park_id=participant.cohort.park_id)
    return added


@transaction.atomic
def participant_set_seat(*, participant: Participant, seat: str) -> Participant:
    """Note the participant's coworking seat; a cohort gives at most the programme's seats.

    Locking: the cohort row, so that concurrent notes never exceed the seats. This is the hook
    for the spaces app: when it assigns desks for the long term, this is where the desk is
    reserved as well.
    """
    seat = _text(seat, field="coworking_seat", limit=120, required=False)
    cohort = _lock_cohort(participant.cohort)
    if seat:
        seated = cohort.participants.exclude(coworking_seat="").exclude(pk=participant.pk).count()
        if seated >= cohort.programme.coworking_seats:
            raise ValidationError(
                {
                    "coworking_seat": _(
                        "All %(seats)d coworking seats of the programme are given in this cohort."
                    )
                    % {"seats": cohort.programme.coworking_seats}
                }
            )
    Participant.objects.filter(pk=participant.pk).update(coworking_seat=seat)
    participant.coworking_seat = seat
    writes("programmes", park_id=cohort.park_id)
    return participant


@transaction.atomic
def participant_set_mentors(*, participant: Participant, mentors: Iterable[Any]) -> Participant:
    """Match mentors to the participant: each an active mentor of the park."""
    mentors = list(mentors)
    park_id = participant.cohort.park_id
    allowed = set(
        Membership.all_parks.filter(
            park_id=park_id,
            role=Role.MENTOR,
            status=MembershipStatus.ACTIVE,
            user__in=mentors,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    if any(m.pk not in allowed for m in mentors):
        raise ValidationError({"mentors": _("Choose active mentors of this park.")})
    participant.mentors.set(mentors)
    writes("programmes", park_id=park_id)
    return participant


@transaction.atomic
def participant_set_status(*, participant: Participant, status: str) -> Participant:
    if status not in ParticipantStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    cohort = _lock_cohort(participant.cohort)
    if (
        status == ParticipantStatus.ACTIVE
        and participant.status != ParticipantStatus.ACTIVE
        and _active_count(cohort) >= cohort.capacity
    ):
        raise ValidationError({"status": _("The cohort has no free place.")})
    Participant.objects.filter(pk=participant.pk).update(status=status)
    participant.status = status
    writes("programmes", park_id=cohort.park_id)
    return participant


def participant_update(
    *, participant: Participant, seat: str, mentors: Iterable[Any], status: str
) -> Participant:
    """Staff's form for one participant: the coworking seat, the mentors and the status, then the
    attendees refreshed from the company's team.

    Guarantees: all of it in one transaction, so either every change is saved or none is; a
    refused seat, mentor or status (``ValidationError`` keyed by its field), or a failure in any
    later step, leaves the seat, the mentors, the status and the attendees as they were, and
    ``participant`` as it was read. The status is only set when it changes.

    Locking: the cohort row (``select_for_update``) first, held to the end, so the seats and the
    free places are counted against concurrent changes to the same cohort; the steps take the
    same lock again, which a transaction already holding it gets at once.
    """
    try:
        with transaction.atomic():
            _lock_cohort(participant.cohort)
            participant_set_seat(participant=participant, seat=seat)
            participant_set_mentors(participant=participant, mentors=mentors)
            if status != participant.status:
                participant_set_status(participant=participant, status=status)
            participant_sync_team(participant=participant)
    except Exception:
        # The rows are as they were; the object the caller holds must be too.
        participant.refresh_from_db(fields=["coworking_seat", "status"])
        raise
    return participant


# --- Curriculum -----------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    cohort: Cohort,
    actor: Any,
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
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Unknown kind of session.")})
    _check_site(cohort.park_id, site)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("session times must be aware")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationError({"ends_at": _("A session lasts at most 24 hours.")})
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


@transaction.atomic
def attendance_record(*, session: CurriculumSession, actor: Any, marks: Mapping[int, bool]) -> int:
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


# --- Progress -------------------------------------------------------------------------------------


@transaction.atomic
def stage_propose(
    *, participant: Participant, actor: Any, to_stage: str, evidence: str
) -> StageProposal:
    """A founder claims the next stage with evidence (one open proposal per participant)."""
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    evidence = _text(evidence, field="evidence", limit=5000)
    company = Company.all_parks.get(pk=participant.company_id)
    if STAGE_ORDER[to_stage] <= STAGE_ORDER[company.stage]:
        raise ValidationError(
            {
                "to_stage": _("Propose a stage after the company's present one (%(stage)s).")
                % {"stage": Stage(company.stage).label}
            }
        )
    if participant.stage_proposals.filter(status=ProposalStatus.PROPOSED).exists():
        raise ValidationError(
            {"to_stage": _("A proposal is already waiting for the staff's confirmation.")}
        )
    try:
        with transaction.atomic():
            proposal = StageProposal.objects.create(
                participant=participant,
                from_stage=company.stage,
                to_stage=to_stage,
                evidence=evidence,
                proposed_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"to_stage": _("A proposal is already waiting for the staff's confirmation.")}
        ) from error
    writes("programmes", park_id=participant.cohort.park_id)
    return proposal


@transaction.atomic
def stage_decide(
    *, proposal: StageProposal, actor: Any, confirm: bool, note: str = ""
) -> StageProposal:
    """Staff confirm (the company moves, its stage history keeps the evidence) or reject.

    Locking: the proposal row, then the company row (in ``company_change_stage``). Recorded in
    the audit chain as ``programmes.stage_confirm`` / ``programmes.stage_reject``.
    """
    locked = (
        StageProposal.objects.select_for_update()
        .select_related("participant__cohort", "participant__company")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.PROPOSED:
        raise ValidationError({"decision": _("This proposal has been decided already.")})
    note = _text(note, field="note", limit=5000, required=not confirm)
    participant = locked.participant
    if confirm:
        company = participant.company
        if STAGE_ORDER[locked.to_stage] <= STAGE_ORDER[Company.all_parks.get(pk=company.pk).stage]:
            raise ValidationError(
                {"decision": _("The company is already at this stage or beyond it.")}
            )
        evidence = locked.evidence + (f"\n\n{note}" if note else "")
        company_services.company_change_stage(
            company=company, actor=actor, to_stage=locked.to_stage, evidence=evidence
        )
    locked.status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        park=participant.cohort.park,
        actor=actor,
        action="programmes.stage_confirm" if confirm else "programmes.stage_reject",
        target=locked,
        summary=f"{participant.company}: {locked.from_stage} → {locked.to_stage}",
        before={"status": ProposalStatus.PROPOSED, "stage": locked.from_stage},
        after={"status": locked.status, "stage": locked.to_stage if confirm else None},
    )
    writes("programmes", park_id=participant.cohort.park_id)
    proposal.status = locked.status
    return locked


# --- Demo day -------------------------------------------------------------------------------------


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
