"""What an eligibility check found, stored as a code and its parameters and rendered in the
reader's language (never stored as translated text: a Russian reason on an English page reads
wrong, and a stored sentence cannot be translated later)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from technopark.parks.regions import region_label

__all__ = ["EligibilityOutcome", "Finding", "finding_text"]


class Finding(models.TextChoices):
    """One code per thing a check can find. The label names the finding for filters and the
    API; ``finding_text`` renders it with its parameters for people."""

    REGION_INSIDE = "region_inside", gettext_lazy("Registered in the park's region")
    REGION_OUTSIDE = "region_outside", gettext_lazy("Registered in another region")
    SME_YES = "sme_yes", gettext_lazy("A small or medium business")
    SME_NO = "sme_no", gettext_lazy("Not a small or medium business")
    TAXES_DECLARED = "taxes_declared", gettext_lazy("Declared no overdue taxes")
    TAXES_NOT_DECLARED = "taxes_not_declared", gettext_lazy("No declaration about taxes")
    DIRECTIONS_NONE = "directions_none", gettext_lazy("No direction named")
    DIRECTIONS_WITHIN = "directions_within", gettext_lazy("Directions within the call's")
    DIRECTIONS_OUTSIDE = "directions_outside", gettext_lazy("Directions outside the call's")
    RESIDENT = "resident", gettext_lazy("Already a resident")
    NOT_RESIDENT = "not_resident", gettext_lazy("Not a resident")
    ONLY_APPLICATION = "only_application", gettext_lazy("The only open application")
    OTHER_APPLICATION = "other_application", gettext_lazy("Another open application")


def _region(code: Any) -> str:
    try:
        return str(region_label(str(code)))
    except KeyError:
        return str(code or "?")


def _names(params: dict[str, Any]) -> str:
    english = translation.get_language() == "en"
    names = []
    for pair in params.get("directions") or []:
        name, name_en = ([*list(pair), "", ""])[:2] if isinstance(pair, list) else (str(pair), "")
        names.append(str(name_en if english and name_en else name))
    return ", ".join(names)


def finding_text(finding: str, params: dict[str, Any] | None) -> str:
    """The finding as a sentence in the active language (an unknown code reads as itself)."""
    params = params or {}
    if finding == Finding.REGION_INSIDE:
        return _("Registered in region %(region)s, the park's region.") % {
            "region": _region(params.get("region"))
        }
    if finding == Finding.REGION_OUTSIDE:
        return _("Registered in region %(region)s; the park is in region %(park)s.") % {
            "region": _region(params.get("region")),
            "park": region_label(str(params.get("park", ""))),
        }
    texts = {
        Finding.SME_YES: _("The company's record says it is a small or medium business."),
        Finding.SME_NO: _("The company's record says it is not a small or medium business."),
        Finding.TAXES_DECLARED: _("The applicant declared that the company has no overdue taxes."),
        Finding.TAXES_NOT_DECLARED: _(
            "The applicant did not declare the company free of overdue taxes."
        ),
        Finding.DIRECTIONS_NONE: _("The application names no direction."),
        Finding.DIRECTIONS_WITHIN: _("All the application's directions are among the call's."),
        Finding.RESIDENT: _("The company is already a resident of the park."),
        Finding.NOT_RESIDENT: _("The company is not a resident of the park."),
        Finding.ONLY_APPLICATION: _("This is the company's only open application to this call."),
        Finding.OTHER_APPLICATION: _("The company has another open application to this call."),
    }
    if finding == Finding.DIRECTIONS_OUTSIDE:
        return _("Outside the call's directions: %(names)s.") % {"names": _names(params)}
    return str(texts.get(finding, finding))  # type: ignore[call-overload]


class EligibilityOutcome(models.TextChoices):
    """The staff's outcome for an application's eligibility (empty until they give it)."""

    ELIGIBLE = "eligible", translation.pgettext_lazy("eligibility outcome", "Eligible")
    INELIGIBLE = "ineligible", translation.pgettext_lazy("eligibility outcome", "Ineligible")
    NEEDS_INFORMATION = (
        "needs_information",
        translation.pgettext_lazy("eligibility outcome", "Needs information"),
    )
