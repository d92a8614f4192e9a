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
