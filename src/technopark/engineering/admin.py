"""The engineering app in the technical admin: read and search the catalogue and the requests.
Writes go through ``TopicAdmin``: the staff queue is cached."""

from typing import Any

from django.contrib import admin

from technopark.core.admin import TopicAdmin
from technopark.engineering.models import Quote, Service, ServicePrice, ServiceRequest


@admin.register(Service)
class ServiceAdmin(TopicAdmin):
    topics = ("engineering",)
    list_display = ("name", "park", "kind", "unit", "lead_time_days", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_en")


@admin.register(ServicePrice)
class ServicePriceAdmin(TopicAdmin):
    topics = ("engineering",)
    list_display = ("service", "tier", "valid_from", "unit_price")
    list_filter = ("tier",)
    search_fields = ("service__name",)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(TopicAdmin):
    topics = ("engineering",)
    list_display = ("title", "park", "company", "state", "confidential", "created_at")
    list_filter = ("state", "confidential")
    search_fields = ("title", "company__short_name")
    readonly_fields = ("state", "held_from", "act_number")

    # The workflow's table and the audit chain decide every change: read here, never written.
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Quote)
class QuoteAdmin(TopicAdmin):
    topics = ("engineering",)
    list_display = ("number", "request", "version", "status", "total", "expires_on")
    list_filter = ("status",)
    search_fields = ("number", "request__title")

    # The workflow's table and the audit chain decide every change: read here, never written.
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
