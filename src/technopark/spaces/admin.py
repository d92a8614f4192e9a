"""Spaces in the admin: resources, hours, closures and rules are set up here by park admins.

Every ModelAdmin here writes through ``TopicAdmin``: the calendars and searches are cached."""

from typing import Any

from django.contrib import admin

from technopark.core.admin import TopicAdmin
from technopark.spaces.models import (
    Booking,
    BookingRule,
    Certificate,
    Closure,
    Incident,
    OpeningHours,
    Resource,
    TrainingSession,
    WaitlistEntry,
)


@admin.register(Resource)
class ResourceAdmin(TopicAdmin):
    topics = ("spaces",)
    list_display = (
        "name",
        "site",
        "resource_type",
        "capacity",
        "requires_certification",
        "is_active",
    )
    list_filter = ("resource_type", "requires_certification", "is_active")
    search_fields = ("name", "name_en")
    list_select_related = ("site",)


@admin.register(OpeningHours)
class OpeningHoursAdmin(TopicAdmin):
    topics = ("spaces",)
    list_display = ("site", "weekday", "opens", "closes")
    list_select_related = ("site",)


@admin.register(Closure)
class ClosureAdmin(TopicAdmin):
    topics = ("spaces",)
    list_display = ("site", "resource", "starts_at", "ends_at", "reason")
    list_select_related = ("site", "resource")


@admin.register(BookingRule)
class BookingRuleAdmin(TopicAdmin):
    topics = ("spaces",)
    list_display = ("park", "resource_type", "slot_minutes", "max_minutes", "weekly_quota_minutes")


@admin.register(Certificate)
class CertificateAdmin(TopicAdmin):
    topics = ("spaces",)
    list_display = ("user", "resource", "trained_on", "expires_on")
    list_select_related = ("user", "resource")
    raw_id_fields = ("user", "resource", "recorded_by")


@admin.register(Booking)
class BookingAdmin(TopicAdmin):
    topics = ("spaces",)
    # Read-only here: bookings change through the services (overlap, rules, waitlist).
    list_display = ("resource", "starts_at", "ends_at", "status", "company")
    list_filter = ("status", "kind")
    list_select_related = ("resource", "company")
    raw_id_fields = ("resource", "company", "booked_by", "series", "decided_by")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(TopicAdmin):
    topics = ("spaces",)
    list_display = ("resource", "user", "starts_at", "status")
    list_select_related = ("resource", "user")
    raw_id_fields = ("resource", "user", "company", "booking")


@admin.register(TrainingSession)
class TrainingSessionAdmin(TopicAdmin):
    topics = ("spaces",)
    # Read-only here: recording a session renews certificates (``services``), so it is done on
    # the resource's training page.
    list_display = ("resource", "starts_at", "duration_minutes", "trainer")
    list_select_related = ("resource", "trainer")
    raw_id_fields = ("resource", "trainer", "people", "recorded_by")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(TopicAdmin):
    topics = ("spaces",)
    # Read-only here: opening and closing an incident blocks bookings and re-offers the
    # waitlist (``services``), so both happen on the instrument's incidents page.
    list_display = ("resource", "severity", "opened_at", "closed_at")
    list_filter = ("severity",)
    list_select_related = ("resource",)
    raw_id_fields = ("resource", "reported_by", "closed_by")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
