"""Who the request is: its personal API token turned into its owner, and staff and park admins
sent to turn on two-factor sign-in before they can work (when required)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from technopark.accounts import queries
from technopark.accounts import services as account_services
from technopark.accounts.http import remember_language
from technopark.api.middleware import (
    API_PATH_PREFIX,
    TOKEN_AUTHENTICATED,
    bearer_secret,
    is_token_authenticated,
)

# allauth (sign-in, sign-out, the two-factor set-up and re-authentication pages), the language
# switch and static files stay reachable, or the person could never finish setting it up.
_ALLAUTH_PREFIX = "/accounts/"
_ALWAYS_ALLOWED_PREFIXES = (_ALLAUTH_PREFIX, "/i18n/", "/favicon.ico")
_API_PREFIX = "/api/"


class ApiTokenMiddleware:
    """Sign an API request in by its personal token before the park middleware loads the roles.

    The park middleware resolves ``/api/v1/parks/<park_slug>/…`` and computes the visitor's roles
    before django-ninja's authentication runs, so the token has to be turned into a user earlier:
    this middleware sits right after Django's ``AuthenticationMiddleware``.

    A request that carries ``Authorization: Bearer …`` is about that token only: a valid token
    makes its owner ``request.user`` (the session, if any, is ignored) and marks the request as
    token-authenticated, which is why no CSRF token is asked for (a page on another site cannot
    set this header). What the token may not do is refused at once
    (``accounts.services.api_token_check``): 401 for an invalid, revoked or expired token, 403
    for a read-only token on an unsafe method or a staff token without two-factor sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PATH_PREFIX):
            secret = bearer_secret(request)
            if secret is not None:
                check = account_services.api_token_check(secret=secret, method=request.method or "")
                if check.user is None:
                    headers = {"Vary": "Authorization"}
                    if check.status == 401:
                        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
                    return JsonResponse(
                        {"detail": check.message}, status=check.status, headers=headers
                    )
                _sign_in(request, check.user)
        return self.get_response(request)


def _sign_in(request: HttpRequest, user: Any) -> None:
    async def auser() -> Any:
        return user

    request.user = user
    request.auser = auser
    setattr(request, TOKEN_AUTHENTICATED, True)


_SIGNED_IN_LANGUAGE = "_technopark_signed_in_language"


def speak_the_users_language(
    sender: type, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """At sign-in (``user_logged_in``): the rest of this request — allauth's "signed in" message,
    the redirect — is in the person's own language, and the answer keeps it in the cookie
    (``UserLanguageMiddleware``)."""
    language = getattr(user, "language", "")
    if not language or request is None:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    setattr(request, _SIGNED_IN_LANGUAGE, language)


class UserLanguageMiddleware:
    """A signed-in person reads the site in the language of their profile (``User.language``).

    Sits after ``ApiTokenMiddleware`` (a token's owner gets API messages in their language too)
    and inside Django's ``LocaleMiddleware``, whose choice (cookie, browser) it overrides only
    when the person has chosen one. The answer keeps the choice in the language cookie, so the
    pages stay in it after signing out. The header's language switch, posted by a signed-in
    person, is saved to the profile as well (Django's view then answers as usual).

    No query of its own: the user is loaded for every page anyway (the header names them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            response = self.get_response(request)
            signed_in = getattr(request, _SIGNED_IN_LANGUAGE, "")
            if signed_in:  # signed in by this very request
                remember_language(response, signed_in)
            return response
        if request.method == "POST" and request.path_info == reverse("set_language"):
            chosen = request.POST.get("language", "")
            if chosen in dict(settings.LANGUAGES):
                account_services.user_set_language(user=user, language=chosen)
            return self.get_response(request)
        language = getattr(user, "language", "")
        if not language:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if not is_token_authenticated(request) and (
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
        ):
            remember_language(response, language)
        return response


class RequireStaffMfaMiddleware:
    """With ``TECHNOPARK_MFA_REQUIRED_FOR_STAFF``, send staff without TOTP to set it up.

    Staff are park admins and managers (active memberships) and platform administrators. Pages
    redirect to allauth's "activate authenticator app" page; the API answers 403 JSON to such a
    signed-in browser session; requests signed in by a personal token pass. Costs two queries
    per request for signed-in people while the setting is on, none while it is off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF and self._must_set_up(request):
            if request.path_info.startswith(_API_PREFIX):
                return JsonResponse(
                    {"detail": _("Your role requires two-factor sign-in. Set it up first.")},
                    status=403,
                )
            messages.warning(
                request, _("Your role requires two-factor sign-in. Please set it up to continue.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith(_ALWAYS_ALLOWED_PREFIXES) or path.startswith(settings.STATIC_URL):
            return False
        if is_token_authenticated(request):
            # A personal token is checked by ApiTokenMiddleware, which refuses a staff token
            # while its owner has no second factor and the policy is on.
            return False
        return bool(request.user.is_authenticated) and queries.needs_mfa_setup(user=request.user)
