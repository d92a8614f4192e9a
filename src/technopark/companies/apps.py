from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "technopark.companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        # The park's public page shows the headline figures and the visitor's companies; parks
        # imports no other app, so companies hands them in.
        from technopark.companies import queries
        from technopark.parks import home_parts

        home_parts.add_public_part("figures", lambda park: queries.headline_figures(park=park))
        home_parts.add_personal_part(
            "my_companies",
            lambda park, user: list(queries.companies_of_user(park=park, user=user)),
        )
        home_parts.add_personal_part(
            "my_team_invitations",
            lambda park, user: queries.pending_team_invitations(park=park, user=user),
        )

        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.companies import agenda as companies_agenda
        from technopark.parks import agenda

        agenda.add_provider("companies", companies_agenda.provider)

        # A migration that remakes companies_company on SQLite drops the search index's triggers
        # with the old table: put them back after every migrate (search_index.ensure).
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(*, using: str, **kwargs: object) -> None:
    from django.db import connections

    from technopark.companies import search_index

    search_index.ensure(connections[using])
