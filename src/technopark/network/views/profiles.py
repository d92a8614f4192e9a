"""Placeholder of the profiles part: its URL names are agreed; the part replaces this module."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("people/", _todo, name="directory"),
    path("people/<id:pk>/", _todo, name="profile"),
    path("profiles/", _todo, name="my_profiles"),
    path("profiles/new/", _todo, name="profile_new"),
    path("profiles/<id:pk>/edit/", _todo, name="profile_edit"),
    path("needs/", _todo, name="needs"),
    path("needs/new/", _todo, name="need_new"),
    path("needs/<id:pk>/", _todo, name="need_edit"),
    path("bookmarks/", _todo, name="bookmarks"),
    path("people/<id:pk>/bookmark/", _todo, name="bookmark_toggle"),
]
