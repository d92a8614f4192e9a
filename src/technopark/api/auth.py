"""API authentication: a personal token (``Authorization: Bearer tp_…``) or the browser session.

The token itself is checked by ``technopark.accounts.middleware.ApiTokenMiddleware`` before the
park middleware runs; here django-ninja only learns who is there, and documents both schemes in
the OpenAPI. The session needs a CSRF token on unsafe methods; a token request does not.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from technopark.api.middleware import is_token_authenticated


class TokenAuth(HttpBearer):
    """A personal API token, created on the account page; only its hash is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # The middleware has already refused a bad token with 401; a good one is marked.
        if is_token_authenticated(request):
            return request.user
        return None


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if is_token_authenticated(request) or not request.user.is_authenticated:
            # Nobody signed in by the session: answer 401, without asking for a CSRF token.
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, _("CSRF token missing or incorrect."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return request.user


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
# Operations that need a signed-in person accept either; the public ones set ``auth=None``.
signed_in = [token_auth, session_auth]
