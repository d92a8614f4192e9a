"""Tables of the network app: profiles of mentors, experts, investors, customers and partners;
companies' needs; bookmarks; double opt-in introductions; mentoring pairings and their sessions;
matching weights and batch-matching runs with their proposals.

What the database holds by itself:

* one profile per person, park and kind; a ticket's lower bound is never above its upper bound;
  money is never negative;
* one open introduction request per company and profile; one bookmark per company and profile;
* one active pairing per mentor profile and company;
* a session lasts 1–600 minutes and each side's rating is 1–4;
* one proposal per run, company and profile; one set of weights per programme (and one for the
  park, with no programme).

Capacity (mentees at once, introductions a month) spans rows, so the services hold it under a
lock on the profile row (``services.pairings``), on SQLite inside an IMMEDIATE transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.models import Direction, Park, validate_time_zone
from technopark.parks.tenancy import ParkOwned

# The longest note an introduction request may carry, in words (the forwardable note of the
# double opt-in norm).
NOTE_MAX_WORDS = 100


def money_field(label: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


class ProfileKind(models.TextChoices):
    MENTOR = "mentor", pgettext_lazy("network profile", "Mentor")
    EXPERT = "expert", pgettext_lazy("network profile", "Expert")
    INVESTOR = "investor", pgettext_lazy("network profile", "Investor")
    CUSTOMER = "customer", pgettext_lazy("network profile", "Customer")
    PARTNER = "partner", pgettext_lazy("network profile", "Partner")


class Visibility(models.TextChoices):
    PARK = "park", pgettext_lazy("profile visibility", "Members of the park")
    HIDDEN = "hidden", pgettext_lazy("profile visibility", "Hidden")


class Profile(ParkOwned):
    """One of a person's faces in the park's network (a person may hold several, one per kind).

    ``languages`` and ``stages`` are comma-separated codes (ISO 639 languages; company stages),
    parsed and checked by the services; ``country`` is an ISO 3166 alpha-2 code; ``time_zone``
    an IANA name. Contacts are the person's account e-mail and ``phone``, shown only to those
    who may see them (``rules.can_see_contacts``).
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="network_profiles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_profiles"
    )
    kind = models.CharField(
        pgettext_lazy("kind of a network profile", "kind"),
        max_length=12,
        choices=ProfileKind.choices,
    )
    headline = models.CharField(_("headline"), max_length=200)
    bio = models.TextField(_("about"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    languages = models.CharField(_("languages"), max_length=60, default="ru")
    directions = models.ManyToManyField(
        Direction, blank=True, related_name="+", verbose_name=_("directions")
    )
    stages = models.CharField(_("stages"), max_length=60, blank=True)
    # Investors: the ticket and the instruments; customers: what they buy and the pilot budget.
    ticket_min = money_field(_("ticket from"), null=True, blank=True)
    ticket_max = money_field(_("ticket up to"), null=True, blank=True)
    instruments = models.CharField(_("instruments"), max_length=200, blank=True)
    needs = models.TextField(_("what they look for"), blank=True)
    pilot_budget = money_field(_("pilot budget"), null=True, blank=True)
    # Capacity: mentees at once (mentors), hours a month, introductions accepted a month.
    capacity_mentees = models.PositiveSmallIntegerField(_("mentees at once"), default=3)
    hours_per_month = models.PositiveSmallIntegerField(_("hours a month"), default=4)
    intros_per_month = models.PositiveSmallIntegerField(_("introductions a month"), default=5)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PARK
    )
    is_active = models.BooleanField(
        pgettext_lazy("a network profile is in use", "active"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "headline", "pk"]
        verbose_name = _("network profile")
        verbose_name_plural = _("network profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "user", "kind"], name="network_profile_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProfileKind.values), name="network_profile_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(ticket_min__isnull=True)
                | Q(ticket_max__isnull=True)
                | Q(ticket_min__lte=models.F("ticket_max")),
                name="network_profile_ticket_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(ticket_min__isnull=True) | Q(ticket_min__gte=0))
                & (Q(pilot_budget__isnull=True) | Q(pilot_budget__gte=0)),
                name="network_profile_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(capacity_mentees__lte=50)
                & Q(hours_per_month__lte=200)
                & Q(intros_per_month__lte=100),
                name="network_profile_capacity_bounded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["park", "kind", "is_active", "visibility"], name="network_profile_list_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.headline} ({self.get_kind_display()})"

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def stage_codes(self) -> list[str]:
        return [code for code in self.stages.split(",") if code]


class Need(ParkOwned):
    """What a company looks for in the network: help of a kind, in some directions."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="network_needs"
    )
    seeking = models.CharField(
        pgettext_lazy("a company's need", "looking for"),
        max_length=12,
        choices=ProfileKind.choices,
    )
    summary = models.TextField(pgettext_lazy("a company's need", "what is needed"))
    directions = models.ManyToManyField(
        Direction, blank=True, related_name="+", verbose_name=_("directions")
    )
    languages = models.CharField(_("languages"), max_length=60, blank=True)
    is_open = models.BooleanField(pgettext_lazy("a company's need", "open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company", "seeking", "pk"]
        verbose_name = _("company need")
        verbose_name_plural = _("company needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(seeking__in=ProfileKind.values), name="network_need_kind_known"
            )
        ]


class Bookmark(ParkOwned):
    """A profile a company keeps in mind; re-suggested when a request to it ends unanswered."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="bookmarks")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.UniqueConstraint(fields=["company", "profile"], name="network_bookmark_once")
        ]


class IntroStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("introduction status", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("introduction status", "Accepted")
    DECLINED = "declined", pgettext_lazy("introduction status", "Declined")
    EXPIRED = "expired", pgettext_lazy("introduction status", "Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("introduction status", "Withdrawn")


OPEN_INTRO = (IntroStatus.REQUESTED,)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No time or places left")
    NOT_MY_FIELD = "not_my_field", _("Outside my field")
    TOO_EARLY = "too_early", _("Too early for the company")
    NOT_INTERESTED = "not_interested", _("Not interested")
    OTHER = "other", pgettext_lazy("reason", "Other")


class Introduction(ParkOwned):
    """A company's request to be introduced to a profile's holder (double opt-in).

    Contacts are exchanged, and the introduction e-mail sent to both, only once the holder
    accepts. An unanswered request expires at ``expires_at``.
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="network_introductions"
    )
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="introductions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(pgettext_lazy("introduction request", "note"))
    status = models.CharField(
        pgettext_lazy("introduction", "status"),
        max_length=12,
        choices=IntroStatus.choices,
        default=IntroStatus.REQUESTED,
    )
    decline_reason = models.CharField(
        pgettext_lazy("declining an introduction", "reason"),
        max_length=16,
        choices=DeclineReason.choices,
        blank=True,
    )
    answer = models.TextField(pgettext_lazy("answer to an introduction", "answer"), blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "profile"],
                condition=Q(status="requested"),
                name="network_intro_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status__in=IntroStatus.values), name="network_intro_status_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="network_intro_expires_after_created",
            ),
        ]
        indexes = [
            models.Index(fields=["park", "status", "expires_at"], name="network_intro_due_idx"),
            models.Index(fields=["profile", "status"], name="network_intro_profile_idx"),
        ]


class PairingStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("mentoring pairing", "Active")
    ENDED = "ended", pgettext_lazy("mentoring pairing", "Ended")


class PairingSource(models.TextChoices):
    REQUEST = "request", pgettext_lazy("how a pairing began", "Accepted request")
    BATCH = "batch", pgettext_lazy("how a pairing began", "Batch matching")
    STAFF = "staff", pgettext_lazy("how a pairing began", "Set by staff")


class Fit(models.TextChoices):
    GOOD = "good", pgettext_lazy("mentoring fit", "Good fit")
    UNDECIDED = "undecided", pgettext_lazy("mentoring fit", "Still deciding")
    POOR = "poor", pgettext_lazy("mentoring fit", "Not a good fit")


class Pairing(ParkOwned):
    """A mentor (a mentor profile) and a company working together, optionally within a cohort.

    After the first session the company answers the fit question; "not a good fit" ends the
    pairing and opens a re-match.
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="pairings")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="network_pairings"
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    introduction = models.OneToOneField(
        Introduction, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairing"
    )
    source = models.CharField(
        pgettext_lazy("how a pairing began", "source"),
        max_length=8,
        choices=PairingSource.choices,
    )
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(
        pgettext_lazy("mentoring pairing", "status"),
        max_length=8,
        choices=PairingStatus.choices,
        default=PairingStatus.ACTIVE,
    )
    fit = models.CharField(
        pgettext_lazy("mentoring fit", "fit"), max_length=10, choices=Fit.choices, blank=True
    )
    fit_answered_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(
        pgettext_lazy("ending a mentoring pairing", "reason"), max_length=300, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("mentoring pairing")
        verbose_name_plural = _("mentoring pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "company"],
                condition=Q(status="active"),
                name="network_pairing_one_active",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True)
                | Q(status="ended", ended_at__isnull=False),
                name="network_pairing_ended_has_moment",
            ),
        ]
        indexes = [
            models.Index(fields=["profile", "status"], name="network_pairing_load_idx"),
            models.Index(fields=["company", "status"], name="network_pairing_company_idx"),
        ]


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("session format", "In person")
    ONLINE = "online", pgettext_lazy("session format", "Online")
    PHONE = "phone", pgettext_lazy("session format", "Phone")


class MentoringSession(ParkOwned):
    """A session of a pairing: when, how long, the topics, the pair's private notes, and each
    side's 1–4 rating."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(pgettext_lazy("mentoring session", "held on"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"))
    format = models.CharField(
        pgettext_lazy("mentoring session", "format"),
        max_length=10,
        choices=SessionFormat.choices,
        default=SessionFormat.ONLINE,
    )
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    notes = models.TextField(_("notes (seen by the pair only)"), blank=True)
    mentor_rating = models.PositiveSmallIntegerField(_("mentor's rating"), null=True, blank=True)
    company_rating = models.PositiveSmallIntegerField(_("company's rating"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="network_session_duration_bounded",
            ),
            models.CheckConstraint(
                condition=(
                    Q(mentor_rating__isnull=True)
                    | (Q(mentor_rating__gte=1) & Q(mentor_rating__lte=4))
                )
                & (
                    Q(company_rating__isnull=True)
                    | (Q(company_rating__gte=1) & Q(company_rating__lte=4))
                ),
                name="network_session_rating_1_4",
            ),
        ]


class MatchWeights(ParkOwned):
    """How much each factor counts in a match score, for a programme (or the park's default
    when ``programme`` is empty). Each weight is 0–10."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    directions = models.PositiveSmallIntegerField(_("shared directions"), default=5)
    needs = models.PositiveSmallIntegerField(_("needs against expertise"), default=4)
    stage = models.PositiveSmallIntegerField(_("stage fit"), default=2)
    language = models.PositiveSmallIntegerField(_("common language"), default=3)
    time_zone = models.PositiveSmallIntegerField(_("time-zone overlap"), default=2)
    ratings = models.PositiveSmallIntegerField(_("past ratings"), default=2)
    load = models.PositiveSmallIntegerField(_("free capacity"), default=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match weights")
        verbose_name_plural = _("match weights")
        constraints = [
            models.UniqueConstraint(
                fields=["park"],
                condition=Q(programme__isnull=True),
                name="network_weights_one_park_default",
            ),
            models.CheckConstraint(
                condition=Q(directions__lte=10)
                & Q(needs__lte=10)
                & Q(stage__lte=10)
                & Q(language__lte=10)
                & Q(time_zone__lte=10)
                & Q(ratings__lte=10)
                & Q(load__lte=10),
                name="network_weights_bounded",
            ),
        ]


class MatchRunStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("matching run", "Draft")
    PUBLISHED = "published", pgettext_lazy("matching run", "Published")
    DISCARDED = "discarded", pgettext_lazy("matching run", "Discarded")


class MatchRun(ParkOwned):
    """Batch matching of a cohort's companies with mentors: solved, previewed and edited by
    staff, then published as pairings."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(
        "programmes.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="+"
    )
    mentors_per_company = models.PositiveSmallIntegerField(_("mentors per company"), default=1)
    status = models.CharField(
        pgettext_lazy("matching run", "status"),
        max_length=10,
        choices=MatchRunStatus.choices,
        default=MatchRunStatus.DRAFT,
    )
    total_score = models.IntegerField(_("total score"), default=0)
    greedy_score = models.IntegerField(_("greedy baseline score"), default=0)
    greedy_pairs = models.PositiveIntegerField(_("greedy baseline pairs"), default=0)
    unmatched = models.PositiveIntegerField(_("places left unmatched"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(mentors_per_company__gte=1) & Q(mentors_per_company__lte=5),
                name="network_run_mentors_bounded",
            )
        ]


class MatchProposal(ParkOwned):
    """One proposed pair of a run, with its score and the factors behind it (``factors``: a list
    of ``{"factor": code, "points": int}``, largest first)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField(pgettext_lazy("match score", "score"))
    factors = models.JSONField(_("factors"), default=list)
    edited = models.BooleanField(_("changed by staff"), default=False)

    class Meta:
        ordering = ["company", "-score", "pk"]
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "company", "profile"], name="network_proposal_once"
            )
        ]
