"""The technical admin site for platform administrators: parks, sites, directions, memberships."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from technopark.core.admin import TopicAdmin
from technopark.parks import caching, services
from technopark.parks.models import Direction, Membership, Park, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ("name", "name_en", "address", "time_zone")


@admin.register(Park)
class ParkAdmin(TopicAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "slug", "region", "time_zone", "is_public")
    list_filter = ("is_public", "region")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [SiteInline]
    topics = ("parks",)

    def park_id_of(self, obj: Any) -> int:
        return int(obj.pk)

    # The park row itself is cached by slug (the middleware reads it on every page).
    def save_model(self, request: HttpRequest, obj: Park, form: Any, change: bool) -> None:
        old_slug = form.initial.get("slug")
        super().save_model(request, obj, form, change)
        caching.forget_park(slugs=[slug for slug in (old_slug, obj.slug) if slug])


@admin.register(Direction)
class DirectionAdmin(TopicAdmin):
    list_display = ("name", "name_en", "code", "parent", "park", "position")
    list_filter = ("park",)
    search_fields = ("name", "name_en", "code")
    list_select_related = ("park", "parent")
    raw_id_fields = ("parent",)
    topics = ("parks",)


@admin.register(Membership)
class MembershipAdmin(TopicAdmin):
    list_display = ("user", "park", "role", "status", "created_at")
    list_filter = ("park", "role", "status")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "park")
    raw_id_fields = ("user", "decided_by")

    topics = ("memberships",)

    # A removed or changed role takes effect at the next request: the roles are cached under
    # the memberships token (renewed by TopicAdmin, bulk deletes included), the switcher per
    # person. Every grant, change and removal here is appended to the park's audit chain in the
    # same transaction, as the services do.
    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        with transaction.atomic():
            stored = Membership.all_parks.filter(pk=obj.pk).first() if change else None
            before = services.membership_state(stored)
            super().save_model(request, obj, form, change)
            services.membership_admin_saved(membership=obj, actor=request.user, before=before)
        caching.forget_switcher(user_id=obj.user_id)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        user_id = obj.user_id
        with transaction.atomic():
            services.membership_admin_deleted(membership=obj, actor=request.user)
            super().delete_model(request, obj)
        caching.forget_switcher(user_id=user_id)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            doomed = list(queryset.select_related("user", "park"))
            for membership in doomed:
                services.membership_admin_deleted(membership=membership, actor=request.user)
            super().delete_queryset(request, queryset)
        for user_id in {m.user_id for m in doomed}:
            caching.forget_switcher(user_id=user_id)
