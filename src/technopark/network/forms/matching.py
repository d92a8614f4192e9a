"""Input shapes of the matching pages: the weights, a new run, a pair added by hand."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from technopark.core.forms import ServiceErrorsMixin
from technopark.network.factors import FACTOR_LABELS
from technopark.network.models import Profile

WEIGHT_FIELDS = ("directions", "needs", "stage", "language", "time_zone", "ratings", "load")


class WeightsForm(ServiceErrorsMixin, forms.Form):
    """Each factor's weight, a whole number 0–10."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in WEIGHT_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=FACTOR_LABELS[name], min_value=0, max_value=10
            )


class RunForm(ServiceErrorsMixin, forms.Form):
    cohort = forms.ModelChoiceField(queryset=Profile.all_parks.none(), label=_("Cohort"))
    mentors_per_company = forms.IntegerField(
        label=_("Mentors per company"), min_value=1, max_value=5, initial=1
    )

    def __init__(self, *args: Any, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts


class ProposalForm(ServiceErrorsMixin, forms.Form):
    service_error_fields = {"profile": "mentor"}

    company = forms.ModelChoiceField(queryset=Profile.all_parks.none(), label=_("Company"))
    mentor = forms.ModelChoiceField(queryset=Profile.all_parks.none(), label=_("Mentor"))

    def __init__(self, *args: Any, companies: Any, mentors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["company"]).queryset = companies
        mentor = cast(forms.ModelChoiceField, self.fields["mentor"])
        mentor.queryset = mentors
        mentor.label_from_instance = lambda profile: profile.headline  # type: ignore[method-assign,assignment]
