"""The technical admin site for platform administrators: parks, sites, directions, memberships."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from technopark.parks.models import Direction, Membership, Park, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ("name", "name_en", "address", "time_zone")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "slug", "region", "time_zone", "is_public")
    list_filter = ("is_public", "region")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [SiteInline]


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "parent", "park", "position")
    list_filter = ("park",)
    search_fields = ("name", "name_en", "code")
    list_select_related = ("park", "parent")
    raw_id_fields = ("parent",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "park", "role", "status", "created_at")
    list_filter = ("park", "role", "status")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "park")
    raw_id_fields = ("user", "decided_by")
