"""Background work of programmes: the e-mail with an outside guest's demo-day feedback link."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tasks import task

from technopark.core.localtime import to_local, zone_named
from technopark.core.localtime import zone_name as zone_in_words
from technopark.core.mail import subject_line
from technopark.core.scopes import park_scope
from technopark.programmes import queries, services
from technopark.programmes.models import DemoDayGuest


@task()
def guest_link_send(*, guest_id: int, base_url: str, language: str) -> bool:
    """Mail an outside guest a fresh feedback link; False when the invitation no longer holds
    (withdrawn, or the demo day is over).

    The task renews the secret itself (``services.guest_link_renew``), so the secret exists only
    in the e-mail, never in the task's stored arguments; the earlier link stops working.
    Renewal and sending are one transaction: when the mail cannot be sent (the error is raised,
    for the task's retry) the fresh secret is rolled back and the earlier link keeps working,
    and there is only ever one live link (one stored hash).
    """
    guest = DemoDayGuest.objects.select_related(
        "demo_day__cohort__park", "demo_day__cohort__site", "demo_day__site"
    ).get(pk=guest_id)
    demo_day = guest.demo_day
    park = demo_day.cohort.park
    with park_scope(park), transaction.atomic():
        try:
            secret = services.guest_link_renew(guest=guest)
        except ValidationError:
            return False
        zone = queries.zone_name(site=demo_day.site, cohort=demo_day.cohort)
        with translation.override(language), timezone.override(zone_named(zone)):
            context = {
                "guest": guest,
                "demo_day": demo_day,
                "park_name": park.display_name,
                "starts": to_local(demo_day.starts_at, zone),
                "zone": zone_in_words(zone),
                "expires": to_local(queries.guest_links_expire_at(demo_day), zone),
                "link": base_url.rstrip("/")
                + reverse(
                    "programmes:guest_feedback",
                    kwargs={"park_slug": park.slug, "pk": demo_day.pk, "token": secret},
                ),
            }
            subject = " ".join(
                render_to_string("programmes/email/guest_link_subject.txt", context).split()
            )
            body = render_to_string("programmes/email/guest_link_message.txt", context)
            subject = subject_line(subject, park_name=park.display_name)
        send_mail(subject, body, None, [guest.email])
        return True


def queue_guest_link(*, guest: DemoDayGuest, base_url: str) -> None:
    """Mail the guest's link once the invitation (or re-send) is committed, in the current
    language; never for one that is rolled back."""
    guest_id = guest.pk
    language = get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: guest_link_send.enqueue(guest_id=guest_id, base_url=base_url, language=language)
    )
