"""The signed-in person of a request, typed: services take ``actor: User``, and a view hands them
this rather than ``request.user`` (which may be an anonymous visitor)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from technopark.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user; refused (403) for an anonymous visitor, whom every view that writes
    has turned away before (``login_required``, the API's ``signed_in``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def remember_language(response: HttpResponse, language: str) -> None:
    """Keep ``language`` in the language cookie (as Django's language switch does), so the pages
    stay in it after signing out; nothing for "" (none chosen)."""
    if not language:
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
