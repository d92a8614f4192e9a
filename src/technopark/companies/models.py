from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.validators import validate_inn, validate_ogrn
from technopark.parks.models import Direction, Park, Site
from technopark.parks.regions import REGION_CHOICES
from technopark.parks.tenancy import ParkOwned


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype")
    PRODUCTION = "production", _("Start of production")
    MARKET = "market", _("Market participant")


class Company(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="companies")
    legal_name = models.CharField(_("legal name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120)
    inn = models.CharField(_("INN"), max_length=12, validators=[validate_inn])
    ogrn = models.CharField(_("OGRN / OGRNIP"), max_length=15, validators=[validate_ogrn])
    region = models.CharField(_("region"), max_length=2, choices=REGION_CHOICES)
    is_sme = models.BooleanField(_("small or medium business"), default=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    directions = models.ManyToManyField(
        Direction, verbose_name=_("directions"), related_name="companies", blank=True
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="companies",
    )
    stage = models.CharField(
        pgettext_lazy("company stage", "stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.IDEA,
    )
    started_in_park = models.BooleanField(
        _("started in the park"), default=False, help_text=_("Founded inside the park.")
    )
    supported_by_park = models.BooleanField(
        _("supported by the park"), default=False, help_text=_("Given a strong push by the park.")
    )
    # Lower-cased names and numbers, kept by the services: SQLite's LIKE folds only ASCII case,
    # so a search for Cyrillic names compares against this column on every database.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(
        pgettext_lazy("date a record was created", "created"), auto_now_add=True
    )
    updated_at = models.DateTimeField(
        pgettext_lazy("date a record was changed", "updated"), auto_now=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["short_name", "id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(fields=["park", "inn"], name="company_unique_inn_in_park"),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="company_stage_known"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "short_name", "id"], name="company_park_name_idx"),
            models.Index(fields=["park", "stage"], name="company_park_stage_idx"),
            models.Index(fields=["park", "-created_at"], name="company_park_created_idx"),
            # Covers the park page's figures: counted from the index alone, not the rows.
            models.Index(
                fields=["park", "stage", "started_in_park", "supported_by_park"],
                name="company_park_figures_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def refresh_search_text(self) -> None:
        parts = (self.short_name, self.legal_name, self.inn, self.ogrn)
        self.search_text = " ".join(parts).casefold()


class TeamMember(models.Model):
    """A person in a company's team. Members who act for the company may edit it and apply."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    position = models.CharField(_("position"), max_length=120)
    acts_for_company = models.BooleanField(_("acts for the company"), default=True)
    joined_on = models.DateField(_("joined on"), auto_now_add=True)

    class Meta:
        ordering = ["company", "user__full_name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="team_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.position})"


class TeamInvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("team invitation", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("team invitation", "Accepted")
    DECLINED = "declined", pgettext_lazy("team invitation", "Declined")


class TeamInvitation(models.Model):
    """An offer of a seat in a company's team, waiting for the person's consent.

    Nobody is put in a team without saying yes: until they accept, the offer counts for nothing
    (it is not a ``TeamMember``: not in the public team, not a conflict of interest, no right to
    act for the company). Accepting makes the ``TeamMember``.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="team_invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations"
    )
    position = models.CharField(_("position"), max_length=120)
    acts_for_company = models.BooleanField(_("acts for the company"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=10,
        choices=TeamInvitationStatus.choices,
        default=TeamInvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user"],
                condition=models.Q(status="pending"),
                name="team_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TeamInvitationStatus.values),
                name="team_invitation_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.company} ({self.status})"


class TeamChangeKind(models.TextChoices):
    JOINED = "joined", pgettext_lazy("team change", "joined the team")
    LEFT = "left", pgettext_lazy("team change", "left the team")


class TeamChange(models.Model):
    """Who joined or left a company's team, when and by whose hand: managers see the changes
    made after a call's review assignments were published (a team member is a conflict)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="team_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        pgettext_lazy("team change", "change"), max_length=10, choices=TeamChangeKind.choices
    )
    at = models.DateTimeField(pgettext_lazy("audit entry", "when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["company", "at", "pk"]
        verbose_name = _("team change")
        verbose_name_plural = _("team changes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TeamChangeKind.values), name="team_change_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()}"


class StageChange(models.Model):
    """One step in a company's way from idea to market, with who recorded it and the evidence."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.CharField(
        pgettext_lazy("stage change", "from"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(
        pgettext_lazy("stage change", "to"), max_length=20, choices=Stage.choices
    )
    changed_at = models.DateTimeField(pgettext_lazy("audit entry", "when"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["company", "-changed_at", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")

    def __str__(self) -> str:
        return f"{self.company}: {self.from_stage} → {self.to_stage}"
