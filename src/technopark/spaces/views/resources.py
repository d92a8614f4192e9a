"""The certificates page: staff record training; the list shows who may use which instrument."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from technopark.accounts.http import signed_in_user
from technopark.accounts.models import User
from technopark.core import pickers
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Membership, MembershipStatus, Park
from technopark.spaces import queries, rules, services
from technopark.spaces.forms import (
    CertificateForm,
    TrainingSessionForm,
)

# --- certificates -------------------------------------------------------------------------------


def people(park: Park) -> QuerySet[User]:
    """Who may hold a training record: the park's active members."""
    ids = Membership.all_parks.filter(park=park, status=MembershipStatus.ACTIVE).values("user_id")
    return User.objects.filter(pk__in=ids)


def _search_url(park: Park) -> str:
    return reverse("spaces:pick_person", kwargs={"park_slug": park.slug})


@login_required
@require_http_methods(["GET", "POST"])
def certificates(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Training records: staff record them; the list shows who may use which instrument."""
    require(rules.can_manage_certificates(access_of(request)))
    park = park_of(request)
    resources = queries.certifiable_resources(park=park)
    form = CertificateForm(
        request.POST if request.method == "POST" else None,
        people=people(park),
        resources=resources,
        search_url=_search_url(park),
        initial={"trained_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.certificate_record(
                    actor=signed_in_user(request),
                    user=data["user"],
                    resource=data["resource"],
                    trained_on=data["trained_on"],
                    expires_on=data["expires_on"],
                    note=data["note"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The training has been recorded."))
                return redirect("spaces:certificates", park_slug=park.slug)
        else:
            status = 400
    return render(
        request,
        "spaces/certificates.html",
        {
            "form": form,
            "certificates": queries.certificates_with_validity(park=park),
        },
        status=status,
    )


@login_required
@require_GET
def pick_person(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The certificate form's person picker: members matching ``q`` (name or e-mail)."""
    require(rules.can_manage_certificates(access_of(request)))
    park = park_of(request)
    form = CertificateForm(people=people(park), resources=[])
    return pickers.options_response(request, form.fields["user"])  # type: ignore[arg-type]


# --- training sessions and the holder's own certificates ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Training sessions: staff record one (trainer, time, duration, the people qualified), which
    creates or renews their certificates; the list shows the recent sessions."""
    require(rules.can_manage_certificates(access_of(request)))
    park = park_of(request)
    form = TrainingSessionForm(
        request.POST if request.method == "POST" else None,
        people=people(park),
        resources=queries.certifiable_resources(park=park),
        search_url=_search_url(park),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.training_session_record(
                    actor=signed_in_user(request),
                    resource=data["resource"],
                    trainer=data["trainer"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    people=list(data["people"]),
                    expires_on=data["expires_on"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                messages.success(request, _("The training session has been recorded."))
                return redirect("spaces:training", park_slug=park.slug)
        else:
            status = 400
    return render(
        request,
        "spaces/training.html",
        {"form": form, "sessions": queries.training_sessions(park=park)},
        status=status,
    )


@login_required
@require_GET
def my_certificates(request: HttpRequest, park_slug: str) -> HttpResponse:
    """The visitor's own certificates: until when each holds and what ends it."""
    access = access_of(request)
    require(rules.can_view_own_certificates(access))
    park = park_of(request)
    return render(
        request,
        "spaces/my_certificates.html",
        {"certificates": queries.certificates_with_validity(park=park, user=request.user)},
    )
