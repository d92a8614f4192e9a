"""API authentication: a personal token (``Authorization: Bearer tp_…``) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from technopark.accounts import services as account_services


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = account_services.api_token_user(secret=token)
        if user is None:
            return None
        request.user = user
        # The park middleware ran before the user was known; load the roles again for this user.
        from technopark.parks.rules import access_for

        request.access = access_for(user, getattr(request, "park", None))  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; CSRF is checked on unsafe methods."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


class OptionalAuth:
    """Anonymous visitors may read public endpoints; ``request.user`` says who is there."""

    def __call__(self, request: HttpRequest) -> Any:
        return request.user if request.user.is_authenticated else True


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
