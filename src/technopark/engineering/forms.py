"""Input of the engineering pages: a request, a change of state, assignment, quote lines,
sending, declining, the catalogue and the park's settings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.core.forms import ServiceErrorsMixin
from technopark.core.money import MoneyField
from technopark.engineering.models import (
    RequestState,
    Service,
    ServiceKind,
    TaskState,
    Tier,
    Unit,
)
from technopark.parks.models import Site

QUANTITY_ERRORS = {
    "invalid": _("Give a number, such as 2 or 1.5."),
    "required": _("Give a quantity."),
    "max_digits": _("This quantity is too large."),
    "max_whole_digits": _("This quantity is too large."),
    "max_decimal_places": _("Give the quantity to two decimal places at most."),
    "min_value": _("Give a quantity above zero."),
}


class QuantityField(forms.DecimalField):
    """A quantity as people type it: a comma or a point before the decimals ("3,5")."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split())
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        result: Decimal | None = super().to_python(value)
        return result


def quantity_field() -> forms.DecimalField:
    return QuantityField(
        label=_("quantity"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=QUANTITY_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class RequestForm(ServiceErrorsMixin, forms.Form):
    company = forms.ModelChoiceField(
        label=_("company"),
        queryset=Company.all_parks.none(),
        error_messages={"invalid_choice": _("Choose one of your companies.")},
    )
    title = forms.CharField(label=pgettext_lazy("service request", "title"), max_length=200)
    description = forms.CharField(
        label=_("What is to be done, and why"), widget=forms.Textarea(attrs={"rows": 6})
    )
    desired_on = forms.DateField(
        label=_("desired date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confidential = forms.BooleanField(
        label=_("confidential (under NDA)"),
        required=False,
        help_text=_(
            "Only your company's team, the engineers assigned to the request and the park's "
            "managers will see it."
        ),
    )

    def __init__(self, *args: Any, companies: QuerySet[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["company"]).queryset = companies


RATING_ERROR = _("Give the rating as a whole number from 1 to 5.")


class TransitionForm(ServiceErrorsMixin, forms.Form):
    to_state = forms.ChoiceField(
        label=pgettext_lazy("change of state", "to"),
        choices=RequestState.choices,
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    reason = forms.CharField(
        label=pgettext_lazy("why a change is made", "reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The company's satisfaction when it accepts the work (both optional).
    rating = forms.IntegerField(
        label=_("rating of the work, 1 to 5"),
        required=False,
        min_value=1,
        max_value=5,
        error_messages={
            "invalid": RATING_ERROR,
            "min_value": RATING_ERROR,
            "max_value": RATING_ERROR,
        },
    )
    rating_comment = forms.CharField(
        label=_("comment on the work"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(ServiceErrorsMixin, forms.Form):
    # The querysets are the park's people, set per form.
    responsible: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("responsible staff member"), queryset=Company.all_parks.none(), required=False
    )
    engineers: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("assigned engineers"),
        queryset=Company.all_parks.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, staff: Any, engineers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = staff
        cast(forms.ModelMultipleChoiceField, self.fields["engineers"]).queryset = engineers


class ServiceLineForm(ServiceErrorsMixin, forms.Form):
    service = forms.ModelChoiceField(
        label=pgettext_lazy("engineering", "service"),
        queryset=Service.all_parks.none(),
        error_messages={"invalid_choice": _("Choose a service of the catalogue.")},
    )
    quantity = quantity_field()
    tier = forms.ChoiceField(label=_("price tier"), choices=Tier.choices)
    discount = MoneyField(label=_("discount"), required=False)
    discount_reason = forms.CharField(
        label=_("reason for the discount"), max_length=300, required=False
    )

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services


class MaterialsLineForm(ServiceErrorsMixin, forms.Form):
    description = forms.CharField(label=_("materials"), max_length=300)
    quantity = quantity_field()
    unit_price = MoneyField(label=_("price per unit"))
    discount = MoneyField(label=_("discount"), required=False)
    discount_reason = forms.CharField(
        label=_("reason for the discount"), max_length=300, required=False
    )


class SendForm(ServiceErrorsMixin, forms.Form):
    expires_on = forms.DateField(
        label=_("valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the park's usual validity."),
    )


class DeclineForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("why a change is made", "reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ServiceForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "name"), max_length=200)
    name_en = forms.CharField(label=_("name in English"), max_length=200, required=False)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.all_parks.none(), required=False)
    kind = forms.ChoiceField(
        label=pgettext_lazy("kind of a service", "kind"), choices=ServiceKind.choices
    )
    unit = forms.ChoiceField(label=pgettext_lazy("unit of a service", "unit"), choices=Unit.choices)
    lead_time_days = forms.IntegerField(
        label=_("lead time, working days"), min_value=0, max_value=365, initial=5
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=pgettext_lazy("a service is offered", "active"), required=False, initial=True
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites


class PriceForm(ServiceErrorsMixin, forms.Form):
    tier = forms.ChoiceField(label=_("price tier"), choices=Tier.choices)
    valid_from = forms.DateField(
        label=_("valid from"),
        help_text=_("Today or a later day: the days gone by keep their prices."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit_price = MoneyField(label=_("price per unit"))


class SettingsForm(ServiceErrorsMixin, forms.Form):
    approval_threshold = MoneyField(label=_("manager's approval above"))


# --- Work orders ----------------------------------------------------------------------------

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """Wall-clock date and time as typed (naive): the view reads it in the park's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):  # UTC has every wall-clock time: nothing refused here
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime(LOCAL_FORMAT)
        return value


def _choice(label: Any, *, required: bool = False) -> forms.ModelChoiceField[Any]:
    # the queryset is the work order's own rows, set per form
    return forms.ModelChoiceField(
        label=label,
        queryset=Company.all_parks.none(),
        required=required,
        error_messages={"invalid_choice": _("Choose one from the list.")},
    )


class WorkForm(ServiceErrorsMixin, forms.Form):
    """A form of the work section: its choices are the work order's rows (``choices``: field
    name → queryset), given per form."""

    def __init__(self, *args: Any, choices: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (choices or {}).items():
            if name in self.fields:
                field = cast(forms.ModelChoiceField, self.fields[name])
                field.queryset = rows
                if name == "quote_line":
                    field.label_from_instance = line_label  # type: ignore[method-assign,assignment]
                elif name == "resource":
                    field.label_from_instance = resource_label  # type: ignore[method-assign,assignment]


def line_label(line: Any) -> str:
    name = line.description or (line.service.display_name if line.service_id else "")
    unit = line.get_unit_display() if line.unit else ""
    return f"{name} — {line.quantity} {unit}".strip()


def resource_label(resource: Any) -> str:
    return f"{resource.display_name} ({resource.site.display_name})"


class TaskForm(WorkForm):
    title = forms.CharField(label=pgettext_lazy("task", "title"), max_length=200)
    engineer = _choice(_("engineer"))
    quote_line = _choice(_("line of the quote"))


class TaskStateForm(WorkForm):
    state = forms.ChoiceField(
        label=pgettext_lazy("state of a record", "state"),
        choices=TaskState.choices,
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    engineer = _choice(_("engineer"))


class TimerForm(WorkForm):
    task = _choice(pgettext_lazy("a task of a work order", "task"))
    quote_line = _choice(_("line of the quote"))
    note = forms.CharField(label=pgettext_lazy("comment", "note"), max_length=300, required=False)


class TimeLogForm(TimerForm):
    started_at = LocalDateTimeField(label=pgettext_lazy("start of a time range", "from"))
    minutes = forms.IntegerField(
        label=_("minutes"),
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "invalid": _("Give whole minutes, such as 45."),
            "min_value": _("Log between 1 and 1440 minutes in one entry."),
            "max_value": _("Log between 1 and 1440 minutes in one entry."),
        },
    )
    field_order = ["started_at", "minutes", "task", "quote_line", "note"]


class InstrumentLinkForm(WorkForm):
    booking = forms.IntegerField(
        label=_("booking number"),
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": _("Give the booking's number.")},
    )
    operator = _choice(_("operator"), required=True)
    quote_line = _choice(_("line of the quote"))


class WorkBookingForm(WorkForm):
    resource = _choice(_("instrument"), required=True)
    starts_at = LocalDateTimeField(label=pgettext_lazy("start of a time range", "from"))
    ends_at = LocalDateTimeField(label=pgettext_lazy("end of a time range", "until"))
    operator = _choice(_("operator"), required=True)
    quote_line = _choice(_("line of the quote"))


class DeliveryForm(WorkForm):
    quote_line = _choice(_("line of the quote"), required=True)
    quantity = QuantityField(
        label=_("quantity delivered"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={**QUANTITY_ERRORS, "min_value": _("Give a quantity of zero or more.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


# --- Charges --------------------------------------------------------------------------------

COMPANY_PAYS = "company"


class ChargeForm(ServiceErrorsMixin, forms.Form):
    """Who pays an accepted request: the company, or one of its grants' budget lines (each
    offered with what is left on it). The idempotency key is made when the form is shown, so a
    form sent twice charges once."""

    payer = forms.ChoiceField(
        label=pgettext_lazy("who pays", "payer"),
        error_messages={"invalid_choice": _("Choose the company or one of its budget lines.")},
    )
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    service_error_fields = {"budget_line": "payer"}

    def __init__(self, *args: Any, lines: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(COMPANY_PAYS, str(_("The company pays")))]
        choices += [(f"line-{pk}", label) for pk, label in lines]
        cast(forms.ChoiceField, self.fields["payer"]).choices = choices

    def budget_line_id(self) -> int | None:
        payer: str = self.cleaned_data["payer"]
        return None if payer == COMPANY_PAYS else int(payer.removeprefix("line-"))


class DisputeForm(ServiceErrorsMixin, forms.Form):
    proposed_amount = MoneyField(label=_("what the line should charge"))
    reason = forms.CharField(
        label=pgettext_lazy("why a change is made", "reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdjustmentDecisionForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("accept", pgettext_lazy("answer to a dispute", "Accept")),
            ("refuse", pgettext_lazy("answer to a dispute", "Refuse")),
        ],
    )
    reason = forms.CharField(
        label=_("reason for refusing"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
