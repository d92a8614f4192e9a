from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidencyConfig(AppConfig):
    name = "technopark.residency"
    verbose_name = _("Residency")

    def ready(self) -> None:
        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.parks import agenda
        from technopark.residency import agenda as residency_agenda

        agenda.add_provider("residency", residency_agenda.provider)
