"""Placeholder of the mentoring part: its URL names are agreed; the part replaces this module."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("mentoring/", _todo, name="pairings"),
    path("mentoring/new/", _todo, name="pairing_new"),
    path("mentoring/<id:pk>/", _todo, name="pairing"),
    path("mentoring/<id:pk>/sessions/", _todo, name="session_add"),
    path("sessions/<id:pk>/", _todo, name="session"),
    path("mentoring/<id:pk>/fit/", _todo, name="pairing_fit"),
    path("mentoring/<id:pk>/end/", _todo, name="pairing_end"),
]
