"""How an API request carries a personal token, and the mark of a request signed in by one.

``technopark.accounts.middleware.ApiTokenMiddleware`` turns the token into its owner (accounts
owns the tokens); ``technopark.api.auth`` and the two-factor middleware read the mark. This
module imports no app, so every app's API can use it.
"""

from __future__ import annotations

from django.http import HttpRequest

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
