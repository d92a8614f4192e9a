"""Participants and their progress: filling a cohort, a participant's page and the staff's form,
stage proposals and decisions, and a founder's own programme.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.core.confirm import confirmation, confirmed
from technopark.core.localtime import wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.programmes import queries, rules, services
from technopark.programmes.forms import (
    FillForm,
    ParticipantForm,
    SeatForm,
    StageDecisionForm,
    StageProposalForm,
)
from technopark.programmes.models import Participant
from technopark.programmes.queries import zone_name
from technopark.programmes.views._common import _cohort, _found, _schedule


def grants_url(park: Park) -> str | None:
    """The founder's grant page, when the grants app provides it (``grants:my_grants``)."""
    try:
        return reverse("grants:my_grants", kwargs={"park_slug": park.slug})
    except NoReverseMatch:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def cohort_fill(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Pick admitted applications of the intake call; their companies join with their teams."""
    require(rules.can_manage_programmes(access_of(request)))
    cohort = _cohort(request, pk)
    candidates = queries.admitted_applications(cohort=cohort)
    form = FillForm(
        request.POST if request.method == "POST" else None,
        applications=candidates,
        seats_offered=queries.seats_offered(),
    )
    if form.is_valid():
        ids = {int(i) for i in form.cleaned_data["applications"]}
        chosen = [a for a in candidates if a.pk in ids]
        try:
            made = services.cohort_fill(
                cohort=cohort,
                actor=signed_in_user(request),
                applications=chosen,
                seats=bool(form.cleaned_data.get("seats")),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("%(count)d companies have joined the cohort.") % {"count": len(made)}
            )
            return redirect("programmes:cohort", park_slug=park_slug, pk=cohort.pk)
    return render(
        request,
        "programmes/cohort_fill.html",
        {
            "cohort": cohort,
            "form": form,
            "candidates": candidates,
            "participants": queries.cohort_participants(cohort=cohort),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Participants and progress --------------------------------------------------------------------


def _participant(request: HttpRequest, pk: int) -> Participant:
    access = access_of(request)
    require(rules.can_view_participants(access))
    participant: Participant = _found(queries.participant_for(park=park_of(request), pk=pk))
    require(rules.can_view_participant(access, participant))
    return participant


def _render_participant(
    request: HttpRequest,
    participant: Participant,
    *,
    proposal_form: StageProposalForm | None = None,
    manage_form: ParticipantForm | None = None,
    seat_form: SeatForm | None = None,
    status: int = 200,
) -> HttpResponse:
    access = access_of(request)
    park = park_of(request)
    cohort = participant.cohort
    attendance = queries.participant_attendance(participant=participant)
    for row in attendance:
        zone = zone_name(site=row["session"].site, cohort=cohort)
        row["starts"] = wall_time(row["session"].starts_at, zone)
    may_manage = rules.can_manage_participant(access, participant)
    if manage_form is None and may_manage:
        manage_form = ParticipantForm(
            mentors=queries.mentor_options(park=park),
            initial={
                "coworking_seat": participant.coworking_seat,
                "mentors": [str(m.pk) for m in participant.mentors.all()],
                "status": participant.status,
            },
        )
    if proposal_form is None and rules.can_propose_stage(access, participant):
        proposal_form = StageProposalForm()
    seat = queries.participant_seat(participant=participant)
    may_seat = rules.can_allocate_seat(access, participant) and queries.seats_offered()
    if seat_form is None and may_seat and seat is None:
        seat_form = SeatForm(choices=queries.seat_choices(participant=participant))
    return render(
        request,
        "programmes/participant_detail.html",
        {
            "participant": participant,
            "cohort": cohort,
            "attendees": list(participant.attendees.all()),
            "attendance": attendance,
            "proposals": list(participant.stage_proposals.all()),
            "follow_ups": queries.participant_follow_ups(participant=participant),
            "proposal_form": proposal_form,
            "manage_form": manage_form if may_manage else None,
            "seat": seat,
            "seat_form": seat_form if may_seat and seat is None else None,
            "may_release_seat": may_seat and seat is not None,
            "decision_form": StageDecisionForm() if rules.can_decide_stage(access) else None,
        },
        status=status,
    )


@login_required
@require_GET
def participant_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _render_participant(request, _participant(request, pk))


@login_required
@require_POST
def participant_manage(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff: coworking seat, mentors, status (and refresh the attendees from the team)."""
    access = access_of(request)
    require(rules.can_manage_participant(access))
    participant = _participant(request, pk)
    form = ParticipantForm(request.POST, mentors=queries.mentor_options(park=park_of(request)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_update(
                participant=participant,
                seat=data["coworking_seat"],
                mentors=form.chosen_mentors(),
                status=data["status"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The participant's data has been saved."))
            return redirect("programmes:participant", park_slug=park_slug, pk=participant.pk)
    return _render_participant(request, participant, manage_form=form, status=400)


@login_required
@require_POST
def participant_seat_allocate(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff: a coworking seat for the cohort's dates, the desk picked or the first free one."""
    require(rules.can_allocate_seat(access_of(request)))
    participant = _participant(request, pk)
    require(rules.can_allocate_seat(access_of(request), participant))
    form = SeatForm(request.POST, choices=queries.seat_choices(participant=participant))
    if form.is_valid():
        try:
            seat = services.participant_seat_allocate(
                participant=participant,
                actor=signed_in_user(request),
                resource_id=form.resource_id(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(desk)s is held for %(company)s for the cohort's dates.")
                % {"desk": seat.resource_name, "company": participant.company.short_name},
            )
            return redirect("programmes:participant", park_slug=park_slug, pk=participant.pk)
    return _render_participant(request, participant, seat_form=form, status=400)


@login_required
@require_POST
def participant_seat_release(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff: give the participant's seat back from today on."""
    require(rules.can_allocate_seat(access_of(request)))
    participant = _participant(request, pk)
    require(rules.can_allocate_seat(access_of(request), participant))
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Release the coworking seat of %(company)s?")
            % {"company": participant.company.short_name},
            message=_(
                "The desk is given back from today on and can be booked by others; the days "
                "already used stay in the record."
            ),
            action=_("Release the seat"),
            back=reverse(
                "programmes:participant", kwargs={"park_slug": park_slug, "pk": participant.pk}
            ),
        )
    try:
        released = services.participant_seat_release(
            participant=participant, actor=signed_in_user(request)
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _render_participant(request, participant, status=400)
    if released is None:
        messages.info(request, _("The participant had no coworking seat."))
    else:
        messages.success(request, _("The coworking seat has been released."))
    return redirect("programmes:participant", park_slug=park_slug, pk=participant.pk)


@login_required
@require_POST
def stage_propose(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    require(rules.can_propose_stage(access_of(request), participant))
    form = StageProposalForm(request.POST)
    if form.is_valid():
        try:
            services.stage_propose(
                participant=participant,
                actor=signed_in_user(request),
                to_stage=form.cleaned_data["to_stage"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your proposal has been sent to the park's staff."))
            return redirect("programmes:participant", park_slug=park_slug, pk=participant.pk)
    return _render_participant(request, participant, proposal_form=form, status=400)


@login_required
@require_POST
def stage_decide(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_decide_stage(access_of(request)))
    proposal = _found(queries.proposal_for(park=park_of(request), pk=pk))
    form = StageDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.stage_decide(
                proposal=proposal,
                actor=signed_in_user(request),
                confirm=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                for message in messages_:
                    messages.error(request, message)
            participant = _participant(request, proposal.participant_id)
            return _render_participant(request, participant, status=400)
        messages.success(request, _("The decision has been recorded."))
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
        participant = _participant(request, proposal.participant_id)
        return _render_participant(request, participant, status=400)
    return redirect("programmes:participant", park_slug=park_slug, pk=proposal.participant_id)


# --- My programme ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_programme(request: HttpRequest, park_slug: str) -> HttpResponse:
    """A founder's programme: the schedule in local time, their attendance, the stage, the grant."""
    access = access_of(request)
    require(rules.can_view_my_programme(access))
    park = park_of(request)
    participations = queries.my_participations(park=park, user=request.user)
    cohort_ids = [p.cohort_id for p in participations]
    sessions = queries.sessions_of_cohorts(cohort_ids=cohort_ids)
    marks = queries.attendance_of_users(user=request.user, cohort_ids=cohort_ids)
    seats = queries.participant_seats(participant_ids=[p.pk for p in participations])
    items = []
    for participation in participations:
        schedule = _schedule(sessions.get(participation.cohort_id, []), participation.cohort)
        for row in schedule:
            row["present"] = marks.get(row["session"].pk)
        items.append(
            {
                "participant": participation,
                "schedule": schedule,
                "seat": seats.get(participation.pk),
            }
        )
    return render(
        request,
        "programmes/my_programme.html",
        {"items": items, "grants_url": grants_url(park)},
    )
