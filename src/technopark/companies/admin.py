from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from technopark.companies.models import Company, StageChange, TeamMember
from technopark.core.admin import TopicAdmin


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ("user",)


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ("from_stage", "to_stage", "changed_at", "changed_by", "evidence")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history is written by the stage change, never by hand


@admin.register(Company)
class CompanyAdmin(TopicAdmin):
    """Read and search companies across parks; edits belong on the park's pages (history, checks).

    A platform administrator may still delete one: that retires the park's cached pages."""

    topics = ("companies",)

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    list_display = ("short_name", "inn", "park", "stage", "started_in_park", "supported_by_park")
    list_filter = ("park", "stage", "started_in_park", "supported_by_park")
    search_fields = ("short_name", "legal_name", "inn", "ogrn")
    list_select_related = ("park",)
    raw_id_fields = ("site", "created_by")
    filter_horizontal = ("directions",)
    inlines = [TeamMemberInline, StageChangeInline]
    readonly_fields = ("search_text", "created_at", "updated_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
