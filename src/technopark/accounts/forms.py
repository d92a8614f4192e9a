"""Input shapes of the account pages and the people page. Rules live in services and rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.accounts.models import TokenScope, User
from technopark.core.forms import InputRulesMixin
from technopark.parks.models import Role

# Every language named in itself (not translated): whoever reads the list finds their own.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


class SignupForm(InputRulesMixin, forms.Form):
    """Extra fields on allauth's sign-up form (the adapter stores them on the new user)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        """allauth checks the password against the address only (its stand-in user has no
        name yet): the name is checked here, by the same rule as everywhere else."""
        data = super().clean() or {}
        password, full_name = data.get("password1"), data.get("full_name")
        if password and full_name:
            rule = UserAttributeSimilarityValidator(user_attributes=("full_name",))
            try:
                rule.validate(password, User(full_name=full_name))
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def signup(self, request: HttpRequest, user: Any) -> None:
        """allauth's hook after the user is saved; ``AccountAdapter.save_user`` already kept the name."""


class ProfileForm(InputRulesMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=pgettext_lazy("profile form", "Language"),
        required=False,
        help_text=_(
            "Pages, e-mails and API messages use it once you are signed in. "
            "Not chosen: pages follow the browser and e-mails the park."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each language named in itself, so a person who cannot read the current one finds theirs.
        language = cast(forms.ChoiceField, self.fields["language"])
        language.choices = [
            ("", pgettext_lazy("language", "Not chosen")),
            *((code, LANGUAGE_NAMES.get(code, code)) for code, _name in settings.LANGUAGES),
        ]


class ApiTokenForm(InputRulesMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Reporting script”."),
    )
    scope = forms.ChoiceField(
        label=_("What it may do"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("A read-only token cannot change anything."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        help_text=_("The token stops working after this many days."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.initial = settings.TECHNOPARK_API_TOKEN_DAYS
        days.validators.append(MaxValueValidator(settings.TECHNOPARK_API_TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = settings.TECHNOPARK_API_TOKEN_MAX_DAYS


class InvitationForm(InputRulesMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
