"""Outside guests of a demo day: the staff's invite, re-send and withdraw; the guest's feedback
page, reached without an account through the secret link in their e-mail.

The feedback page is a public form: it answers only to a well-formed secret of that demo day
(else 404, the same whether the secret never existed, was replaced or belongs to another demo
day), says plainly when the link no longer works (410), and limits requests (then 429) in two
ways. Failed look-ups (an unknown or malformed secret) are counted per client address
(``GUEST_MISS_LIMIT`` in ``GUEST_PAGE_WINDOW`` seconds): past that, every further unknown
secret from that address gets 429, so nobody can scan for secrets. A working link is counted
per guest (``GUEST_PAGE_LIMIT`` in the same window), never per address: the guests in one hall
share one public address, and their links keep working whatever someone else there tries.

The secret is in the page's path; ``core.logfilters`` masks it in the request logs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from technopark.core.clientip import client_ip
from technopark.core.confirm import confirmation, confirmed
from technopark.core.localtime import wall_time
from technopark.parks.http import access_of, park_of, require
from technopark.programmes import queries, rules, services, tasks
from technopark.programmes.forms import FeedbackForm
from technopark.programmes.models import DemoDayGuest
from technopark.programmes.queries import zone_name
from technopark.programmes.views._common import _found

GUEST_PAGE_LIMIT = 120  # requests per guest's link
GUEST_MISS_LIMIT = 30  # unknown secrets per client address
GUEST_PAGE_WINDOW = 600


def _guest(request: HttpRequest, pk: int) -> DemoDayGuest:
    access = access_of(request)
    require(rules.can_manage_demo_day(access))
    guest: DemoDayGuest = _found(queries.guest_for(park=park_of(request), pk=pk))
    return guest


@login_required
@require_POST
def guest_resend(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff mail an outside guest a fresh link (the earlier one stops working)."""
    guest = _guest(request, pk)
    try:
        services.guest_link_resend(guest=guest, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        tasks.queue_guest_link(guest=guest, base_url=request.build_absolute_uri("/"))
        messages.success(
            request, _("A new link has been sent to %(email)s.") % {"email": guest.email}
        )
    return redirect("programmes:demo_day", park_slug=park_slug, pk=guest.demo_day_id)


@login_required
@require_POST
def guest_revoke(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Staff withdraw an outside guest's invitation: the link stops working at once."""
    guest = _guest(request, pk)
    if guest.revoked_at is None and not confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw the invitation of %(name)s?") % {"name": guest.display_name},
            message=_(
                "Their feedback link stops working at once; what they have sent stays. You can "
                "invite them again."
            ),
            action=_("Withdraw the invitation"),
            back=reverse(
                "programmes:demo_day", kwargs={"park_slug": park_slug, "pk": guest.demo_day_id}
            ),
        )
    try:
        services.guest_revoke(guest=guest, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("programmes:demo_day", park_slug=park_slug, pk=guest.demo_day_id)


def _count(key: str) -> int:
    """Count one more in ``key`` for ``GUEST_PAGE_WINDOW`` seconds; the count so far."""
    cache.add(key, 0, GUEST_PAGE_WINDOW)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, GUEST_PAGE_WINDOW)
        return 1


def _limited(request: HttpRequest) -> HttpResponse:
    return _private(
        render(request, "programmes/guest_link_closed.html", {"limited": True}, status=429)
    )


def _private(response: HttpResponse) -> HttpResponse:
    # The address holds the secret: no cache keeps the page, no other site learns the link.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def guest_feedback(request: HttpRequest, park_slug: str, pk: int, token: str) -> HttpResponse:
    """The outside guest's page: the demo day's pitches and their feedback on each."""
    guest = queries.guest_by_link(demo_day_id=pk, secret_hash=services.guest_link_digest(token))
    if guest is None or guest.demo_day.cohort.park_id != park_of(request).pk:
        misses = _count(f"programmes:guest-page:miss:{client_ip(request) or 'unknown'}")
        if misses > GUEST_MISS_LIMIT:
            return _limited(request)
        raise Http404(_("No such link."))
    if _count(f"programmes:guest-page:guest:{guest.pk}") > GUEST_PAGE_LIMIT:
        return _limited(request)
    demo_day = guest.demo_day
    if not services.guest_link_is_open(guest):
        return _private(
            render(request, "programmes/guest_link_closed.html", {"guest": guest}, status=410)
        )
    pitches = queries.guest_pitches(demo_day=demo_day)
    existing = {f.pitch_id: f for p in pitches for f in p.feedback.all() if f.guest_id == guest.pk}
    started = demo_day.starts_at <= timezone.now()
    form = FeedbackForm(
        request.POST if request.method == "POST" else None, pitches=pitches, existing=existing
    )
    saved = False
    if started and form.is_valid():
        try:
            services.feedback_record_many(guest=guest, entries=form.entries())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            saved = True
    zone = zone_name(site=demo_day.site, cohort=demo_day.cohort)
    status = 400 if form.is_bound and form.errors else 200
    return _private(
        render(
            request,
            "programmes/guest_feedback.html",
            {
                "guest": guest,
                "demo_day": demo_day,
                "form": form,
                "rows": form.rows(),
                "zone": zone,
                "starts": wall_time(demo_day.starts_at, zone),
                "expires": wall_time(queries.guest_links_expire_at(demo_day), zone),
                "started": started,
                "saved": saved,
            },
            status=status,
        )
    )


guest_feedback.park_secret_link = True  # type: ignore[attr-defined]
