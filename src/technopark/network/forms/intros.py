"""Forms of the introduction pages: the request (company and note), the acceptance's answer,
the decline's reason and answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.core.forms import ServiceErrorsMixin
from technopark.network.models import NOTE_MAX_WORDS, DeclineReason
from technopark.network.services.intros import ANSWER_MAX_CHARS, NOTE_MAX_CHARS


class IntroRequestForm(ServiceErrorsMixin, forms.Form):
    company = forms.ModelChoiceField(
        label=_("company"),
        queryset=Company.all_parks.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your companies.")},
    )
    note = forms.CharField(
        label=pgettext_lazy("introduction request", "note"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "At most %(words)d words: who you are, what you ask for and why this person. The "
            "holder may forward it as it is. Do not put your contacts here: they are exchanged "
            "when the request is accepted."
        )
        % {"words": NOTE_MAX_WORDS},
    )

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]


class IntroAcceptForm(ServiceErrorsMixin, forms.Form):
    answer = forms.CharField(
        label=pgettext_lazy("answer to an introduction", "answer"),
        max_length=ANSWER_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: a word for the company, sent with the introduction."),
    )


class IntroDeclineForm(ServiceErrorsMixin, forms.Form):
    service_error_fields = {"decline_reason": "reason"}

    reason = forms.ChoiceField(
        label=pgettext_lazy("declining an introduction", "reason"), choices=DeclineReason.choices
    )
    answer = forms.CharField(
        label=pgettext_lazy("answer to an introduction", "answer"),
        max_length=ANSWER_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: a word for the company."),
    )
