"""What the parts of the network services share: the cache topic, the side a person acts on,
and the refusal shape.

Locking order (every service that takes more than one lock takes them in this order, inside
one transaction): **company → profile → introduction/pairing**, then (last, inside
``audit_record``, where a service audits) the head of the park's audit chain. The company and
profile rows are locked ``FOR NO KEY UPDATE`` (``select_for_update(no_key=True)``): it does not
conflict with the ``FOR KEY SHARE`` lock PostgreSQL takes on a referenced row when an
introduction or pairing is inserted, so a request (company locked, inserting an introduction
that references the profile) and an acceptance or a staff pairing (profile locked, inserting a
pairing that references the company) never wait for each other's row in a cycle. On SQLite
every transaction is IMMEDIATE, so the first write lock serialises the whole transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from technopark.core.fragments import writes
from technopark.network.models import Profile

TOPIC = "network"


def touched(park_id: int) -> None:
    """Declare the write to the cached pages that show network data."""
    writes(TOPIC, park_id=park_id)


def lock_profile(profile_id: int) -> Profile:
    """The profile row, locked for the rest of the transaction (``select_for_update`` on
    PostgreSQL; SQLite's IMMEDIATE transaction already holds the database's write lock). Every
    check of a profile's capacity runs after this lock, so two acceptances never both take the
    last place. Call it inside ``transaction.atomic``."""
    return Profile.all_parks.select_for_update(no_key=True).get(pk=profile_id)


def refuse_unless(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise ValidationError(message or _("You may not do this."), code="forbidden")
