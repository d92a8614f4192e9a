"""Input shapes of the programmes pages. Forms only parse and check input; services write.

Choices that come from the park (sites, calls, mentors, guests, applications) are read once by
the view and passed in, so that a form turns submitted ids back into objects without queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Stage
from technopark.core.forms import InputRulesMixin, ServiceErrorsMixin
from technopark.programmes.models import (
    DEFAULT_GRANT_CAP,
    GuestKind,
    ParticipantStatus,
    SessionKind,
)

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """Wall-clock date and time as typed (naive): the view reads it in the site's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):  # UTC has every wall-clock time: nothing refused here
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime(LOCAL_FORMAT)
        return value


def _choices(rows: list[Any], label: Any = str) -> list[tuple[str, str]]:
    return [(str(row.pk), label(row)) for row in rows]


def _pick(rows: list[Any], value: str) -> Any:
    for row in rows:
        if str(row.pk) == value:
            return row
    return None


class ProgrammeForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    grant_cap = forms.DecimalField(
        label=_("Grant cap, roubles"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=DEFAULT_GRANT_CAP,
        help_text=_("The most a participant's grant may be."),
    )
    coworking_seats = forms.IntegerField(
        label=_("Coworking seats"), min_value=0, max_value=10_000, initial=0
    )
    length_weeks = forms.IntegerField(
        label=_("Length, weeks"), min_value=1, max_value=520, initial=12
    )
    directions = forms.MultipleChoiceField(
        label=_("Directions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, directions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._directions = directions
        self.fields["directions"].choices = _choices(directions, lambda d: d.display_name)  # type: ignore[attr-defined]

    def chosen_directions(self) -> list[Any]:
        wanted = set(self.cleaned_data["directions"])
        return [d for d in self._directions if str(d.pk) in wanted]


class CohortForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=200)
    starts_on = forms.DateField(
        label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000, initial=20)
    site = forms.ChoiceField(label=_("Site"), required=False)
    intake_call = forms.ChoiceField(
        label=_("Intake call"),
        required=False,
        help_text=_("The programme-intake call whose admitted applications fill the cohort."),
    )

    def __init__(self, *args: Any, sites: list[Any], calls: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sites, self._calls = sites, calls
        self.fields["site"].choices = [("", "—"), *_choices(sites, lambda s: s.display_name)]  # type: ignore[attr-defined]
        self.fields["intake_call"].choices = [("", "—"), *_choices(calls)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A cohort ends on or after the day it starts."))
        data["site"] = _pick(self._sites, data.get("site") or "")
        data["intake_call"] = _pick(self._calls, data.get("intake_call") or "")
        return data


class FillForm(ServiceErrorsMixin, forms.Form):
    # The seat service's refusals go next to the seats box.
    service_error_fields = {"seat": "seats"}

    applications = forms.MultipleChoiceField(
        label=_("Admitted applications"), widget=forms.CheckboxSelectMultiple
    )

    seats = forms.BooleanField(
        label=_("Give each a coworking seat for the cohort's dates"),
        required=False,
        help_text=_(
            "The first free desk for the whole cohort; if one cannot be given, nobody joins."
        ),
    )

    def __init__(
        self, *args: Any, applications: list[Any], seats_offered: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not seats_offered:
            del self.fields["seats"]
        self.fields["applications"].choices = _choices(  # type: ignore[attr-defined]
            applications, lambda a: f"{a.company.short_name} — {a.title or a.call.title}"
        )
        self.fields["applications"].error_messages["invalid_choice"] = _(
            "Choose among the admitted applications listed."
        )


class SessionForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("session kind", "Kind"), choices=SessionKind.choices
    )
    title = forms.CharField(label=pgettext_lazy("title of a thing", "Title"), max_length=200)
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    site = forms.ChoiceField(
        label=_("Site"), required=False, help_text=_("Times are in the site's time zone.")
    )
    room = forms.CharField(label=_("Room"), max_length=120, required=False)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))

    def __init__(self, *args: Any, sites: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sites = sites
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *_choices(sites, lambda s: f"{s.display_name} ({s.time_zone})"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["site"] = _pick(self._sites, data.get("site") or "")
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data


class AttendanceForm(InputRulesMixin, forms.Form):
    """One checkbox per attendee (checked: present); the ids shown are posted back, so that a
    person added after the form was opened is not marked absent by mistake."""

    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, sheet: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.known = {row["attendee"].pk for row in sheet}
        self.fields["shown"].initial = ",".join(str(pk) for pk in sorted(self.known))
        for row in sheet:
            attendee = row["attendee"]
            self.fields[f"present_{attendee.pk}"] = forms.BooleanField(
                label=str(attendee.user.full_name or attendee.user.email),
                required=False,
                # Nobody is ticked until someone marks them present: an unmarked person
                # saved as present would be a record of something nobody saw.
                initial=row["present"] is True,
            )
            row["field"] = f"present_{attendee.pk}"

    def rows(self) -> list[dict[str, Any]]:
        return [{**row, "bound": self[row["field"]]} for row in self.sheet]

    def clean_shown(self) -> set[int]:
        raw = self.cleaned_data.get("shown") or ""
        try:
            ids = {int(part) for part in raw.split(",") if part.strip()}
        except ValueError:
            raise ValidationError(_("The form is damaged: reload the page.")) from None
        return ids & self.known

    def marks(self) -> dict[int, bool]:
        return {
            pk: bool(self.cleaned_data.get(f"present_{pk}")) for pk in self.cleaned_data["shown"]
        }


class StageProposalForm(ServiceErrorsMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What shows it: a working prototype, first sales, a contract, a link."),
    )


class StageDecisionForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm")), ("reject", _("Do not confirm"))],
    )
    note = forms.CharField(
        label=pgettext_lazy("comment", "Note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you do not confirm."),
    )


class ParticipantForm(ServiceErrorsMixin, forms.Form):
    coworking_seat = forms.CharField(
        label=_("Coworking seat note"),
        max_length=120,
        required=False,
        help_text=_("A note kept from before seats were booked; a booked seat shows above."),
    )
    mentors = forms.MultipleChoiceField(
        label=_("Mentors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("participant status", "Status"), choices=ParticipantStatus.choices
    )

    def __init__(self, *args: Any, mentors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mentors = mentors
        self.fields["mentors"].choices = _choices(mentors, lambda u: u.full_name or u.email)  # type: ignore[attr-defined]

    def chosen_mentors(self) -> list[Any]:
        wanted = set(self.cleaned_data["mentors"])
        return [m for m in self._mentors if str(m.pk) in wanted]


class SeatForm(ServiceErrorsMixin, forms.Form):
    """Staff pick a desk free for the participant's whole cohort, or let the first free one go."""

    seat = forms.ChoiceField(label=_("Desk"), required=False)

    def __init__(self, *args: Any, choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices = choices
        self.fields["seat"].choices = [  # type: ignore[attr-defined]
            ("", _("The first free desk")),
            *[(str(c.resource_id), c.label) for c in choices],
        ]
        self.fields["seat"].error_messages["invalid_choice"] = _(
            "Choose a desk of the list: it is no longer free for all the cohort's dates."
        )

    def resource_id(self) -> int | None:
        value = self.cleaned_data.get("seat") or ""
        return int(value) if value else None


class DemoDayForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("title of a thing", "Title"), max_length=200)
    starts_at = LocalDateTimeField(label=_("Starts"))
    minutes_per_pitch = forms.IntegerField(
        label=_("Minutes per pitch"), min_value=1, max_value=120, initial=10
    )
    site = forms.ChoiceField(
        label=_("Site"), required=False, help_text=_("Times are in the site's time zone.")
    )
    room = forms.CharField(label=_("Room"), max_length=120, required=False)

    def __init__(self, *args: Any, sites: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sites = sites
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *_choices(sites, lambda s: f"{s.display_name} ({s.time_zone})"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["site"] = _pick(self._sites, data.get("site") or "")
        return data


class PitchOrderForm(ServiceErrorsMixin, forms.Form):
    """A position per participant (1 pitches first); empty: does not pitch."""

    def __init__(
        self, *args: Any, participants: list[Any], positions: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.participants = participants
        for p in participants:
            self.fields[f"pos_{p.pk}"] = forms.IntegerField(
                label=p.company.short_name,
                required=False,
                min_value=1,
                max_value=999,
                initial=positions.get(p.pk),
            )

    def bound_rows(self) -> list[Any]:
        return [self[f"pos_{p.pk}"] for p in self.participants]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [
            (data[f"pos_{p.pk}"], p.pk)
            for p in self.participants
            if data.get(f"pos_{p.pk}") is not None
        ]
        positions = [pos for pos, _pk in chosen]
        if len(set(positions)) != len(positions):
            raise ValidationError(_("Give each start-up its own position."))
        data["order"] = [pk for _pos, pk in sorted(chosen)]
        return data


class GuestForm(ServiceErrorsMixin, forms.Form):
    user = forms.ChoiceField(
        label=_("A member of the park"),
        required=False,
        help_text=_("An investor, customer or partner of the park: they give feedback here."),
    )
    name = forms.CharField(label=_("Or a guest from outside: name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("The guest's e-mail"),
        max_length=254,
        required=False,
        help_text=_(
            "A guest from outside gets a link to give feedback without an account; it works "
            "until the end of the demo day."
        ),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("guest kind", "Kind"),
        choices=[("", "—"), *GuestKind.choices],
        required=False,
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._people = people
        self.fields["user"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *_choices(people, lambda u: u.full_name or u.email),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["user"] = _pick(self._people, data.get("user") or "")
        if data["user"] is None and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a member or give the guest's name."))
        if data["user"] is not None and (data.get("name") or "").strip():
            self.add_error("name", _("Either a member or a name, not both."))
        return data


class FeedbackForm(ServiceErrorsMixin, forms.Form):
    """The guest's feedback on every pitch of the demo day, in one form."""

    def __init__(
        self, *args: Any, pitches: list[Any], existing: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pitches = pitches
        self._existing = existing
        for pitch in pitches:
            old = existing.get(pitch.pk)
            self.fields[f"meet_{pitch.pk}"] = forms.BooleanField(
                label=_("Meet"), required=False, initial=bool(old and old.meet)
            )
            self.fields[f"invest_{pitch.pk}"] = forms.BooleanField(
                label=_("Invest"), required=False, initial=bool(old and old.invest)
            )
            self.fields[f"pilot_{pitch.pk}"] = forms.BooleanField(
                label=_("Pilot"), required=False, initial=bool(old and old.pilot)
            )
            self.fields[f"note_{pitch.pk}"] = forms.CharField(
                label=pgettext_lazy("comment", "Note"),
                required=False,
                max_length=5000,
                initial=old.note if old else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "pitch": p,
                "meet": self[f"meet_{p.pk}"],
                "invest": self[f"invest_{p.pk}"],
                "pilot": self[f"pilot_{p.pk}"],
                "note": self[f"note_{p.pk}"],
            }
            for p in self.pitches
        ]

    def entries(self) -> list[tuple[Any, dict[str, Any]]]:
        data = self.cleaned_data
        result = []
        for p in self.pitches:
            values = {
                "meet": data[f"meet_{p.pk}"],
                "invest": data[f"invest_{p.pk}"],
                "pilot": data[f"pilot_{p.pk}"],
                "note": data[f"note_{p.pk}"],
            }
            given = values["meet"] or values["invest"] or values["pilot"] or values["note"].strip()
            if given or p.pk in self._existing:
                result.append((p, values))
        return result
