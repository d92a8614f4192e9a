"""How every mail of the platform names its sender: one subject prefix and one site name.

A mail about a park's business starts its subject with the park's name in brackets
("[Технопарк «Якутия»] Отчёт за 3 кв. 2026 …"); a mail about the account itself (sign-in, e-mail
confirmation, a password) with the site's name ("[Технопарк] …"). The site's name is
``settings.TECHNOPARK_SITE_NAME``, or "Technopark" in the reader's language when it is not set:
never the host a request came from ("127.0.0.1:8000").
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _


def site_name() -> str:
    """The platform's name as its mail and pages call it."""
    return str(getattr(settings, "TECHNOPARK_SITE_NAME", "") or _("Technopark"))


def subject_line(subject: str, *, park_name: str = "") -> str:
    """``subject`` after the one prefix of the platform's mail: ``[<park>] `` for a park's
    business, ``[<site>] `` otherwise; on one line, and never prefixed twice."""
    prefix = f"[{park_name or site_name()}]"
    subject = " ".join(str(subject).split())
    if subject.startswith(prefix):
        return subject
    return f"{prefix} {subject}"
