"""The park's grant policy page: staff and observers read it, park admins change it (every
change goes to the audit chain through the service)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from technopark.accounts.http import signed_in_user
from technopark.grants import queries, rules, services
from technopark.grants.forms import GrantPolicyForm
from technopark.parks.http import access_of, park_of, require


@login_required
@require_http_methods(["GET", "POST"])
def grant_policy(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_grant_policy(access))
    park = park_of(request)
    policy = queries.policy_for(park)
    can_change = rules.can_change_grant_policy(access)
    form = GrantPolicyForm(initial=policy.as_dict())
    status = 200
    if request.method == "POST":
        require(can_change)
        form = GrantPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.grant_policy_set(
                    park=park, actor=signed_in_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The grant policy has been saved."))
                return redirect("grants:policy", park_slug=park.slug)
        status = 400
    return render(
        request,
        "grants/policy.html",
        {"policy": policy, "form": form, "can_change": can_change},
        status=status,
    )
