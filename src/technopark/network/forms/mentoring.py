"""Forms of mentoring: a pairing set by staff, goals, a session (log, correct, rate), the fit
answer and ending a pairing. Bounds follow ``services.mentoring``; the services decide the rest
and their refusals are shown at the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.core.forms import ServiceErrorsMixin
from technopark.network.models import Fit, SessionFormat
from technopark.network.services.mentoring import (
    DURATION_MAX,
    DURATION_MIN,
    GOALS_MAX,
    NOTES_MAX,
    REASON_MAX,
    TOPICS_MAX,
)
from technopark.programmes.models import Cohort

RATING_CHOICES = [
    (1, pgettext_lazy("session rating", "1 — not useful")),
    (2, pgettext_lazy("session rating", "2 — somewhat useful")),
    (3, pgettext_lazy("session rating", "3 — useful")),
    (4, pgettext_lazy("session rating", "4 — very useful")),
]


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.user.full_name or obj.user.email
        return str(
            _("%(name)s — %(headline)s (places left: %(left)d)")
            % {
                "name": name,
                "headline": obj.headline,
                "left": max(obj.capacity_mentees - obj.active_count, 0),
            }
        )


class PairingNewForm(ServiceErrorsMixin, forms.Form):
    profile = MentorChoiceField(queryset=None, label=pgettext_lazy("network profile", "Mentor"))
    company: forms.ModelChoiceField[Company] = forms.ModelChoiceField(
        queryset=None, label=_("Company")
    )
    cohort: forms.ModelChoiceField[Cohort] = forms.ModelChoiceField(
        queryset=None, label=_("Cohort"), required=False
    )
    goals = forms.CharField(
        label=_("Goals"), max_length=GOALS_MAX, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, mentors: Any, companies: Any, cohorts: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # The mentors come annotated with their active pairings (``queries.mentor_options``).
        self.fields["profile"].queryset = mentors  # type: ignore[attr-defined]
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]


class GoalsForm(ServiceErrorsMixin, forms.Form):
    goals = forms.CharField(
        label=_("Goals"), max_length=GOALS_MAX, required=False, widget=forms.Textarea
    )


def _rating_field(required: bool) -> forms.TypedChoiceField:
    choices: list[Any] = list(RATING_CHOICES)
    if not required:
        choices = [("", pgettext_lazy("session rating", "Not now")), *choices]
    return forms.TypedChoiceField(
        label=_("Your rating"),
        choices=choices,
        coerce=int,
        required=required,
        empty_value=None,
    )


class SessionForm(ServiceErrorsMixin, forms.Form):
    held_on = forms.DateField(
        label=pgettext_lazy("mentoring session", "Held on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=DURATION_MIN, max_value=DURATION_MAX, initial=60
    )
    format = forms.ChoiceField(
        label=pgettext_lazy("mentoring session", "Format"),
        choices=SessionFormat.choices,
        initial=SessionFormat.ONLINE,
    )
    topics = forms.CharField(label=_("Topics"), max_length=TOPICS_MAX, required=False)
    notes = forms.CharField(
        label=_("Notes (seen by the pair only)"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea,
    )
    rating = _rating_field(required=False)


class SessionEditForm(ServiceErrorsMixin, forms.Form):
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=DURATION_MIN, max_value=DURATION_MAX
    )
    topics = forms.CharField(label=_("Topics"), max_length=TOPICS_MAX, required=False)
    notes = forms.CharField(
        label=_("Notes (seen by the pair only)"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea,
    )


class RateForm(ServiceErrorsMixin, forms.Form):
    rating = _rating_field(required=True)


class FitForm(ServiceErrorsMixin, forms.Form):
    fit = forms.ChoiceField(
        label=_("Is the mentor a good fit for your company?"),
        choices=Fit.choices,
        widget=forms.RadioSelect,
    )


class EndForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("why a mentoring ends", "Reason"), max_length=REASON_MAX, required=False
    )
