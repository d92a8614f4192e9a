"""Input shapes of the staff pages for calls: the call's settings, a form question, a criterion.

Dates are entered in the call's time zone (its site's, else the park's) as local date and time
and handed to the services as aware datetimes (stored in UTC).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.forms import ServiceErrorsMixin
from technopark.core.localtime import to_utc, wall_time
from technopark.parks.forms import direction_label
from technopark.parks.models import Direction, Park, Site
from technopark.selection.models import Call, CallKind, FieldKind

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("call kind", "Kind"), choices=CallKind.choices)
    title = forms.CharField(label=pgettext_lazy("title of a thing", "Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    site = forms.ChoiceField(
        label=_("Site"),
        required=False,
        help_text=_("Its time zone sets when the call opens and closes (the park's otherwise)."),
    )
    opens_at = forms.DateTimeField(
        label=pgettext_lazy("call: accepting applications", "Opens"),
        widget=DATETIME_INPUT,
        help_text=_("Local time of the call's site."),
    )
    closes_at = forms.DateTimeField(
        label=pgettext_lazy("call: accepting applications", "Closes"),
        widget=DATETIME_INPUT,
        help_text=_("Local time of the call's site."),
    )
    directions = forms.MultipleChoiceField(
        label=_("Directions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for a call open to every direction."),
    )
    reviews_per_application = forms.IntegerField(
        label=_("Reviews per application"), min_value=1, max_value=20, initial=3
    )
    blind_review = forms.BooleanField(
        label=_("Blind review"), required=False, help_text=_("Experts do not see who applied.")
    )
    require_region = forms.BooleanField(
        label=_("Registered in the park's region"), required=False, initial=True
    )
    require_sme = forms.BooleanField(
        label=_("Small or medium business"), required=False, initial=True
    )
    require_no_tax_debt = forms.BooleanField(
        label=_("No overdue taxes declared"), required=False, initial=True
    )
    require_directions = forms.BooleanField(
        label=_("Directions within the call's"), required=False, initial=True
    )
    exclude_residents = forms.BooleanField(
        label=_("Not already a resident"),
        required=False,
        help_text=_("Always checked for residency calls."),
    )

    def __init__(
        self, *args: Any, park: Park, directions: list[Direction], sites: list[Site], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.park = park
        self._directions = {str(d.pk): d for d in directions}
        self._sites = {str(s.pk): s for s in sites}
        self.fields["directions"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), direction_label(d)) for d in directions
        ]
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", _("— the park's time zone —")),
            *((str(s.pk), f"{s.display_name} ({s.time_zone})") for s in sites),
        ]

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        initial = {
            name: getattr(call, name)
            for name in (
                "kind",
                "title",
                "description",
                "reviews_per_application",
                "blind_review",
                "require_region",
                "require_sme",
                "require_no_tax_debt",
                "require_directions",
                "exclude_residents",
            )
        }
        initial["site"] = str(call.site_id) if call.site_id else ""
        initial["opens_at"] = wall_time(call.opens_at, call.time_zone_name)
        initial["closes_at"] = wall_time(call.closes_at, call.time_zone_name)
        initial["directions"] = [str(d.pk) for d in call.directions.all()]
        return initial

    def clean_site(self) -> Site | None:
        value = self.cleaned_data["site"]
        return self._sites[value] if value else None

    def clean_directions(self) -> list[Direction]:
        return [self._directions[pk] for pk in self.cleaned_data["directions"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site = data.get("site")
        zone = site.time_zone if site is not None else self.park.time_zone
        for name in ("opens_at", "closes_at"):
            value = data.get(name)
            if isinstance(value, datetime):
                # The browser sends local wall-clock time: read it in the call's zone.
                try:
                    data[name] = to_utc(value.replace(tzinfo=None), zone=zone, field=name)
                except ValidationError as error:
                    self.add_error(None, error)  # at ``name``, which leaves the cleaned data
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data

    def call_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "directions"}


class FormFieldForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=FieldKind.choices)
    label = forms.CharField(label=_("Question"), max_length=300)
    # several lines (shown with their line breaks), so a textarea: the input rules allow them
    help_text = forms.CharField(
        label=_("Help text"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one option per line."),
    )
    max_size_mb = forms.IntegerField(
        label=_("Largest file, MB"), min_value=1, max_value=50, initial=10, required=False
    )
    allowed_types = forms.CharField(
        label=_("Allowed file types"),
        max_length=200,
        required=False,
        initial="pdf,docx,xlsx,pptx,png,jpg",
        help_text=_("File extensions separated by commas."),
    )

    def clean_max_size_mb(self) -> int:
        return self.cleaned_data.get("max_size_mb") or 10

    def clean_allowed_types(self) -> str:
        return self.cleaned_data.get("allowed_types") or ""


class CriterionForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("What it means"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight = forms.DecimalField(
        label=_("Weight"), min_value=0.01, max_value=999.99, decimal_places=2, initial=1
    )
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=100, initial=10)
