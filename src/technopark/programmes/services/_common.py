"""Helpers every part of the programmes services uses: trimmed text within a limit, a site of the
park.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from technopark.parks.models import Site


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return value


def _check_site(park_id: int, site: Site | None) -> None:
    if site is not None and site.park_id != park_id:
        raise ValidationError({"site": _("Choose a site of this park.")})
