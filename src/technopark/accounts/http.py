"""The signed-in person of a request, typed: services take ``actor: User``, and a view hands them
this rather than ``request.user`` (which may be an anonymous visitor)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from technopark.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user; refused (403) for an anonymous visitor, whom every view that writes
    has turned away before (``login_required``, the API's ``signed_in``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
