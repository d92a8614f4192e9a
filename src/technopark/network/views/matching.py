"""Placeholder of the matching part: its URL names are agreed; the part replaces this module."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("suggestions/", _todo, name="suggestions"),
    path("matching/", _todo, name="runs"),
    path("matching/new/", _todo, name="run_new"),
    path("matching/weights/", _todo, name="weights"),
    path("matching/<id:pk>/", _todo, name="run"),
    path("matching/<id:pk>/proposals/", _todo, name="proposal_add"),
    path("proposals/<id:pk>/remove/", _todo, name="proposal_remove"),
    path("matching/<id:pk>/publish/", _todo, name="run_publish"),
    path("matching/<id:pk>/discard/", _todo, name="run_discard"),
]
