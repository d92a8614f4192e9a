"""Sign the benchmark in: a session cookie and an API token of the model park's manager.

Prints shell assignments (``BENCH_SESSION=…``, ``BENCH_TOKEN=…``, the demo founder's
``BENCH_FOUNDER_SESSION=…``; and, when the park was
generated with them, the bench call's and cohort's ids and a session of the call's first expert)
for ``bench/run.sh``. Run it with
the same settings and secret key as the server, or the session will not be recognised.
"""

from __future__ import annotations

import django

from technopark.core.scopes import scopes_disabled


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> None:
    django.setup()
    from django.conf import settings
    from django.test import Client

    from bench.targets import PARK
    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.demo import data
    from technopark.demo.programmes_generate import bench_cohort_id
    from technopark.demo.selection_generate import BENCH_CALL_TITLE, EXPERT_EMAIL
    from technopark.parks.models import Park
    from technopark.selection.models import Call

    manager = User.objects.get(email=f"manager@{data.DEMO_EMAIL_DOMAIN}")
    client = Client()
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A browser that has opened one page carries the CSRF cookie on every later request.
    client.get("/yakutia/", SERVER_NAME="127.0.0.1")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    _token, secret = account_services.api_token_create(
        user=manager, name="benchmark", scope="write"
    )
    print(f"BENCH_SESSION={session}")
    print(f"BENCH_CSRF={csrf}")
    print(f"BENCH_TOKEN={secret}")
    founder = User.objects.get(email=f"founder@{data.DEMO_EMAIL_DOMAIN}")
    founder_client = Client()
    founder_client.force_login(founder)
    print(f"BENCH_FOUNDER_SESSION={founder_client.cookies[settings.SESSION_COOKIE_NAME].value}")

    # The generated park's bench call, its first expert and the bench cohort, when generated.
    park = Park.objects.get(slug=PARK)
    call = Call.all_parks.filter(park=park, title=BENCH_CALL_TITLE).first()
    expert = User.objects.filter(email=EXPERT_EMAIL.format(0)).first()
    cohort = bench_cohort_id(park=park)
    if call is not None and expert is not None:
        expert_client = Client()
        expert_client.force_login(expert)
        print(f"BENCH_CALL_ID={call.pk}")
        print(f"BENCH_EXPERT_SESSION={expert_client.cookies[settings.SESSION_COOKIE_NAME].value}")
    if cohort is not None:
        print(f"BENCH_COHORT_ID={cohort}")


if __name__ == "__main__":
    main()
