"""The JSON API, version 1: each app's router mounted under ``/api/v1/``."""

from __future__ import annotations

from ninja import NinjaAPI

from technopark.api.auth import session_auth, token_auth

api = NinjaAPI(
    title="Technopark API",
    version="1.0.0",
    description="Parks, directions, companies and the signed-in person.",
    auth=[token_auth, session_auth],
)
