"""The notices part of the API: the signed-in person's inbox, and marking notices read."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PageParams, paginate
from technopark.api.types import Id
from technopark.notices import queries, services
from technopark.notices.schemas import (
    NoticeFilterParams,
    NoticeOut,
    NoticePageOut,
    NoticesMarkedOut,
)

router = Router(tags=["notices"])


@router.get(
    "/notices",
    auth=signed_in,
    **documented({200: NoticePageOut}, 401, 422),
    summary="The signed-in person's notices",
)
def notice_list(
    request: HttpRequest, filters: Query[NoticeFilterParams], page: Query[PageParams]
) -> Any:
    """Newest first, across parks; ``unread=true`` for the unread ones only (two queries)."""
    rows = queries.notices_of(request.user, unread_only=filters.unread)  # type: ignore[arg-type]
    return paginate(rows, page)


@router.post(
    "/notices/{notice_id}/read",
    auth=signed_in,
    **documented({200: NoticeOut}, 401, 403, 404, 422),
    summary="Mark a notice as read",
)
def notice_read(request: HttpRequest, notice_id: Id) -> Any:
    """Only the recipient's own notices (anyone else's is a 404); reading it again changes
    nothing. A token needs the write scope."""
    notice = queries.notice_of(request.user, notice_id)  # type: ignore[arg-type]
    if notice is None:
        raise Http404
    return services.notice_mark_read(notice=notice, user=request.user)  # type: ignore[arg-type]


@router.post(
    "/notices/read",
    auth=signed_in,
    **documented({200: NoticesMarkedOut}, 401, 403),
    summary="Mark all of one's notices as read",
)
def notices_read_all(request: HttpRequest) -> Any:
    """Every unread notice of the signed-in person is read (the inbox page's "Mark all as
    read"); ``marked`` says how many were unread. A token needs the write scope."""
    marked = services.notices_mark_all_read(user=request.user)  # type: ignore[arg-type]
    return {"marked": marked}
