"""Placeholder of the intros part: its URL names are agreed; the part replaces this module."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("people/<id:pk>/introduce/", _todo, name="intro_new"),
    path("introductions/", _todo, name="intros"),
    path("introductions/<id:pk>/", _todo, name="intro"),
    path("introductions/<id:pk>/accept/", _todo, name="intro_accept"),
    path("introductions/<id:pk>/decline/", _todo, name="intro_decline"),
    path("introductions/<id:pk>/withdraw/", _todo, name="intro_withdraw"),
]
