"""Reading notices: a person's inbox and how many of its notices are unread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Count, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from technopark.notices.models import Notice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

INBOX_PAGE_SIZE = 25


def notices_of(user: AbstractBaseUser, *, unread_only: bool = False) -> QuerySet[Notice]:
    """``user``'s notices, newest first, with their parks (for the inbox and the API)."""
    rows = Notice.objects.filter(recipient_id=user.pk).select_related("park")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def inbox_for(
    user: AbstractBaseUser, *, unread_only: bool = False, page: int | str | None = 1
) -> Page[Notice]:
    """One page of ``user``'s inbox, newest first (a page past the end: the last page)."""
    paginator = Paginator(notices_of(user, unread_only=unread_only), INBOX_PAGE_SIZE)
    return paginator.get_page(page)


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int:
    """How many of ``user``'s notices are unread: one indexed COUNT (0 for nobody)."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def unread_count_of_outer_user() -> Func:
    """An expression for a query of users: how many notices of ``OuterRef("pk")`` are unread.

    ``accounts`` adds it to the query that loads the session's user, so the header's count costs
    no query of its own (``notices.signals.unread_changed`` tells it when to reload)."""
    counted = (
        Notice.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def notice_of(user: AbstractBaseUser, notice_id: int) -> Notice | None:
    """``user``'s notice ``notice_id``, or None (someone else's notice is nobody's business)."""
    return Notice.objects.filter(recipient_id=user.pk, pk=notice_id).first()


def notices_to_mail(*, notice_ids: list[int]) -> list[Notice]:
    """The notices of ``notice_ids`` not mailed yet whose recipients are active (the mail task)."""
    return list(
        Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True, recipient__is_active=True)
        .select_related("recipient", "park")
        .order_by("id")
    )
