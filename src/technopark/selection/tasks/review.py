"""Background work of the review part: reminders of overdue reviews."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from technopark.core.mail import subject_line
from technopark.core.scopes import scopes_disabled
from technopark.selection.services.review import assignment_mark_reminded, reviews_overdue

__all__ = ["remind_overdue_reviews", "reviews_remind"]


def remind_overdue_reviews(*, park_id: int | None = None, base_url: str = "") -> int:
    """Mail each expert one reminder listing their overdue reviews (once a day at most);
    return how many experts were reminded. Marks the assignments reminded."""
    by_expert: dict[int, list[Any]] = defaultdict(list)
    for assignment in reviews_overdue(park_id=park_id):
        by_expert[assignment.expert_id].append(assignment)
    language = settings.LANGUAGE_CODE
    for assignments in by_expert.values():
        expert = assignments[0].expert
        park = assignments[0].application.park
        with translation.override(language), timezone.override(park.time_zone):
            context = {
                "expert": expert.user,
                "park_name": park.display_name,
                "assignments": assignments,
                "queue_url": base_url.rstrip("/")
                + reverse("selection:review_queue", kwargs={"park_slug": park.slug}),
            }
            subject = " ".join(
                render_to_string("selection/review/email/overdue_subject.txt", context).split()
            )
            body = render_to_string("selection/review/email/overdue_message.txt", context)
            subject = subject_line(subject, park_name=park.display_name)
        send_mail(subject, body, None, [expert.user.email])
        assignment_mark_reminded(assignment_ids=[a.pk for a in assignments])
    return len(by_expert)


@task()
@scopes_disabled()  # the overdue reviews of every park (or one, by park_id)
def reviews_remind(*, park_id: int | None = None, base_url: str = "") -> int:
    """The reminder as a background task (``manage.py selection_remind_reviews`` queues it or
    runs it at once)."""
    return remind_overdue_reviews(park_id=park_id, base_url=base_url)
