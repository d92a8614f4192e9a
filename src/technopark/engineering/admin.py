"""The engineering app in the technical admin: read and search the catalogue, the requests, the
work and the charges. Writes go through ``TopicAdmin``: the staff queue is cached. Requests,
quotes, work orders, time and charges are read-only here: their services keep the workflow,
the budget lines and the audit chain right."""

from typing import Any

from django.contrib import admin

from technopark.core.admin import TopicAdmin
from technopark.engineering.models import (
    Charge,
    Quote,
    Service,
    ServicePrice,
    ServiceRequest,
    TimeEntry,
    WorkOrder,
)


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


class ReadOnlyAdmin(TopicAdmin):
    topics = ("engineering",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("request", "park", "due_on", "created_at")
    list_select_related = ("request", "park")
    search_fields = ("request__title",)


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyAdmin):
    list_display = ("work_order", "engineer", "started_at", "minutes")
    list_select_related = ("work_order__request", "engineer")
    search_fields = ("work_order__request__title", "engineer__email")


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ("request", "company", "payer", "total", "charged_on")
    list_filter = ("payer",)
    list_select_related = ("request", "company")
    search_fields = ("request__title", "company__short_name", "idempotency_key")
