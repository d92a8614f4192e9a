"""What other apps show on a park's public page, handed in rather than imported.

parks is the base app and imports no other, yet its page shows the companies' headline figures
and the visitor's own companies. An app that has something to show registers a builder from its
``AppConfig.ready()`` (``companies`` does); the page adds whatever was registered to its
context, under the name given.

- A *public* part is the same for every visitor: it is built inside the page's cached piece.
- A *personal* part is of one visitor: it is built on every request, never cached.
- A *front* part is shown on the platform's front page, once for all the parks listed there
  (``selection`` hands in the open calls of each park, in one query for all of them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from technopark.parks.models import Park

PublicPart = Callable[[Park], Any]
PersonalPart = Callable[[Park, Any], Any]  # (park, user: a User or AnonymousUser)

_public: dict[str, PublicPart] = {}
_personal: dict[str, PersonalPart] = {}
FrontPart = Callable[[list[Park]], dict[int, Any]]  # the listed parks -> {park id: what to show}
_front: dict[str, FrontPart] = {}


def add_public_part(name: str, build: PublicPart) -> None:
    _public[name] = build


def add_personal_part(name: str, build: PersonalPart) -> None:
    _personal[name] = build


def public_parts(*, park: Park) -> dict[str, Any]:
    return {name: build(park) for name, build in _public.items()}


def personal_parts(*, park: Park, user: Any) -> dict[str, Any]:
    return {name: build(park, user) for name, build in _personal.items()}


def add_front_part(name: str, build: FrontPart) -> None:
    _front[name] = build


def front_parts(*, parks: list[Park]) -> dict[str, dict[int, Any]]:
    """Each front part's content by park id, for the parks the front page lists."""
    if not parks:
        return {name: {} for name in _front}
    return {name: build(parks) for name, build in _front.items()}
