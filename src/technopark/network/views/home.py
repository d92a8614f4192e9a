"""Placeholder of the home part: its URL names are agreed; the part replaces this module."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("", _todo, name="home"),
]
