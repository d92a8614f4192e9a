"""Input of the profiles pages: a profile (every field), a company's need, a bookmark toggle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company, Stage
from technopark.core.forms import InputRulesMixin, ServiceErrorsMixin
from technopark.core.money import MoneyField
from technopark.network import names
from technopark.network.models import ProfileKind, Visibility
from technopark.network.services.profiles import CAPACITY_BOUNDS, SUMMARY_MAX, TEXT_LIMITS
from technopark.parks.models import TIME_ZONE_CHOICES, Direction


def _direction_choices(directions: Sequence[Direction]) -> list[tuple[int, str]]:
    return [(direction.pk, direction.display_name) for direction in directions]


class ProfileForm(ServiceErrorsMixin, forms.Form):
    headline = forms.CharField(label=_("headline"), max_length=TEXT_LIMITS["headline"])
    organisation = forms.CharField(
        label=_("organisation"), max_length=TEXT_LIMITS["organisation"], required=False
    )
    position = forms.CharField(
        label=_("position"), max_length=TEXT_LIMITS["position"], required=False
    )
    bio = forms.CharField(
        label=_("about"), max_length=TEXT_LIMITS["bio"], required=False, widget=forms.Textarea
    )
    phone = forms.CharField(label=_("phone"), max_length=TEXT_LIMITS["phone"], required=False)
    country = forms.ChoiceField(label=_("country"), required=False)
    time_zone = forms.ChoiceField(label=_("time zone"), choices=TIME_ZONE_CHOICES)
    languages = forms.MultipleChoiceField(
        label=_("languages"), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    directions = forms.TypedMultipleChoiceField(
        label=_("directions"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    stages = forms.MultipleChoiceField(
        label=_("stages"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ticket_min = MoneyField(label=_("ticket from"), required=False)
    ticket_max = MoneyField(label=_("ticket up to"), required=False)
    instruments = forms.CharField(
        label=_("instruments"), max_length=TEXT_LIMITS["instruments"], required=False
    )
    needs = forms.CharField(
        label=_("what they look for"),
        max_length=TEXT_LIMITS["needs"],
        required=False,
        widget=forms.Textarea,
    )
    pilot_budget = MoneyField(label=_("pilot budget"), required=False)
    capacity_mentees = forms.IntegerField(
        label=_("mentees at once"), min_value=0, max_value=CAPACITY_BOUNDS["capacity_mentees"]
    )
    hours_per_month = forms.IntegerField(
        label=_("hours a month"), min_value=0, max_value=CAPACITY_BOUNDS["hours_per_month"]
    )
    intros_per_month = forms.IntegerField(
        label=_("introductions a month"),
        min_value=0,
        max_value=CAPACITY_BOUNDS["intros_per_month"],
    )
    visibility = forms.ChoiceField(label=_("visibility"), choices=Visibility.choices)
    is_active = forms.BooleanField(
        label=pgettext_lazy("a network profile is in use", "active"), required=False
    )

    def __init__(
        self, *args: Any, language: str, directions: Sequence[Direction], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = [("", "—"), *names.country_choices(language)]
        languages = cast(forms.MultipleChoiceField, self.fields["languages"])
        languages.choices = list(names.language_choices(language))
        chosen = cast(forms.TypedMultipleChoiceField, self.fields["directions"])
        chosen.choices = _direction_choices(directions)

    def values(self) -> dict[str, Any]:
        """The cleaned values as the profile services take them (without the directions)."""
        data = dict(self.cleaned_data)
        data.pop("directions", None)
        return data


def profile_initial(profile: Any) -> dict[str, Any]:
    initial = {name: getattr(profile, name) for name in ProfileForm.base_fields}
    initial["languages"] = profile.language_codes
    initial["stages"] = profile.stage_codes
    initial["directions"] = [direction.pk for direction in profile.directions.all()]
    return initial


class NeedForm(ServiceErrorsMixin, forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), coerce=int)
    seeking = forms.ChoiceField(
        label=pgettext_lazy("a company's need", "looking for"), choices=ProfileKind.choices
    )
    summary = forms.CharField(
        label=pgettext_lazy("a company's need", "what is needed"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea,
    )
    directions = forms.TypedMultipleChoiceField(
        label=_("directions"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    is_open = forms.BooleanField(
        label=pgettext_lazy("a company's need", "open"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        language: str,
        directions: Sequence[Direction],
        companies: Sequence[Company],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        company = cast(forms.TypedChoiceField, self.fields["company"])
        company.choices = [(row.pk, row.short_name) for row in companies]
        languages = cast(forms.MultipleChoiceField, self.fields["languages"])
        languages.choices = list(names.language_choices(language))
        chosen = cast(forms.TypedMultipleChoiceField, self.fields["directions"])
        chosen.choices = _direction_choices(directions)


class BookmarkForm(InputRulesMixin, forms.Form):
    company = forms.IntegerField(min_value=1, max_value=2**63 - 1)
