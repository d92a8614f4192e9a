"""Forms of the review part: the expert's profile and conflicts, the review, the assignment board."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from technopark.core.forms import ServiceErrorsMixin
from technopark.core.localtime import zone_named
from technopark.parks.models import Direction
from technopark.selection.models import ConflictKind, Criterion, Recommendation

__all__ = [
    "AssignmentAddForm",
    "AssignmentSwapForm",
    "CapacityForm",
    "ConflictForm",
    "ExpertProfileForm",
    "PublishForm",
    "ReviewForm",
]

NOT_APPLICABLE = "na"


class DirectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ExpertProfileForm(ServiceErrorsMixin, forms.Form):
    directions = DirectionChoiceField(
        label=_("Directions you review"),
        queryset=Direction.all_parks.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    affiliations = forms.CharField(
        label=_("Affiliations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Organisations you work for or with, one per line (name or INN). Applications of "
            "these organisations are never given to you."
        ),
    )
    default_capacity = forms.IntegerField(
        label=_("Applications per call"), min_value=0, max_value=1000, initial=10
    )

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["directions"]
        field.queryset = Direction.all_parks.filter(park=park).order_by("position", "name")


class ConflictForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Conflict with"), choices=ConflictKind.choices)
    company_inn = forms.CharField(
        label=_("Company's INN"),
        required=False,
        max_length=12,
        help_text=_("For a company of the park."),
    )
    person_email = forms.EmailField(
        label=_("Person's e-mail address"),
        required=False,
        help_text=_("For a member of the park."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=300,
        help_text=_("Its name or INN, for any other organisation."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """A score per criterion (a number, "not applicable", or unanswered), a recommendation and
    two notes. ``scores()`` gives what the services take."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", _("— not chosen yet —")), *Recommendation.choices],
        required=False,
    )
    note_for_council = forms.CharField(
        label=_("Note for the council"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the council and the park's staff read it."),
    )
    note_for_applicant = forms.CharField(
        label=_("Note for the applicant"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the applicant with the decision, without your name."),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], disabled: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            choices: list[tuple[str, Any]] = [
                ("", _("— not scored yet —")),
                (NOT_APPLICABLE, _("Not applicable")),
            ]
            choices += [(str(n), str(n)) for n in range(criterion.scale_max + 1)]
            fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=choices,
                required=False,
                help_text=_("Weight %(weight)s; from 0 to %(max)s.")
                % {"weight": formats.localize(criterion.weight), "max": criterion.scale_max},
            )
        self.fields = {**fields, **self.fields}
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    @property
    def score_fields(self) -> list[Any]:
        return [self[f"score_{c.pk}"] for c in self.criteria]

    @staticmethod
    def initial_for(review: Any, criteria: list[Criterion]) -> dict[str, Any]:
        if review is None:
            return {}
        initial: dict[str, Any] = {
            "recommendation": review.recommendation,
            "note_for_council": review.note_for_council,
            "note_for_applicant": review.note_for_applicant,
        }
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = (
                NOT_APPLICABLE if score.score is None else str(score.score)
            )
        return initial

    def scores(self) -> dict[int, int | None]:
        result: dict[int, int | None] = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"score_{criterion.pk}", "")
            if value == NOT_APPLICABLE:
                result[criterion.pk] = None
            elif value != "":
                result[criterion.pk] = int(value)
        return result


class PublishForm(ServiceErrorsMixin, forms.Form):
    due_at = forms.DateField(
        label=_("Reviews due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The end of this day in the park's time zone."),
    )

    def due_datetime(self, time_zone: str) -> datetime:
        """The end of the chosen day in ``time_zone`` (an aware datetime)."""
        day = self.cleaned_data["due_at"]
        return datetime.combine(day, time(23, 59, 59), tzinfo=zone_named(time_zone))


class AssignmentAddForm(ServiceErrorsMixin, forms.Form):
    application = forms.IntegerField(label=_("Application"), min_value=1)
    expert = forms.IntegerField(label=_("Expert"), min_value=1)


class AssignmentSwapForm(ServiceErrorsMixin, forms.Form):
    expert = forms.IntegerField(label=_("Expert"), min_value=1)


class CapacityForm(ServiceErrorsMixin, forms.Form):
    expert = forms.IntegerField(label=_("Expert"), min_value=1)
    capacity = forms.IntegerField(label=_("Applications"), min_value=0, max_value=1000)
