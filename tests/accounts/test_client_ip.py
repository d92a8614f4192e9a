"""Login throttling behind a reverse proxy: rate limits count the client, not the proxy.

With ``TECHNOPARK_TRUSTED_PROXY_COUNT=1`` (one nginx in front) one client's bad sign-ins do not
lock out another client behind the same proxy address; with the default 0 a client cannot dodge
the limit by inventing ``X-Forwarded-For`` headers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.test import Client, RequestFactory

from technopark.core.clientip import client_ip
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
PROXY = "127.0.0.1"  # the default TECHNOPARK_FORWARDED_ALLOW_IPS: nginx on the same machine
DIRECT = "198.51.100.9"  # a client that reaches the application without the proxy
TOO_MANY = "Too many failed login attempts"


def _sign_in(
    client: Client, email: str, password: str, forwarded_for: str, remote: str = PROXY
) -> Any:
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _ten_bad_sign_ins(client: Client, forwarded_for: Any, remote: str = PROXY) -> None:
    # Ten different addresses, so that only the per-client limit (10 a minute) is reached,
    # not the per-account one.
    for n in range(10):
        answer = _sign_in(
            client, f"nobody{n}@example.org", "wrong-password", forwarded_for(n), remote
        )
        assert TOO_MANY not in answer.content.decode()


def _verified(email: str) -> Any:
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.mark.django_db
def test_behind_one_proxy_a_client_does_not_lock_out_another(settings):
    settings.TECHNOPARK_TRUSTED_PROXY_COUNT = 1
    person = _verified("anna@example.org")
    attacker = Client()
    _ten_bad_sign_ins(attacker, lambda n: "203.0.113.7")
    # The attacker is now throttled…
    refused = _sign_in(attacker, person.email, PASSWORD, "203.0.113.7")
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    # …and Anna, another client behind the same proxy, signs in.
    anna = Client()
    answer = _sign_in(anna, person.email, PASSWORD, "198.51.100.20")
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert anna.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db
def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(settings):
    assert django_settings.TECHNOPARK_TRUSTED_PROXY_COUNT == 0  # the default
    person = _verified("anna@example.org")
    attacker = Client()
    # A new invented address on every attempt does not buy new attempts.
    _ten_bad_sign_ins(attacker, lambda n: f"192.0.2.{n + 1}")
    refused = _sign_in(attacker, person.email, PASSWORD, "192.0.2.200")
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in attacker.session


@pytest.mark.django_db
def test_a_direct_client_cannot_dodge_the_limit_with_a_forwarded_for(settings):
    settings.TECHNOPARK_TRUSTED_PROXY_COUNT = 1
    person = _verified("anna@example.org")
    attacker = Client()
    # Not through the proxy: every invented X-Forwarded-For is counted as the attacker's address.
    _ten_bad_sign_ins(attacker, lambda n: f"192.0.2.{n + 1}", remote=DIRECT)
    refused = _sign_in(attacker, person.email, PASSWORD, "192.0.2.200", remote=DIRECT)
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in attacker.session


@pytest.mark.parametrize(
    ("allowed", "remote", "expected"),
    [
        (["127.0.0.1"], DIRECT, DIRECT),  # a direct client: its own address, not its claim
        (["127.0.0.1"], PROXY, "203.0.113.7"),
        (["10.0.0.5", "10.0.0.6"], "10.0.0.6", "203.0.113.7"),
        (["10.0.0.5", "10.0.0.6"], PROXY, PROXY),  # not a proxy of this list
        (["10.0.0.0/8"], "10.1.2.3", "203.0.113.7"),
        (["2001:db8::/32"], "2001:db8::7", "203.0.113.7"),
        (["*"], DIRECT, "203.0.113.7"),  # any address, only when set so
        ([], PROXY, PROXY),
    ],
)
def test_the_header_is_read_only_from_the_configured_proxies(settings, allowed, remote, expected):
    settings.TECHNOPARK_TRUSTED_PROXY_COUNT = 1
    settings.TECHNOPARK_FORWARDED_ALLOW_IPS = allowed
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # not trusted: the proxy's own address
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # what the client claimed is skipped
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # fewer hops than proxies: not through them all
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "203.0.113.7:5555", "203.0.113.7"),
        (1, "2001:db8::2", "2001:db8::2"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TECHNOPARK_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_allauth_reads_the_same_address(settings):
    from allauth.account.adapter import get_adapter

    settings.TECHNOPARK_TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    # allauth's own reading would raise ImproperlyConfigured (a 500) on a short header.
    assert get_adapter(request).get_client_ip(request) == PROXY


def test_make_serve_trusts_forwarded_headers_only_from_the_configured_proxies():
    root = Path(__file__).resolve().parents[2]

    def serve(env: dict[str, str]) -> str:
        return subprocess.run(
            ["make", "-n", "--no-print-directory", "serve"],  # noqa: S607 - a dry run of make
            cwd=root,
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "--forwarded-allow-ips '127.0.0.1'" in serve({})
    assert "--forwarded-allow-ips '10.0.0.5,10.0.0.6'" in serve(
        {"TECHNOPARK_FORWARDED_ALLOW_IPS": "10.0.0.5,10.0.0.6"}
    )
    assert "'*'" not in serve({})
    # Only the proxy on this machine reaches gunicorn unless BIND says otherwise.
    assert "--bind 127.0.0.1:8000 " in serve({})
    assert "--bind 0.0.0.0:9000 " in serve({"BIND": "0.0.0.0:9000"})


def test_the_proxy_count_comes_from_the_environment(tmp_path):
    from tests.test_settings import _manage

    show = "from django.conf import settings as s; print(s.TECHNOPARK_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    var = {"TECHNOPARK_VAR_DIR": str(tmp_path)}
    read = _manage(
        "shell", "-v", "0", "-c", show, env={**var, "TECHNOPARK_TRUSTED_PROXY_COUNT": "1"}
    )
    assert read.stdout.split() == ["1", "1"], read.stderr
    assert _manage("shell", "-v", "0", "-c", show, env=var).stdout.split() == ["0", "0"]
    wrong = _manage(
        "shell", "-v", "0", "-c", show, env={**var, "TECHNOPARK_TRUSTED_PROXY_COUNT": "one"}
    )
    assert wrong.returncode != 0
    assert "TECHNOPARK_TRUSTED_PROXY_COUNT must be a whole number" in wrong.stderr


def test_the_proxy_addresses_come_from_the_environment(tmp_path):
    from tests.test_settings import _manage

    show = "from django.conf import settings as s; print(*s.TECHNOPARK_FORWARDED_ALLOW_IPS)"
    var = {"TECHNOPARK_VAR_DIR": str(tmp_path)}
    assert _manage("shell", "-v", "0", "-c", show, env=var).stdout.split() == ["127.0.0.1"]
    read = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        show,
        env={**var, "TECHNOPARK_FORWARDED_ALLOW_IPS": "10.0.0.5, 10.0.1.0/24"},
    )
    assert read.stdout.split() == ["10.0.0.5", "10.0.1.0/24"], read.stderr
    wrong = _manage(
        "shell", "-v", "0", "-c", show, env={**var, "TECHNOPARK_FORWARDED_ALLOW_IPS": "nginx"}
    )
    assert wrong.returncode != 0
    assert "TECHNOPARK_FORWARDED_ALLOW_IPS must list IP addresses" in wrong.stderr
