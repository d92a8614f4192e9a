"""Sign the benchmark in: a session cookie and an API token of the model park's manager.

Prints shell assignments (``BENCH_SESSION=…``, ``BENCH_TOKEN=…``) for ``bench/run.sh``. Run it with
the same settings and secret key as the server, or the session will not be recognised.
"""

from __future__ import annotations

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.test import Client

    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.demo import data

    manager = User.objects.get(email=f"manager@{data.DEMO_EMAIL_DOMAIN}")
    client = Client()
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A browser that has opened one page carries the CSRF cookie on every later request.
    client.get("/yakutia/", SERVER_NAME="127.0.0.1")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    _token, secret = account_services.api_token_create(user=manager, name="benchmark")
    print(f"BENCH_SESSION={session}")
    print(f"BENCH_CSRF={csrf}")
    print(f"BENCH_TOKEN={secret}")


if __name__ == "__main__":
    main()
