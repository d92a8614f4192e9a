"""Profiles, companies' needs and bookmarks: every write of the profiles part.

Rules:

* a person keeps a profile of a kind only while they hold the matching role in the park
  (``rules.ROLE_OF_KIND``); they write their own, the staff write anyone's (for a member who
  holds the role);
* one profile per person, park and kind: the unique constraint holds it, a concurrent second
  creation becomes the same field error;
* every value is checked here, with the bounds of the model's check constraints: a country of
  Babel's list, an IANA time zone, the curated language codes, the company stages, money from 0
  to 999 999 999 999.99 with the ticket's lower bound not above its upper, capacities within
  the constraints, text lengths, directions of the profile's park;
* a need is written for a company the visitor acts for (or by the staff); a bookmark is kept for
  a company one acts for, of a profile one may view.

Each write runs in one transaction and declares the ``network`` topic (``touched``). Refusals are
``ValidationError`` keyed by the field.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from technopark.companies.models import Company, Stage
from technopark.core.inputs import text_problem
from technopark.core.scopes import in_park
from technopark.network import names, queries
from technopark.network.models import Bookmark, Need, Profile, ProfileKind, Visibility
from technopark.network.services._common import refuse_unless, touched
from technopark.parks.models import Direction, Park, Role
from technopark.parks.rules import ParkAccess, access_for, has_role, is_staff

MONEY_MAX = Decimal("999999999999.99")
CAPACITY_BOUNDS = {"capacity_mentees": 50, "hours_per_month": 200, "intros_per_month": 100}
TEXT_LIMITS = {
    "headline": 200,
    "organisation": 200,
    "position": 200,
    "instruments": 200,
    "phone": 32,
    "bio": 4000,
    "needs": 4000,
}
MULTILINE = frozenset({"bio", "needs"})
SUMMARY_MAX = 2000
STAGE_CODES = frozenset(Stage.values)
PHONE_CHARACTERS = frozenset("0123456789+-() ")

#: Every field a profile's writer may set, with its value for a new profile.
PROFILE_DEFAULTS: dict[str, Any] = {
    "headline": "",
    "bio": "",
    "organisation": "",
    "position": "",
    "phone": "",
    "country": "",
    "time_zone": "Europe/Moscow",
    "languages": "ru",
    "stages": "",
    "ticket_min": None,
    "ticket_max": None,
    "instruments": "",
    "needs": "",
    "pilot_budget": None,
    "capacity_mentees": 3,
    "hours_per_month": 4,
    "intros_per_month": 5,
    "visibility": Visibility.PARK,
    "is_active": True,
}
PROFILE_FIELDS = frozenset(PROFILE_DEFAULTS)


def _park(access: ParkAccess) -> Park:
    if access.park is None:
        raise ValueError("the visitor's access names no park")
    return access.park


def _text(values: dict[str, Any], name: str, limit: int, errors: dict[str, str]) -> None:
    value = values.get(name)
    value = "" if value is None else str(value).strip()
    values[name] = value
    if len(value) > limit:
        errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
        return
    problem = text_problem(value, multiline=name in MULTILINE)
    if problem is not None:
        errors[name] = problem


def _money(values: dict[str, Any], name: str, errors: dict[str, str]) -> None:
    value = values.get(name)
    if value is None or value == "":
        values[name] = None
        return
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter an amount of money.")
        return
    if not amount.is_finite():
        errors[name] = _("Enter an amount of money.")
    elif amount < 0:
        errors[name] = _("The amount cannot be negative.")
    elif amount > MONEY_MAX:
        errors[name] = _("The amount is too large.")
    elif amount != amount.quantize(Decimal("0.01")):
        errors[name] = _("At most two digits after the decimal point.")
    else:
        values[name] = amount


def _whole(values: dict[str, Any], name: str, high: int, errors: dict[str, str]) -> None:
    value = values.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            errors[name] = _("Enter a whole number.")
            return
    if not 0 <= value <= high:
        errors[name] = _("Enter a number from 0 to %(high)d.") % {"high": high}
        return
    values[name] = value


def _codes(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(code) for code in value)
    return "" if value is None else str(value)


def clean_profile_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise a profile's values in place; raise ``ValidationError`` keyed by field
    with every problem found."""
    errors: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        _text(values, name, limit, errors)
    if not values.get("headline") and "headline" not in errors:
        errors["headline"] = _("Write a headline: what you do, in a line.")
    phone = values.get("phone", "")
    if phone and "phone" not in errors and not set(phone) <= PHONE_CHARACTERS:
        errors["phone"] = _("A phone number holds digits, spaces, +, - and brackets only.")
    country = str(values.get("country") or "").strip().upper()
    values["country"] = country
    if country and not names.is_country(country):
        errors["country"] = _("Choose a country from the list.")
    zone = str(values.get("time_zone") or "")
    values["time_zone"] = zone
    if len(zone) > 64 or zone not in zoneinfo.available_timezones():
        errors["time_zone"] = _("Choose a time zone from the list.")
    try:
        languages = names.parse_codes(
            _codes(values.get("languages")), names.LANGUAGE_CODES, field="languages"
        )
        if not languages:
            errors["languages"] = _("Choose at least one language.")
        values["languages"] = names.join_codes(languages)
    except ValidationError as error:
        errors["languages"] = " ".join(error.messages)
    try:
        values["stages"] = names.join_codes(
            names.parse_codes(_codes(values.get("stages")), STAGE_CODES, field="stages")
        )
    except ValidationError as error:
        errors["stages"] = " ".join(error.messages)
    for name in ("ticket_min", "ticket_max", "pilot_budget"):
        _money(values, name, errors)
    low, high = values.get("ticket_min"), values.get("ticket_max")
    ordered = not errors.keys() & {"ticket_min", "ticket_max"}
    if low is not None and high is not None and ordered and low > high:
        errors["ticket_max"] = _("The upper bound of the ticket is below its lower bound.")
    for name, bound in CAPACITY_BOUNDS.items():
        _whole(values, name, bound, errors)
    if values.get("visibility") not in Visibility.values:
        errors["visibility"] = _("Choose who sees the profile.")
    values["is_active"] = bool(values.get("is_active"))
    if errors:
        raise ValidationError(errors)
    return values


def _directions(park: Park, ids: Collection[int] | None) -> list[Direction] | None:
    if ids is None:
        return None
    wanted = {int(pk) for pk in ids}
    found = list(Direction.all_parks.filter(park=park, pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    return found


#: The role a person holds to keep a profile of each kind (``network.rules.ROLE_OF_KIND``, which
#: the services may not import: rules sit above them).
ROLE_OF_KIND = {
    ProfileKind.MENTOR: Role.MENTOR,
    ProfileKind.EXPERT: Role.EXPERT,
    ProfileKind.INVESTOR: Role.INVESTOR,
    ProfileKind.CUSTOMER: Role.CUSTOMER,
    ProfileKind.PARTNER: Role.PARTNER,
}


def _holds_role(park: Park, user: Any, kind: str) -> bool:
    role = ROLE_OF_KIND.get(ProfileKind(kind)) if kind in ProfileKind.values else None
    return role is not None and has_role(access_for(user, park), role)


def _may_edit(access: ParkAccess, profile: Profile) -> bool:
    """``rules.can_edit_profile``: the holder or the staff, in the profile's park."""
    return (
        in_park(access, profile)
        and access.is_authenticated
        and (is_staff(access) or profile.user_id == access.user.pk)
    )


def _may_view(access: ParkAccess, profile: Profile) -> bool:
    """``rules.can_view_profile`` for a visitor the view let into the network."""
    if not in_park(access, profile):
        return False
    if _may_edit(access, profile):
        return True
    return profile.is_active and profile.visibility == Visibility.PARK


def _duplicate() -> ValidationError:
    return ValidationError(
        {"kind": ValidationError(_("This person already has a profile of this kind."), "duplicate")}
    )


def _unknown_fields(changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"unknown profile fields {sorted(unknown)!r}")


def profile_create(
    *,
    access: ParkAccess,
    user: Any,
    kind: str,
    values: Mapping[str, Any],
    directions: Collection[int] = (),
    now: datetime,
) -> Profile:
    """A profile of ``kind`` for ``user`` (oneself, or any member by the staff) in the access's
    park. ``values``: any of ``PROFILE_FIELDS`` (the rest take their defaults)."""
    park = _park(access)
    _unknown_fields(values)
    refuse_unless(
        access.is_authenticated and (is_staff(access) or user.pk == access.user.pk),
        _("You may keep only your own profiles."),
    )
    if kind not in ProfileKind.values:
        raise ValidationError({"kind": _("Choose a kind of profile.")})
    if not _holds_role(park, user, kind):
        raise ValidationError(
            {"kind": _("A profile of this kind needs the matching role in the park.")},
            code="role",
        )
    cleaned = clean_profile_values({**PROFILE_DEFAULTS, **values})
    chosen = _directions(park, directions) or []
    if Profile.all_parks.filter(park=park, user=user, kind=kind).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            profile = Profile.all_parks.create(park=park, user=user, kind=kind, **cleaned)
            profile.directions.set(chosen)
            touched(park.pk)
    except IntegrityError as error:  # the same profile made by a concurrent request
        raise _duplicate() from error
    return profile


def profile_update(
    *,
    access: ParkAccess,
    profile: Profile,
    changes: Mapping[str, Any],
    directions: Collection[int] | None = None,
    now: datetime,
) -> Profile:
    """Change any of ``PROFILE_FIELDS`` (and the directions, when given) of a profile the visitor
    may edit: their own (while they hold the role) or anyone's (staff). Hiding, showing and
    deactivating are changes of ``visibility`` and ``is_active``."""
    _unknown_fields(changes)
    refuse_unless(_may_edit(access, profile))
    park = _park(access)
    if not is_staff(access) and not _holds_role(park, profile.user, profile.kind):
        raise ValidationError(
            {"kind": _("A profile of this kind needs the matching role in the park.")},
            code="role",
        )
    current = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    cleaned = clean_profile_values({**current, **changes})
    chosen = _directions(park, directions)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.save()
        if chosen is not None:
            profile.directions.set(chosen)
        touched(profile.park_id)
    return profile


def profile_hide(*, access: ParkAccess, profile: Profile, now: datetime) -> Profile:
    return profile_update(
        access=access, profile=profile, changes={"visibility": Visibility.HIDDEN}, now=now
    )


def profile_show(*, access: ParkAccess, profile: Profile, now: datetime) -> Profile:
    return profile_update(
        access=access, profile=profile, changes={"visibility": Visibility.PARK}, now=now
    )


# --- needs ---------------------------------------------------------------------------------


def _may_act_for(access: ParkAccess, company: Company) -> bool:
    if access.park is None or company.park_id != access.park.pk or not access.is_authenticated:
        return False
    if is_staff(access):
        return True
    return company.pk in queries.acting_company_ids(park=access.park, user=access.user)


def _clean_need(seeking: str, summary: str, languages: Any) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    if seeking not in ProfileKind.values:
        errors["seeking"] = _("Choose whom the company looks for.")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Say what the company needs.")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = _("At most %(limit)d characters.") % {"limit": SUMMARY_MAX}
    elif (problem := text_problem(summary, multiline=True)) is not None:
        errors["summary"] = problem
    codes = ""
    try:
        codes = names.join_codes(
            names.parse_codes(_codes(languages), names.LANGUAGE_CODES, field="languages")
        )
    except ValidationError as error:
        errors["languages"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return seeking, summary, codes


def need_create(
    *,
    access: ParkAccess,
    company: Company,
    seeking: str,
    summary: str,
    directions: Collection[int] = (),
    languages: Any = "",
    now: datetime,
) -> Need:
    """What a company looks for: by its team members who act for it, or the staff."""
    if not _may_act_for(access, company):
        raise ValidationError({"company": _("Choose a company you act for.")}, code="forbidden")
    seeking, summary, codes = _clean_need(seeking, summary, languages)
    chosen = _directions(_park(access), directions) or []
    with transaction.atomic():
        need = Need.all_parks.create(
            park_id=company.park_id,
            company=company,
            seeking=seeking,
            summary=summary,
            languages=codes,
            created_by=access.user,
        )
        need.directions.set(chosen)
        touched(company.park_id)
    return need


def need_update(
    *,
    access: ParkAccess,
    need: Need,
    seeking: str,
    summary: str,
    directions: Collection[int] | None = None,
    languages: Any = "",
    is_open: bool = True,
    now: datetime,
) -> Need:
    if not _may_act_for(access, need.company):
        raise ValidationError({"company": _("Choose a company you act for.")}, code="forbidden")
    seeking, summary, codes = _clean_need(seeking, summary, languages)
    chosen = _directions(_park(access), directions)
    with transaction.atomic():
        need.seeking, need.summary, need.languages, need.is_open = seeking, summary, codes, is_open
        need.save()
        if chosen is not None:
            need.directions.set(chosen)
        touched(need.park_id)
    return need


def need_close(*, access: ParkAccess, need: Need, now: datetime) -> Need:
    if not _may_act_for(access, need.company):
        raise ValidationError({"company": _("Choose a company you act for.")}, code="forbidden")
    with transaction.atomic():
        need.is_open = False
        need.save(update_fields=["is_open", "updated_at"])
        touched(need.park_id)
    return need


# --- bookmarks -----------------------------------------------------------------------------


def _check_bookmark(access: ParkAccess, company: Company, profile: Profile) -> None:
    park = _park(access)
    if company.park_id != park.pk or company.pk not in queries.acting_company_ids(
        park=park, user=access.user
    ):
        raise ValidationError({"company": _("Choose a company you act for.")}, code="forbidden")
    if not _may_view(access, profile):
        raise ValidationError({"profile": _("Choose a profile of this park.")}, code="forbidden")


def bookmark_add(
    *, access: ParkAccess, company: Company, profile: Profile, now: datetime
) -> Bookmark:
    """Keep a profile in mind for a company (a second time changes nothing)."""
    _check_bookmark(access, company, profile)
    existing = Bookmark.all_parks.filter(company=company, profile=profile).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            bookmark = Bookmark.all_parks.create(
                park_id=company.park_id, company=company, profile=profile, created_by=access.user
            )
            touched(company.park_id)
    except IntegrityError:  # kept by a concurrent request
        return Bookmark.all_parks.get(company=company, profile=profile)
    return bookmark


def bookmark_remove(
    *, access: ParkAccess, company: Company, profile: Profile, now: datetime
) -> bool:
    """Forget a bookmarked profile; whether there was one. Removing one of a profile that has
    since been hidden is allowed."""
    park = _park(access)
    if company.park_id != park.pk or company.pk not in queries.acting_company_ids(
        park=park, user=access.user
    ):
        raise ValidationError({"company": _("Choose a company you act for.")}, code="forbidden")
    with transaction.atomic():
        deleted, _rows = Bookmark.all_parks.filter(company=company, profile=profile).delete()
        if deleted:
            touched(company.park_id)
    return bool(deleted)
