"""Forms of the council part: a decision on one application, and one outcome for several."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.forms import ServiceErrorsMixin
from technopark.core.params import ID, parse_or_none
from technopark.parks.models import Site
from technopark.selection.models import Call, CallKind, DecisionOutcome
from technopark.selection.services.council import MAX_BATCH, MAX_TEXT

__all__ = ["BatchDecisionForm", "DecisionForm"]


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """The council's decision on one application. A residency call's admission carries the
    resident agreement: its number, the start date and the site."""

    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the council's record; the applicant never sees it."),
    )
    message_for_applicant = forms.CharField(
        label=_("Message for the applicant"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Sent with the decision, together with the experts' notes for the applicant. "
            "Required when you ask for more information."
        ),
    )

    def __init__(self, *args: Any, call: Call, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.sites = {site.pk: site for site in sites}
        if call.kind == CallKind.RESIDENCY:
            self.fields["agreement_number"] = forms.CharField(
                label=_("Resident agreement number"),
                max_length=50,
                required=False,
                help_text=_("Needed to admit: the company becomes a resident under it."),
            )
            self.fields["start_date"] = forms.DateField(
                label=_("Residency starts on"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields["site"] = forms.TypedChoiceField(
                label=_("Site"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("The call's site"))]
                + [(site.pk, site.display_name) for site in sites],
            )

    @property
    def is_residency(self) -> bool:
        return self.call.kind == CallKind.RESIDENCY

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if (
            outcome == DecisionOutcome.MORE_INFO
            and not (data.get("message_for_applicant") or "").strip()
        ):
            self.add_error(
                "message_for_applicant", _("Tell the applicant what information is needed.")
            )
        if outcome == DecisionOutcome.ADMIT and self.is_residency:
            if not (data.get("agreement_number") or "").strip():
                self.add_error("agreement_number", _("Give the number of the resident agreement."))
            if data.get("start_date") is None and "start_date" not in self.errors:
                self.add_error("start_date", _("Give the date the residency starts."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "outcome": data["outcome"],
            "rationale": data["rationale"],
            "message_for_applicant": data.get("message_for_applicant") or "",
        }
        if self.is_residency:
            site_id = data.get("site")
            arguments.update(
                agreement_number=data.get("agreement_number") or "",
                start_date=data.get("start_date"),
                site=self.sites.get(site_id) if site_id else None,
            )
        return arguments


class IdListField(forms.Field):
    """The ids of the chosen rows (checkboxes named alike)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("Choose applications from the table."),
        "required": _("Choose at least one application."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids: list[int] = []
        for item in value:
            value = parse_or_none(ID, str(item))
            if not isinstance(value, int):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(value)
        if len(ids) > MAX_BATCH:
            raise ValidationError(
                _("Decide at most %(n)s applications at once.") % {"n": MAX_BATCH},
                code="too_many",
            )
        return ids


class BatchDecisionForm(ServiceErrorsMixin, forms.Form):
    """One outcome, with a shared rationale, for the applications chosen in the ranking table."""

    applications = IdListField(label=_("Applications"))
    # No decision is chosen for the staff: a batch that admits by default is one slip away.
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", pgettext_lazy("council batch", "Choose a decision"))],
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with each decision; the applicants never see it."),
    )
    message_for_applicant = forms.CharField(
        label=_("Message for the applicants"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to each applicant with the decision."),
    )

    def __init__(self, *args: Any, residency: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome: Any = self.fields["outcome"]
        outcome.choices = [
            ("", pgettext_lazy("council batch", "Choose a decision")),
            *DecisionOutcome.choices,
        ]
        if residency:
            self.fields["outcome"].help_text = _(
                "Admit residents one at a time, from an application's page: each needs its own "
                "agreement number."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") == DecisionOutcome.MORE_INFO
            and not (data.get("message_for_applicant") or "").strip()
        ):
            self.add_error(
                "message_for_applicant", _("Tell the applicants what information is needed.")
            )
        return data
