"""Background work of notices: the e-mail of each new notice to its recipient."""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from technopark.core.mail import subject_line
from technopark.notices import queries, services


@task()
def notices_mail(*, notice_ids: list[int], base_url: str, language: str) -> int:
    """Mail each of the notices ``notice_ids`` not mailed yet to its (still active) recipient;
    the number of mails sent. Each mail ends with links to the notice's page and the inbox, in
    ``language``: the one ``notify`` was told the notice is written in."""
    notices = queries.notices_to_mail(notice_ids=notice_ids)
    if not notices:
        return 0
    root = base_url.rstrip("/")
    messages = []
    with translation.override(language):
        inbox_url = root + reverse("notices:inbox")
        for notice in notices:
            footer = render_to_string(
                "notices/email/footer.txt",
                {"notice_url": root + notice.url, "inbox_url": inbox_url},
            )
            body = f"{notice.body}\n\n{footer.strip()}\n" if notice.body else f"{footer.strip()}\n"
            subject = subject_line(
                notice.subject, park_name=notice.park.display_name if notice.park else ""
            )
            messages.append(EmailMessage(subject, body, None, [notice.recipient.email]))
    get_connection().send_messages(messages)
    services.notices_mark_emailed(notice_ids=[notice.pk for notice in notices])
    return len(messages)
