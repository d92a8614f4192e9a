"""Every write to companies, their teams and their stage history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import (
    Company,
    Stage,
    StageChange,
    TeamChange,
    TeamChangeKind,
    TeamInvitation,
    TeamInvitationStatus,
    TeamMember,
)
from technopark.companies.validators import validate_inn_ogrn_pair
from technopark.core.fragments import writes
from technopark.core.scopes import in_park
from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Site

# Fields a person may set directly; stage goes through ``company_change_stage`` for its history.
EDITABLE_FIELDS = (
    "legal_name",
    "short_name",
    "inn",
    "ogrn",
    "region",
    "is_sme",
    "founded_on",
    "website",
    "description",
    "site",
    "started_in_park",
    "supported_by_park",
)


def _check_park_refs(
    *, park: Park, site: Site | None, directions: Iterable[Direction] | None
) -> None:
    if site is not None and not in_park(park, site):
        raise ValidationError({"site": _("Choose a site of this park.")})
    if directions is not None and not all(in_park(park, d) for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})


def _validate_and_save(company: Company) -> None:
    company.full_clean(exclude=["park", "created_by", "directions"], validate_unique=False)
    validate_inn_ogrn_pair(company.inn, company.ogrn)
    if (
        Company.all_parks.filter(park_id=company.park_id, inn=company.inn)
        .exclude(pk=company.pk)
        .exists()
    ):
        raise ValidationError({"inn": _("A company with this INN is already in the park.")})
    company.refresh_search_text()
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as error:  # a concurrent create with the same INN
        raise ValidationError(
            {"inn": _("A company with this INN is already in the park.")}
        ) from error


@transaction.atomic
def company_create(
    *,
    park: Park,
    actor: User,
    legal_name: str,
    short_name: str,
    inn: str,
    ogrn: str,
    region: str,
    stage: str = Stage.IDEA,
    directions: Iterable[Direction] = (),
    position: str | None = None,
    **fields: Any,
) -> Company:
    """Create a company in ``park``.

    Validates INN and OGRN check digits and their pairing, and INN uniqueness within the park.
    When ``position`` is given the actor joins the team with it (a founder registering their own
    company) and acts for the company. The first stage is recorded in the history.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown company fields: {sorted(unknown)}")
    directions = list(directions)
    _check_park_refs(park=park, site=fields.get("site"), directions=directions)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    company = Company(
        park=park,
        legal_name=legal_name.strip(),
        short_name=short_name.strip(),
        inn=inn.strip(),
        ogrn=ogrn.strip(),
        region=region,
        stage=stage,
        created_by=actor,
        **fields,
    )
    _validate_and_save(company)
    company.directions.set(directions)
    StageChange.objects.create(company=company, from_stage="", to_stage=stage, changed_by=actor)
    if position is not None:
        TeamMember.objects.create(
            company=company, user=actor, position=position.strip() or _("Founder")
        )
    writes("companies", park_id=park.pk)
    return company


@transaction.atomic
def company_update(
    *,
    company: Company,
    actor: User,
    directions: Iterable[Direction] | None = None,
    stage: str | None = None,
    stage_evidence: str = "",
    **changes: Any,
) -> Company:
    """Change a company's data. A new stage goes through ``company_change_stage``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown company fields: {sorted(unknown)}")
    directions = list(directions) if directions is not None else None
    locked = Company.all_parks.select_for_update().get(park_id=company.park_id, pk=company.pk)
    _check_park_refs(park=locked.park, site=changes.get("site"), directions=directions)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _validate_and_save(locked)
    if directions is not None:
        locked.directions.set(directions)
    if stage is not None and stage != locked.stage:
        # Records the step and marks the park's pages stale, for this change as a whole.
        company_change_stage(company=locked, actor=actor, to_stage=stage, evidence=stage_evidence)
    else:
        writes("companies", park_id=locked.park_id)
    return locked


@transaction.atomic
def company_change_stage(
    *, company: Company, actor: User, to_stage: str, evidence: str = ""
) -> StageChange:
    """Move a company to another stage and keep the step in its history. Locks the company row."""
    if to_stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    locked = Company.all_parks.select_for_update().get(park_id=company.park_id, pk=company.pk)
    if locked.stage == to_stage:
        raise ValidationError({"stage": _("The company is already at this stage.")})
    change = StageChange.objects.create(
        company=locked,
        from_stage=locked.stage,
        to_stage=to_stage,
        changed_by=actor,
        evidence=evidence.strip(),
    )
    locked.stage = to_stage
    locked.save(update_fields=["stage", "updated_at"])
    company.stage = to_stage
    writes("companies", park_id=locked.park_id)
    return change


def _is_active_member(*, park_id: int, user: Any) -> bool:
    return (
        bool(getattr(user, "is_active", False))
        and Membership.all_parks.filter(
            park_id=park_id, user=user, status=MembershipStatus.ACTIVE
        ).exists()
    )


def _check_position(position: str) -> str:
    position = position.strip()
    if not position:
        raise ValidationError({"position": _("Give the person's position in the company.")})
    if len(position) > 120:
        raise ValidationError({"position": _("A position has at most 120 characters.")})
    return position


def _team_changed(*, company: Company, user: Any, kind: str, actor: Any) -> None:
    """Keep the change (managers see it on the applications it may touch) and audit it."""
    TeamChange.objects.create(company=company, user=user, kind=kind, by=actor)
    audit_record(
        park=company.park,
        actor=actor,
        action=f"companies.team_{'join' if kind == TeamChangeKind.JOINED else 'leave'}",
        target=company,
        summary=f"{company.short_name}: {user.email} {kind}",
        before={"member": kind == TeamChangeKind.LEFT, "user": user.pk},
        after={"member": kind == TeamChangeKind.JOINED, "user": user.pk},
    )


@transaction.atomic
def team_member_add(
    *,
    company: Company,
    user: Any,
    position: str,
    acts_for_company: bool = True,
    actor: Any = None,
) -> TeamMember:
    """Put ``user`` in the company's team with ``position``, with their consent already given.

    The pages and the API never call this for someone else: they offer a seat
    (``team_member_invite_by_email``) and the person's acceptance calls it
    (``team_invitation_accept``); demo seeding calls it directly. The person must be active and
    hold an active role in the company's park, and not be in the team yet; the position must be
    given. A concurrent add of the same person is refused too. The change is kept
    (``TeamChange``) and audited (``companies.team_join``).
    """
    position = _check_position(position)
    if not _is_active_member(park_id=company.park_id, user=user):
        raise ValidationError(
            {"user": _("This person is not an active member of the park: invite them first.")}
        )
    if TeamMember.objects.filter(company=company, user=user).exists():
        raise ValidationError({"user": _("This person is already in the team.")})
    writes("companies", park_id=company.park_id)  # teams decide who acts for a company
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                company=company, user=user, position=position, acts_for_company=acts_for_company
            )
    except IntegrityError as error:  # the same person added at the same moment
        raise ValidationError({"user": _("This person is already in the team.")}) from error
    _team_changed(company=company, user=user, kind=TeamChangeKind.JOINED, actor=actor or user)
    return member


@transaction.atomic
def team_member_invite_by_email(
    *,
    company: Company,
    email: str,
    position: str,
    acts_for_company: bool = True,
    actor: Any,
) -> TeamInvitation:
    """Offer the park member with ``email`` a seat in the team; they join once they accept.

    Until then the offer counts for nothing: it is not a team member (not in the public team,
    not a conflict of interest, no right to act for the company). Every refusal names the
    ``email`` field; no person's existence outside the park is revealed (an unknown address and
    a non-member get the same answer). One open offer per person and company (a constraint).
    """
    position = _check_position(position)
    address = email.strip()
    user = User.objects.filter(email__iexact=address).first() if address else None
    if user is None or not _is_active_member(park_id=company.park_id, user=user):
        raise ValidationError(
            {"email": _("No active member of the park has this e-mail address: invite them first.")}
        )
    if TeamMember.objects.filter(company=company, user=user).exists():
        raise ValidationError({"email": _("This person is already in the team.")})
    if TeamInvitation.objects.filter(
        company=company, user=user, status=TeamInvitationStatus.PENDING
    ).exists():
        raise ValidationError({"email": _("This person has already been asked to join the team.")})
    writes("companies", park_id=company.park_id)
    try:
        with transaction.atomic():
            return TeamInvitation.objects.create(
                company=company,
                user=user,
                position=position,
                acts_for_company=acts_for_company,
                invited_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("This person has already been asked to join the team.")}
        ) from error


def _locked_pending(invitation: TeamInvitation, actor: Any) -> TeamInvitation:
    locked = (
        TeamInvitation.objects.select_for_update()
        .select_related("company__park", "user")
        .get(pk=invitation.pk)
    )
    if locked.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if locked.status != TeamInvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered."))
    return locked


@transaction.atomic
def team_invitation_accept(*, invitation: TeamInvitation, actor: Any) -> TeamMember:
    """The invited person says yes and joins the team. Only they may. Locks the invitation."""
    locked = _locked_pending(invitation, actor)
    member = team_member_add(
        company=locked.company,
        user=locked.user,
        position=locked.position,
        acts_for_company=locked.acts_for_company,
        actor=actor,
    )
    locked.status = TeamInvitationStatus.ACCEPTED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    return member


@transaction.atomic
def team_invitation_decline(*, invitation: TeamInvitation, actor: Any) -> TeamInvitation:
    """The invited person says no; nothing else changes. Only they may. Locks the invitation."""
    locked = _locked_pending(invitation, actor)
    locked.status = TeamInvitationStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    writes("companies", park_id=locked.company.park_id)
    return locked


def team_member_removal_problem(
    *, member: TeamMember, team: Sequence[TeamMember]
) -> ValidationError | None:
    """Why ``member`` cannot leave ``team`` (the company's whole team), or ``None``: a company
    that has a representative (a member who acts for it) always keeps one, so its last one cannot
    leave. No query: the page asks it of the team it shows, to offer only what will be accepted;
    ``team_member_remove`` asks it again of the team read under the lock."""
    if not member.acts_for_company:
        return None
    if any(other.acts_for_company for other in team if other.pk != member.pk):
        return None
    return ValidationError(
        {
            "member": _(
                "%(name)s is the only person who acts for the company, so they cannot leave the "
                "team: first add another team member who acts for the company."
            )
            % {"name": member.user.full_name or member.user.email}
        }
    )


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: Any = None) -> None:
    """Take a person out of a company's team; their park membership stays. The change is kept
    (``TeamChange``) and audited (``companies.team_leave``).

    A company always keeps at least one representative: removing the last member who acts for
    it is refused (``team_member_removal_problem``) and changes nothing. Locking: the company row
    (``select_for_update``), so two representatives removed at the same moment cannot both go.
    """
    company = Company.all_parks.select_for_update().select_related("park").get(pk=member.company_id)
    team = list(TeamMember.objects.select_related("user").filter(company_id=company.pk))
    locked = next((other for other in team if other.pk == member.pk), None)
    if locked is None:
        raise ValidationError({"member": _("This person is no longer in the team.")})
    problem = team_member_removal_problem(member=locked, team=team)
    if problem is not None:
        raise problem
    user = locked.user
    locked.delete()
    _team_changed(company=company, user=user, kind=TeamChangeKind.LEFT, actor=actor)
    writes("companies", park_id=company.park_id)
