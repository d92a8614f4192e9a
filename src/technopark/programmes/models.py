"""Acceleration programmes: programmes, cohorts, participants and their attendees, the curriculum
(sessions and attendance), progress (stage proposals confirmed by staff) and the demo day
(pitches, invited guests and their feedback).

Park-owned tables: ``Programme`` and ``Cohort``. Every other table is a child reached through its
cohort (``cohort__park``); queries always filter by the park explicitly.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company, Stage
from technopark.parks.models import Direction, Park, Site
from technopark.parks.tenancy import ParkOwned

DEFAULT_GRANT_CAP = Decimal("2000000.00")


class Programme(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(pgettext_lazy("name of a thing", "name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    directions = models.ManyToManyField(
        Direction, blank=True, related_name="+", verbose_name=_("directions")
    )
    grant_cap = models.DecimalField(
        _("grant cap, roubles"),
        max_digits=14,
        decimal_places=2,
        default=DEFAULT_GRANT_CAP,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    coworking_seats = models.PositiveSmallIntegerField(_("coworking seats"), default=0)
    length_weeks = models.PositiveSmallIntegerField(_("length, weeks"), default=12)
    created_at = models.DateTimeField(auto_now_add=True)
    # A programme with cohorts is archived, not deleted: no new cohorts, its history stays.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grant_cap__gte=0), name="programme_grant_cap_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Cohort(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="cohorts")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(pgettext_lazy("name of a thing", "name"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=20)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The programme-intake call whose admitted applications fill the cohort.
    intake_call = models.ForeignKey(
        "selection.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("intake call"),
    )
    # A cohort with participants is archived, not deleted: it leaves the lists, its record stays.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("participant status", "Active")
    GRADUATED = "graduated", _("Graduated")
    LEFT = "left", pgettext_lazy("participant status", "Left")


class Participant(models.Model):
    """A company in a cohort (its team members attend; staff give it a seat and mentors)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="participations")
    application = models.ForeignKey(
        "selection.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.ACTIVE,
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Hook for the spaces app: today a note of the desk the participant works at ("IT-парк,
    # стол 4"). When spaces offers long-term desk assignments, a nullable FK to its resource can
    # sit next to this note; ``services.participant_set_seat`` is the single place that writes it.
    coworking_seat = models.CharField(_("coworking seat"), max_length=120, blank=True)
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentored_participations",
        verbose_name=_("mentors"),
    )

    class Meta:
        ordering = ["cohort", "company__short_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "company"], name="participant_once_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return str(self.company)


class Attendee(models.Model):
    """A person of a participant's team who attends the cohort's sessions."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_attendances"
    )

    class Meta:
        ordering = ["participant", "user__full_name", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["participant", "user"], name="attendee_once")
        ]

    def __str__(self) -> str:
        return str(self.user)


class SessionKind(models.TextChoices):
    ENTREPRENEURSHIP = "entrepreneurship", _("Intensive: technological entrepreneurship")
    PROJECT_MANAGEMENT = "project_management", _("Intensive: project management")
    PITCHING = "pitching", _("Intensive: presenting to investors and customers")
    WORKSHOP = "workshop", _("Workshop")
    OFFICE_HOURS = "office_hours", _("Office hours")


INTENSIVE_KINDS = (
    SessionKind.ENTREPRENEURSHIP,
    SessionKind.PROJECT_MANAGEMENT,
    SessionKind.PITCHING,
)


class CurriculumSession(models.Model):
    """One session of a cohort's curriculum; times are UTC, entered and shown in the site's zone."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(
        pgettext_lazy("session kind", "kind"), max_length=30, choices=SessionKind.choices
    )
    title = models.CharField(pgettext_lazy("title of a thing", "title"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SessionKind.values), name="session_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "starts_at"], name="session_cohort_start_idx")]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether one attendee was at one session (one row per person and session)."""

    session = models.ForeignKey(
        CurriculumSession, on_delete=models.CASCADE, related_name="attendance"
    )
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(pgettext_lazy("attendance", "present"))
    marked_at = models.DateTimeField(auto_now=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "attendee"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "attendee"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.attendee_id}@{self.session_id}: {self.present}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("stage change proposal", "Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class StageProposal(models.Model):
    """A participant's claim to have reached a stage, with evidence; staff confirm or reject it.

    A confirmed proposal moves the company (``companies.services.company_change_stage``), whose
    stage history then holds the step with the evidence.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="stage_proposals"
    )
    from_stage = models.CharField(
        pgettext_lazy("stage change", "from"), max_length=20, choices=Stage.choices
    )
    to_stage = models.CharField(
        pgettext_lazy("stage change", "to"), max_length=20, choices=Stage.choices
    )
    evidence = models.TextField(_("evidence"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(pgettext_lazy("comment", "note"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("stage proposal")
        verbose_name_plural = _("stage proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(status="proposed"),
                name="stage_proposal_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="stage_proposal_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage} ({self.status})"


class DemoDay(models.Model):
    """The cohort's closing event: start-ups pitch in order to invited investors and customers.

    Outside guests' feedback links work until the end of the demo day's date in its zone
    (``programmes.queries.guest_links_expire_at``).
    """

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="demo_day")
    title = models.CharField(pgettext_lazy("title of a thing", "title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    minutes_per_pitch = models.PositiveSmallIntegerField(
        _("minutes per pitch"), default=10, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("demo day")
        verbose_name_plural = _("demo days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes_per_pitch__gte=1), name="demo_day_pitch_minutes"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Pitch(models.Model):
    demo_day = models.ForeignKey(DemoDay, on_delete=models.CASCADE, related_name="pitches")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pitches")
    position = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"))
    starts_at = models.DateTimeField(_("starts"))

    class Meta:
        ordering = ["demo_day", "position"]
        verbose_name = _("pitch")
        verbose_name_plural = _("pitches")
        constraints = [
            models.UniqueConstraint(fields=["demo_day", "position"], name="pitch_unique_position"),
            models.UniqueConstraint(
                fields=["demo_day", "participant"], name="pitch_once_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.participant_id}"


class GuestKind(models.TextChoices):
    INVESTOR = "investor", _("Investor")
    CUSTOMER = "customer", _("Customer")
    PARTNER = "partner", _("Partner")


class DemoDayGuest(models.Model):
    """An invited investor, customer or partner: a member of the park, or someone from outside."""

    demo_day = models.ForeignKey(DemoDay, on_delete=models.CASCADE, related_name="guests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="demo_day_invitations",
    )
    name = models.CharField(pgettext_lazy("name of a person", "name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    kind = models.CharField(
        pgettext_lazy("guest kind", "kind"), max_length=20, choices=GuestKind.choices
    )
    # An outside guest invited by e-mail gets a secret link to the feedback page (no account).
    # Only the secret's SHA-256 is kept; the secret travels only in the e-mail, made afresh by
    # each sending (``tasks.guest_link_send``), so a re-sent link replaces the earlier one.
    email = models.EmailField(_("e-mail"), blank=True)
    link_hash = models.CharField(max_length=64, blank=True, editable=False)
    link_sent_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("invitation withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["demo_day", "kind", "name", "id"]
        verbose_name = _("demo day guest")
        verbose_name_plural = _("demo day guests")
        constraints = [
            models.UniqueConstraint(
                fields=["demo_day", "user"],
                condition=models.Q(user__isnull=False),
                name="demo_day_guest_once",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="demo_day_guest_named",
            ),
            models.UniqueConstraint(
                fields=["link_hash"],
                condition=~models.Q(link_hash=""),
                name="demo_day_guest_link_unique",
            ),
            models.UniqueConstraint(
                fields=["demo_day", "email"],
                condition=~models.Q(email="") & models.Q(revoked_at__isnull=True),
                name="demo_day_guest_email_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return str(self.user.full_name or self.user.email)
        return self.name

    @property
    def is_outside(self) -> bool:
        """A guest without an account in the park: their feedback comes through the secret link."""
        return self.user_id is None


class PitchFeedback(models.Model):
    """A guest's interest in one pitch: meet, invest, pilot, and a note for the follow-up."""

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="feedback")
    guest = models.ForeignKey(DemoDayGuest, on_delete=models.CASCADE, related_name="feedback")
    meet = models.BooleanField(_("wants to meet"), default=False)
    invest = models.BooleanField(_("interested in investing"), default=False)
    pilot = models.BooleanField(_("interested in a pilot"), default=False)
    note = models.TextField(pgettext_lazy("comment", "note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pitch", "guest"]
        verbose_name = _("pitch feedback")
        verbose_name_plural = _("pitch feedback")
        constraints = [
            models.UniqueConstraint(fields=["pitch", "guest"], name="pitch_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.guest_id} on {self.pitch_id}"

    @property
    def wants_follow_up(self) -> bool:
        return self.meet or self.invest or self.pilot
