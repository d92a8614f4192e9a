"""The network app in the technical admin: read and search profiles, needs, introductions,
pairings, sessions and matching runs. Everything is read-only here: the services keep the role
rule, the capacity locks and the double opt-in right, and a session's notes stay the pair's."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from technopark.core.admin import TopicAdmin
from technopark.network.models import (
    Introduction,
    MatchRun,
    MentoringSession,
    Need,
    Pairing,
    Profile,
)


class ReadOnlyAdmin(TopicAdmin):
    topics = ("network",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ("headline", "park", "kind", "user", "country", "visibility", "is_active")
    list_filter = ("kind", "visibility", "is_active")
    search_fields = ("headline", "organisation", "user__email", "user__full_name")
    list_select_related = ("park", "user")


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("company", "park", "seeking", "is_open", "created_at")
    list_filter = ("seeking", "is_open")
    search_fields = ("summary", "company__short_name")
    list_select_related = ("park", "company")


@admin.register(Introduction)
class IntroductionAdmin(ReadOnlyAdmin):
    list_display = ("company", "profile", "park", "status", "created_at", "expires_at")
    list_filter = ("status",)
    search_fields = ("company__short_name", "profile__headline")
    list_select_related = ("park", "company", "profile")


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ("profile", "company", "park", "source", "status", "fit", "started_at")
    list_filter = ("status", "source", "fit")
    search_fields = ("company__short_name", "profile__headline")
    list_select_related = ("park", "company", "profile")


@admin.register(MentoringSession)
class MentoringSessionAdmin(ReadOnlyAdmin):
    # the notes are the pair's alone: not listed, not shown
    list_display = ("pairing", "park", "held_on", "duration_minutes", "format")
    list_filter = ("format",)
    exclude = ("notes",)
    list_select_related = ("park", "pairing", "pairing__profile", "pairing__company")


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "park", "status", "total_score", "greedy_score", "created_at")
    list_filter = ("status",)
    list_select_related = ("park", "cohort")
