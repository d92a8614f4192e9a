"""Account pages (profile, API tokens, accepting an invitation) and the people page of a park."""

from __future__ import annotations

from itertools import groupby
from typing import Any, cast

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from technopark.accounts import queries, rules, services
from technopark.accounts.forms import ApiTokenForm, InvitationForm, ProfileForm
from technopark.accounts.http import remember_language
from technopark.accounts.models import ApiToken, Invitation, User
from technopark.core.confirm import confirmation, confirmed
from technopark.parks import agenda
from technopark.parks import services as park_services
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Role
from technopark.parks.rules import ParkAccess

# --- The person's own account ---------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Name (editable), e-mail, roles in every park, and the ways to secure the account."""
    user = cast(User, request.user)  # login_required: never anonymous here
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.user_update_profile(
                    user=user,
                    full_name=form.cleaned_data["full_name"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if user.language:
                    # This very answer (the message and the redirect) in the language chosen.
                    translation.activate(user.language)
                messages.success(request, _("Your profile has been saved."))
                response = redirect("accounts:profile")
                remember_language(response, user.language)
                return response
    else:
        form = ProfileForm(initial={"full_name": user.full_name, "language": user.language})
    memberships = list(queries.memberships_of_user(user=user))
    parks = [(park, list(rows)) for park, rows in groupby(memberships, key=lambda m: m.park)]
    is_staff_anywhere = user.is_platform_admin or any(
        m.role in STAFF_ROLES and m.status == MembershipStatus.ACTIVE for m in memberships
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "parks": parks,
            "email_addresses": list(queries.email_addresses(user=user)),
            "has_totp": queries.has_totp(user=user),
            "mfa_required": settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF,
            "mfa_required_for_me": settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF and is_staff_anywhere,
        },
    )


# How many items of each park the personal page shows (the park's home shows them all).
TOP_ITEMS = 5


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The person's page across parks: each park they belong to with what waits for them there
    (its agenda, cached per park and person), their pending join requests and invitations.

    One query for the memberships and one for the invitations; each park's agenda comes from
    the cache, or runs its providers once after a write in that park."""
    user = cast(User, request.user)  # login_required: never anonymous here
    memberships = list(queries.memberships_of_user(user=user))
    parks = []
    for park, rows in groupby(memberships, key=lambda m: m.park):
        roles = [m for m in rows]
        active = frozenset(m.role for m in roles if m.status == MembershipStatus.ACTIVE)
        requested = frozenset(m.role for m in roles if m.status == MembershipStatus.REQUESTED)
        items: list[agenda.Item] = []
        if active:
            access = ParkAccess(user=user, park=park, roles=active, requested_roles=requested)
            items = agenda.cached_agenda(request, park=park, access=access)
        parks.append(
            {
                "park": park,
                "roles": [Role(role).label for role in Role.values if role in active],
                "requested": bool(requested) and not active,
                "items": items[:TOP_ITEMS],
                "more": max(len(items) - TOP_ITEMS, 0),
                "count": sum(item.count for item in items),
            }
        )
    return render(
        request,
        "accounts/me.html",
        {"my_parks": parks, "invitations": queries.open_invitations_to(user=user)},
    )


@never_cache
@login_required
@reauthentication_required(allow_get=True)
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens; creating one shows its secret on this response only.

    Creating one (POST) needs a recent re-authentication: allauth asks for the password (or
    the second factor) and then replays the form.
    """
    user = cast(User, request.user)  # login_required: never anonymous here
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                created = services.api_token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    days=form.cleaned_data["days"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": list(queries.api_tokens(user=user)),
            "created_token": created[0] if created else None,
            "created_secret": created[1] if created else None,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None and not confirmed(request):
        return confirmation(
            request,
            title=_("Revoke the token “%(name)s”?") % {"name": token.name},
            message=_(
                "Programs that use this token lose access at once. A revoked token cannot be "
                "restored: create a new one."
            ),
            action=_("Revoke the token"),
            back=reverse("accounts:tokens"),
        )
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@never_cache
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    """The holder of the invited address confirms and gets the role; others sign in first.

    A signed-in person who does not hold the invited address (confirmed) is refused, and
    nothing changes.
    """
    invitation = services.invitation_by_secret(secret=secret)
    if invitation is None:
        raise Http404(_("No such invitation."))
    if not invitation.is_open:
        return _invitation_closed(request, invitation)
    if not request.user.is_authenticated:
        # Who invited, to which park and role; then sign up with the invited address filled in
        # (or sign in), and come back here to accept.
        has_account = User.objects.filter(email__iexact=invitation.email).exists()
        back = request.get_full_path()
        return render(
            request,
            "accounts/invitation_accept.html",
            {
                "invitation": invitation,
                "has_account": has_account,
                "signup_url": reverse("account_signup")
                + "?"
                + urlencode({"next": back, "email": invitation.email}),
                "login_url": reverse("account_login") + "?" + urlencode({"next": back}),
            },
        )
    if not services.invitation_is_for(invitation=invitation, user=request.user):
        return _invitation_other_address(request, invitation)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationForAnotherAddress:
            return _invitation_other_address(request, invitation)
        except ValidationError:
            return _invitation_closed(request, invitation)
        messages.success(
            request,
            _("Welcome to %(park)s. You are now: %(role)s.")
            % {"park": invitation.park.display_name, "role": invitation.get_role_display()},
        )
        return redirect("parks:home", park_slug=invitation.park.slug)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def _invitation_other_address(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Refuse, and say how to go on: sign in with the invited address (or confirm it)."""
    return render(
        request,
        "accounts/invitation_other_address.html",
        {"invitation": invitation},
        status=403,
    )


def _invitation_closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return render(
        request, "accounts/invitation_closed.html", {"invitation": invitation}, status=410
    )


# --- The people of a park -------------------------------------------------------------------------


def _people_page(request: HttpRequest, form: InvitationForm) -> HttpResponse:
    park = request.park  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/people.html",
        {"people": queries.people_of_park(park=park), "form": form},
    )


def _check_can_manage(request: HttpRequest) -> Any:
    """The visitor's access, once they may manage the park's people; 403 otherwise."""
    access = request.access  # type: ignore[attr-defined]
    if not rules.can_view_people(access):
        raise PermissionDenied
    return access


@login_required
def members(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Members by role, join requests, open invitations and the invitation form (staff only)."""
    _check_can_manage(request)
    return _people_page(request, InvitationForm())


@login_required
@require_POST
def invitation_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = _check_can_manage(request)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _people_page(request, form)
    try:
        invitation, _secret = services.invitation_create(
            park=request.park,  # type: ignore[attr-defined]
            access=access,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            base_url=request.build_absolute_uri("/"),
        )
    except PermissionDenied:
        form.add_error("role", _("Only park administrators can invite people to this role."))
        return _people_page(request, form)
    except ValidationError as error:
        form.add_error(None, error)
        return _people_page(request, form)
    messages.success(
        request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
    )
    return redirect("people:members", park_slug=park_slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = _check_can_manage(request)
    invitation: Invitation = get_object_or_404(Invitation.objects, pk=pk)
    if not rules.can_revoke_invitation(access, invitation):
        raise PermissionDenied
    if invitation.is_open and not confirmed(request):
        return confirmation(
            request,
            title=_("Revoke the invitation to %(email)s?") % {"email": invitation.email},
            message=_(
                "The link in the invitation stops working. You can invite the address again."
            ),
            action=_("Revoke the invitation"),
            back=reverse("people:members", kwargs={"park_slug": park_slug}),
        )
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(
        request, _("The invitation to %(email)s has been revoked.") % {"email": invitation.email}
    )
    return redirect("people:members", park_slug=park_slug)


def _membership_for_decision(request: HttpRequest, pk: int, status: str) -> Membership:
    access = _check_can_manage(request)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, status=status)
    if not rules.can_decide_membership(access, membership):
        raise PermissionDenied
    return membership


@login_required
@require_POST
def membership_approve(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    membership = _membership_for_decision(request, pk, MembershipStatus.REQUESTED)
    try:
        park_services.membership_approve(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(person)s has joined the park.") % {"person": membership.user}
        )
    return redirect("people:members", park_slug=park_slug)


@login_required
@require_POST
def membership_decline(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    membership = _membership_for_decision(request, pk, MembershipStatus.REQUESTED)
    if not confirmed(request):
        person = membership.user.full_name or membership.user.email
        return confirmation(
            request,
            title=_("Decline the request of %(person)s?") % {"person": person},
            message=_(
                "%(person)s asked to join as “%(role)s”. The request is removed; they may ask "
                "again."
            )
            % {"role": membership.get_role_display(), "person": person},
            action=pgettext("join request", "Decline"),
            back=reverse("people:members", kwargs={"park_slug": park_slug}),
        )
    park_services.membership_remove(membership=membership, actor=request.user)
    messages.success(
        request, _("The request of %(person)s has been declined.") % {"person": membership.user}
    )
    return redirect("people:members", park_slug=park_slug)


@login_required
@require_POST
def membership_remove(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    membership = _membership_for_decision(request, pk, MembershipStatus.ACTIVE)
    problem = park_services.membership_removal_problem(membership=membership)
    if problem is None and not confirmed(request):
        person = membership.user.full_name or membership.user.email
        return confirmation(
            request,
            title=_("Take the role “%(role)s” away from %(person)s?")
            % {"role": membership.get_role_display(), "person": person},
            message=_(
                "%(person)s will no longer be able to act as “%(role)s” in this park. Their "
                "account, their other roles and what they did stay. The role can be given "
                "again by an invitation."
            )
            % {"role": membership.get_role_display(), "person": person},
            action=_("Take the role away"),
            back=reverse("people:members", kwargs={"park_slug": park_slug}),
        )
    try:
        if problem is not None:
            raise problem
        park_services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s no longer holds the role “%(role)s”.")
            % {"person": membership.user, "role": membership.get_role_display()},
        )
    return redirect("people:members", park_slug=park_slug)
