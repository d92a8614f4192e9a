from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from technopark.core.clientip import client_ip
from technopark.core.mail import site_name, subject_line


@dataclass(frozen=True)
class _Site:
    """What allauth's mail templates read as ``current_site``: the platform's name and address,
    not the host the request came in on (``127.0.0.1:8000`` behind a proxy)."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Keeps the full name the person gave at sign-up; reads the client's address for the rate
    limits the one way the platform does (``core.clientip``: trusted proxies only); mails sign
    with the site's name and prefix their subject the one way the platform does (``core.mail``).
    """

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        site_url = settings.TECHNOPARK_SITE_URL.rstrip("/")
        context = {
            **context,
            "current_site": _Site(name=site_name(), domain=urlsplit(site_url).netloc or site_url),
            "site_url": site_url,
        }
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return subject_line(str(subject))

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's IP address.")
        return ip

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        if commit:
            user.save()
        return user
