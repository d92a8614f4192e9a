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

        # audit_verify reconciles the money with the chain; the audit app imports no
        # engineering code.
        from technopark.audit.services import provide_money_ledger
        from technopark.engineering.queries import audit_money_ledger

        provide_money_ledger(audit_money_ledger)
