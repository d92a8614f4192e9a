"""The technical admin site for platform administrators: parks, sites, directions, memberships."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from technopark.parks import caching, services
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

    # Edits here bypass the services, so they retire the park's cached pages themselves.
    def save_model(self, request: HttpRequest, obj: Park, form: Any, change: bool) -> None:
        old_slug = form.initial.get("slug")
        super().save_model(request, obj, form, change)
        caching.forget_park(slugs=[slug for slug in (old_slug, obj.slug) if slug])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.park_data_changed(park_id=form.instance.pk)


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "parent", "park", "position")
    list_filter = ("park",)
    search_fields = ("name", "name_en", "code")
    list_select_related = ("park", "parent")
    raw_id_fields = ("parent",)

    def save_model(self, request: HttpRequest, obj: Direction, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.park_data_changed(park_id=obj.park_id)

    def delete_model(self, request: HttpRequest, obj: Direction) -> None:
        super().delete_model(request, obj)
        services.park_data_changed(park_id=obj.park_id)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "park", "role", "status", "created_at")
    list_filter = ("park", "role", "status")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "park")
    raw_id_fields = ("user", "decided_by")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.park_data_changed(park_id=obj.park_id)
        caching.forget_switcher(user_id=obj.user_id)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        super().delete_model(request, obj)
        services.park_data_changed(park_id=obj.park_id)
        caching.forget_switcher(user_id=obj.user_id)
