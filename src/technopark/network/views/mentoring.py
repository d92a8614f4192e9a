"""Mentoring pages: the visitor's pairings (staff: the park's, filtered), a pairing set by
staff, a pairing's page (goals, sessions, ratings, the fit question, ending it), a session's
page (correct, rate, delete), and the pairing's sessions as an iCal file for the pair.

A pairing or session of another park, or one the visitor is not party to (nor staff), is a 404.
Session notes are shown to the pair only (``rules.can_read_notes``), never to the staff. The
services decide the rest; their refusals are shown at the form's field with a 400."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.localtime import local_today
from technopark.core.params import ID, Choice, param_value
from technopark.network import ical, queries, rules
from technopark.network.forms.mentoring import (
    EndForm,
    FitForm,
    GoalsForm,
    PairingNewForm,
    RateForm,
    SessionEditForm,
    SessionForm,
)
from technopark.network.models import Fit, MentoringSession, Pairing, PairingStatus
from technopark.network.queries import mentoring as reads
from technopark.network.services import mentoring
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import is_staff

STATUS = Choice.of(PairingStatus.values)


# --- lookups -------------------------------------------------------------------------------


def _member_ids(request: HttpRequest) -> set[int]:
    return queries.member_company_ids(park=park_of(request), user=request.user)


def _acting_ids(request: HttpRequest) -> set[int]:
    return queries.acting_company_ids(park=park_of(request), user=request.user)


def _pairing_or_404(request: HttpRequest, pk: int, member_ids: set[int]) -> Pairing:
    found = reads.pairing_in_park(park=park_of(request), pk=pk)
    if found is None or not rules.can_view_pairing(access_of(request), found, member_ids):
        raise Http404(_("No such mentoring in this park."))
    return found


def _session_or_404(request: HttpRequest, pk: int, member_ids: set[int]) -> MentoringSession:
    found = reads.session_in_park(park=park_of(request), pk=pk)
    if found is None or not rules.can_view_pairing(access_of(request), found.pairing, member_ids):
        raise Http404(_("No such session in this park."))
    return found


def _to_pairing(request: HttpRequest, pairing: Pairing) -> HttpResponse:
    return redirect("network:pairing", park_slug=park_of(request).slug, pk=pairing.pk)


# --- the list and the staff form -----------------------------------------------------------


@login_required
@require_GET
def pairings(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The visitor's pairings; staff see the park's, by status, cohort and mentor."""
    access = access_of(request)
    require(rules.can_browse(access))
    park = park_of(request)
    staff = is_staff(access)
    status = param_value(request.GET, "status", STATUS, None)
    cohort_id = param_value(request.GET, "cohort", ID, None) if staff else None
    profile_id = param_value(request.GET, "mentor", ID, None) if staff else None
    rows = reads.pairing_rows(
        park=park,
        user=request.user,
        staff=staff,
        member_ids=_member_ids(request),
        status=status,
        cohort_id=cohort_id,
        profile_id=profile_id,
    )
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {
        "park": park,
        "page": page,
        "rows": list(page.object_list),
        "staff": staff,
        "status": status,
        "cohort_id": cohort_id,
        "profile_id": profile_id,
        "statuses": PairingStatus.choices,
        "query": params.urlencode(),
    }
    if staff:
        context["cohorts"] = list(reads.cohort_options(park=park))
        context["mentors"] = list(reads.mentor_options(park=park))
    return render(request, "network/mentoring/pairings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_new(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Staff pair a mentor with a company; a mentor without a place left is a form error."""
    access = access_of(request)
    require(rules.can_manage(access))
    park = park_of(request)
    form = PairingNewForm(
        request.POST or None,
        mentors=reads.mentor_options(park=park),
        companies=reads.company_options(park=park),
        cohorts=reads.cohort_options(park=park),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = mentoring.pairing_create_by_staff(
                    access=access,
                    profile=data["profile"],
                    company=data["company"],
                    cohort=data["cohort"],
                    goals=data["goals"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The mentoring pairing is set."))
                return _to_pairing(request, made)
        status = 400
    return render(
        request, "network/mentoring/pairing_new.html", {"park": park, "form": form}, status=status
    )


# --- a pairing -----------------------------------------------------------------------------


def _pairing_page(
    request: HttpRequest,
    pairing: Pairing,
    member_ids: set[int],
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    access = access_of(request)
    park = park_of(request)
    now = timezone.now()
    acting_ids = _acting_ids(request)
    sessions = reads.pairing_sessions(pairing=pairing)
    side = mentoring.side_of(access, pairing, member_ids)
    bound = bound or {}
    rateable: set[int] = set()
    if side is not None:
        rateable = {
            session.pk
            for session in sessions
            if mentoring.rating_problem(session, side, now, park.time_zone) is None
        }
    can_log = rules.can_log_session(access, pairing, member_ids)
    can_fit = rules.can_answer_fit(access, pairing, acting_ids) and bool(sessions)
    can_end = rules.can_end_pairing(access, pairing, acting_ids)
    can_goals = pairing.status == PairingStatus.ACTIVE and rules.can_view_pairing(
        access, pairing, member_ids
    )
    context: dict[str, Any] = {
        "park": park,
        "pairing": pairing,
        "sessions": sessions,
        "side": side,
        "read_notes": rules.can_read_notes(access, pairing, member_ids),
        "rateable": rateable,
        "own_sessions": {s.pk for s in sessions if rules.can_change_session(access, s)},
        "can_log": can_log,
        "can_fit": can_fit,
        "can_end": can_end,
        "can_goals": can_goals,
        "is_pair": side is not None,
        "session_form": bound.get("session_form")
        or (
            SessionForm(initial={"held_on": local_today(park.time_zone, at=now)})
            if can_log
            else None
        ),
        "fit_form": bound.get("fit_form") or (FitForm() if can_fit else None),
        "end_form": bound.get("end_form") or (EndForm() if can_end else None),
        "goals_form": bound.get("goals_form")
        or (GoalsForm(initial={"goals": pairing.goals}) if can_goals else None),
        "rate_form": RateForm(auto_id="rate_%s"),
        "total_minutes": sum(s.duration_minutes for s in sessions),
    }
    return render(request, "network/mentoring/pairing.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pairing(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The pairing's page; a POST saves its goals (either side or staff)."""
    member_ids = _member_ids(request)
    found = _pairing_or_404(request, pk, member_ids)
    if request.method == "POST":
        form = GoalsForm(request.POST)
        if form.is_valid():
            try:
                mentoring.pairing_set_goals(
                    access=access_of(request),
                    pairing=found,
                    goals=form.cleaned_data["goals"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The goals are saved."))
                return _to_pairing(request, found)
        return _pairing_page(request, found, member_ids, bound={"goals_form": form}, status=400)
    return _pairing_page(request, found, member_ids)


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Log a session that took place (either side of an active pairing)."""
    member_ids = _member_ids(request)
    found = _pairing_or_404(request, pk, member_ids)
    access = access_of(request)
    require(rules.can_log_session(access, found, member_ids))
    park = park_of(request)
    if request.method == "GET":
        # The form lives on the pairing's page; this address only takes it (and shows it again
        # with its errors).
        return redirect(
            reverse("network:pairing", kwargs={"park_slug": park.slug, "pk": found.pk})
            + "#session-form"
        )
    now = timezone.now()
    form = SessionForm(
        request.POST or None, initial={"held_on": local_today(park.time_zone, at=now)}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                mentoring.session_log(
                    access=access,
                    pairing=found,
                    held_on=data["held_on"],
                    duration_minutes=data["duration_minutes"],
                    format=data["format"],
                    topics=data["topics"],
                    notes=data["notes"],
                    rating=data["rating"],
                    now=now,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The session is logged."))
                return _to_pairing(request, found)
        status = 400
    return render(
        request,
        "network/mentoring/session_add.html",
        {"park": park, "pairing": found, "form": form},
        status=status,
    )


@login_required
@require_POST
def pairing_fit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The company's answer to the fit question; "not a good fit" ends the pairing and offers
    a re-match."""
    member_ids = _member_ids(request)
    found = _pairing_or_404(request, pk, member_ids)
    access = access_of(request)
    require(found.company_id in _acting_ids(request))
    form = FitForm(request.POST)
    if form.is_valid():
        try:
            answered = mentoring.pairing_answer_fit(
                access=access, pairing=found, fit=form.cleaned_data["fit"], now=timezone.now()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if answered.fit != Fit.POOR:
                messages.success(request, _("Thank you: your answer is saved."))
                return _to_pairing(request, found)
            park = park_of(request)
            rematch = reverse("network:suggestions", kwargs={"park_slug": park.slug})
            rematch += "?" + urlencode({"company": str(found.company_id), "kind": "mentor"})
            return render(
                request,
                "network/mentoring/fit_answered.html",
                {"park": park, "pairing": answered, "company": found.company, "rematch": rematch},
            )
    return _pairing_page(request, found, member_ids, bound={"fit_form": form}, status=400)


@login_required
@require_POST
def pairing_end(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Either side or staff end the pairing."""
    member_ids = _member_ids(request)
    found = _pairing_or_404(request, pk, member_ids)
    access = access_of(request)
    require(
        is_staff(access)
        or rules.owns_profile(access, found.profile)
        or found.company_id in _acting_ids(request)
    )
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            mentoring.pairing_close(
                access=access, pairing=found, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The mentoring has ended."))
            return _to_pairing(request, found)
    return _pairing_page(request, found, member_ids, bound={"end_form": form}, status=400)


# --- a session -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """A session: its author corrects or deletes it; a side of the pair rates it. The POST's
    ``action`` says which (``edit``, ``rate``, ``delete``)."""
    member_ids = _member_ids(request)
    found = _session_or_404(request, pk, member_ids)
    access = access_of(request)
    park = park_of(request)
    now = timezone.now()
    pairing_found = found.pairing
    side = mentoring.side_of(access, pairing_found, member_ids)
    can_edit = rules.can_change_session(access, found)
    can_delete = rules.can_delete_session(access, found, now)
    can_rate = (
        side is not None and mentoring.rating_problem(found, side, now, park.time_zone) is None
    )
    edit_form = SessionEditForm(
        initial={
            "duration_minutes": found.duration_minutes,
            "topics": found.topics,
            "notes": found.notes,
        }
    )
    rate_form = RateForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "delete":
            require(can_delete)
            mentoring.session_delete(access=access, session=found, now=now)
            messages.success(request, _("The session is deleted."))
            return _to_pairing(request, pairing_found)
        if action == "edit":
            require(can_edit)
            edit_form = SessionEditForm(request.POST)
            if edit_form.is_valid():
                data = edit_form.cleaned_data
                try:
                    mentoring.session_update(
                        access=access,
                        session=found,
                        duration_minutes=data["duration_minutes"],
                        topics=data["topics"],
                        notes=data["notes"],
                        now=now,
                    )
                except ValidationError as error:
                    edit_form.add_service_error(error)
                else:
                    messages.success(request, _("The session is saved."))
                    return _to_pairing(request, pairing_found)
        elif action == "rate":
            require(rules.can_rate_session(access, pairing_found, member_ids))
            rate_form = RateForm(request.POST)
            if rate_form.is_valid():
                try:
                    mentoring.session_rate(
                        access=access,
                        session=found,
                        rating=rate_form.cleaned_data["rating"],
                        now=now,
                    )
                except ValidationError as error:
                    rate_form.add_service_error(error)
                else:
                    messages.success(request, _("Your rating is saved."))
                    return _to_pairing(request, pairing_found)
        else:
            raise Http404
        status = 400
    return render(
        request,
        "network/mentoring/session.html",
        {
            "park": park,
            "session": found,
            "pairing": pairing_found,
            "read_notes": rules.can_read_notes(access, pairing_found, member_ids),
            "side": side,
            "can_edit": can_edit,
            "can_delete": can_delete,
            "can_rate": can_rate,
            "edit_form": edit_form,
            "rate_form": rate_form,
        },
        status=status,
    )


# --- iCal ----------------------------------------------------------------------------------


@login_required
@require_GET
def pairing_ics(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The pairing's sessions as a calendar file, for the pair."""
    member_ids = _member_ids(request)
    found = _pairing_or_404(request, pk, member_ids)
    require(rules.can_download_sessions(access_of(request), found, member_ids))
    body = ical.pairing_calendar(
        found,
        reads.pairing_sessions(pairing=found),
        host=request.get_host().split(":")[0],
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentoring-{found.pk}.ics"'
    return response


urlpatterns = [
    path("mentoring/", pairings, name="pairings"),
    path("mentoring/new/", pairing_new, name="pairing_new"),
    path("mentoring/<id:pk>/", pairing, name="pairing"),
    path("mentoring/<id:pk>/sessions/", session_add, name="session_add"),
    path("sessions/<id:pk>/", session, name="session"),
    path("mentoring/<id:pk>/fit/", pairing_fit, name="pairing_fit"),
    path("mentoring/<id:pk>/end/", pairing_end, name="pairing_end"),
    path("mentoring/<id:pk>/sessions.ics", pairing_ics, name="pairing_ics"),
]
