"""The account part of the API: who is signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from technopark.accounts import queries
from technopark.accounts.schemas import MeOut
from technopark.api.auth import signed_in
from technopark.api.errors import documented

router = Router(tags=["accounts"])


@router.get(
    "/me",
    auth=signed_in,
    **documented({200: MeOut}, 401),
    summary="The signed-in person and their roles",
)
def me(request: HttpRequest) -> Any:
    """The person behind the token or the session, with their memberships (one query)."""
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "global_role": user.global_role,  # type: ignore[union-attr]
        "memberships": list(queries.memberships_of_user(user=user)),
    }
