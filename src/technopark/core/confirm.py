"""A destructive action asks first, on a page of its own that works without JavaScript.

The page's button (a form posting to the action's URL) carries no ``confirmed`` field, so the
action's view answers with a confirmation page: what will happen, a button that posts the same
form again with ``confirmed=1``, and a way back. Only that second post runs the action::

    @require_POST
    def withdraw(request, park_slug, pk):
        application = ...  # permission checked first: a refused visitor never sees the question
        if not confirmed(request):
            return confirmation(
                request,
                title=_("Withdraw the application?"),
                message=_("Experts will no longer see it. You can apply again while the call is open."),
                action=_("Withdraw"),
                back=application_url,
            )
        services.withdraw(...)

The posted fields other than the CSRF token travel with the confirmation, so a form's choice
(a reason, a selection) reaches the action unchanged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmed(request: HttpRequest) -> bool:
    """Whether this post is the second one, sent from the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation(
    request: HttpRequest,
    *,
    title: Any,
    message: Any,
    action: Any,
    back: str,
    danger: bool = True,
    consequences: list[Any] | tuple[Any, ...] = (),
) -> HttpResponse:
    """The confirmation page of a posted destructive action (status 200, nothing changed)."""
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "message": message,
            "action_label": action,
            "back": back,
            "danger": danger,
            "consequences": list(consequences),
            "carried": carried,
            "action_url": request.get_full_path(),
        },
    )
