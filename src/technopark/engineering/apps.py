from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngineeringConfig(AppConfig):
    name = "technopark.engineering"
    verbose_name = _("Engineering centre and laboratory services")

    def ready(self) -> None:
        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.engineering import agenda as engineering_agenda
        from technopark.parks import agenda

        agenda.add_provider("engineering", engineering_agenda.provider)
