"""Pages of the profiles part: the directory, a profile, one's own profiles and their forms,
companies' needs and bookmarks.

Every page is for the network's browsers (``rules.can_browse``); anyone else, another park's
record and a profile the visitor may not see are a 404. Contacts are shown only when
``rules.can_see_contacts`` allows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from technopark.companies.models import Company, Stage
from technopark.core.localtime import zone_name
from technopark.core.params import ID, PAGE, Choice, param_value, parse_or_none
from technopark.network import names, queries, rules
from technopark.network.forms.profiles import BookmarkForm, NeedForm, ProfileForm, profile_initial
from technopark.network.models import Need, ProfileKind
from technopark.network.queries import profiles as profile_queries
from technopark.network.services import profiles as services
from technopark.parks.http import access_of, park_of
from technopark.parks.models import Membership, MembershipStatus
from technopark.parks.rules import ParkAccess, access_for, has_role, is_staff


def gate(request: HttpRequest) -> ParkAccess:
    """The visitor's access, or 404 for anyone who does not take part in the network."""
    access = access_of(request)
    if not rules.can_browse(access):
        raise Http404(_("No such page in this park."))
    return access


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def describe(profile: Any, *, language: str, now: datetime) -> None:
    """Put into words what a card or a page shows of a profile (no query)."""
    profile.kind_label = ProfileKind(profile.kind).label
    profile.country_label = names.country_name(profile.country, language)
    profile.language_labels = [
        names.language_name(code, language) for code in profile.language_codes
    ]
    try:
        profile.zone_label = zone_name(profile.time_zone, language, at=now)
    except Exception:  # an unknown zone written before the check: shown as stored
        profile.zone_label = profile.time_zone
    mentees = getattr(profile, "mentees", None)
    profile.places_left = (
        max(profile.capacity_mentees - mentees, 0)
        if profile.kind == ProfileKind.MENTOR and mentees is not None
        else None
    )


@login_required
def directory(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    language = _language()
    now = timezone.now()
    filters = profile_queries.DirectoryFilters.from_params(request.GET)
    rows = profile_queries.directory(park=park, access=access, filters=filters)
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(
        param_value(request.GET, "page", PAGE, 1)
    )
    cards = list(page.object_list)
    for card in cards:
        describe(card, language=language, now=now)
    params = request.GET.copy()
    params.pop("page", None)
    refused_labels = {
        "kind": pgettext("kind of a network profile", "kind"),
        "direction": _("direction"),
        "language": _("language"),
        "country": _("country"),
        "q": _("search"),
    }
    return render(
        request,
        "network/directory.html",
        {
            "park": park,
            "page": page,
            "cards": cards,
            "filters": filters,
            "refused": [refused_labels[name] for name in filters.refused],
            "query": params.urlencode(),
            "kinds": ProfileKind.choices,
            "directions": profile_queries.park_directions(park=park),
            "languages": names.language_choices(language),
            "countries": names.country_choices(language),
            "q_max": profile_queries.Q_MAX,
        },
    )


def _profile_or_404(request: HttpRequest, access: ParkAccess, pk: int) -> Any:
    found = profile_queries.profile_detail(park=park_of(request), pk=pk)
    if found is None or not rules.can_view_profile(access, found):
        raise Http404(_("No such profile in this park."))
    return found


@login_required
def profile(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    found = _profile_or_404(request, access, pk)
    describe(found, language=_language(), now=timezone.now())
    member_ids = queries.member_company_ids(park=park, user=request.user)
    acting_ids = queries.acting_company_ids(park=park, user=request.user)
    owner = rules.owns_profile(access, found)
    needs_connection = not (is_staff(access) or owner) and bool(member_ids)
    connected = profile_queries.connected_company_ids(found) if needs_connection else set()
    contacts = rules.can_see_contacts(access, found, member_ids, connected)
    companies = []
    if acting_ids and not owner:
        bookmarked = profile_queries.bookmarked_company_ids(profile=found, company_ids=acting_ids)
        for company in profile_queries.companies_named(park=park, company_ids=acting_ids):
            companies.append(
                {
                    "company": company,
                    "can_request": rules.can_request_intro(access, found, company.pk, acting_ids),
                    "bookmarked": company.pk in bookmarked,
                }
            )
    return render(
        request,
        "network/profile.html",
        {
            "park": park,
            "profile": found,
            "contacts": contacts,
            "companies": companies,
            "can_edit": rules.can_edit_profile(access, found),
            "stage_labels": _stage_labels(found.stage_codes),
        },
    )


def _stage_labels(codes: list[str]) -> list[str]:
    labels = dict(Stage.choices)
    return [str(labels.get(code, code)) for code in codes]


@login_required
def my_profiles(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    language = _language()
    now = timezone.now()
    rows = list(profile_queries.own_profiles(park=park, user=request.user))
    for row in rows:
        describe(row, language=language, now=now)
    held = {row.kind for row in rows}
    creatable = [
        (kind, ProfileKind(kind).label) for kind in rules.kinds_held(access) if kind not in held
    ]
    return render(
        request,
        "network/my_profiles.html",
        {"park": park, "rows": rows, "creatable": creatable, "staff": is_staff(access)},
    )


def _holder(request: HttpRequest, access: ParkAccess) -> Any:
    """The person a new profile is for: oneself, or (staff) the member ``?user=<id>``."""
    raw = request.GET.get("user")
    if not raw:
        return request.user
    if not is_staff(access):
        raise Http404
    pk = parse_or_none(ID, raw)
    membership = (
        Membership.objects.filter(park=park_of(request), user_id=pk, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .first()
        if pk is not None
        else None
    )
    if membership is None:
        raise Http404(_("No such member in this park."))
    return membership.user


def _kinds_of(request: HttpRequest, holder: Any) -> list[str]:
    held = access_for(holder, park_of(request))
    return [kind for kind, role in rules.ROLE_OF_KIND.items() if has_role(held, role)]


@login_required
@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    holder = _holder(request, access)
    allowed = _kinds_of(request, holder)
    kind = parse_or_none(Choice.of(ProfileKind.values), request.GET.get("kind"))
    language = _language()
    directions = profile_queries.park_directions(park=park)
    context: dict[str, Any] = {"park": park, "holder": holder, "is_self": holder == request.user}
    if kind is None or kind not in allowed:
        # Every link here names a kind the holder's roles allow (the home and "My profiles"
        # offer them): no kind, or one the roles do not allow, is a page that does not exist.
        raise Http404
    form = ProfileForm(
        request.POST or None,
        language=language,
        directions=directions,
        initial={
            **services.PROFILE_DEFAULTS,
            "languages": ["ru"],
            "organisation": "",
            "time_zone": park.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.profile_create(
                access=access,
                user=holder,
                kind=str(kind),
                values=form.values(),
                directions=form.cleaned_data["directions"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("network:profile", park_slug=park.slug, pk=created.pk)
    context.update({"form": form, "kind": kind, "kind_label": ProfileKind(str(kind)).label})
    return render(request, "network/profile_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    found = _profile_or_404(request, access, pk)
    if not rules.can_edit_profile(access, found):
        raise Http404(_("No such profile in this park."))
    form = ProfileForm(
        request.POST or None,
        language=_language(),
        directions=profile_queries.park_directions(park=park),
        initial=profile_initial(found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                access=access,
                profile=found,
                changes=form.values(),
                directions=form.cleaned_data["directions"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("network:profile", park_slug=park.slug, pk=found.pk)
    return render(
        request,
        "network/profile_form.html",
        {
            "park": park,
            "form": form,
            "profile": found,
            "kind": found.kind,
            "kind_label": ProfileKind(found.kind).label,
            "holder": found.user,
            "is_self": found.user_id == request.user.pk,
        },
    )


# --- needs -------------------------------------------------------------------------------


def _need_companies(request: HttpRequest, access: ParkAccess) -> tuple[set[int], bool]:
    """The companies whose needs the visitor keeps (those they act for; every one for the
    staff, ``True``), or 404."""
    if is_staff(access):
        return set(), True
    acting = queries.acting_company_ids(park=park_of(request), user=request.user)
    if not acting:
        raise Http404(_("No such page in this park."))
    return acting, False


@login_required
def needs(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    acting, everyone = _need_companies(request, access)
    if everyone:
        rows: Any = (
            Need.all_parks.filter(park=park)
            .select_related("company")
            .prefetch_related("directions")
            .order_by("-is_open", "company__short_name", "-pk")
        )
    else:
        rows = profile_queries.needs_of(park=park, company_ids=acting)
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(
        param_value(request.GET, "page", PAGE, 1)
    )
    language = _language()
    shown = list(page.object_list)
    for need in shown:
        need.language_labels = [
            names.language_name(code, language) for code in need.languages.split(",") if code
        ]
    return render(
        request,
        "network/needs.html",
        {"park": park, "page": page, "rows": shown, "query": ""},
    )


def _need_form_companies(request: HttpRequest, everyone: bool, acting: set[int]) -> list[Any]:
    park = park_of(request)
    if everyone:
        return list(Company.all_parks.filter(park=park).order_by("short_name", "pk"))
    return profile_queries.companies_named(park=park, company_ids=acting)


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    acting, everyone = _need_companies(request, access)
    companies = _need_form_companies(request, everyone, acting)
    form = NeedForm(
        request.POST or None,
        language=_language(),
        directions=profile_queries.park_directions(park=park),
        companies=companies,
        initial={"is_open": True},
    )
    if request.method == "POST" and form.is_valid():
        company = next(row for row in companies if row.pk == form.cleaned_data["company"])
        try:
            services.need_create(
                access=access,
                company=company,
                seeking=form.cleaned_data["seeking"],
                summary=form.cleaned_data["summary"],
                directions=form.cleaned_data["directions"],
                languages=form.cleaned_data["languages"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("network:needs", park_slug=park.slug)
    return render(request, "network/need_form.html", {"park": park, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    acting, everyone = _need_companies(request, access)
    need = profile_queries.need_in_park(park=park, pk=pk)
    if need is None or not (everyone or need.company_id in acting):
        raise Http404(_("No such need in this park."))
    form = NeedForm(
        request.POST or None,
        language=_language(),
        directions=profile_queries.park_directions(park=park),
        companies=[need.company],
        initial={
            "company": need.company_id,
            "seeking": need.seeking,
            "summary": need.summary,
            "directions": [direction.pk for direction in need.directions.all()],
            "languages": [code for code in need.languages.split(",") if code],
            "is_open": need.is_open,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(
                access=access,
                need=need,
                seeking=form.cleaned_data["seeking"],
                summary=form.cleaned_data["summary"],
                directions=form.cleaned_data["directions"],
                languages=form.cleaned_data["languages"],
                is_open=form.cleaned_data["is_open"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("network:needs", park_slug=park.slug)
    return render(request, "network/need_form.html", {"park": park, "form": form, "need": need})


# --- bookmarks ---------------------------------------------------------------------------


@login_required
def bookmarks(request: HttpRequest, park_slug: str) -> HttpResponse:
    gate(request)
    park = park_of(request)
    acting = queries.acting_company_ids(park=park, user=request.user)
    if not acting:
        raise Http404(_("No such page in this park."))
    rows = list(profile_queries.bookmarks_of(park=park, company_ids=acting))
    for row in rows:
        row.profile.kind_label = ProfileKind(row.profile.kind).label  # type: ignore[attr-defined]
    return render(request, "network/bookmarks.html", {"park": park, "rows": rows})


@login_required
@require_POST
def bookmark_toggle(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    access = gate(request)
    park = park_of(request)
    found = _profile_or_404(request, access, pk)
    form = BookmarkForm(request.POST)
    acting = queries.acting_company_ids(park=park, user=request.user)
    if not form.is_valid() or form.cleaned_data["company"] not in acting:
        raise Http404(_("No such company in this park."))
    company = profile_queries.companies_named(
        park=park, company_ids=[form.cleaned_data["company"]]
    )[0]
    now = timezone.now()
    if company.pk in profile_queries.bookmarked_company_ids(
        profile=found, company_ids=[company.pk]
    ):
        services.bookmark_remove(access=access, company=company, profile=found, now=now)
    else:
        try:
            services.bookmark_add(access=access, company=company, profile=found, now=now)
        except ValidationError as error:
            raise Http404(" ".join(error.messages)) from error
    target = reverse("network:profile", kwargs={"park_slug": park.slug, "pk": found.pk})
    if request.POST.get("next") == "bookmarks":
        target = reverse("network:bookmarks", kwargs={"park_slug": park.slug})
    return HttpResponseRedirect(target)


urlpatterns = [
    path("people/", directory, name="directory"),
    path("people/<id:pk>/", profile, name="profile"),
    path("profiles/", my_profiles, name="my_profiles"),
    path("profiles/new/", profile_new, name="profile_new"),
    path("profiles/<id:pk>/edit/", profile_edit, name="profile_edit"),
    path("needs/", needs, name="needs"),
    path("needs/new/", need_new, name="need_new"),
    path("needs/<id:pk>/", need_edit, name="need_edit"),
    path("bookmarks/", bookmarks, name="bookmarks"),
    path("people/<id:pk>/bookmark/", bookmark_toggle, name="bookmark_toggle"),
]
