"""The inbox: a person's notices across parks, newest first, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from technopark.core.params import Choice, Integer, parse_or_none
from technopark.notices import queries, services

SHOW = Choice.of(("unread", "all"))
PAGE = Integer(low=1, high=10_000)


def _back(request: HttpRequest) -> str:
    """The inbox as it was shown (its filter and page), from the form's own fields."""
    url = reverse("notices:inbox")
    query = []
    if parse_or_none(SHOW, request.POST.get("show")) == "unread":
        query.append("show=unread")
    page = parse_or_none(PAGE, request.POST.get("page"))
    if page is not None and page != 1:
        query.append(f"page={page}")
    return url + ("?" + "&".join(query) if query else "")


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = parse_or_none(SHOW, request.GET.get("show")) or "all"
    page_number = parse_or_none(PAGE, request.GET.get("page")) or 1
    page = queries.inbox_for(request.user, unread_only=show == "unread", page=page_number)  # type: ignore[arg-type]
    return render(
        request,
        "notices/inbox.html",
        {"page": page, "notices": page.object_list, "show": show},
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = queries.notice_of(request.user, notice_id)  # type: ignore[arg-type]
    if notice is None:
        raise Http404
    services.notice_mark_read(notice=notice, user=request.user)  # type: ignore[arg-type]
    return HttpResponseRedirect(_back(request))


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notices_mark_all_read(user=request.user)  # type: ignore[arg-type]
    return HttpResponseRedirect(_back(request))
