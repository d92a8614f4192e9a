from typing import Any

from django.contrib import admin

from technopark.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the chain is appended by the services, never edited."""

    list_display = (
        "at",
        "park",
        "sequence",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "key_id",
    )
    list_filter = ("action", "park")
    search_fields = ("target_id", "actor_label", "summary")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
