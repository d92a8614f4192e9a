"""Input shapes of the residency pages. Forms only parse and check input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.forms import ServiceErrorsMixin
from technopark.core.money import MoneyField
from technopark.parks.forms import direction_label
from technopark.parks.models import Direction, Site
from technopark.residency.schedule import Quarter


def _money(label: Any, help_text: Any = "") -> MoneyField:
    return MoneyField(
        label=label,
        help_text=help_text,
        error_messages={"required": _("Give an amount in roubles, 0 if none.")},
    )


def _count(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=1_000_000,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 0}),
        error_messages={
            "required": _("Give a whole number, 0 if none."),
            "invalid": _("Give a whole number, 0 if none."),
            "min_value": _("A number cannot be negative."),
            "max_value": _("This number is too large."),
        },
    )


class QuarterlyReportForm(ServiceErrorsMixin, forms.Form):
    """A quarter's figures; ``quarter`` offers the quarters the resident still owes."""

    quarter = forms.ChoiceField(label=_("Quarter"))
    revenue = _money(_("Revenue, ₽"), _("All income from sales in the quarter, before taxes."))
    taxes_paid = _money(_("Taxes paid, ₽"), _("Taxes and insurance contributions paid."))
    investment_raised = _money(_("Investment raised, ₽"), _("Equity and loans from investors."))
    rnd_spending = _money(_("R&D spending, ₽"))
    exports = _money(_("Exports, ₽"), _("Revenue from customers abroad."))
    headcount = _count(_("Headcount"), _("People employed at the end of the quarter."))
    ip_registered = _count(
        _("Intellectual property registered"),
        _("Patents, software and database registrations, trademarks filed in the quarter."),
    )
    ip_note = forms.CharField(
        label=_("Intellectual property, details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, quarters: list[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quarters = {str(q.period): q for q in quarters}
        self.fields["quarter"].choices = [  # type: ignore[attr-defined]
            (str(q.period), str(q)) for q in quarters
        ]
        self.fields["quarter"].error_messages["invalid_choice"] = _(
            "Choose a quarter whose report is still to be filed."
        )
        if quarters:
            self.fields["quarter"].initial = str(quarters[0].period)

    def clean_quarter(self) -> Quarter:
        return self._quarters[self.cleaned_data["quarter"]]


class ReportReviewForm(ServiceErrorsMixin, forms.Form):
    """Staff accept a quarterly report or return it with a note of what to correct."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the report")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to accept the report or return it."),
            "invalid_choice": _("Choose whether to accept the report or return it."),
        },
    )
    note = forms.CharField(
        label=_("Note to the resident"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the report is returned: say what to correct."),
    )


class StatusChangeForm(ServiceErrorsMixin, forms.Form):
    """A staff decision on a resident: the action, its date and the reason."""

    action = forms.ChoiceField(
        choices=[
            ("suspend", _("Suspend")),
            ("reinstate", _("Reinstate")),
            ("revoke", _("Revoke")),
            ("end", _("End")),
        ],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Unknown action.")},
    )
    effective_on = forms.DateField(
        label=pgettext_lazy("date a change takes effect", "Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
        error_messages={"invalid": _("Give a date such as 2026-04-06.")},
    )
    reason = forms.CharField(
        label=pgettext_lazy("reason for a decision", "Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to suspend or revoke; kept in the status history."),
    )


class AdmitForm(ServiceErrorsMixin, forms.Form):
    """Admit a company of the park (one not admitted through a call, e.g. from the paper register)."""

    service_error_fields = {"company": "inn"}

    inn = forms.CharField(
        label=_("Company's INN"),
        max_length=12,
        help_text=_("The company must already be registered in the park."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    agreement_number = forms.CharField(label=_("Agreement number"), max_length=60)
    start_date = forms.DateField(
        label=_("Agreement date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date such as 2026-04-06.")},
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    directions = forms.MultipleChoiceField(
        label=_("Directions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, directions: list[Direction], sites: list[Site], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._directions = {str(d.pk): d for d in directions}
        self._sites = {str(s.pk): s for s in sites}
        self.fields["directions"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), direction_label(d)) for d in directions
        ]
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", _("— not at a site —")),
            *((str(s.pk), s.display_name) for s in sites),
        ]

    def clean_inn(self) -> str:
        return str(self.cleaned_data["inn"]).strip()

    def clean_directions(self) -> list[Direction]:
        return [self._directions[pk] for pk in self.cleaned_data["directions"]]

    def clean_site(self) -> Site | None:
        value = self.cleaned_data["site"]
        return self._sites[value] if value else None
