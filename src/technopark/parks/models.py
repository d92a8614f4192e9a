from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.regions import REGION_CHOICES
from technopark.parks.tenancy import ParkOwned

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones() if "/" in tz)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class BilingualName(models.Model):
    """A name kept in Russian and (optionally) English; shown in the visitor's language."""

    name = models.CharField(pgettext_lazy("name of a thing", "name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name


class Park(BilingualName):
    slug = models.SlugField(_("web address"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    region = models.CharField(_("region"), max_length=2, choices=REGION_CHOICES)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Yakutsk", validators=[validate_time_zone]
    )
    languages = models.CharField(
        _("languages"), max_length=50, default="ru,en", help_text=_("Comma-separated codes.")
    )
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = pgettext_lazy("model name", "park")
        verbose_name_plural = _("parks")

    @property
    def display_description(self) -> str:
        if self.description_en and translation.get_language() == "en":
            return self.description_en
        return self.description


class Site(ParkOwned, BilingualName):
    """A building or branch of a park, with its own address and time zone."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="sites")
    address = models.CharField(_("address"), max_length=300)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Yakutsk", validators=[validate_time_zone]
    )
    # A site something still refers to is archived rather than deleted: it stays on the records
    # that name it and is no longer offered for new ones.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="site_unique_name_in_park")
        ]


class Direction(ParkOwned, BilingualName):
    """A park's own two-level taxonomy of directions (a direction and its sub-directions)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="directions")
    code = models.SlugField(_("code"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent direction"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    # Archived instead of deleted while companies, calls or programmes are tagged with it.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="direction_unique_code_in_park")
        ]

    def clean(self) -> None:
        parent = self.parent if self.parent_id is not None else None
        if parent is not None:
            if parent.parent_id is not None:
                raise ValidationError({"parent": _("Directions have two levels at most.")})
            if parent.park_id != self.park_id:
                raise ValidationError(
                    {"parent": _("The parent direction belongs to another park.")}
                )


class Role(models.TextChoices):
    PARK_ADMIN = "park_admin", _("Park administrator")
    MANAGER = "manager", _("Manager")
    EXPERT = "expert", _("Expert")
    MENTOR = "mentor", _("Mentor")
    ENGINEER = "engineer", _("Engineer")
    FOUNDER = "founder", _("Founder")
    PARTNER = "partner", _("Partner")
    INVESTOR = "investor", _("Investor")
    CUSTOMER = "customer", _("Customer")
    OBSERVER = "observer", _("Observer")


STAFF_ROLES = frozenset({Role.PARK_ADMIN, Role.MANAGER})


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("membership status", "Requested")
    ACTIVE = "active", pgettext_lazy("membership status", "Active")


class Membership(ParkOwned):
    """A person's role in one park. One person may hold several roles, in several parks."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(
        pgettext_lazy("membership", "status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["park", "user__email", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "user", "role"], name="membership_unique_role_in_park"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MembershipStatus.values),
                name="membership_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.park.slug}"
