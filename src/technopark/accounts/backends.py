"""Authentication: allauth's e-mail backend; the session's user comes from the cache (accounts.caching)."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from technopark.accounts import caching


class AuthenticationBackend(AllauthBackend):
    """Signs in by e-mail (allauth) and loads the signed-in user on every request cheaply."""

    def get_user(self, user_id: Any) -> Any:
        user = caching.user_by_id(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
