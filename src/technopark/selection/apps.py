from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "technopark.selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.parks import agenda
        from technopark.selection import agenda as selection_agenda

        agenda.add_provider("selection", selection_agenda.provider)
        # The platform's front page lists each park's open calls.
        from technopark.parks import home_parts

        home_parts.add_front_part("open_calls", selection_agenda.open_calls_by_park)
