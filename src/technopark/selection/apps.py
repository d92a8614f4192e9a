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
