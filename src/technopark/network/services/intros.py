"""Double opt-in introductions: a company asks to be introduced to a profile's holder with a
short forwardable note; the holder accepts (then, and only then, both sides get each other's
contacts by e-mail) or declines with a reason; the company may withdraw; an unanswered request
expires after ``EXPIRY_DAYS`` days.

**What the holder sees before answering**: the note, the company's name, stage and directions,
never the requester's contacts (their e-mail, phone or name is not in the request e-mail).

**Limits**: a company has at most ``OPEN_LIMIT`` requests waiting at once and sends at most
``MONTHLY_LIMIT_PER_KIND`` requests to profiles of one kind in a calendar month (the park's
time zone); one open request per company and profile (the partial unique constraint
``network_intro_one_open``). A holder accepts at most ``intros_per_month`` introductions in a
calendar month of their own time zone; a mentor's acceptance opens a mentoring pairing under the
mentor's ``capacity_mentees`` instead.

**Locking** (the order of ``services._common``): a request locks the company's row (its limits
span rows) and inserts; an acceptance locks the profile row first (``lock_profile``), then the
introduction row, and counts the profile's accepted introductions (or, for a mentor, its active
pairings inside ``pairing_open``) after the lock, so concurrent acceptances never exceed the
capacity. On SQLite every transaction is IMMEDIATE, which serialises them anyway.

E-mails go through ``notices.notify`` (inbox and mail on commit), each in its reader's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from technopark.companies.models import Company, TeamMember
from technopark.network import queries
from technopark.network.models import (
    NOTE_MAX_WORDS,
    Bookmark,
    DeclineReason,
    Introduction,
    IntroStatus,
    PairingSource,
    Profile,
    ProfileKind,
    Visibility,
)
from technopark.network.roles import NETWORK_ROLES, ROLE_OF_KIND
from technopark.network.services._common import lock_profile, touched
from technopark.network.services.pairings import pairing_open
from technopark.notices.services import notify
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess, has_role, is_staff

#: How long a request waits for an answer before it expires.
EXPIRY_DAYS = 14
#: Requests a company may have waiting for an answer at once.
OPEN_LIMIT = 5
#: Requests a company may send to profiles of one kind in a calendar month (park's time zone).
MONTHLY_LIMIT_PER_KIND = 10
#: The longest note and answer, in characters.
NOTE_MAX_CHARS = 1000
ANSWER_MAX_CHARS = 1000
#: How many of the company's bookmarks an e-mail about an ended request offers.
BOOKMARKS_OFFERED = 5


def words(text: str) -> int:
    """How many words ``text`` has (runs of non-space characters)."""
    return len(text.split())


def month_bounds(moment: datetime, zone: str) -> tuple[datetime, datetime]:
    """The calendar month of ``moment`` in the time zone ``zone``: [start, end)."""
    local = moment.astimezone(ZoneInfo(zone))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _park_language(park: Park) -> str:
    first = (park.languages or "").split(",")[0].strip()
    return first if first in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _intro_url(intro: Introduction) -> str:
    return reverse("network:intro", kwargs={"park_slug": intro.park.slug, "pk": intro.pk})


def _person(user: Any) -> str:
    return str(user.full_name or user.email)


def _clean_note(note: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write a short note the holder can forward.")})
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(
            {
                "note": ngettext(
                    "The note is at most %(n)d character long.",
                    "The note is at most %(n)d characters long.",
                    NOTE_MAX_CHARS,
                )
                % {"n": NOTE_MAX_CHARS}
            }
        )
    if words(note) > NOTE_MAX_WORDS:
        raise ValidationError(
            {
                "note": ValidationError(
                    ngettext(
                        "The note is at most %(n)d word long.",
                        "The note is at most %(n)d words long.",
                        NOTE_MAX_WORDS,
                    )
                    % {"n": NOTE_MAX_WORDS},
                    code="too_long",
                )
            }
        )
    return note


def _clean_answer(answer: str) -> str:
    answer = answer.strip()
    if len(answer) > ANSWER_MAX_CHARS:
        raise ValidationError(
            {
                "answer": ngettext(
                    "The answer is at most %(n)d character long.",
                    "The answer is at most %(n)d characters long.",
                    ANSWER_MAX_CHARS,
                )
                % {"n": ANSWER_MAX_CHARS}
            }
        )
    return answer


# The same questions as ``network.rules`` (services sit below rules in the layers, so they ask
# them here, of the locked or freshly read rows).


def _in_network(access: ParkAccess) -> bool:
    """``rules.can_browse``: the staff, founders and the holders of a network role."""
    return access.is_authenticated and (
        is_staff(access) or any(has_role(access, role) for role in NETWORK_ROLES)
    )


def _owns(access: ParkAccess, profile: Profile) -> bool:
    return (
        access.is_authenticated
        and access.park is not None
        and profile.park_id == access.park.pk
        and profile.user_id == access.user.pk
    )


def _answers_for(access: ParkAccess, profile: Profile) -> bool:
    """The visitor may answer for ``profile``: they hold it, it is active, and they still hold
    the park role of its kind (``ROLE_OF_KIND``)."""
    return (
        _owns(access, profile)
        and profile.is_active
        and has_role(access, ROLE_OF_KIND[ProfileKind(profile.kind)])
    )


def _may_ask_for(access: ParkAccess, profile: Profile) -> bool:
    """``rules.can_request_intro`` without the company: the visitor takes part in the network,
    the profile is of their park, active and visible to the park. A hidden profile takes
    requests from nobody, the staff included."""
    if access.park is None or profile.park_id != access.park.pk or not profile.is_active:
        return False
    return _in_network(access) and profile.visibility == Visibility.PARK


# --- asking --------------------------------------------------------------------------------------


def intro_request(
    *, access: ParkAccess, company: Company, profile: Profile, note: str, now: datetime
) -> Introduction:
    """Ask, for ``company``, to be introduced to ``profile``'s holder.

    Refused (``ValidationError`` keyed by the field) unless the visitor acts for the company and
    may ask for the profile (``rules.can_request_intro``: active, visible to them, not their
    own); when the note is empty or too long; when the company already has a request waiting for
    this profile, ``OPEN_LIMIT`` requests waiting, or ``MONTHLY_LIMIT_PER_KIND`` requests to this
    kind this month. Locks the company's row. Tells the holder (without the requester's
    contacts)."""
    park = access.park
    if park is None or company.park_id != park.pk:
        raise ValidationError({"company": _("Choose a company you act for.")})
    acting_ids = queries.acting_company_ids(park=park, user=access.user)
    if company.pk not in acting_ids:
        raise ValidationError({"company": _("Choose a company you act for.")})
    if _owns(access, profile):
        raise ValidationError({"profile": _("You cannot ask to be introduced to yourself.")})
    if not _may_ask_for(access, profile):
        raise ValidationError({"profile": _("This person does not take requests now.")})
    note = _clean_note(note)
    start, end = month_bounds(now, park.time_zone)
    with transaction.atomic():
        # ``no_key``: FOR NO KEY UPDATE, which a pairing inserted for this company (its FOR KEY
        # SHARE on the company) does not wait for (the order of ``services._common``).
        Company.all_parks.select_for_update(no_key=True).filter(pk=company.pk).first()
        # the company's overdue requests expire first (with their e-mails), so that a request
        # past its ``expires_at`` but not yet swept no longer counts as waiting
        overdue = Introduction.all_parks.filter(
            company=company, status=IntroStatus.REQUESTED, expires_at__lte=now
        )
        for pk in list(overdue.order_by("expires_at", "pk").values_list("pk", flat=True)):
            _expire_one(pk, now)
        mine = Introduction.all_parks.filter(company=company)
        if mine.filter(profile=profile, status=IntroStatus.REQUESTED).exists():
            raise _already_waiting()
        if mine.filter(status=IntroStatus.REQUESTED).count() >= OPEN_LIMIT:
            raise ValidationError(
                {
                    "company": ValidationError(
                        ngettext(
                            "Your company has %(n)d request waiting for an answer: wait for "
                            "an answer or withdraw one first.",
                            "Your company has %(n)d requests waiting for an answer: wait for "
                            "an answer or withdraw one first.",
                            OPEN_LIMIT,
                        )
                        % {"n": OPEN_LIMIT},
                        code="open_limit",
                    )
                }
            )
        sent = mine.filter(
            profile__kind=profile.kind, created_at__gte=start, created_at__lt=end
        ).count()
        if sent >= MONTHLY_LIMIT_PER_KIND:
            raise ValidationError(
                {
                    "profile": ValidationError(
                        ngettext(
                            "Your company has sent this month's %(n)d request to people of "
                            "this kind; ask again next month.",
                            "Your company has sent this month's %(n)d requests to people of "
                            "this kind; ask again next month.",
                            MONTHLY_LIMIT_PER_KIND,
                        )
                        % {"n": MONTHLY_LIMIT_PER_KIND},
                        code="monthly_limit",
                    )
                }
            )
        try:
            with transaction.atomic():
                intro = Introduction.all_parks.create(
                    park=park,
                    company=company,
                    profile=profile,
                    requested_by=access.user,
                    note=note,
                    status=IntroStatus.REQUESTED,
                    created_at=now,
                    expires_at=now + timedelta(days=EXPIRY_DAYS),
                )
        except IntegrityError as error:  # the same request sent by a concurrent transaction
            raise _already_waiting() from error
        touched(park.pk)
        intro.park = park
        _tell_holder(intro, company, profile)
    return intro


def _already_waiting() -> ValidationError:
    return ValidationError(
        {
            "profile": ValidationError(
                _("Your company's request to this person already waits for an answer."),
                code="duplicate",
            )
        }
    )


def _tell_holder(intro: Introduction, company: Company, profile: Profile) -> None:
    """The request e-mail: the note, the company's name, stage and directions. Nothing of the
    requester (no name, no e-mail, no phone): contacts come with the acceptance only."""
    notify(
        recipients=[profile.user],
        park=intro.park,
        kind="network.intro_requested",
        url=_intro_url(intro),
        key=f"network.intro:{intro.pk}:requested",
        template="network/email/intro_requested",
        context={
            "park": intro.park.display_name,
            "company": company.short_name,
            "stage": company.get_stage_display() if company.stage else "",
            # through ``all_parks``: the company is of this park, and a command or a thread
            # runs with no park scope
            "directions": [
                direction.name for direction in company.directions(manager="all_parks").all()
            ],
            "kind": profile.get_kind_display(),
            "note": intro.note,
            "expires_at": intro.expires_at,
        },
        language=_park_language(intro.park),
        time_zone=profile.time_zone,
    )


# --- answering -----------------------------------------------------------------------------------


def _locked(intro: Introduction) -> Introduction:
    return (
        # ``of=self``: the joined rows (the profile above all) are not locked here, so the
        # profile's lock is always taken first, by ``lock_profile``.
        Introduction.all_parks.select_for_update(of=("self",))
        .select_related("park", "company", "requested_by", "profile__user")
        .get(pk=intro.pk)
    )


def _must_be_open(intro: Introduction, now: datetime) -> None:
    if intro.status != IntroStatus.REQUESTED:
        raise ValidationError(
            {"status": ValidationError(_("This request is no longer open."), code="closed")}
        )
    if now >= intro.expires_at:
        raise ValidationError(
            {"status": ValidationError(_("This request has expired."), code="expired")}
        )


def intro_accept(
    *, access: ParkAccess, intro: Introduction, now: datetime, answer: str = ""
) -> Introduction:
    """The holder accepts: contacts are exchanged by e-mail to both sides.

    Only the profile's holder, while the request waits and has not expired. Locks the profile
    row, then the introduction's. A mentor's acceptance opens a mentoring pairing
    (``pairing_open``, refused when the mentor has no place left); any other holder is refused
    once they accepted ``intros_per_month`` introductions this month (their time zone)."""
    answer = _clean_answer(answer)
    with transaction.atomic():
        profile = lock_profile(intro.profile_id)
        locked = _locked(intro)
        locked.profile = profile
        if not _answers_for(access, profile):
            raise ValidationError(_("Only the person asked may answer."), code="forbidden")
        _must_be_open(locked, now)
        company_side = _company_side(locked)
        if not company_side:
            raise ValidationError(
                {
                    "status": ValidationError(
                        _(
                            "No one acts for this company any more, so there is no one to "
                            "introduce you to; decline the request instead."
                        ),
                        code="no_company_side",
                    )
                }
            )
        if profile.kind == ProfileKind.MENTOR:
            pairing_open(
                profile=profile,
                company=locked.company,
                source=PairingSource.REQUEST,
                by=access.user,
                now=now,
                introduction=locked,
            )
        else:
            start, end = month_bounds(now, profile.time_zone)
            accepted = Introduction.all_parks.filter(
                profile=profile,
                status=IntroStatus.ACCEPTED,
                answered_at__gte=start,
                answered_at__lt=end,
            ).count()
            if accepted >= profile.intros_per_month:
                raise ValidationError(
                    {
                        "profile": ValidationError(
                            ngettext(
                                "You have accepted the %(n)d introduction a month your "
                                "profile allows; raise it in your profile or answer next month.",
                                "You have accepted the %(n)d introductions a month your "
                                "profile allows; raise it in your profile or answer next month.",
                                profile.intros_per_month,
                            )
                            % {"n": profile.intros_per_month},
                            code="capacity",
                        )
                    }
                )
        locked.status = IntroStatus.ACCEPTED
        locked.answer = answer
        locked.answered_at = now
        locked.answered_by = access.user
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        touched(locked.park_id)
        _tell_both(locked, profile, company_side)
    return locked


def _company_side(intro: Introduction) -> list[Any]:
    """Who gets the holder's contacts on the company's side: the requester while they still
    act for the company; else the company's current acting members (none: no one)."""
    acting = list(
        TeamMember.objects.filter(company_id=intro.company_id, acts_for_company=True)
        .select_related("user")
        .order_by("pk")
    )
    users = {member.user_id: member.user for member in acting}
    if intro.requested_by_id in users:
        return [intro.requested_by]
    return list(users.values())


def _contacts(intro: Introduction, profile: Profile) -> dict[str, Any]:
    holder = profile.user
    return {
        "park": intro.park.display_name,
        "company": intro.company.short_name,
        "requester": _person(intro.requested_by),
        "requester_email": intro.requested_by.email,
        "holder": _person(holder),
        "holder_email": holder.email,
        "holder_phone": profile.phone,
        "headline": profile.headline,
        "note": intro.note,
        "answer": intro.answer,
    }


def _tell_both(intro: Introduction, profile: Profile, company_side: list[Any]) -> None:
    """The introduction e-mail, to each side in their own language, with both sides' contacts.
    The company's half goes to ``company_side`` (the requester, or, when they no longer act for
    the company, its current acting members); the holder's half names them as the contact."""
    contact = company_side[0]
    context = {
        **_contacts(intro, profile),
        "requester": _person(contact),
        "requester_email": contact.email,
    }
    url = _intro_url(intro)
    language = _park_language(intro.park)
    people: list[tuple[Any, str | None]] = [(profile.user, profile.time_zone)]
    people += [(user, None) for user in company_side]
    for who, zone in people:
        notify(
            recipients=[who],
            park=intro.park,
            kind="network.intro_accepted",
            url=url,
            key=f"network.intro:{intro.pk}:accepted",
            template="network/email/intro_accepted",
            context={**context, "to_holder": who.pk == profile.user_id},
            language=language,
            time_zone=zone or intro.park.time_zone,
        )


def intro_decline(
    *, access: ParkAccess, intro: Introduction, reason: str, answer: str, now: datetime
) -> Introduction:
    """The holder declines with a reason (a ``DeclineReason`` code) and an optional answer; the
    requester is told and offered the next suggestions and the company's bookmarks."""
    if reason not in DeclineReason.values:
        raise ValidationError({"decline_reason": _("Choose a reason.")})
    answer = _clean_answer(answer)
    with transaction.atomic():
        locked = _locked(intro)
        if not _answers_for(access, locked.profile):
            raise ValidationError(_("Only the person asked may answer."), code="forbidden")
        _must_be_open(locked, now)
        locked.status = IntroStatus.DECLINED
        locked.decline_reason = reason
        locked.answer = answer
        locked.answered_at = now
        locked.answered_by = access.user
        locked.save(
            update_fields=["status", "decline_reason", "answer", "answered_at", "answered_by"]
        )
        touched(locked.park_id)
        _tell_requester(locked, "declined")
    return locked


def intro_withdraw(*, access: ParkAccess, intro: Introduction, now: datetime) -> Introduction:
    """Someone acting for the company withdraws its waiting request (``answered_at``/``_by``
    record who closed it and when)."""
    with transaction.atomic():
        locked = _locked(intro)
        park = locked.park
        acting_ids = queries.acting_company_ids(park=park, user=access.user)
        if not _in_network(access) or locked.company_id not in acting_ids:
            raise ValidationError(
                _("Only someone acting for the company may withdraw."), code="forbidden"
            )
        _must_be_open(locked, now)
        locked.status = IntroStatus.WITHDRAWN
        locked.answered_at = now
        locked.answered_by = access.user
        locked.save(update_fields=["status", "answered_at", "answered_by"])
        touched(locked.park_id)
    return locked


def intros_expire(*, now: datetime, park: Park | None = None) -> int:
    """Every waiting request past its ``expires_at`` becomes expired; each requester is told and
    offered the next suggestions and their bookmarks. Idempotent (an expired request is left
    alone); one transaction per request, its row locked. Returns how many expired."""
    due = Introduction.all_parks.filter(status=IntroStatus.REQUESTED, expires_at__lte=now)
    if park is not None:
        due = due.filter(park=park)
    expired = 0
    for pk in list(due.order_by("expires_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            expired += _expire_one(pk, now)
    return expired


def _expire_one(pk: int, now: datetime) -> int:
    """Expire one waiting request past its ``expires_at`` (its row locked; inside the caller's
    transaction) and tell the requester. 1 when it expired, 0 when answered meanwhile."""
    locked = (
        Introduction.all_parks.select_for_update(of=("self",))
        .select_related("park", "company", "requested_by", "profile")
        .get(pk=pk)
    )
    if locked.status != IntroStatus.REQUESTED or locked.expires_at > now:
        return 0  # answered meanwhile
    locked.status = IntroStatus.EXPIRED
    locked.save(update_fields=["status"])
    touched(locked.park_id)
    _tell_requester(locked, "expired")
    return 1


def _tell_requester(intro: Introduction, what: str) -> None:
    """A declined or expired request: the requester is told, with a link to the next
    suggestions for the company and the company's other bookmarks."""
    park = intro.park
    bookmarks = list(
        Bookmark.all_parks.filter(
            company_id=intro.company_id,
            profile__is_active=True,
            profile__visibility=Visibility.PARK,
        )
        .exclude(profile_id=intro.profile_id)
        .select_related("profile")
        .order_by("-created_at", "pk")[:BOOKMARKS_OFFERED]
    )
    suggestions = reverse("network:suggestions", kwargs={"park_slug": park.slug})
    notify(
        recipients=[intro.requested_by],
        park=park,
        kind=f"network.intro_{what}",
        url=_intro_url(intro),
        key=f"network.intro:{intro.pk}:{what}",
        template=f"network/email/intro_{what}",
        context={
            "park": park.display_name,
            "company": intro.company.short_name,
            "headline": intro.profile.headline,
            "reason": DeclineReason(intro.decline_reason).label if intro.decline_reason else "",
            "answer": intro.answer,
            "suggestions_url": f"{settings.TECHNOPARK_SITE_URL.rstrip('/')}{suggestions}"
            f"?company={intro.company_id}",
            "bookmarks": [bookmark.profile.headline for bookmark in bookmarks],
            "bookmarks_url": settings.TECHNOPARK_SITE_URL.rstrip("/")
            + reverse("network:bookmarks", kwargs={"park_slug": park.slug}),
        },
        language=_park_language(park),
        time_zone=park.time_zone,
    )
