"""The waitlist: join a taken slot, accept an offer, leave."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from technopark.core.confirm import confirmation, confirmed
from technopark.parks.http import access_of, park_of, require
from technopark.spaces import queries, rules, services
from technopark.spaces.views._common import (
    _booking_form,
)


@login_required
@require_POST
def waitlist_join(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_use_waitlist(access))
    park = park_of(request)
    form = _booking_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.waitlist_join(
                access=access,
                resource=data["resource"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                company=data["company"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("You are on the waitlist: if the time frees, it is offered to you.")
            )
            return redirect("spaces:my", park_slug=park.slug)
    return render(request, "spaces/book.html", {"form": form, "conflict": None}, status=400)


def _waitlist_action(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    access = access_of(request)
    require(rules.can_use_waitlist(access))
    park = park_of(request)
    entry = queries.waitlist_entry_in_park(park=park, pk=pk)
    if entry is None:
        raise Http404(_("No such waitlist entry."))
    require(rules.can_change_waitlist_entry(access, entry))
    if not accept and not confirmed(request):
        return confirmation(
            request,
            title=_("Leave the waitlist?"),
            message=_("You will not be offered %(resource)s at that time if it frees.")
            % {"resource": entry.resource.display_name},
            action=pgettext("waitlist", "Leave the waitlist"),
            back=reverse("spaces:my", kwargs={"park_slug": park.slug}),
        )
    try:
        if accept:
            booking = services.waitlist_accept(access=access, entry=entry)
            messages.success(request, _("The time is yours."))
            return redirect("spaces:booking", park_slug=park.slug, pk=booking.pk)
        services.waitlist_leave(entry=entry)
        messages.success(request, _("You have left the waitlist."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("spaces:my", park_slug=park.slug)


@login_required
@require_POST
def waitlist_accept(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _waitlist_action(request, pk, accept=True)


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    return _waitlist_action(request, pk, accept=False)
