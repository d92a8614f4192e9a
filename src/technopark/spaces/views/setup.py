"""Staff pages that set the spaces up: resources, opening hours, closures and booking rules
(before, only the Django admin could), and changing or withdrawing a training record.

Every page needs ``rules.can_configure_spaces`` (certificates: ``rules.can_manage_certificates``);
a record of another park is a 404. What removes something asks first on the house confirmation
page (``core.confirm``); a resource with a history is made unbookable instead of deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.accounts.http import signed_in_user
from technopark.accounts.models import User
from technopark.core.confirm import confirmation, confirmed
from technopark.core.localtime import wall_time, zone_name
from technopark.core.params import ID, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park, Site
from technopark.spaces import queries, rules, services
from technopark.spaces.forms import (
    BookingRuleForm,
    CertificateForm,
    ClosureForm,
    OpeningHoursForm,
    ResourceForm,
)
from technopark.spaces.models import BookingRule, Certificate, Closure, Resource, ResourceType


def _staff(request: HttpRequest) -> Park:
    require(rules.can_configure_spaces(access_of(request)))
    return park_of(request)


def _resource_or_404(park: Park, pk: int) -> Resource:
    resource = queries.resource_in_park(park=park, pk=pk)
    if resource is None:
        raise Http404(_("No such resource in this park."))
    return resource


def _site_or_404(park: Park, sites: list[Site], site_id: int | None) -> Site:
    if site_id is None:
        if not sites:
            raise Http404(_("The park has no sites yet."))
        return sites[0]
    site = queries.site_in_park(park=park, site_id=site_id, options=sites)
    if site is None:
        raise Http404(_("No such site in this park."))
    return site


# --- resources ----------------------------------------------------------------------------------


@login_required
@require_GET
def resources(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Every resource of the park, bookable or not, with links to change each."""
    park = _staff(request)
    return render(
        request,
        "spaces/setup_resources.html",
        {"resources": queries.all_resources(park=park), "section": "resources"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, park_slug: str, pk: int | None = None) -> HttpResponse:
    """Add a resource (``pk`` none) or change one; its site stays once it has one."""
    park = _staff(request)
    resource = _resource_or_404(park, pk) if pk is not None else None
    sites = queries.sites(park=park)
    initial: dict[str, Any] = {"is_active": True, "capacity": 1}
    if resource is not None:
        initial = {name: getattr(resource, name) for name in services.RESOURCE_FIELDS}
        initial["site"] = resource.site_id
    form = ResourceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        sites=sites,
        site_fixed=resource is not None,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            values = {name: data[name] for name in services.RESOURCE_FIELDS}
            try:
                if resource is None:
                    is_active = values.pop("is_active")
                    created = services.resource_create(site=data["site"], **values)
                    if not is_active:
                        services.resource_update(resource=created, is_active=False)
                else:
                    services.resource_update(resource=resource, **values)
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The resource has been saved."))
                return redirect("spaces:setup_resources", park_slug=park.slug)
        else:
            status = 400
    return render(
        request,
        "spaces/setup_resource.html",
        {"form": form, "resource": resource, "section": "resources"},
        status=status,
    )


@login_required
@require_POST
def resource_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Delete a resource nothing refers to; one with a history is made unbookable instead."""
    park = _staff(request)
    resource = _resource_or_404(park, pk)
    back = reverse("spaces:setup_resource", kwargs={"park_slug": park.slug, "pk": pk})
    if not confirmed(request):
        if services.resource_dependents(resource=resource):
            return confirmation(
                request,
                title=_("Take %(name)s out of use?") % {"name": resource.display_name},
                message=_(
                    "It has bookings, training records, closures or a waitlist, so it is kept "
                    "for the history and only stops being bookable. You can make it bookable "
                    "again later."
                ),
                action=_("Take out of use"),
                back=back,
                danger=False,
            )
        return confirmation(
            request,
            title=_("Delete %(name)s?") % {"name": resource.display_name},
            message=_("Nothing refers to it yet: it is deleted for good."),
            action=_("Delete the resource"),
            back=back,
        )
    outcome = services.resource_remove(resource=resource)
    if outcome == "deleted":
        messages.success(request, _("The resource has been deleted."))
    else:
        messages.success(request, _("The resource is no longer bookable; its history is kept."))
    return redirect("spaces:setup_resources", park_slug=park.slug)


# --- opening hours ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, park_slug: str) -> HttpResponse:
    """A site's week: each day opens and closes, or is closed; no hours at all: always open."""
    park = _staff(request)
    sites = queries.sites(park=park)
    source = request.POST if request.method == "POST" else request.GET
    site = _site_or_404(park, sites, param_value(source, "site", ID, None))
    current = {row.weekday: row for row in queries.opening_hours(site=site)}
    initial: dict[str, Any] = {}
    for weekday, row in current.items():
        initial[f"opens_{weekday}"] = row.opens
        initial[f"closes_{weekday}"] = row.closes
    form = OpeningHoursForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.opening_hours_set(site=site, hours=form.hours())
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The opening hours have been saved."))
                url = reverse("spaces:setup_hours", kwargs={"park_slug": park.slug})
                return redirect(f"{url}?site={site.pk}")
        else:
            status = 400
    return render(
        request,
        "spaces/setup_hours.html",
        {
            "form": form,
            "sites": sites,
            "site": site,
            "always_open": not current,
            "zone_label": zone_name(site.time_zone),
            "section": "hours",
        },
        status=status,
    )


# --- closures -----------------------------------------------------------------------------------


def _closure_or_404(park: Park, pk: int) -> Closure:
    closure = queries.closure_in_park(park=park, pk=pk)
    if closure is None:
        raise Http404(_("No such closure in this park."))
    return closure


@login_required
@require_http_methods(["GET", "POST"])
def closures(request: HttpRequest, park_slug: str, pk: int | None = None) -> HttpResponse:
    """A site's closures, current and coming, and a form to add one (or change ``pk``)."""
    park = _staff(request)
    sites = queries.sites(park=park)
    closure = _closure_or_404(park, pk) if pk is not None else None
    source = request.POST if request.method == "POST" else request.GET
    site = (
        closure.site
        if closure is not None
        else _site_or_404(park, sites, param_value(source, "site", ID, None))
    )
    zone = services.zone_of(site)
    initial: dict[str, Any] = {}
    if closure is not None:
        initial = {
            "resource": closure.resource_id,
            "starts_at": wall_time(closure.starts_at, zone).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": wall_time(closure.ends_at, zone).strftime("%Y-%m-%dT%H:%M"),
            "reason": closure.reason,
        }
    form = ClosureForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        site=site,
        resources=list(queries.resources(park=park, site=site)),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if closure is None:
                    services.closure_create(
                        site=site,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        reason=data["reason"],
                        resource=data["resource"],
                    )
                else:
                    services.closure_update(
                        closure=closure,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        reason=data["reason"],
                        resource=data["resource"],
                    )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The closure has been saved."))
                url = reverse("spaces:setup_closures", kwargs={"park_slug": park.slug})
                return redirect(f"{url}?site={site.pk}")
        else:
            status = 400
    rows = queries.closures(site=site)
    for row in rows:
        row.range_label = services.describe_range(row.starts_at, row.ends_at, zone)  # type: ignore[attr-defined]
    return render(
        request,
        "spaces/setup_closures.html",
        {
            "form": form,
            "sites": sites,
            "site": site,
            "closure": closure,
            "closures": rows,
            "zone_label": zone_name(zone),
            "section": "closures",
        },
        status=status,
    )


@login_required
@require_POST
def closure_delete(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    park = _staff(request)
    closure = _closure_or_404(park, pk)
    url = reverse("spaces:setup_closures", kwargs={"park_slug": park.slug})
    back = f"{url}?site={closure.site_id}"
    if not confirmed(request):
        zone = services.zone_of(closure.site)
        return confirmation(
            request,
            title=_("Lift the closure?"),
            message=_("%(reason)s, %(range)s: the time becomes bookable again.")
            % {
                "reason": closure.reason,
                "range": services.describe_range(closure.starts_at, closure.ends_at, zone),
            },
            action=_("Lift the closure"),
            back=back,
        )
    services.closure_delete(closure=closure)
    messages.success(request, _("The closure has been lifted."))
    return redirect(back)


# --- booking rules ------------------------------------------------------------------------------


@login_required
@require_GET
def booking_rules(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The rule of each type, or the defaults where the park has none."""
    park = _staff(request)
    own = {rule.resource_type: rule for rule in queries.booking_rules(park=park)}
    rows = [
        (value, label, own.get(value) or BookingRule(resource_type=value), value in own)
        for value, label in ResourceType.choices
    ]
    return render(request, "spaces/setup_rules.html", {"rows": rows, "section": "rules"})


def _resource_type(value: str) -> str:
    if value not in ResourceType.values:
        raise Http404(_("No such type of resource."))
    return value


@login_required
@require_http_methods(["GET", "POST"])
def booking_rule_edit(request: HttpRequest, park_slug: str, resource_type: str) -> HttpResponse:
    park = _staff(request)
    resource_type = _resource_type(resource_type)
    rule = next(
        (r for r in queries.booking_rules(park=park) if r.resource_type == resource_type),
        BookingRule(resource_type=resource_type),
    )
    form = BookingRuleForm(request.POST if request.method == "POST" else None, instance=rule)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.booking_rule_set(park=park, resource_type=resource_type, **form.values())
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The booking rule has been saved."))
                return redirect("spaces:setup_rules", park_slug=park.slug)
        else:
            status = 400
    return render(
        request,
        "spaces/setup_rule.html",
        {
            "form": form,
            "type_label": ResourceType(resource_type).label,
            "resource_type": resource_type,
            "has_rule": rule.pk is not None,
            "section": "rules",
        },
        status=status,
    )


@login_required
@require_POST
def booking_rule_reset(request: HttpRequest, park_slug: str, resource_type: str) -> HttpResponse:
    park = _staff(request)
    resource_type = _resource_type(resource_type)
    back = reverse(
        "spaces:setup_rule", kwargs={"park_slug": park.slug, "resource_type": resource_type}
    )
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Return to the default rule?"),
            message=_("%(type)s will be booked by the defaults again. Bookings made already stay.")
            % {"type": ResourceType(resource_type).label},
            action=_("Use the defaults"),
            back=back,
        )
    services.booking_rule_reset(park=park, resource_type=resource_type)
    messages.success(request, _("The type is booked by the defaults again."))
    return redirect("spaces:setup_rules", park_slug=park.slug)


# --- certificates: change and withdraw ----------------------------------------------------------


def _certificate_or_404(request: HttpRequest, pk: int) -> Certificate:
    require(rules.can_manage_certificates(access_of(request)))
    certificate = queries.certificate_in_park(park=park_of(request), pk=pk)
    if certificate is None:
        raise Http404(_("No such training record in this park."))
    return certificate


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Correct a training record's dates or note (renewing it moves «valid until»)."""
    certificate = _certificate_or_404(request, pk)
    person = certificate.user
    form = CertificateForm(
        request.POST if request.method == "POST" else None,
        people=User.objects.filter(pk=person.pk),
        resources=[certificate.resource],
        initial={
            "user": person.pk,
            "resource": certificate.resource_id,
            "trained_on": certificate.trained_on,
            "expires_on": certificate.expires_on,
            "note": certificate.note,
        },
    )
    # Who and which instrument stay: a record for another is a new record.
    form.fields["user"].disabled = True
    form.fields["resource"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.certificate_update(
                    actor=signed_in_user(request),
                    certificate=certificate,
                    trained_on=data["trained_on"],
                    expires_on=data["expires_on"],
                    note=data["note"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The training record has been changed."))
                return redirect("spaces:certificates", park_slug=park_slug)
        else:
            status = 400
    return render(
        request,
        "spaces/certificate_edit.html",
        {"form": form, "certificate": certificate},
        status=status,
    )


@login_required
@require_POST
def certificate_withdraw(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    certificate = _certificate_or_404(request, pk)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw the training record?"),
            message=_(
                "%(person)s will no longer be able to book %(resource)s. Bookings made already "
                "stay; the audit log keeps the record."
            )
            % {"person": str(certificate.user), "resource": certificate.resource.display_name},
            action=pgettext("withdraw a training record", "Withdraw"),
            back=reverse("spaces:certificates", kwargs={"park_slug": park_slug}),
        )
    services.certificate_withdraw(actor=signed_in_user(request), certificate=certificate)
    messages.success(request, _("The training record has been withdrawn."))
    return redirect("spaces:certificates", park_slug=park_slug)
