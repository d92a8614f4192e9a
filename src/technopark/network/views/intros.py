"""Introduction pages: ask for one (a profile's "Ask for an introduction"), the visitor's
introductions (received / sent; the staff: every one of the park, by status), one introduction
with its answer forms, and the holder's accept and decline and the company's withdraw.

Contacts of both sides are shown only once the holder accepted, and only to the two sides and
the staff (``rules.can_see_intro_contacts``). An introduction the visitor is not party to, and
another park's, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.params import ID, PAGE, Choice, param_value
from technopark.network import queries, rules
from technopark.network.forms.intros import IntroAcceptForm, IntroDeclineForm, IntroRequestForm
from technopark.network.models import NOTE_MAX_WORDS, Introduction, IntroStatus
from technopark.network.queries import intros as intro_queries
from technopark.network.services import intros as services
from technopark.parks.http import access_of, park_of, require

STATUS = Choice.of(IntroStatus.values)
SIDE = Choice.of(intro_queries.SIDES)


def _show_overdue(intro: Introduction, now: Any) -> None:
    """A request past its ``expires_at`` but not yet swept is shown as expired (in memory only;
    the sweep or the company's next request writes it)."""
    if intro.status == IntroStatus.REQUESTED and now >= intro.expires_at:
        intro.status = IntroStatus.EXPIRED


def _member_ids(request: HttpRequest) -> set[int]:
    return queries.member_company_ids(park=park_of(request), user=request.user)


def _intro_or_404(request: HttpRequest, pk: int, member_ids: set[int]) -> Introduction:
    found = intro_queries.intro_in_park(park=park_of(request), pk=pk)
    if found is None or not rules.can_view_intro(access_of(request), found, member_ids):
        raise Http404(_("No such introduction in this park."))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def intro_new(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Ask to be introduced to a profile's holder, for a company one acts for."""
    access = access_of(request)
    require(rules.can_browse(access))
    park = park_of(request)
    profile = intro_queries.profile_in_park(park=park, pk=pk)
    if profile is None or not rules.can_view_profile(access, profile):
        raise Http404(_("No such person in this park's network."))
    acting_ids = queries.acting_company_ids(park=park, user=request.user)
    require(bool(acting_ids) and not rules.owns_profile(access, profile))
    companies = intro_queries.companies_among(park=park, ids=acting_ids)
    chosen = param_value(request.GET, "company", ID, None)
    initial = {"company": chosen} if chosen in acting_ids else {}
    # an empty POST is still a POST: bound, so its errors are shown (``or None`` would not be)
    data = request.POST if request.method == "POST" else None
    form = IntroRequestForm(data, companies=companies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.intro_request(
                access=access,
                company=form.cleaned_data["company"],
                profile=profile,
                note=form.cleaned_data["note"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Your request is sent: you will hear when the person answers.")
            )
            return redirect("network:intro", park_slug=park.slug, pk=created.pk)
    context = {
        "profile": profile,
        "form": form,
        "max_words": NOTE_MAX_WORDS,
        "takes_requests": profile.is_active,
    }
    status = 400 if form.is_bound else 200
    return render(request, "network/intros/new.html", context, status=status)


@login_required
@require_GET
def intros(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The visitor's introductions: received by their profiles, sent by their companies; the
    staff also every one of the park. Filtered by status (an unknown one is ignored, and said
    so)."""
    access = access_of(request)
    require(rules.can_browse(access))
    park = park_of(request)
    staff = rules.can_see_all_intros(access)
    member_ids = _member_ids(request)
    sides = [intro_queries.RECEIVED, intro_queries.SENT] + ([intro_queries.ALL] if staff else [])
    if staff:
        default = intro_queries.ALL
    elif rules.kinds_held(access) or not member_ids:
        default = intro_queries.RECEIVED
    else:
        default = intro_queries.SENT
    side = param_value(request.GET, "side", SIDE, default)
    if side not in sides:
        side = default
    status = param_value(request.GET, "status", STATUS, None)
    ignored = bool(request.GET.get("status")) and status is None
    rows = intro_queries.intros_of(
        park=park, user=request.user, side=side, member_ids=member_ids, staff=staff, status=status
    )
    number = param_value(request.GET, "page", PAGE, 1)
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(number)
    labels = dict(IntroStatus.choices)
    shown = list(page.object_list)
    now = timezone.now()
    for row in shown:
        _show_overdue(row, now)
        row.status_label = labels.get(row.status, row.status)  # type: ignore[attr-defined]
    tab_labels = {
        intro_queries.RECEIVED: _("Received"),
        intro_queries.SENT: _("Sent by my companies"),
        intro_queries.ALL: _("All in the park"),
    }
    query = f"side={side}" + (f"&status={status}" if status else "")
    context: dict[str, Any] = {
        "page": page,
        "rows": shown,
        "side": side,
        "tabs": [(code, tab_labels[code]) for code in sides],
        "status": status,
        "statuses": IntroStatus.choices,
        "ignored": ignored,
        "query": query,
    }
    return render(request, "network/intros/list.html", context)


def _detail_context(request: HttpRequest, found: Introduction, member_ids: set[int]) -> dict:
    access = access_of(request)
    now = timezone.now()
    acting_ids = queries.acting_company_ids(park=park_of(request), user=request.user)
    open_now = found.status == IntroStatus.REQUESTED and now < found.expires_at
    context = {
        "intro": found,
        "contacts": rules.can_see_intro_contacts(access, found, member_ids),
        "holder": rules.owns_profile(access, found.profile),
        "can_answer": open_now and rules.can_answer_intro(access, found),
        "can_withdraw": open_now and rules.can_withdraw_intro(access, found, acting_ids),
        "accept_form": IntroAcceptForm(),
        "decline_form": IntroDeclineForm(),
    }
    _show_overdue(found, now)
    return context


@login_required
@require_GET
def intro(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """One introduction: the note, its status and answer; contacts once accepted."""
    member_ids = _member_ids(request)
    found = _intro_or_404(request, pk, member_ids)
    return render(
        request, "network/intros/detail.html", _detail_context(request, found, member_ids)
    )


@login_required
@require_POST
def intro_accept(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    member_ids = _member_ids(request)
    found = _intro_or_404(request, pk, member_ids)
    access = access_of(request)
    require(rules.can_answer_intro(access, found))
    form = IntroAcceptForm(request.POST)
    if form.is_valid():
        try:
            services.intro_accept(
                access=access, intro=found, answer=form.cleaned_data["answer"], now=timezone.now()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Accepted: you both have each other's contacts by e-mail."))
            return redirect("network:intro", park_slug=park_slug, pk=found.pk)
    context = _detail_context(request, found, member_ids)
    context["accept_form"] = form
    return render(request, "network/intros/detail.html", context, status=400)


@login_required
@require_POST
def intro_decline(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    member_ids = _member_ids(request)
    found = _intro_or_404(request, pk, member_ids)
    access = access_of(request)
    require(rules.can_answer_intro(access, found))
    form = IntroDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.intro_decline(
                access=access,
                intro=found,
                reason=form.cleaned_data["reason"],
                answer=form.cleaned_data["answer"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Declined: the company is told, with your reason."))
            return redirect("network:intro", park_slug=park_slug, pk=found.pk)
    context = _detail_context(request, found, member_ids)
    context["decline_form"] = form
    return render(request, "network/intros/detail.html", context, status=400)


@login_required
@require_POST
def intro_withdraw(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    member_ids = _member_ids(request)
    found = _intro_or_404(request, pk, member_ids)
    access = access_of(request)
    acting_ids = queries.acting_company_ids(park=park_of(request), user=request.user)
    require(rules.can_withdraw_intro(access, found, acting_ids))
    try:
        services.intro_withdraw(access=access, intro=found, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("network:intro", park_slug=park_slug, pk=found.pk)


urlpatterns = [
    path("people/<id:pk>/introduce/", intro_new, name="intro_new"),
    path("introductions/", intros, name="intros"),
    path("introductions/<id:pk>/", intro, name="intro"),
    path("introductions/<id:pk>/accept/", intro_accept, name="intro_accept"),
    path("introductions/<id:pk>/decline/", intro_decline, name="intro_decline"),
    path("introductions/<id:pk>/withdraw/", intro_withdraw, name="intro_withdraw"),
]
