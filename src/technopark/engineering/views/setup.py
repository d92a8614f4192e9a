"""The catalogue's set-up (the park's managers and admins): services, their dated prices per
tier, and the amount above which a manager approves a quote too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.localtime import local_today
from technopark.engineering import queries, rules, services
from technopark.engineering.forms import PriceForm, ServiceForm, SettingsForm
from technopark.engineering.models import Service
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Site


def _sites(park: Any) -> Any:
    return Site.all_parks.filter(park=park, archived_at__isnull=True).order_by("name")


@login_required
@require_GET
def catalogue(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Every service with the price in force for each tier today, and the settings."""
    require(rules.can_configure_catalogue(access_of(request)))
    park = park_of(request)
    today = local_today(park.time_zone)
    settings_row = queries.engineering_settings(park=park)
    context = {
        "rows": queries.catalogue(park=park, on=today),
        "settings_form": SettingsForm(
            initial={"approval_threshold": settings_row.approval_threshold}
        ),
    }
    return render(request, "engineering/catalogue.html", context)


def _service_or_404(request: HttpRequest, pk: int) -> Service:
    service = queries.service_in_park(park=park_of(request), pk=pk)
    if service is None:
        raise Http404(_("No such service in this park."))
    return service


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, park_slug: str, pk: int | None = None) -> HttpResponse:
    """A new service, or a service's description, its prices and a new price."""
    require(rules.can_configure_catalogue(access_of(request)))
    park = park_of(request)
    service = _service_or_404(request, pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if service is not None:
        initial = {name: getattr(service, name) for name in services.SERVICE_FIELDS}
        initial["is_active"] = service.is_active
    form = ServiceForm(request.POST or None, initial=initial, sites=_sites(park))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        active = data.pop("is_active")
        try:
            if service is None:
                service = services.service_create(park=park, **data)
                if not active:
                    services.service_update(service=service, is_active=False)
            else:
                services.service_update(service=service, is_active=active, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The service is saved."))
            return redirect("engineering:setup_service", park_slug=park.slug, pk=service.pk)
    return _service_page(request, service, form, PriceForm(), 400 if form.is_bound else 200)


def _service_page(
    request: HttpRequest,
    service: Service | None,
    form: ServiceForm,
    price_form: PriceForm,
    status: int,
) -> HttpResponse:
    prices = queries.service_prices(service=service) if service is not None else []
    context = {"service": service, "form": form, "price_form": price_form, "prices": prices}
    return render(request, "engineering/service_form.html", context, status=status)


@login_required
@require_POST
def price_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = access_of(request)
    require(rules.can_configure_catalogue(access))
    park = park_of(request)
    service = _service_or_404(request, pk)
    form = PriceForm(request.POST)
    if form.is_valid():
        try:
            services.service_price_set(
                service=service, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The price is saved."))
            return redirect("engineering:setup_service", park_slug=park.slug, pk=service.pk)
    initial = {name: getattr(service, name) for name in services.SERVICE_FIELDS}
    service_form = ServiceForm(
        initial={**initial, "is_active": service.is_active}, sites=_sites(park)
    )
    return _service_page(request, service, service_form, form, 400)


@login_required
@require_POST
def settings_save(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_configure_catalogue(access_of(request)))
    park = park_of(request)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.engineering_settings_set(
                park=park, approval_threshold=form.cleaned_data["approval_threshold"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("engineering:setup", park_slug=park.slug)
    context = {
        "rows": queries.catalogue(park=park, on=local_today(park.time_zone)),
        "settings_form": form,
    }
    return render(request, "engineering/catalogue.html", context, status=400)
