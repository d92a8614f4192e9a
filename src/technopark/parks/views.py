from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from technopark.core.confirm import confirmation, confirmed
from technopark.core.forms import ServiceErrorsMixin
from technopark.core.fragments import Fragment
from technopark.core.inputs import text_problem
from technopark.parks import agenda, home_parts, queries, rules, services
from technopark.parks.forms import DirectionEditForm, DirectionForm, SiteForm


def home(request: HttpRequest) -> HttpResponse:
    """The platform's front page: what the platform is and who it is for, how to sign in or up,
    the parks this visitor can open and their open calls (handed in: ``home_parts``)."""
    parks = list(queries.parks_visible_to(user=request.user))
    if len(parks) == 1 and not request.user.is_authenticated:
        return redirect("parks:home", park_slug=parks[0].slug)
    parts = home_parts.front_parts(parks=parks)
    calls = parts.get("open_calls", {})
    return render(
        request,
        "parks/index.html",
        {"parks": [(park, calls.get(park.pk, [])) for park in parks]},
    )


# Kept rendered (HTML); named anew when its cached form changes, so a deploy never reads the old.
PARK_HOME = Fragment("park-home-public", topics=("parks", "companies"))
# The visitor's own companies and team offers: both are the companies' data (teams, invitations).
PARK_HOME_MINE = Fragment("park-home-mine", topics=("companies",), per_user=True)
# Where the public part (parks/_park_public.html) opens for the visitor's own.
_SPLIT = "<!--tp:split-->"


def park_home(request: HttpRequest, park_slug: str) -> HttpResponse:
    """A park's page: for its members, first what waits for them there (``parks.agenda``); then
    the public part: what it is, its directions and sites, and what other apps show there
    (``parks.home_parts``: the companies' headline figures, the visitor's companies).

    Both parts are kept rendered: the public one for every visitor, the visitor's own per person,
    each until the data it shows changes; a repeat visit renders only the frame and the agenda."""
    park = request.park  # type: ignore[attr-defined]
    access = request.access  # type: ignore[attr-defined]
    public_html: str = PARK_HOME.get(
        request,
        build=lambda: render_to_string(
            "parks/_park_public.html",
            {
                "directions": queries.directions_tree(park=park),
                "sites": list(queries.sites(park=park)),
                **home_parts.public_parts(park=park),
            },
        ),
    )
    mine_html = PARK_HOME_MINE.get(
        request,
        build=lambda: render_to_string(
            "parks/_park_mine.html",
            {"park": park, **home_parts.personal_parts(park=park, user=request.user)},
        ),
    )
    member = rules.is_member(access)
    # The visitor's own part goes between the figures and the directions.
    figures_html, _split, columns_html = public_html.partition(_SPLIT)
    return render(
        request,
        "parks/park_home.html",
        {
            "figures_html": mark_safe(figures_html),  # noqa: S308 - our template's output
            "mine_html": mark_safe(mine_html),  # noqa: S308 - our template's output
            "columns_html": mark_safe(columns_html),  # noqa: S308 - our template's output
            "is_member": member,
            # "Waiting for you": the member's agenda, cached per person (parks.agenda).
            "agenda": agenda.cached_agenda(request) if member else [],
            "can_request": rules.can_request_membership(access),
        },
    )


@login_required
@require_POST
def membership_request_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    if not rules.can_request_membership(access):
        raise PermissionDenied
    message = request.POST.get("message", "")
    problem = text_problem(message, multiline=True)  # read without a form: the same rule
    if problem is not None:
        messages.error(request, problem)
        return redirect("parks:home", park_slug=park_slug)
    try:
        services.membership_request(
            park=request.park,  # type: ignore[attr-defined]
            user=request.user,
            message=message,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request to join has been sent to the park's staff."))
    return redirect("parks:home", park_slug=park_slug)


@login_required
def park_settings(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The park's sites and directions, and forms to add them (park administrators)."""
    access = request.access  # type: ignore[attr-defined]
    if not rules.can_configure_park(access):
        raise PermissionDenied
    park = request.park  # type: ignore[attr-defined]
    directions = queries.directions_tree(park=park, archived=True)
    parents = [d for d in directions if d.archived_at is None]
    site_form = SiteForm(prefix="site", initial={"time_zone": park.time_zone})
    direction_form = DirectionForm(prefix="direction", top_level=parents)
    if request.method == "POST":
        if "add_site" in request.POST:
            site_form = SiteForm(request.POST, prefix="site")
            if _save(site_form, lambda data: services.site_create(park=park, **data)):
                messages.success(request, _("The site has been added."))
                return redirect("parks:settings", park_slug=park_slug)
        elif "add_direction" in request.POST:
            direction_form = DirectionForm(request.POST, prefix="direction", top_level=parents)
            if _save(direction_form, lambda data: services.direction_create(park=park, **data)):
                messages.success(request, _("The direction has been added."))
                return redirect("parks:settings", park_slug=park_slug)
    return render(
        request,
        "parks/park_settings.html",
        {
            "directions": directions,
            "sites": list(queries.sites(park=park, archived=True)),
            "site_form": site_form,
            "direction_form": direction_form,
        },
    )


def _configurable(request: HttpRequest) -> Any:
    """The park of a settings page, once the visitor may configure it (403 otherwise)."""
    if not rules.can_configure_park(request.access):  # type: ignore[attr-defined]
        raise PermissionDenied
    return request.park  # type: ignore[attr-defined]


def _found(record: Any) -> Any:
    if record is None:
        raise Http404(_("Not found in this park."))
    return record


def _settings_url(request: HttpRequest, anchor: str) -> str:
    return reverse("parks:settings", kwargs={"park_slug": request.park.slug}) + anchor  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Rename a site, change its address or time zone (park administrators)."""
    park = _configurable(request)
    site = _found(queries.site_of_park(park=park, pk=pk))
    initial = {f: getattr(site, f) for f in ("name", "name_en", "address", "time_zone")}
    form = SiteForm(request.POST if request.method == "POST" else None, initial=initial)
    actor = request.user
    if request.method == "POST" and _save(
        form, lambda data: services.site_update(site=site, actor=actor, **data)
    ):
        messages.success(request, _("The site has been saved."))
        return redirect(_settings_url(request, "#sites-title"))
    title = _("Edit the site %(name)s") % {"name": site.display_name}
    return render(
        request,
        "parks/settings_form.html",
        {"form": form, "title": title, "back": _settings_url(request, "#sites-title")},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def direction_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Rename a direction or move it in the display order (park administrators)."""
    park = _configurable(request)
    direction = _found(queries.direction_of_park(park=park, pk=pk))
    initial = {f: getattr(direction, f) for f in ("name", "name_en", "position")}
    form = DirectionEditForm(request.POST if request.method == "POST" else None, initial=initial)
    actor = request.user
    if request.method == "POST" and _save(
        form, lambda data: services.direction_update(direction=direction, actor=actor, **data)
    ):
        messages.success(request, _("The direction has been saved."))
        return redirect(_settings_url(request, "#directions-title"))
    title = _("Edit the direction %(name)s") % {"name": direction.display_name}
    return render(
        request,
        "parks/settings_form.html",
        {
            "form": form,
            "title": title,
            "back": _settings_url(request, "#directions-title"),
            "note": _("The code (%(code)s) never changes: reports rely on it.")
            % {"code": direction.code},
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _removal_question(
    request: HttpRequest, *, record: Any, title: Any, anchor: str
) -> HttpResponse:
    """The confirmation of removing a site or a direction, saying whether it will be deleted
    or archived (the service decides the same way: ``services.in_use``)."""
    if services.in_use(record):
        message = _(
            "Records of the park still refer to it, so it will be archived, not deleted: it "
            "stays on those records and is no longer offered for new ones. You can restore it."
        )
        action = pgettext("site or direction", "Archive")
    else:
        message = _("Nothing refers to it, so it will be deleted.")
        action = pgettext("site or direction", "Delete")
    return confirmation(
        request,
        title=title,
        message=message,
        action=action,
        back=_settings_url(request, anchor),
    )


def _removed(request: HttpRequest, removal: services.Removal, anchor: str) -> HttpResponse:
    if removal == services.Removal.ARCHIVED:
        messages.success(request, _("Archived: it is no longer offered for new records."))
    else:
        messages.success(request, pgettext("site or direction", "Deleted."))
    return redirect(_settings_url(request, anchor))


@login_required
@require_POST
def site_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Delete a site nothing refers to, archive it otherwise; asks first."""
    park = _configurable(request)
    site = _found(queries.site_of_park(park=park, pk=pk))
    if not confirmed(request):
        title = _("Remove the site %(name)s?") % {"name": site.display_name}
        return _removal_question(request, record=site, title=title, anchor="#sites-title")
    removal = services.site_remove(site=site, actor=request.user)
    return _removed(request, removal, "#sites-title")


@login_required
@require_POST
def direction_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Delete a direction nothing refers to, archive it otherwise; asks first."""
    park = _configurable(request)
    direction = _found(queries.direction_of_park(park=park, pk=pk))
    if not confirmed(request):
        title = _("Remove the direction %(name)s?") % {"name": direction.display_name}
        return _removal_question(request, record=direction, title=title, anchor="#directions-title")
    removal = services.direction_remove(direction=direction, actor=request.user)
    return _removed(request, removal, "#directions-title")


@login_required
@require_POST
def site_restore(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    park = _configurable(request)
    site = _found(queries.site_of_park(park=park, pk=pk))
    services.site_restore(site=site, actor=request.user)
    messages.success(request, _("Restored: it is offered again."))
    return redirect(_settings_url(request, "#sites-title"))


@login_required
@require_POST
def direction_restore(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    park = _configurable(request)
    direction = _found(queries.direction_of_park(park=park, pk=pk))
    services.direction_restore(direction=direction, actor=request.user)
    messages.success(request, _("Restored: it is offered again."))
    return redirect(_settings_url(request, "#directions-title"))


def _save(form: ServiceErrorsMixin, write: Callable[[dict[str, Any]], object]) -> bool:
    """Run ``write`` with the form's data; put a refusal next to its field. True when saved."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        form.add_service_error(error)
        return False
    return True


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the database may be why we are here.
    # When it is (unreachable, restarting), the visitor gets a 503 that says so.
    import sys

    from django.template import loader

    from technopark.core.health import database_unavailable, unavailable_response

    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
