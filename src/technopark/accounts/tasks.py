"""Background work of accounts: the invitation e-mail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from technopark.accounts import services
from technopark.accounts.models import Invitation
from technopark.core.mail import subject_line
from technopark.core.scopes import park_scope


@task()
def invitation_send(*, invitation_id: int, base_url: str, language: str) -> bool:
    """Mail the invitation with a fresh accept link; False when it is no longer open.

    The task renews the invitation's secret itself (``invitation_secret_renew``), so the secret
    exists only in the e-mail, never in the task's stored arguments. ``base_url`` is the site's
    address (``https://host``), ``language`` the one the mail is written in.
    """
    invitation = Invitation.all_parks.select_related("park", "invited_by").get(pk=invitation_id)
    with park_scope(invitation.park):
        try:
            secret = services.invitation_secret_renew(invitation=invitation)
        except ValidationError:
            return False
        with translation.override(language), timezone.override(invitation.park.time_zone):
            context = {
                "invitation": invitation,
                "park_name": invitation.park.display_name,
                "role": invitation.get_role_display(),
                "inviter": invitation.invited_by,
                "accept_url": base_url.rstrip("/")
                + reverse("accounts:invitation_accept", kwargs={"secret": secret}),
            }
            subject = " ".join(
                render_to_string("accounts/email/invitation_subject.txt", context).split()
            )
            body = render_to_string("accounts/email/invitation_message.txt", context)
            subject = subject_line(subject, park_name=invitation.park.display_name)
        send_mail(subject, body, None, [invitation.email])
        return True
