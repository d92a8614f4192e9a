"""The technical admin site spans parks: every admin page works inside ``scopes_disabled()``.

Django's admin reads through each model's default manager (lists, change forms, foreign-key
choices, filters), which fails closed outside a park scope. The admin is for platform
administrators, who read and search every park, so it opts out here, once, for all of its views.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase

from technopark.core.scopes import scopes_disabled

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


class UnscopedAdminSite(admin.AdminSite):
    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def unscoped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with scopes_disabled():
                response = inner(request, *args, **kwargs)
                # A template response reads its querysets while it renders: render it here,
                # inside the opt-out, rather than after the view has returned.
                render = getattr(response, "render", None)
                if render is not None and not getattr(response, "is_rendered", True):
                    render()
                return response

        return cast(_View, unscoped)
