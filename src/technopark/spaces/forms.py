"""Forms of the spaces pages. Times are entered in the site's time zone (the resource's site)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.accounts.models import User
from technopark.companies.models import Company
from technopark.core import params
from technopark.core.forms import InputRulesMixin, ServiceErrorsMixin
from technopark.core.localtime import to_local, to_utc, zone_named
from technopark.core.pickers import PickerField
from technopark.parks.models import Site
from technopark.spaces.models import (
    BookingRule,
    IncidentSeverity,
    OpeningHours,
    Resource,
    ResourceType,
)
from technopark.spaces.services import FIRST_YEAR, LAST_YEAR, MAX_PEOPLE

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _read_in_zone(form: forms.Form, data: dict[str, Any], zone: zoneinfo.ZoneInfo) -> None:
    """The form read ``starts_at``/``ends_at`` in the current time zone: re-read the wall-clock
    times in ``zone``. A time that does not exist there, or cannot be stored, is an error at its
    field (and leaves the cleaned data)."""
    for name in ("starts_at", "ends_at"):
        value = data.get(name)
        if value is None:
            continue
        wall = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        try:
            data[name] = to_utc(wall, zone=zone, field=name)
        except ValidationError as error:
            form.add_error(None, error)


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.display_name} — {obj.display_name}"


class BookingForm(ServiceErrorsMixin, forms.Form):
    resource = ResourceChoiceField(label=_("Resource"), queryset=Resource.all_parks.none())
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("start of a time range", "From"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("In the site's local time."),
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("end of a time range", "Until"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )
    company = PickerField(
        label=_("For the company"),
        queryset=Company.all_parks.none(),
        required=False,
        search_fields=("short_name", "inn"),
        label_from=lambda company: company.short_name,
    )
    title = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    weeks = forms.IntegerField(
        label=_("Repeat weekly, weeks"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 books this date only; more books the same time every week."),
    )

    def __init__(
        self,
        *args: Any,
        resources: list[Resource],
        companies: QuerySet[Company],
        company_required: bool,
        company_search_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [resource.pk for resource in resources]
        field = self.fields["resource"]
        field.queryset = Resource.all_parks.filter(pk__in=ids).select_related("site")  # type: ignore[attr-defined]
        company_field = self.fields["company"]
        company_field.queryset = companies  # type: ignore[attr-defined]
        company_field.search_url = company_search_url  # type: ignore[attr-defined]
        company_field.required = company_required

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        resource = data.get("resource")
        if resource is not None:
            _read_in_zone(self, data, zone_named(resource.site.time_zone))
        return data


class MoveForm(ServiceErrorsMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("start of a time range", "From"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("end of a time range", "Until"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _read_in_zone(self, data, self.zone)
        return data


class SearchForm(InputRulesMixin, forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int, required=False, empty_value=None)
    resource_type = forms.ChoiceField(
        label=pgettext_lazy("resource type", "Type"),
        choices=[("", _("Any type")), *ResourceType.choices],
        required=False,
    )
    day = forms.DateField(
        label=pgettext_lazy("date of a booking", "Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(date(FIRST_YEAR, 1, 1)),
            MaxValueValidator(date(LAST_YEAR, 12, 31)),
        ],
    )
    start = forms.TimeField(
        label=pgettext_lazy("start of a time range", "From"),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end = forms.TimeField(
        label=pgettext_lazy("end of a time range", "Until"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Earlier than the start: until that time the next day."),
    )
    capacity = forms.IntegerField(label=_("People"), min_value=1, max_value=1000, initial=1)

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", _("Any site")),
            *((site.pk, site.display_name) for site in sites),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") is not None and data.get("start") == data.get("end"):
            self.add_error("end", _("The end must be after the start."))
        return data


def _person_label(user: Any) -> str:
    return f"{user.full_name} <{user.email}>" if user.full_name else user.email


class CertificateForm(ServiceErrorsMixin, forms.Form):
    # Found by name or e-mail among the park's members (core.pickers): a bounded list without
    # JavaScript, a search with it.
    user = PickerField(
        label=_("Person"),
        queryset=User.objects.none(),
        search_fields=("email", "full_name"),
        label_from=_person_label,
    )
    resource = ResourceChoiceField(label=_("Resource"), queryset=Resource.all_parks.none())
    trained_on = forms.DateField(
        label=_("Trained on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=pgettext_lazy("comment", "Note"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Any],
        resources: list[Resource],
        search_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        user_field.queryset = people.order_by("email")  # type: ignore[attr-defined]
        user_field.search_url = search_url  # type: ignore[attr-defined]
        self.fields["resource"].queryset = Resource.all_parks.filter(  # type: ignore[attr-defined]
            pk__in=[resource.pk for resource in resources]
        ).select_related("site")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        trained, expires = data.get("trained_on"), data.get("expires_on")
        if isinstance(trained, date) and isinstance(expires, date) and expires < trained:
            self.add_error("expires_on", _("A certificate expires after the training."))
        return data


def default_times(now: datetime, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The next whole hour and the hour after, in ``zone``, as initial values."""
    local = to_local(now, zone)
    start = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return start, start + timedelta(hours=1)


# --- the staff pages: resources, opening hours, closures, booking rules ---------------------------


class ResourceForm(ServiceErrorsMixin, forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.all_parks.none())
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    resource_type = forms.ChoiceField(
        label=pgettext_lazy("resource type", "Type"), choices=ResourceType.choices
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=1000, initial=1, help_text=_("People.")
    )
    features = forms.CharField(
        label=_("Features"),
        max_length=300,
        required=False,
        help_text=_("Comma-separated, e.g. projector."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    requires_certification = forms.BooleanField(
        label=_("Needs a certificate"),
        required=False,
        help_text=_("Only people with a valid training record may book it."),
    )
    certificate_lapses_after_days = forms.IntegerField(
        label=_("A certificate lapses after, days unused"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_(
            "A certificate lapses when its holder has not checked in to a booking of it for this "
            "many days. Empty: only its fixed date ends it."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Bookable"),
        required=False,
        initial=True,
        help_text=_("Untick to take it out of the calendar and the search; its history stays."),
    )

    def __init__(self, *args: Any, sites: list[Site], site_fixed: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        field.queryset = Site.all_parks.filter(pk__in=[site.pk for site in sites])  # type: ignore[attr-defined]
        if site_fixed:
            # A resource keeps its site: its bookings, hours and closures are the site's.
            field.disabled = True


WEEKDAYS = range(7)


class OpeningHoursForm(ServiceErrorsMixin, forms.Form):
    """Seven days, each with an opening and a closing time; a day with neither is closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday in WEEKDAYS:
            self.fields[f"opens_{weekday}"] = forms.TimeField(
                label=pgettext_lazy("opening hours", "Opens"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"closes_{weekday}"] = forms.TimeField(
                label=pgettext_lazy("opening hours", "Closes"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                help_text=_("00:00 is midnight at the end of the day."),
            )

    def days(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """Each day's name and its two fields, Monday first."""
        names = dict(OpeningHours._meta.get_field("weekday").choices or ())
        return [(names[day], self[f"opens_{day}"], self[f"closes_{day}"]) for day in WEEKDAYS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for weekday in WEEKDAYS:
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            broken = self.has_error(f"opens_{weekday}") or self.has_error(f"closes_{weekday}")
            if broken:
                continue
            if (opens is None) != (closes is None):
                self.add_error(
                    f"closes_{weekday}" if closes is None else f"opens_{weekday}",
                    _("Give both times, or neither to close the day."),
                )
            elif opens is not None and closes != time(0) and closes <= opens:
                self.add_error(f"closes_{weekday}", _("A site closes after it opens."))
        return data

    def hours(self) -> dict[int, tuple[time, time] | None]:
        data = self.cleaned_data
        result: dict[int, tuple[time, time] | None] = {}
        for weekday in WEEKDAYS:
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            result[weekday] = (opens, closes) if opens is not None and closes is not None else None
        return result


class ClosureForm(ServiceErrorsMixin, forms.Form):
    resource = ResourceChoiceField(
        label=_("Resource"),
        queryset=Resource.all_parks.none(),
        required=False,
        empty_label=_("The whole site"),
    )
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("start of a time range", "From"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("end of a time range", "Until"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )
    reason = forms.CharField(
        label=pgettext_lazy("reason for a closure", "Reason"),
        max_length=200,
        help_text=_("Bookers see it, e.g. a public holiday."),
    )

    def __init__(self, *args: Any, site: Site, resources: list[Resource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone_named(site.time_zone)
        self.fields["resource"].queryset = Resource.all_parks.filter(  # type: ignore[attr-defined]
            pk__in=[resource.pk for resource in resources if resource.site_id == site.pk]
        ).select_related("site")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _read_in_zone(self, data, self.zone)
        return data


class BookingRuleForm(ServiceErrorsMixin, forms.ModelForm):
    """The rule's numbers, bounded; ``max ≥ min`` is the model's constraint, checked here too."""

    class Meta:
        model = BookingRule
        fields = [
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "max_days_ahead",
            "cancel_notice_minutes",
            "weekly_quota_minutes",
            "allow_residents",
            "allow_participants",
            "allow_outside",
            "requires_approval",
            "check_in_grace_minutes",
            "offer_minutes",
        ]

    BOUNDS = {
        "slot_minutes": (5, 24 * 60),
        "min_minutes": (5, 7 * 24 * 60),
        "max_minutes": (5, 366 * 24 * 60),
        "max_days_ahead": (0, 3 * 366),
        "cancel_notice_minutes": (0, 30 * 24 * 60),
        "weekly_quota_minutes": (0, 7 * 24 * 60),
        "check_in_grace_minutes": (1, 24 * 60),
        "offer_minutes": (5, 7 * 24 * 60),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.BOUNDS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_minutes"), data.get("max_minutes")
        if isinstance(low, int) and isinstance(high, int) and high < low:
            self.add_error("max_minutes", _("The longest booking is shorter than the shortest."))
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- training sessions and incidents ------------------------------------------------------------


#: The training form lists at most this many members (alphabetically): a page of checkboxes stays
#: light however large the park is.
PEOPLE_LISTED = 200


class _FirstPeople(forms.models.ModelChoiceIterator):
    """The first ``PEOPLE_LISTED`` members, alphabetically (one query when the page is drawn)."""

    def __init__(self, field: forms.ModelChoiceField[Any]) -> None:
        super().__init__(field)
        queryset: QuerySet[Any] = field.queryset  # type: ignore[assignment]
        name = Coalesce(NullIf("full_name", Value("")), "email")
        self.queryset = queryset.order_by(Lower(name), "email")[:PEOPLE_LISTED]


class PeopleField(forms.ModelMultipleChoiceField):
    """Several members of the park, by id. Ids a database cannot hold (``"99999999999999999999"``,
    ``"-1"``, ``"x"``) and more than ``MAX_PEOPLE`` of them are refused before any query; the page
    lists the first ``PEOPLE_LISTED`` members alphabetically."""

    iterator = _FirstPeople

    def _check_values(self, value: Any) -> QuerySet[Any]:
        values = [str(item) for item in value]
        for item in values:
            if params.parse_or_none(params.ID, item) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item[:30]},
                )
        if len(set(values)) > MAX_PEOPLE:
            raise ValidationError(
                _("At most %(count)d people per session.") % {"count": MAX_PEOPLE},
                code="too_many",
            )
        return super()._check_values(values)  # type: ignore[misc]


class TrainingSessionForm(ServiceErrorsMixin, forms.Form):
    resource = ResourceChoiceField(label=_("Resource"), queryset=Resource.all_parks.none())
    trainer = PickerField(
        label=_("Trainer"),
        queryset=User.objects.none(),
        search_fields=("email", "full_name"),
        label_from=_person_label,
    )
    starts_at = forms.DateTimeField(
        label=_("Held at"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("In the site's local time."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=1, max_value=24 * 60, initial=60
    )
    people = PeopleField(
        label=_("People qualified"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "At most %(count)d members are listed, in alphabetical order; record the others "
            "through the API."
        )
        % {"count": PEOPLE_LISTED},
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The fixed date of the new or renewed certificates."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Any],
        resources: list[Resource],
        search_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        trainer = self.fields["trainer"]
        trainer.queryset = people.order_by("email")  # type: ignore[attr-defined]
        trainer.search_url = search_url  # type: ignore[attr-defined]
        self.fields["people"].queryset = people.order_by("email")  # type: ignore[attr-defined]
        self.fields["people"].label_from_instance = _person_label  # type: ignore[attr-defined]
        self.fields["resource"].queryset = Resource.all_parks.filter(  # type: ignore[attr-defined]
            pk__in=[resource.pk for resource in resources]
        ).select_related("site")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        resource = data.get("resource")
        if isinstance(resource, Resource):
            _read_in_zone(self, data, zone_named(resource.site.time_zone))
        return data


class IncidentForm(ServiceErrorsMixin, forms.Form):
    resource = ResourceChoiceField(label=_("Resource"), queryset=Resource.all_parks.none())
    severity = forms.ChoiceField(label=_("Severity"), choices=IncidentSeverity.choices)
    description = forms.CharField(
        label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, resources: list[Resource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = Resource.all_parks.filter(  # type: ignore[attr-defined]
            pk__in=[resource.pk for resource in resources]
        ).select_related("site")


class IncidentCloseForm(ServiceErrorsMixin, forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
