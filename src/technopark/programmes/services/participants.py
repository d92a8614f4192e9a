"""Participants of a cohort and their progress: filling a cohort (within its places), the
coworking seat, mentors, status and team; a founder's stage proposal and the staff's decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies import services as company_services
from technopark.companies.models import Company, Stage, TeamMember
from technopark.core.fragments import writes
from technopark.parks.models import Membership, MembershipStatus, Role
from technopark.programmes.models import (
    Attendee,
    Cohort,
    Participant,
    ParticipantStatus,
    ProposalStatus,
    StageProposal,
)
from technopark.programmes.seats import SeatInfo, SeatProvider, seat_provider
from technopark.programmes.services._common import _text
from technopark.selection.models import Application, ApplicationStatus, CallKind

STAGE_ORDER = {stage: rank for rank, stage in enumerate(Stage.values)}


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


def _seats() -> SeatProvider:
    provider = seat_provider()
    if provider is None:
        raise ValidationError({"seat": _("Coworking seats are not given on this platform.")})
    return provider


def _check_seats_left(cohort: Cohort, *, wanted: int) -> None:
    """The cohort holds at most the programme's coworking seats (the cohort row is locked)."""
    ids = list(cohort.participants.values_list("pk", flat=True))
    taken = len(_seats().describe_many(participant_ids=ids))
    if taken + wanted > cohort.programme.coworking_seats:
        raise ValidationError(
            {
                "seat": _(
                    "All %(seats)d coworking seats of the programme are taken in this cohort."
                )
                % {"seats": cohort.programme.coworking_seats}
            }
        )


@transaction.atomic
def participant_add(
    *,
    cohort: Cohort,
    actor: User,
    company: Company,
    application: Application | None = None,
    seat: bool = False,
) -> Participant:
    """Add one company to the cohort (with its team as attendees), within the cohort's places;
    with ``seat``, also a coworking seat for the cohort's dates (see ``cohort_fill_companies``).

    Locking: the cohort row (``select_for_update``), so that two staff filling the same cohort at
    once never put it over its capacity.
    """
    return cohort_fill_companies(
        cohort=cohort, actor=actor, entries=[(company, application)], seats=seat
    )[0]


def cohort_fill_companies(
    *,
    cohort: Cohort,
    actor: User,
    entries: Sequence[tuple[Company, Application | None]],
    seats: bool = False,
) -> list[Participant]:
    """Add companies to the cohort; all or none. Locks the cohort row (capacity check).

    With ``seats`` every new participant also gets a coworking seat (the first desk free for the
    whole cohort, ``participant_seat_allocate``) in the same transaction: when a seat cannot be
    given (none free, the programme's seats all taken) nobody joins and nothing is booked.
    """
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
        if seats:
            _check_seats_left(locked, wanted=len(made))
            for participant in made:
                participant.cohort = locked
                _seats().allocate(participant=participant, actor=actor)
        writes("programmes", park_id=locked.park_id)
        return made


def cohort_fill(
    *, cohort: Cohort, actor: User, applications: list[Application], seats: bool = False
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
        cohort=cohort, actor=actor, entries=[(a.company, a) for a in applications], seats=seats
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
def participant_seat_allocate(
    *, participant: Participant, actor: User, resource_id: int | None = None
) -> SeatInfo:
    """Give an active participant a coworking seat for the cohort's (remaining) dates: the desk
    ``resource_id`` (from ``seat_choices``), or the first free one. At most the programme's
    coworking seats per cohort.

    Refused with a ``ValidationError`` keyed ``seat`` (nothing changes) when no desk is free for
    all the dates, the participant is not active or holds a seat, or the cohort has none left.
    Locking: the cohort row (the programme's seats counted against concurrent allocations), then
    what the seat provider locks (the booking's overlap rule). Audited by the provider
    (``spaces.seat_allocate``).
    """
    cohort = _lock_cohort(participant.cohort)
    if participant.status != ParticipantStatus.ACTIVE:
        raise ValidationError({"seat": _("Only an active participant gets a seat.")})
    _check_seats_left(cohort, wanted=1)
    participant.cohort = cohort
    info = _seats().allocate(participant=participant, actor=actor, resource_id=resource_id)
    writes("programmes", park_id=cohort.park_id)
    return info


@transaction.atomic
def participant_seat_release(*, participant: Participant, actor: User | None) -> SeatInfo | None:
    """Free the participant's coworking seat from today on (None when there was none).

    Audited by the seat provider (``spaces.seat_release``). Locking: the provider's.
    """
    info = _seats().release(participant=participant, actor=actor)
    if info is not None:
        writes("programmes", park_id=participant.cohort.park_id)
    return info


@transaction.atomic
def participant_set_status(
    *, participant: Participant, status: str, actor: User | None = None
) -> Participant:
    """Change the status; a participant who leaves or graduates gives their coworking seat back
    (released from today on, audited as ``spaces.seat_release``). Locking: the cohort row."""
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
    provider = seat_provider()
    if status != ParticipantStatus.ACTIVE and provider is not None:
        provider.release(participant=participant, actor=actor)
    writes("programmes", park_id=cohort.park_id)
    return participant


def participant_update(
    *,
    participant: Participant,
    seat: str,
    mentors: Iterable[Any],
    status: str,
    actor: User | None = None,
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
                participant_set_status(participant=participant, status=status, actor=actor)
            participant_sync_team(participant=participant)
    except Exception:
        # The rows are as they were; the object the caller holds must be too.
        participant.refresh_from_db(fields=["coworking_seat", "status"])
        raise
    return participant


# --- Progress -------------------------------------------------------------------------------------


@transaction.atomic
def stage_propose(
    *, participant: Participant, actor: User, to_stage: str, evidence: str
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
    *, proposal: StageProposal, actor: User, confirm: bool, note: str = ""
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
