"""The programmes pages: programmes and cohorts, filling a cohort, the schedule, attendance,
participants and their progress, the cohort dashboard, the demo day, and "my programme".

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
Writes go through ``programmes.services``; reads through ``programmes.queries``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.companies.queries import direction_options
from technopark.core.fragments import Fragment
from technopark.core.localtime import to_utc, wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.parks.queries import site_options
from technopark.programmes import queries, rules, services
from technopark.programmes.forms import (
    AttendanceForm,
    CohortForm,
    DemoDayForm,
    FeedbackForm,
    FillForm,
    GuestForm,
    ParticipantForm,
    PitchOrderForm,
    ProgrammeForm,
    SessionForm,
    StageDecisionForm,
    StageProposalForm,
)
from technopark.programmes.models import Cohort, DemoDay, Participant
from technopark.programmes.queries import zone_name


def _found(value: Any) -> Any:
    if value is None:
        raise Http404(_("Not found in this park."))
    return value


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    cohort: Cohort = _found(queries.cohort_for(park=park_of(request), pk=pk))
    return cohort


def grants_url(park: Park) -> str | None:
    """The founder's grant page, when the grants app provides it (``grants:my_grants``)."""
    try:
        return reverse("grants:my_grants", kwargs={"park_slug": park.slug})
    except NoReverseMatch:
        return None


# --- Programmes and cohorts -----------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_list_programmes(access_of(request)))
    programmes = queries.programme_list(park=park_of(request))
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_manage_programmes(access_of(request)))
    park = park_of(request)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        directions=direction_options(park=park),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                park=park,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                grant_cap=data["grant_cap"],
                coworking_seats=data["coworking_seats"],
                length_weeks=data["length_weeks"],
                directions=form.chosen_directions(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The programme %(name)s has been created.") % {"name": programme.name}
            )
            return redirect(
                "programmes:cohort_create", park_slug=park.slug, programme_pk=programme.pk
            )
    return render(request, "programmes/form.html", {"form": form, "title": _("New programme")})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest, park_slug: str, programme_pk: int) -> HttpResponse:
    require(rules.can_manage_programmes(access_of(request)))
    park = park_of(request)
    programme = _found(queries.programme_detail(park=park, pk=programme_pk))
    form = CohortForm(
        request.POST if request.method == "POST" else None,
        sites=site_options(park=park),
        calls=queries.programme_calls(park=park),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(
                programme=programme,
                actor=request.user,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                capacity=data["capacity"],
                site=data["site"],
                intake_call=data["intake_call"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The cohort has been created."))
            return redirect("programmes:cohort", park_slug=park.slug, pk=cohort.pk)
    title = _("New cohort of %(programme)s") % {"programme": programme.name}
    return render(request, "programmes/form.html", {"form": form, "title": title})


def _schedule(sessions: list[Any], cohort: Cohort) -> list[dict[str, Any]]:
    """Sessions with their start and end in the site's time zone (the cohort's, else the park's)."""
    rows = []
    for session in sessions:
        zone = zone_name(site=session.site, cohort=cohort)
        rows.append(
            {
                "session": session,
                "zone": zone,
                "starts": wall_time(session.starts_at, zone),
                "ends": wall_time(session.ends_at, zone),
            }
        )
    return rows


@login_required
@require_GET
def cohort_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_cohort(access))
    cohort = _cohort(request, pk)
    require(rules.can_view_cohort(access, cohort))
    demo_day = queries.cohort_demo_day(cohort=cohort)
    demo_zone = zone_name(site=demo_day.site, cohort=cohort) if demo_day else ""
    return render(
        request,
        "programmes/cohort_detail.html",
        {
            "cohort": cohort,
            "participants": queries.cohort_participants(cohort=cohort),
            "schedule": _schedule(queries.cohort_sessions(cohort=cohort), cohort),
            "demo_day": demo_day,
            "demo_day_starts": wall_time(demo_day.starts_at, demo_zone) if demo_day else None,
            "demo_zone": demo_zone,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_fill(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Pick admitted applications of the intake call; their companies join with their teams."""
    require(rules.can_manage_programmes(access_of(request)))
    cohort = _cohort(request, pk)
    candidates = queries.admitted_applications(cohort=cohort)
    form = FillForm(request.POST if request.method == "POST" else None, applications=candidates)
    if form.is_valid():
        ids = {int(i) for i in form.cleaned_data["applications"]}
        chosen = [a for a in candidates if a.pk in ids]
        try:
            made = services.cohort_fill(cohort=cohort, actor=request.user, applications=chosen)
        except ValidationError as error:
            for messages_ in getattr(error, "message_dict", {"": error.messages}).values():
                for message in messages_:
                    form.add_error("applications", message)
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
    )


# --- Curriculum -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_manage_programmes(access_of(request)))
    park = park_of(request)
    cohort = _cohort(request, pk)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        sites=site_options(park=park),
        initial={"site": cohort.site_id or ""},
    )
    if form.is_valid():
        data = form.cleaned_data
        zone = zone_name(site=data["site"], cohort=cohort)
        try:
            session = services.session_create(
                cohort=cohort,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                speaker=data["speaker"],
                site=data["site"],
                room=data["room"],
                starts_at=to_utc(data["starts_at"], zone=zone, field="starts_at"),
                ends_at=to_utc(data["ends_at"], zone=zone, field="ends_at"),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(title)s is on the schedule.") % {"title": session.title})
            return redirect("programmes:cohort", park_slug=park.slug, pk=cohort.pk)
    title = _("New session for %(cohort)s") % {"cohort": cohort.name}
    return render(request, "programmes/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Take attendance for a whole session in one form (checked: present)."""
    access = access_of(request)
    require(rules.can_take_attendance(access))
    session = _found(queries.session_for(park=park_of(request), pk=pk))
    require(rules.can_take_attendance(access, session))
    sheet = queries.session_sheet(session=session)
    form = AttendanceForm(request.POST if request.method == "POST" else None, sheet=sheet)
    if form.is_valid():
        try:
            services.attendance_record(session=session, actor=request.user, marks=form.marks())
        except ValidationError as error:
            for messages_ in getattr(error, "message_dict", {"": error.messages}).values():
                for message in messages_:
                    form.add_error(None, message)
        else:
            messages.success(request, _("Attendance has been saved."))
            return redirect("programmes:cohort", park_slug=park_slug, pk=session.cohort_id)
    zone = zone_name(site=session.site, cohort=session.cohort)
    return render(
        request,
        "programmes/session_attendance.html",
        {
            "session": session,
            "form": form,
            "rows": form.rows(),
            "zone": zone,
            "starts": wall_time(session.starts_at, zone),
            "ends": wall_time(session.ends_at, zone),
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
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The participant's data has been saved."))
            return redirect("programmes:participant", park_slug=park_slug, pk=participant.pk)
    return _render_participant(request, participant, manage_form=form, status=400)


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
                actor=request.user,
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
                actor=request.user,
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


# --- The cohort dashboard -------------------------------------------------------------------------


# Attendance, stage moves, grants and overdue milestones: kept per local day, since milestones
# fall overdue at midnight without any write.
DASHBOARD = Fragment(
    "cohort-dashboard", topics=("programmes", "grants", "companies"), local_day=True
)


@login_required
@require_GET
def cohort_dashboard(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Attendance, stage moves, grant status and overdue milestones of the cohort.

    The content is the declared fragment ``DASHBOARD``. A fresh render runs a fixed number of
    queries (``queries.cohort_dashboard``).
    """
    require(rules.can_view_dashboard(access_of(request)))
    park = park_of(request)

    def build() -> tuple[str, str]:
        cohort = queries.cohort_for(park=park, pk=pk)
        if cohort is None:
            return ("", "")  # cached too: a missing cohort stays missing until a write
        dashboard = queries.cohort_dashboard(cohort=cohort)
        content = render_to_string(
            "programmes/_dashboard_content.html",
            {"dashboard": dashboard, "cohort": cohort, "park": park},
            request=request,
        )
        return (cohort.name, content)

    name, content = DASHBOARD.get(request, build=build, args=(pk,))
    if not content:
        raise Http404(_("Not found in this park."))
    return render(
        request,
        "programmes/cohort_dashboard.html",
        {"cohort_name": name, "content": mark_safe(content)},  # noqa: S308 - our template's output
    )


# --- Demo day -------------------------------------------------------------------------------------


def _demo_day(request: HttpRequest, pk: int) -> DemoDay:
    access = access_of(request)
    require(rules.can_view_demo_days(access))
    demo_day: DemoDay = _found(queries.demo_day_for(park=park_of(request), pk=pk))
    require(rules.can_view_demo_day(access, demo_day))
    return demo_day


@login_required
@require_http_methods(["GET", "POST"])
def demo_day_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Plan the cohort's demo day (``pk`` is the cohort): title, time, place, minutes per pitch."""
    require(rules.can_manage_demo_day(access_of(request)))
    park = park_of(request)
    cohort = _cohort(request, pk)
    existing = queries.cohort_demo_day(cohort=cohort)
    initial: dict[str, Any] = {"site": cohort.site_id or ""}
    if existing is not None:
        zone = zone_name(site=existing.site, cohort=cohort)
        initial = {
            "title": existing.title,
            "starts_at": wall_time(existing.starts_at, zone),
            "minutes_per_pitch": existing.minutes_per_pitch,
            "site": existing.site_id or "",
            "room": existing.room,
        }
    form = DemoDayForm(
        request.POST if request.method == "POST" else None,
        sites=site_options(park=park),
        initial=initial,
    )
    if form.is_valid():
        data = form.cleaned_data
        zone = zone_name(site=data["site"], cohort=cohort)
        try:
            demo_day = services.demo_day_save(
                cohort=cohort,
                actor=request.user,
                title=data["title"],
                starts_at=to_utc(data["starts_at"], zone=zone, field="starts_at"),
                minutes_per_pitch=data["minutes_per_pitch"],
                site=data["site"],
                room=data["room"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The demo day has been saved."))
            return redirect("programmes:demo_day", park_slug=park.slug, pk=demo_day.pk)
    title = _("Demo day of %(cohort)s") % {"cohort": cohort.name}
    return render(request, "programmes/form.html", {"form": form, "title": title})


def _render_demo_day(
    request: HttpRequest,
    demo_day: DemoDay,
    *,
    order_form: PitchOrderForm | None = None,
    guest_form: GuestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    access = access_of(request)
    park = park_of(request)
    cohort = demo_day.cohort
    zone = zone_name(site=demo_day.site, cohort=cohort)
    pitches = list(demo_day.pitches.all())
    manage = rules.can_manage_demo_day(access, demo_day)
    if manage and order_form is None:
        order_form = PitchOrderForm(
            participants=queries.cohort_participants(cohort=cohort),
            positions={p.participant_id: p.position for p in pitches},
        )
    if manage and guest_form is None:
        guest_form = GuestForm(people=queries.guest_options(park=park))
    return render(
        request,
        "programmes/demo_day.html",
        {
            "demo_day": demo_day,
            "cohort": cohort,
            "zone": zone,
            "starts": wall_time(demo_day.starts_at, zone),
            "pitches": [{"pitch": p, "starts": wall_time(p.starts_at, zone)} for p in pitches],
            "guests": list(demo_day.guests.all()),
            "manage": manage,
            "order_form": order_form,
            "guest_form": guest_form,
            "guest": rules.guest_of(access, demo_day),
            "may_give_feedback": rules.can_give_feedback(access, demo_day),
        },
        status=status,
    )


@login_required
@require_GET
def demo_day_detail(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _render_demo_day(request, _demo_day(request, pk))


@login_required
@require_POST
def demo_day_order(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day(request, pk)
    form = PitchOrderForm(
        request.POST,
        participants=queries.cohort_participants(cohort=demo_day.cohort),
        positions={},
    )
    if form.is_valid():
        try:
            services.demo_day_set_order(
                demo_day=demo_day, participant_ids=form.cleaned_data["order"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The pitch order has been saved."))
            return redirect("programmes:demo_day", park_slug=park_slug, pk=demo_day.pk)
    return _render_demo_day(request, demo_day, order_form=form, status=400)


@login_required
@require_POST
def demo_day_invite(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    require(rules.can_manage_demo_day(access_of(request)))
    demo_day = _demo_day(request, pk)
    form = GuestForm(request.POST, people=queries.guest_options(park=park_of(request)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.guest_invite(
                demo_day=demo_day,
                user=data["user"],
                name=data["name"],
                organisation=data["organisation"],
                kind=data["kind"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The guest has been invited."))
            return redirect("programmes:demo_day", park_slug=park_slug, pk=demo_day.pk)
    return _render_demo_day(request, demo_day, guest_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def demo_day_feedback(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """An invited guest's interest in each pitch, in one form."""
    access = access_of(request)
    require(rules.can_view_demo_days(access))
    demo_day = _demo_day(request, pk)
    require(rules.can_give_feedback(access, demo_day))
    guest = rules.guest_of(access, demo_day)
    if guest is None:  # pragma: no cover - can_give_feedback holds
        raise PermissionDenied
    pitches = list(demo_day.pitches.all())
    existing = {f.pitch_id: f for p in pitches for f in p.feedback.all() if f.guest_id == guest.pk}
    form = FeedbackForm(
        request.POST if request.method == "POST" else None, pitches=pitches, existing=existing
    )
    if form.is_valid():
        try:
            for pitch, values in form.entries():
                services.feedback_record(guest=guest, pitch=pitch, **values)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Thank you: your feedback has been saved."))
            return redirect("programmes:demo_day", park_slug=park_slug, pk=demo_day.pk)
    zone = zone_name(site=demo_day.site, cohort=demo_day.cohort)
    return render(
        request,
        "programmes/demo_day_feedback.html",
        {
            "demo_day": demo_day,
            "form": form,
            "rows": form.rows(),
            "zone": zone,
            "starts": wall_time(demo_day.starts_at, zone),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


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
    items = []
    for participation in participations:
        schedule = _schedule(sessions.get(participation.cohort_id, []), participation.cohort)
        for row in schedule:
            row["present"] = marks.get(row["session"].pk)
        items.append({"participant": participation, "schedule": schedule})
    return render(
        request,
        "programmes/my_programme.html",
        {"items": items, "grants_url": grants_url(park)},
    )
