"""The demo park for browser tests: seeded once per module, signed in without typing, measured.

``demo_park`` seeds a small demo (``technopark.demo``) with the database unblocked for the whole
module, so the live server's thread reads it too, and empties the database afterwards. ``sign_in``
gives a browser context the session of a demo account (the sign-in form is exercised by the
journeys); ``overflow`` says what sticks out of the viewport, if anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management import call_command
from django.test import Client, override_settings
from pytest_django.live_server_helper import LiveServer

from technopark.accounts.models import User
from technopark.core.scopes import scopes_disabled
from technopark.demo import data
from technopark.demo.seed import seed_demo

PARK = "yakutia"
PASSWORD = data.DEMO_PASSWORD
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def email_of(role: str) -> str:
    return f"{role}@{data.DEMO_EMAIL_DOMAIN}"


def demo_park(django_db_blocker: Any) -> Iterator[str]:
    """Seed the demo and serve it; yield the server's address.

    The server is the module's own: pytest-django's ``live_server`` empties the database after
    every test, and seeding the demo takes seconds, so the module's tests share one seeding."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ALLOWED_HOSTS=["localhost", "testserver"],
        ),
    ):
        with scopes_disabled():
            seed_demo(yakutia_companies=40, magadan_companies=3)
        server = LiveServer("localhost:0")
        try:
            yield server.url
        finally:
            server.stop()
            # The demo's calls, grants and audit trail cannot be deleted (PROTECT, on purpose).
            call_command("flush", interactive=False, verbosity=0)


def sign_in(context: Any, base_url: str, role: str) -> None:
    """Put the session of the demo account ``role`` into the browser context."""
    client = Client()
    with scopes_disabled():
        client.force_login(User.objects.get(email=email_of(role)))
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base_url}])


# What sticks out of the viewport: the innermost elements whose right edge passes it and that do
# not sit inside a box of their own that scrolls or clips (a .table-wrap).
OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const wide = Array.from(document.querySelectorAll('body *')).filter(
    (el) => el.getBoundingClientRect().right > width + 1 && !clipped(el)
  );
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"' +
    ' right=' + Math.round(el.getBoundingClientRect().right);
  return {scrollWidth: document.documentElement.scrollWidth, width, elements: innermost.slice(0, 4).map(name)};
}
"""


def overflow(page: Any) -> dict[str, Any] | None:
    result: dict[str, Any] | None = page.evaluate(OVERFLOW_JS)
    return result
