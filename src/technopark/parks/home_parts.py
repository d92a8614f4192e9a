"""What other apps show on a park's public page, handed in rather than imported.

parks is the base app and imports no other, yet its page shows the companies' headline figures
and the visitor's own companies. An app that has something to show registers a builder from its
``AppConfig.ready()`` (``companies`` does); the page adds whatever was registered to its
context, under the name given.

- A *public* part is the same for every visitor: it is built inside the page's cached piece.
- A *personal* part is of one visitor: it is built on every request, never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from technopark.parks.models import Park

PublicPart = Callable[[Park], Any]
PersonalPart = Callable[[Park, Any], Any]  # (park, user: a User or AnonymousUser)

_public: dict[str, PublicPart] = {}
_personal: dict[str, PersonalPart] = {}


def add_public_part(name: str, build: PublicPart) -> None:
    _public[name] = build


def add_personal_part(name: str, build: PersonalPart) -> None:
    _personal[name] = build


def public_parts(*, park: Park) -> dict[str, Any]:
    return {name: build(park) for name, build in _public.items()}


def personal_parts(*, park: Park, user: Any) -> dict[str, Any]:
    return {name: build(park, user) for name, build in _personal.items()}
