"""Background work of the applications part: the mails to the applicant's team."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from technopark.companies.models import TeamMember
from technopark.core.mail import subject_line
from technopark.core.scopes import scopes_disabled
from technopark.selection.models import Application

TEMPLATES = {
    "submitted": "selection/applications/email/submitted",
    "info_requested": "selection/applications/email/info_requested",
}


@task()
@scopes_disabled()  # a worker has no request scope; the application is read by its pk
def application_notify(*, application_id: int, what: str, base_url: str, language: str) -> int:
    """Mail the company's team (those acting for it) about their application: ``what`` is
    ``submitted`` (the confirmation) or ``info_requested``. Returns how many were mailed."""
    application = (
        Application.all_parks.select_related("call", "company", "park", "call__site")
        .filter(pk=application_id)
        .first()
    )
    if application is None or what not in TEMPLATES:
        return 0
    emails = sorted(
        {
            email
            for email in TeamMember.objects.filter(
                company_id=application.company_id, acts_for_company=True, user__is_active=True
            ).values_list("user__email", flat=True)
            if email
        }
    )
    if not emails:
        return 0
    with translation.override(language), timezone.override(application.call.time_zone_name):
        path = reverse(
            "selection:application_detail",
            kwargs={"park_slug": application.park.slug, "pk": application.pk},
        )
        context = {
            "application": application,
            "call": application.call,
            "company": application.company,
            "park_name": application.park.display_name,
            "url": (base_url.rstrip("/") + path) if base_url else path,
            "request": application.information_requests.order_by("-requested_at").first(),
        }
        subject = " ".join(render_to_string(f"{TEMPLATES[what]}_subject.txt", context).split())
        body = render_to_string(f"{TEMPLATES[what]}_message.txt", context)
        subject = subject_line(subject, park_name=application.park.display_name)
    send_mail(subject, body, None, emails)
    return len(emails)
