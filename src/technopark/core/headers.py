"""Security headers every answer carries, set in one place.

- ``Permissions-Policy``: no page of ours uses the camera, the microphone, the location or the
  other powerful browser features, so none may (not even a script that got in somehow).
- ``Cache-Control: private, no-store`` on every answer to a signed-in person (a session or an API
  token) and on every API answer: a shared cache or the browser's disk never keeps a person's
  page. Anonymous pages keep whatever caching headers their views set.
- ``Vary: Authorization`` on API answers, where a personal token may choose who is asking.

Referrer-Policy, X-Content-Type-Options, Cross-Origin-Opener-Policy and HSTS come from Django's
``SecurityMiddleware``, X-Frame-Options from its clickjacking middleware and the
Content-Security-Policy from django-csp (``settings.CONTENT_SECURITY_POLICY``).

The middleware sits right after WhiteNoise: static files (the same for everyone) keep their
long-lived caching, and it reads ``request.user`` after the authentication middlewares (the
session, the API token) have set it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

# Answers under these prefixes are always private (the JSON API: technopark.api.middleware).
API_PATH_PREFIX = "/api/"

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
PRIVATE = "private, no-store"


def is_signed_in(request: HttpRequest) -> bool:
    """Whether a person (by session or API token) made the request; False before the
    authentication middleware ran (static files, an early refusal)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        is_api = request.path_info.startswith(API_PATH_PREFIX)
        if is_api:
            patch_vary_headers(response, ("Authorization",))
        if is_api or is_signed_in(request):
            response.headers["Cache-Control"] = PRIVATE
            response.headers.pop("Expires", None)
        return response
