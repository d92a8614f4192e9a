"""Mentoring: pairings set by staff, goals, the session log with each side's 1–4 rating, the
fit question after the first session (a "not a good fit" answer ends the pairing and opens a
re-match), and ending a pairing.

Sides. The person logging or rating is on the **mentor** side when they hold the pairing's
mentor profile, on the **company** side when they are in the company's team. A session's
``mentor_rating`` / ``company_rating`` is written by that side only.

Ratings. Each side rates a session once, when logging it or later (``session_rate``); it may
change its rating within ``RATING_CHANGE_DAYS`` days of the session's day, after which a given
rating is final (a side that has not rated yet may still add its rating).

Authors. The person who logged a session corrects its topics, notes and length while the
pairing is active, and deletes it within ``DELETE_DAYS`` days of logging it.

Every write declares the network topic (``_common.touched``) and runs in one transaction; a
refusal is a ``ValidationError`` keyed by the field it concerns.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from technopark.companies.models import Company
from technopark.core.localtime import local_today
from technopark.core.scopes import in_park
from technopark.network import queries
from technopark.network.models import (
    Fit,
    MentoringSession,
    Pairing,
    PairingSource,
    PairingStatus,
    Profile,
    SessionFormat,
)
from technopark.network.roles import NETWORK_ROLES
from technopark.network.services import pairings
from technopark.network.services._common import refuse_unless, touched
from technopark.parks.rules import ParkAccess, has_role, is_staff
from technopark.programmes.models import Cohort, Participant

GOALS_MAX = 2000
TOPICS_MAX = 300
NOTES_MAX = 4000
REASON_MAX = 300
DURATION_MIN = 1
DURATION_MAX = 600
RATING_MIN = 1
RATING_MAX = 4
RATING_CHANGE_DAYS = 14
DELETE_DAYS = 7

# Stored as it is (a record, not a message): the pages show the fit's translated label instead.
POOR_FIT_REASON = "not a good fit"

MENTOR = "mentor"
COMPANY = "company"


def _zone(access: ParkAccess) -> str:
    """The park's time zone (its days decide what is past)."""
    return access.park.time_zone if access.park is not None else settings.TIME_ZONE


def _member_ids(access: ParkAccess) -> set[int]:
    if access.park is None:
        return set()
    return queries.member_company_ids(park=access.park, user=access.user)


def _acting_ids(access: ParkAccess) -> set[int]:
    if access.park is None:
        return set()
    return queries.acting_company_ids(park=access.park, user=access.user)


# The services check again what the pages and the API check with ``network.rules`` (which sit
# above the services and may not be imported here): the same predicates, on the same rows.


def _owns(access: ParkAccess, profile: Profile) -> bool:
    return (
        in_park(access, profile) and access.is_authenticated and profile.user_id == access.user.pk
    )


def side_of(access: ParkAccess, pairing: Pairing, member_ids: set[int]) -> str | None:
    """``"mentor"``, ``"company"`` or None (staff and strangers)."""
    if not in_park(access, pairing):
        return None
    # A side takes part in the network: a team row alone (an engineer, someone whose membership
    # ended) makes nobody a side of the pairing.
    if not any(has_role(access, role) for role in NETWORK_ROLES):
        return None
    if _owns(access, pairing.profile):
        return MENTOR
    if pairing.company_id in member_ids:
        return COMPANY
    return None


def _longest(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("At most %(limit)d characters.") % {"limit": limit}, code="max_length"
                )
            }
        )


def _rating(value: int | None) -> None:
    if value is not None and not RATING_MIN <= value <= RATING_MAX:
        raise ValidationError(
            {"rating": ValidationError(_("Rate from 1 to 4."), code="rating_range")}
        )


def _duration(value: int) -> None:
    if not DURATION_MIN <= value <= DURATION_MAX:
        raise ValidationError(
            {
                "duration_minutes": ValidationError(
                    _("A session lasts from 1 to 600 minutes."), code="duration_range"
                )
            }
        )


def _locked(pairing: Pairing) -> Pairing:
    locked = Pairing.all_parks.select_for_update().select_related("profile").get(pk=pairing.pk)
    return locked


# --- pairings ------------------------------------------------------------------------------


def cohort_company_problem(cohort: Cohort | None, company: Company) -> str | None:
    """Why ``company`` may not be paired within ``cohort`` (None when it may)."""
    if cohort is None:
        return None
    if cohort.park_id != company.park_id:
        return _("Choose a cohort of this park.")
    if not Participant.objects.filter(cohort=cohort, company=company).exists():
        return _("The company does not take part in this cohort.")
    return None


def pairing_create_by_staff(
    *,
    access: ParkAccess,
    profile: Profile,
    company: Company,
    cohort: Cohort | None = None,
    goals: str = "",
    now: datetime,
) -> Pairing:
    """Staff pair a mentor of the park with a company of the park (within a cohort the company
    takes part in, when one is given), under the mentor's capacity."""
    refuse_unless(is_staff(access) and in_park(access, company))
    _longest("goals", goals, GOALS_MAX)
    problem = cohort_company_problem(cohort, company)
    if problem is not None:
        raise ValidationError({"cohort": ValidationError(problem, code="cohort")})
    return pairings.pairing_open(
        profile=profile,
        company=company,
        source=PairingSource.STAFF,
        by=access.user,
        now=now,
        cohort=cohort,
        goals=goals.strip(),
    )


def pairing_set_goals(
    *, access: ParkAccess, pairing: Pairing, goals: str, now: datetime
) -> Pairing:
    """Either side or staff write what the pairing works towards (at most 2,000 characters)."""
    member_ids = _member_ids(access)
    refuse_unless(
        in_park(access, pairing)
        and (is_staff(access) or side_of(access, pairing, member_ids) is not None)
        and pairing.status == PairingStatus.ACTIVE
    )
    _longest("goals", goals, GOALS_MAX)
    with transaction.atomic():
        locked = _locked(pairing)
        if locked.status != PairingStatus.ACTIVE:
            raise ValidationError({"goals": _("This mentoring has already ended.")}, code="ended")
        locked.goals = goals.strip()
        locked.save(update_fields=["goals"])
        touched(locked.park_id)
    return locked


def pairing_close(*, access: ParkAccess, pairing: Pairing, reason: str, now: datetime) -> Pairing:
    """Either side (the mentor, or one who acts for the company) or staff end the pairing; the
    mentor's place is free again."""
    if pairing.status != PairingStatus.ACTIVE:
        raise ValidationError({"status": _("This mentoring has already ended.")}, code="ended")
    refuse_unless(
        in_park(access, pairing)
        and (
            is_staff(access)
            or _owns(access, pairing.profile)
            or pairing.company_id in _acting_ids(access)
        )
    )
    _longest("reason", reason, REASON_MAX)
    return pairings.pairing_end(pairing=pairing, by=access.user, now=now, reason=reason.strip())


def _tell_mentor_of_poor_fit(pairing: Pairing) -> None:
    """The mentor hears, in their own language, that the company looks for another mentor."""
    from technopark.notices.services import notify

    profile = Profile.all_parks.select_related("park", "user").get(pk=pairing.profile_id)
    park = profile.park
    first = (park.languages or "").split(",")[0].strip()
    language = first if first in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    notify(
        recipients=[profile.user],
        park=park,
        kind="network.pairing_poor_fit",
        url=reverse("network:pairing", kwargs={"park_slug": park.slug, "pk": pairing.pk}),
        language=language,
        template="network/mentoring/email/poor_fit",
        context={"company": pairing.company.short_name, "park": park.display_name},
        time_zone=park.time_zone,
    )


def pairing_answer_fit(*, access: ParkAccess, pairing: Pairing, fit: str, now: datetime) -> Pairing:
    """The company (one who acts for it) says, once and after the first session, whether the
    mentor fits. "Not a good fit" ends the pairing (its place returns to the mentor, who is told
    politely) so that the company can look for another mentor."""
    if fit not in Fit.values:
        raise ValidationError({"fit": ValidationError(_("Choose an answer."), code="invalid")})
    # The company's side only; whether it may answer now (active, not yet, after a session) is
    # told at the field (``network.rules.can_answer_fit`` decides whether the page offers the question).
    refuse_unless(in_park(access, pairing) and pairing.company_id in _acting_ids(access))
    with transaction.atomic():
        locked = _locked(pairing)
        if locked.status != PairingStatus.ACTIVE:
            raise ValidationError(
                {"fit": ValidationError(_("This mentoring has already ended."), code="ended")}
            )
        if locked.fit:
            raise ValidationError(
                {"fit": ValidationError(_("The fit question is already answered."), code="once")}
            )
        if not MentoringSession.all_parks.filter(pairing=locked).exists():
            raise ValidationError(
                {"fit": ValidationError(_("Answer after the first session."), code="no_session")}
            )
        locked.fit = fit
        locked.fit_answered_at = now
        locked.save(update_fields=["fit", "fit_answered_at"])
        touched(locked.park_id)
        if fit == Fit.POOR:
            locked = pairings.pairing_end(
                pairing=locked, by=access.user, now=now, reason=POOR_FIT_REASON
            )
            _tell_mentor_of_poor_fit(locked)
    return locked


# --- sessions ------------------------------------------------------------------------------


def _held_on_problem(pairing: Pairing, held_on: date, zone: str, now: datetime) -> str | None:
    today = local_today(zone, at=now)
    if held_on > today:
        return _("A session is logged once it has taken place: choose a past day.")
    if held_on < local_today(zone, at=pairing.started_at):
        return _("The session is before the mentoring started.")
    return None


def session_log(
    *,
    access: ParkAccess,
    pairing: Pairing,
    held_on: date,
    duration_minutes: int,
    format: str,
    topics: str = "",
    notes: str = "",
    rating: int | None = None,
    now: datetime,
) -> MentoringSession:
    """Either side of an active pairing logs a session that took place (not in the future, in
    the park's day; not before the pairing started), with its own optional 1–4 rating."""
    member_ids = _member_ids(access)
    side = side_of(access, pairing, member_ids)
    refuse_unless(pairing.status == PairingStatus.ACTIVE and side is not None)
    if format not in SessionFormat.values:
        raise ValidationError({"format": ValidationError(_("Choose a format."), code="invalid")})
    _duration(duration_minutes)
    _longest("topics", topics, TOPICS_MAX)
    _longest("notes", notes, NOTES_MAX)
    _rating(rating)
    problem = _held_on_problem(pairing, held_on, _zone(access), now)
    if problem is not None:
        raise ValidationError({"held_on": ValidationError(problem, code="held_on")})
    with transaction.atomic():
        locked = _locked(pairing)
        if locked.status != PairingStatus.ACTIVE:
            raise ValidationError({"status": _("This mentoring has already ended.")}, code="ended")
        session = MentoringSession.all_parks.create(
            park_id=locked.park_id,
            pairing=locked,
            held_on=held_on,
            duration_minutes=duration_minutes,
            format=format,
            topics=topics.strip(),
            notes=notes.strip(),
            mentor_rating=rating if side == MENTOR else None,
            company_rating=rating if side == COMPANY else None,
            created_by=access.user,
        )
        touched(locked.park_id)
    return session


def rating_problem(session: MentoringSession, side: str, now: datetime, zone: str) -> str | None:
    """Why ``side`` may not (re)rate ``session`` now (None when it may)."""
    current = session.mentor_rating if side == MENTOR else session.company_rating
    if current is None:
        return None
    if local_today(zone, at=now) > session.held_on + timedelta(days=RATING_CHANGE_DAYS):
        return _("A rating can be changed for 14 days after the session.")
    return None


def session_rate(
    *, access: ParkAccess, session: MentoringSession, rating: int, now: datetime
) -> MentoringSession:
    """A side of the pair gives (or, within 14 days of the session, changes) its own rating."""
    pairing = session.pairing
    member_ids = _member_ids(access)
    side = side_of(access, pairing, member_ids)
    if side is None or not in_park(access, session):
        raise ValidationError(_("You may not do this."), code="forbidden")
    if rating is None:
        raise ValidationError({"rating": ValidationError(_("Rate from 1 to 4."), code="required")})
    _rating(rating)
    with transaction.atomic():
        locked = MentoringSession.all_parks.select_for_update().get(pk=session.pk)
        problem = rating_problem(locked, side, now, _zone(access))
        if problem is not None:
            raise ValidationError({"rating": ValidationError(problem, code="rating_final")})
        field = "mentor_rating" if side == MENTOR else "company_rating"
        setattr(locked, field, rating)
        locked.save(update_fields=[field])
        touched(locked.park_id)
    locked.pairing = pairing
    return locked


def can_change_session(access: ParkAccess, session: MentoringSession) -> bool:
    """The author, while the pairing is active."""
    return (
        in_park(access, session)
        and access.is_authenticated
        and session.created_by_id == access.user.pk
        and session.pairing.status == PairingStatus.ACTIVE
    )


def can_delete_session(access: ParkAccess, session: MentoringSession, now: datetime) -> bool:
    """The author, within 7 days of logging it."""
    return can_change_session(access, session) and now - session.created_at <= timedelta(
        days=DELETE_DAYS
    )


def session_update(
    *,
    access: ParkAccess,
    session: MentoringSession,
    duration_minutes: int,
    topics: str,
    notes: str,
    now: datetime,
) -> MentoringSession:
    """The author corrects the length, topics and notes while the pairing is active."""
    refuse_unless(can_change_session(access, session))
    _duration(duration_minutes)
    _longest("topics", topics, TOPICS_MAX)
    _longest("notes", notes, NOTES_MAX)
    with transaction.atomic():
        locked = MentoringSession.all_parks.select_for_update().get(pk=session.pk)
        locked.duration_minutes = duration_minutes
        locked.topics = topics.strip()
        locked.notes = notes.strip()
        locked.save(update_fields=["duration_minutes", "topics", "notes"])
        touched(locked.park_id)
    locked.pairing = session.pairing
    return locked


def session_delete(*, access: ParkAccess, session: MentoringSession, now: datetime) -> None:
    """The author removes a session logged by mistake, within 7 days of logging it."""
    refuse_unless(
        can_delete_session(access, session, now),
        _("Only its author deletes a session, within 7 days of logging it."),
    )
    with transaction.atomic():
        MentoringSession.all_parks.filter(pk=session.pk).delete()
        touched(session.park_id)
