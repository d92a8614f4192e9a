from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "technopark.network"
    verbose_name = _("Network: mentors, experts, investors and customers")

    def ready(self) -> None:
        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.network import agenda as network_agenda
        from technopark.parks import agenda

        agenda.add_provider("network", network_agenda.provider)
