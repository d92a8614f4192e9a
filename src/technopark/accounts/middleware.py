"""Staff and park admins must turn on two-factor sign-in before they can work (when required)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from technopark.accounts import queries

# Pages a person must still reach while setting up two-factor sign-in.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class RequireStaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and queries.needs_mfa_setup(user=request.user)
        ):
            messages.warning(
                request, _("Your role requires two-factor sign-in. Please set it up to continue.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
