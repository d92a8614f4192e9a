"""A call: what a park invites applications for, when, from whom, with which form and criteria."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.models import Direction, Park, Site
from technopark.parks.tenancy import ParkOwned

__all__ = ["Call", "CallKind", "CallStatus", "Criterion", "FieldKind", "FormField"]


class CallKind(models.TextChoices):
    RESIDENCY = "residency", _("Residency")
    PROGRAMME = "programme", _("Programme intake")
    GRANT = "grant", _("Grant")


class CallStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("call status", "Draft")
    PUBLISHED = "published", pgettext_lazy("call status", "Published")
    ARCHIVED = "archived", pgettext_lazy("call status", "Archived")


class Call(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="calls")
    kind = models.CharField(
        pgettext_lazy("call kind", "kind"), max_length=20, choices=CallKind.choices
    )
    title = models.CharField(pgettext_lazy("title of a thing", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("Its time zone sets when the call opens and closes."),
    )
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=CallStatus.choices,
        default=CallStatus.DRAFT,
    )
    opens_at = models.DateTimeField(pgettext_lazy("call: accepting applications", "opens"))
    closes_at = models.DateTimeField(pgettext_lazy("call: accepting applications", "closes"))
    directions = models.ManyToManyField(
        Direction, blank=True, related_name="+", verbose_name=_("directions")
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=3, validators=[MinValueValidator(1)]
    )
    blind_review = models.BooleanField(
        _("blind review"), default=False, help_text=_("Experts do not see who applied.")
    )
    # Eligibility rules: which of the automatic checks this call applies.
    require_region = models.BooleanField(_("registered in the park's region"), default=True)
    require_sme = models.BooleanField(_("small or medium business"), default=True)
    require_no_tax_debt = models.BooleanField(_("no overdue taxes declared"), default=True)
    require_directions = models.BooleanField(_("directions within the call's"), default=True)
    exclude_residents = models.BooleanField(_("not already a resident"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_zone_name(self) -> str:
        """The zone the call's dates are entered and shown in: its site's, else its park's."""
        if self.site_id is not None and self.site is not None:
            return str(self.site.time_zone)
        return str(self.park.time_zone)

    def is_open(self, at: object = None) -> bool:
        now = at or timezone.now()
        return (
            self.status == CallStatus.PUBLISHED and self.opens_at <= now < self.closes_at  # type: ignore[operator]
        )


class FieldKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Money")
    DATE = "date", pgettext_lazy("question kind", "Date")
    CHOICE = "choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    FILE = "file", _("File upload")
    DECLARATION = "declaration", _("Yes/no declaration")


class FormField(models.Model):
    """One question of a call's form. The company's own data is never asked: it comes from
    ``companies``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(
        pgettext_lazy("position in a list", "order"), default=0
    )
    kind = models.CharField(
        pgettext_lazy("question kind", "kind"), max_length=20, choices=FieldKind.choices
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    # Choice fields: one option per line. Codes are positions, never the (translatable) text.
    options = models.TextField(_("options"), blank=True, help_text=_("One option per line."))
    max_size_mb = models.PositiveSmallIntegerField(_("largest file, MB"), default=10)
    allowed_types = models.CharField(
        _("allowed file types"), max_length=200, blank=True, default="pdf,docx,xlsx,pptx,png,jpg"
    )

    class Meta:
        ordering = ["call", "position", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return self.label

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Criterion(models.Model):
    """A review criterion: a weight and a scale from 0 to ``scale_max``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(
        pgettext_lazy("position in a list", "order"), default=0
    )
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what it means"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=10, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["call", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(scale_max__gte=1), name="criterion_scale_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name
