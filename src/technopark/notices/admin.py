from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from technopark.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: a notice is written by the step that waits and read by its recipient only;
    the admin sees what was sent to whom (to answer "I was never told"), never edits it."""

    list_display = ("created_at", "recipient", "park", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("recipient__email", "kind", "key")
    fields = (
        "recipient",
        "park",
        "kind",
        "subject",
        "body",
        "url",
        "key",
        "created_at",
        "read_at",
        "emailed_at",
    )
    readonly_fields = fields
    list_select_related = ("recipient", "park")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
