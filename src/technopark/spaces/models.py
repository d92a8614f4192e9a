"""Tables of the spaces app: resources, their opening hours and closures, booking rules,
training records (certificates), bookings, weekly series, the waitlist and calendar feeds.

The promise that a resource is never booked twice for the same time is the database's:

* on PostgreSQL an exclusion constraint (``spaces_booking_no_overlap``, created by migration
  0002 with ``btree_gist``) refuses two *active* bookings of one resource whose half-open ranges
  ``[starts_at, ends_at)`` overlap;
* on SQLite ``services.booking_create`` checks and inserts inside one ``BEGIN IMMEDIATE``
  transaction (settings use ``transaction_mode="IMMEDIATE"``), so writers queue on the database's
  write lock and the check sees every committed booking.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.parks.models import BilingualName, Park, Site
from technopark.parks.tenancy import ParkOwned


class ResourceType(models.TextChoices):
    DESK = "desk", _("Coworking desk")
    ROOM = "room", _("Meeting room")
    LAB = "lab", _("Laboratory instrument")
    ENGINEERING = "engineering", _("Engineering equipment")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", pgettext_lazy("booking status", "Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    OFFERED = "offered", _("Offered from the waitlist")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
    REJECTED = "rejected", pgettext_lazy("booking status", "Rejected")
    RELEASED = "released", _("Released (no-show)")
    EXPIRED = "expired", _("Offer expired")


# A booking in one of these holds its time: no other active booking of the resource may overlap.
ACTIVE_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.OFFERED,
)


class BookingKind(models.TextChoices):
    REGULAR = "regular", _("Booking")
    SEAT = "seat", _("Coworking seat (long booking)")


class Resource(ParkOwned, BilingualName):
    """Something bookable at a site: a desk, a room, an instrument or a machine."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="resources"
    )
    resource_type = models.CharField(
        pgettext_lazy("resource type", "type"), max_length=20, choices=ResourceType.choices
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=1, help_text=_("How many people it takes.")
    )
    features = models.CharField(
        _("features"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. projector.")
    )
    description = models.TextField(_("description"), blank=True)
    requires_certification = models.BooleanField(
        _("needs a certificate"),
        default=False,
        help_text=_("Only people with a valid training record may book it."),
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    certificate_lapses_after_days = models.PositiveSmallIntegerField(
        _("a certificate lapses after, days unused"),
        null=True,
        blank=True,
        help_text=_(
            "A certificate lapses when its holder has not checked in to a booking of it for this "
            "many days. Empty: only its fixed date ends it."
        ),
    )

    class Meta:
        ordering = ["site", "resource_type", "name", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="spaces_resource_unique_name"),
            models.CheckConstraint(
                condition=models.Q(resource_type__in=ResourceType.values),
                name="spaces_resource_type_known",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="spaces_resource_capacity_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "site", "resource_type"], name="spaces_res_site_type_idx")
        ]

    @property
    def feature_list(self) -> list[str]:
        return [item.strip() for item in self.features.split(",") if item.strip()]


class OpeningHours(ParkOwned):
    """When a site is open on one day of the week, in the site's time zone.

    A site without any rows is open around the clock; once it has rows, a weekday without one is
    closed. ``closes`` of 00:00 means midnight at the end of the day.
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    opens = models.TimeField(pgettext_lazy("opening hours", "opens"))
    closes = models.TimeField(pgettext_lazy("opening hours", "closes"))

    class Meta:
        ordering = ["site", "weekday"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.UniqueConstraint(fields=["site", "weekday"], name="spaces_hours_unique_day"),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="spaces_hours_weekday"
            ),
        ]


class Closure(ParkOwned):
    """An exception to the opening hours: a holiday (whole site) or a maintenance blackout."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closures")
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        help_text=_("Leave empty to close the whole site."),
    )
    starts_at = models.DateTimeField(pgettext_lazy("start of a time range", "from"))
    ends_at = models.DateTimeField(pgettext_lazy("end of a time range", "until"))
    reason = models.CharField(pgettext_lazy("reason for a closure", "reason"), max_length=200)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="spaces_closure_ends_after_start",
            )
        ]


class BookingRule(ParkOwned):
    """How one type of resource is booked in a park. A type without a row uses the defaults."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resource_type = models.CharField(
        pgettext_lazy("resource type", "type"), max_length=20, choices=ResourceType.choices
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot size, minutes"), default=30)
    min_minutes = models.PositiveIntegerField(_("shortest booking, minutes"), default=30)
    max_minutes = models.PositiveIntegerField(_("longest booking, minutes"), default=8 * 60)
    max_days_ahead = models.PositiveSmallIntegerField(_("how far ahead, days"), default=60)
    cancel_notice_minutes = models.PositiveIntegerField(
        _("cancellation notice, minutes"), default=60
    )
    weekly_quota_minutes = models.PositiveIntegerField(
        _("weekly quota per company, minutes"),
        null=True,
        blank=True,
        help_text=_("Empty: no quota."),
    )
    allow_residents = models.BooleanField(_("residents may book"), default=True)
    allow_participants = models.BooleanField(_("programme participants may book"), default=True)
    allow_outside = models.BooleanField(
        _("outside companies may ask"),
        default=True,
        help_text=_("Their bookings wait for a manager's approval."),
    )
    requires_approval = models.BooleanField(_("every booking needs approval"), default=False)
    check_in_grace_minutes = models.PositiveSmallIntegerField(
        _("released if nobody checks in within, minutes"), default=15
    )
    offer_minutes = models.PositiveSmallIntegerField(
        _("a waitlist offer holds for, minutes"), default=60
    )

    class Meta:
        ordering = ["resource_type"]
        verbose_name = _("booking rule")
        verbose_name_plural = _("booking rules")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "resource_type"], name="spaces_rule_unique_type"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="spaces_rule_slot_min"
            ),
            models.CheckConstraint(
                condition=models.Q(max_minutes__gte=models.F("min_minutes")),
                name="spaces_rule_max_ge_min",
            ),
        ]


class Certificate(ParkOwned):
    """A person's training record on one resource, valid until ``expires_on`` (inclusive) and,
    when the resource sets ``certificate_lapses_after_days``, while it is used: it lapses that
    many days after the later of ``trained_on`` and the day of ``last_used_at``.

    A *use* is a booking of the resource by the holder that was checked in: ``booking_check_in``
    sets ``last_used_at`` to the check-in time inside its transaction (see
    ``services.certificates``).
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="space_certificates",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="certificates"
    )
    trained_on = models.DateField(_("trained on"))
    expires_on = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(pgettext_lazy("comment", "note"), max_length=200, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    training = models.ForeignKey(
        "TrainingSession",
        verbose_name=_("training session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )

    class Meta:
        ordering = ["-expires_on", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("trained_on")),
                name="spaces_certificate_expires_after_training",
            )
        ]
        indexes = [models.Index(fields=["user", "resource", "expires_on"], name="spaces_cert_idx")]


class BookingSeries(ParkOwned):
    """A weekly recurring booking: the dates it booked are bookings pointing here."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="series")
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    first_starts_at = models.DateTimeField()
    duration = models.DurationField()
    weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly series")
        verbose_name_plural = _("weekly series")


class Booking(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="bookings"
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space_bookings",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.CASCADE,
        related_name="space_bookings",
    )
    starts_at = models.DateTimeField(pgettext_lazy("start of a time range", "from"))
    ends_at = models.DateTimeField(pgettext_lazy("end of a time range", "until"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
    )
    kind = models.CharField(
        pgettext_lazy("booking kind", "kind"),
        max_length=20,
        choices=BookingKind.choices,
        default=BookingKind.REGULAR,
    )
    title = models.CharField(_("purpose"), max_length=200, blank=True)
    series = models.ForeignKey(
        BookingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change, so that calendar feeds tell clients an event changed.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="spaces_booking_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BookingStatus.values),
                name="spaces_booking_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=BookingKind.values), name="spaces_booking_kind_known"
            ),
            # The exclusion constraint "spaces_booking_no_overlap" lives in migration 0002
            # (PostgreSQL only).
        ]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="spaces_booking_res_start_idx"),
            models.Index(fields=["park", "starts_at"], name="spaces_booking_park_start_idx"),
            models.Index(fields=["booked_by", "starts_at"], name="spaces_booking_user_idx"),
            models.Index(fields=["company", "starts_at"], name="spaces_booking_company_idx"),
            models.Index(fields=["status", "starts_at"], name="spaces_booking_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", pgettext_lazy("waitlist status", "Accepted")
    EXPIRED = "expired", pgettext_lazy("waitlist status", "Expired")
    CANCELLED = "cancelled", _("Left the waitlist")


class WaitlistEntry(ParkOwned):
    """Someone waiting for a taken slot; when it frees, the first in line is offered it."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_waitlist"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(pgettext_lazy("start of a time range", "from"))
    ends_at = models.DateTimeField(pgettext_lazy("end of a time range", "until"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=WaitlistStatus.choices,
        default=WaitlistStatus.WAITING,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="spaces_waitlist_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=WaitlistStatus.values),
                name="spaces_waitlist_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "status", "starts_at"], name="spaces_waitlist_idx")
        ]


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def feed_token_hash(secret: str) -> str:
    """What is stored of a feed's secret: its SHA-256. The secret itself is shown once."""
    return hashlib.sha256(secret.encode()).hexdigest()


class CalendarFeed(ParkOwned):
    """A secret link to an iCal feed: a person's bookings, or one resource's. Only the secret's
    hash is kept, so the database cannot give the link away."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_feeds"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="feeds"
    )
    # The SHA-256 of the secret in the link; the secret is shown once, when made or renewed.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    renewed_at = models.DateTimeField(_("link made"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "user", "resource"], name="spaces_feed_unique_per_target"
            ),
            models.UniqueConstraint(
                fields=["park", "user"],
                condition=models.Q(resource__isnull=True),
                name="spaces_feed_unique_personal",
            ),
        ]


class SeatAllocation(ParkOwned):
    """A cohort participant's coworking seat: a long booking (kind ``seat``) on a desk, held
    from the first to the last day of the participant's cohort.

    The booking holds the time (the overlap rules are the booking's); this row says whose seat
    it is, so that the participant's page shows it and leaving the cohort releases it. One
    unreleased allocation per participant at a time (a partial unique constraint).
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "programmes.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="seat_allocation"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    allocated_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-allocated_at", "-id"]
        verbose_name = _("coworking seat")
        verbose_name_plural = _("coworking seats")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(released_at__isnull=True),
                name="spaces_seat_one_per_participant",
            )
        ]


class TrainingSession(ParkOwned):
    """A training on one resource: who trained whom, when and how long. Recording it creates or
    renews the certificates of the people qualified (``services.training_session_record``)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="training_sessions",
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_at = models.DateTimeField(pgettext_lazy("start of a time range", "from"))
    duration_minutes = models.PositiveIntegerField(_("duration, minutes"))
    notes = models.TextField(_("notes"), blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people qualified"), related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="spaces_training_duration_range",
            )
        ]
        indexes = [models.Index(fields=["park", "starts_at"], name="spaces_training_park_idx")]


class IncidentSeverity(models.TextChoices):
    LOW = "low", pgettext_lazy("incident severity", "Low")
    MEDIUM = "medium", pgettext_lazy("incident severity", "Medium")
    DOWN = "down", _("Down (out of service)")


class Incident(ParkOwned):
    """Something wrong with a resource. An open ``down`` incident blocks new bookings of it
    (the booking checks); closing needs a resolution. Downtime is the union of the ``down``
    incidents' ``[opened_at, closed_at)`` (``queries.downtime``)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="incidents"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=IncidentSeverity.choices)
    description = models.TextField(_("what is wrong"), max_length=2000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(pgettext_lazy("incident", "opened"))
    closed_at = models.DateTimeField(pgettext_lazy("incident", "closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), max_length=2000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=IncidentSeverity.values),
                name="spaces_incident_severity_known",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(closed_at__gte=models.F("opened_at")),
                name="spaces_incident_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(resolution=""),
                name="spaces_incident_closed_with_resolution",
            ),
        ]
        indexes = [
            models.Index(
                fields=["resource", "severity", "closed_at"], name="spaces_incident_res_idx"
            ),
            models.Index(fields=["park", "opened_at"], name="spaces_incident_park_idx"),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
