"""Sign an API request in by its personal token before the park middleware loads the roles.

The park middleware resolves ``/api/v1/parks/<park_slug>/…`` and computes the visitor's roles
before django-ninja's authentication runs, so the token has to be turned into a user earlier:
this middleware sits right after Django's ``AuthenticationMiddleware``.

A request that carries ``Authorization: Bearer …`` is about that token only: a valid token makes
its owner ``request.user`` (the session, if any, is ignored) and marks the request as
token-authenticated, which is why no CSRF token is asked for (a page on another site cannot set
this header); an invalid or revoked token is refused with 401 at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from technopark.accounts import services as account_services

API_PATH_PREFIX = "/api/"
# Set on a request whose user comes from a personal token (read by ``technopark.api.auth``).
TOKEN_AUTHENTICATED = "technopark_api_token_authenticated"  # noqa: S105 - an attribute name


def bearer_secret(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None for any other header."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def is_token_authenticated(request: HttpRequest) -> bool:
    return bool(getattr(request, TOKEN_AUTHENTICATED, False))


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PATH_PREFIX):
            secret = bearer_secret(request)
            if secret is not None:
                user = account_services.api_token_user(secret=secret)
                if user is None:
                    return JsonResponse(
                        {"detail": _("The API token is invalid or has been revoked.")},
                        status=401,
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                    )
                _sign_in(request, user)
        return self.get_response(request)


def _sign_in(request: HttpRequest, user: Any) -> None:
    async def auser() -> Any:
        return user

    request.user = user
    request.auser = auser
    setattr(request, TOKEN_AUTHENTICATED, True)
