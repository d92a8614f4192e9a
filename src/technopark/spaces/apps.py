from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_constraint(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from technopark.spaces.constraints import ensure_no_overlap_constraint

    ensure_no_overlap_constraint(connections[using])


class SpacesConfig(AppConfig):
    name = "technopark.spaces"
    verbose_name = _("Spaces and bookings")

    def ready(self) -> None:
        # A database built without migrations (tests with --no-migrations) gets the exclusion
        # constraint too; on a migrated database this finds it and does nothing.
        post_migrate.connect(_ensure_constraint, sender=self, dispatch_uid="spaces-no-overlap")

        # Cohort participants get real coworking seats: programmes imports no spaces code
        # (spaces depends on it), so spaces hands its seat service in.
        from technopark.programmes.seats import set_seat_provider
        from technopark.spaces.services.seats import SpacesSeatProvider

        set_seat_provider(SpacesSeatProvider())

        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.parks import agenda
        from technopark.spaces import agenda as spaces_agenda

        agenda.add_provider("spaces", spaces_agenda.provider)
