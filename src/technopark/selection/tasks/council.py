"""Background work of the council part: the notice of a decision to the applicant.

The notice says only what is meant for the applicant: the outcome, the council's message for them
and the experts' notes for the applicant. Never the council's rationale, the experts' notes for
the council, their scores or who the experts were.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from technopark.companies.models import TeamMember
from technopark.core.mail import subject_line
from technopark.core.scopes import scopes_disabled
from technopark.selection.models import Decision
from technopark.selection.queries.council import decision_for_applicant


def notice_recipients(decision: Decision) -> list[str]:
    """Who acts for the applicant company, and whoever created the application."""
    application = decision.application
    emails = list(
        TeamMember.objects.filter(company_id=application.company_id, acts_for_company=True)
        .select_related("user")
        .filter(user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    creator = application.created_by
    if creator is not None and creator.is_active and creator.email not in emails:
        emails.append(creator.email)
    return emails


@task()
@scopes_disabled()  # a worker has no request scope; the decision is read by its pk
def decision_notice_send(*, decision_id: int, language: str) -> int:
    """Mail the notice of decision ``decision_id`` to the applicant; the number of recipients.

    The latest decision is what the applicant reads; a notice of an older one is not sent.
    """
    decision = Decision.all_parks.select_related(
        "park", "application__call", "application__company", "application__created_by"
    ).get(pk=decision_id)
    application = decision.application
    notice = decision_for_applicant(application=application)
    if notice is None or notice.outcome != decision.outcome:
        return 0
    recipients = notice_recipients(decision)
    if not recipients:
        return 0
    with translation.override(language), timezone.override(decision.park.time_zone):
        context = {
            "notice": notice,
            "park_name": decision.park.display_name,
            "call_title": application.call.title,
            "application_title": application.title,
            "company_name": application.company.short_name,
        }
        subject = " ".join(
            render_to_string("selection/council/email/notice_subject.txt", context).split()
        )
        body = render_to_string("selection/council/email/notice_message.txt", context)
        subject = subject_line(subject, park_name=decision.park.display_name)
    send_mail(subject, body, None, recipients)
    Decision.all_parks.filter(park_id=decision.park_id, pk=decision.pk).update(
        notice_sent_at=timezone.now()
    )
    return len(recipients)
