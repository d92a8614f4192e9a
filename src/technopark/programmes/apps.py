from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "technopark.programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.parks import agenda
        from technopark.programmes import agenda as programmes_agenda

        agenda.add_provider("programmes", programmes_agenda.provider)
