from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "technopark.grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        # The cohort dashboard shows each participant's grant; programmes imports no grants
        # code (grants depends on it), so grants hands its summary in.
        from technopark.grants.queries import grant_summary_by_participant
        from technopark.programmes.queries import provide_grant_summaries

        provide_grant_summaries(lambda cohort: grant_summary_by_participant(cohort=cohort))

        # audit_verify reconciles the money with the chain; the audit app imports no grants code.
        from technopark.audit.services import provide_money_ledger
        from technopark.grants.queries import audit_money_ledger

        provide_money_ledger(audit_money_ledger)

        # What waits for a person on their home (parks.agenda): parks imports no other app.
        from technopark.grants import agenda as grants_agenda
        from technopark.parks import agenda

        agenda.add_provider("grants", grants_agenda.provider)
