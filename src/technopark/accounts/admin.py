from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from technopark.accounts import services
from technopark.accounts.models import ApiToken, Invitation, TokenRevocation, User
from technopark.audit.services import audit_record

# What of a person the admin grants or takes away: their platform role and the admin's flags.
ACCESS_FIELDS = ("global_role", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "global_role", "is_active", "date_joined")
    list_filter = ("global_role", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (
            _("Access"),
            {"fields": ("global_role", "is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups",)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # A platform role granted or taken away here is a role change: it goes to the platform's
        # audit chain, before and after, in the admin's transaction.
        stored = User.objects.filter(pk=obj.pk).values(*ACCESS_FIELDS).first() if change else None
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in ACCESS_FIELDS}
        if (stored or {}) != after:
            audit_record(
                park=None,
                actor=request.user,
                action="accounts.access_change",
                target=obj,
                summary=obj.email,
                before=stored or {},
                after=after,
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are seen and revoked here, never created or edited: the secret exists only at
    creation, and a revocation is the "revoke" action (audited, effective at the next request),
    never an edit of ``revoked_at`` that could also clear it."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_reason",
    )
    list_filter = ("scope", "revoked_reason")
    search_fields = ("name", "prefix", "user__email")
    fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "for_staff",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_reason",
    )
    readonly_fields = fields
    list_select_related = ("user",)
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing stays possible (the view permission); nothing can be edited or cleared here.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deletion would leave no audit entry: revoke instead

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, actor=request.user, reason=TokenRevocation.ADMIN)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d API token has been revoked.",
                "%(count)d API tokens have been revoked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are seen and revoked here, never made, edited or deleted: they are made on the
    park's People page (which checks who may grant the role and mails the link), and a
    revocation is the "revoke" action (audited), never an edit that could also clear it, extend
    the invitation or raise its role."""

    list_display = (
        "email",
        "role",
        "park",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("park", "role")
    search_fields = ("email",)
    fields = (
        "email",
        "role",
        "park",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    readonly_fields = fields
    list_select_related = ("park",)
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # invitations are made on the park's People page, which mails the link

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # viewing stays possible (the view permission)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deletion would leave no audit entry: revoke instead

    @admin.action(description=_("Revoke the selected invitations"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        count = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True):
            services.invitation_revoke(invitation=invitation, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d invitation has been revoked.",
                "%(count)d invitations have been revoked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
