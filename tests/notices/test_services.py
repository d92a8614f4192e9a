"""notify: inbox rows for active recipients, once per key, mailed on commit only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from technopark.notices import services
from technopark.notices.models import Notice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(recipients, **kwargs):
    data = {
        "recipients": recipients,
        "park": None,
        "kind": "grants.tranche_to_approve",
        "subject": "Tranche 2 waits for your approval",
        "body": "Northern Code asks for 100 000 ₽.\nSee the award.",
        "url": "/yakutia/grants/awards/7/",
        "key": "tranche:17:approve",
        "base_url": "https://tp.example.org/",
    }
    data.update(kwargs)
    return services.notify(**data)


def test_notify_makes_a_notice_per_recipient_and_mails_each_on_commit(
    world, django_capture_on_commit_callbacks
):
    founder, manager = world.users["founder"], world.users["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify([founder, manager], park=world.park)
        assert made == 2
        assert mail.outbox == []  # nothing before the commit
    notices = Notice.objects.order_by("recipient__email")
    assert [n.recipient for n in notices] == [founder, manager]
    assert {n.park for n in notices} == {world.park}
    assert all(n.read_at is None and n.emailed_at is not None for n in notices)
    assert sorted(m.to[0] for m in mail.outbox) == ["founder@example.org", "manager@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[Technopark Yakutia] Tranche 2 waits for your approval"
    assert message.body.startswith("Northern Code asks for 100 000 ₽.\nSee the award.")
    assert "https://tp.example.org/yakutia/grants/awards/7/" in message.body
    assert "https://tp.example.org/inbox/" in message.body


def test_one_task_per_call(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([world.users["founder"], world.users["manager"], world.users["expert"]])
    mails = [c for c in callbacks if "_queue_mail" in c.__qualname__]
    assert len(mails) == 1


def test_same_key_notifies_a_person_once(world, django_capture_on_commit_callbacks):
    founder, manager = world.users["founder"], world.users["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([founder]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([founder, manager]) == 1  # the founder has been told
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _notify([founder, manager]) == 0
    assert callbacks == []
    assert Notice.objects.filter(recipient=founder).count() == 1
    assert len(mail.outbox) == 2
    # another step, or no key, is another notice
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([founder], key="tranche:17:paid") == 1
        assert _notify([founder], key="") == 1
        assert _notify([founder], key="") == 1
    assert Notice.objects.filter(recipient=founder).count() == 4


def test_the_same_recipient_twice_in_one_call_is_one_notice(world):
    founder = world.users["founder"]
    assert _notify([founder, founder], key="") == 1


def test_inactive_recipients_are_skipped(world, django_capture_on_commit_callbacks):
    gone = UserFactory(email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([gone, world.users["founder"]]) == 1
    assert not Notice.objects.filter(recipient=gone).exists()
    assert [m.to for m in mail.outbox] == [["founder@example.org"]]


def test_nobody_to_tell_queues_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _notify([]) == 0
    assert callbacks == []


def test_a_rolled_back_change_notifies_nobody(world, django_capture_on_commit_callbacks):
    class Refused(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Refused),
        transaction.atomic(),
    ):
        _notify([world.users["founder"]])
        raise Refused
    assert callbacks == []
    assert mail.outbox == []
    assert not Notice.objects.exists()
    # and the step may be notified afterwards: the key was not spent
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([world.users["founder"]]) == 1
    assert len(mail.outbox) == 1


def test_a_recipient_deactivated_before_the_mail_gets_none(
    world, django_capture_on_commit_callbacks
):
    founder = world.users["founder"]
    with django_capture_on_commit_callbacks(execute=True):
        _notify([founder])
        founder.is_active = False
        founder.save(update_fields=["is_active"])
    assert mail.outbox == []
    assert Notice.objects.get().emailed_at is None


def test_mail_is_sent_once_per_notice(world, django_capture_on_commit_callbacks):
    from technopark.notices.tasks import notices_mail

    with django_capture_on_commit_callbacks(execute=True):
        _notify([world.users["founder"]])
    notice = Notice.objects.get()
    assert notices_mail.call(notice_ids=[notice.pk], base_url="https://x.org", language="en") == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "",
        "/a b",
        "/\\evil",
        "/" + "a" * 500,
        "/a\x00",
    ],
)
def test_the_link_stays_inside_the_site(world, url):
    with pytest.raises(ValidationError):
        _notify([world.users["founder"]], url=url)
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", ""),
        ("kind", "Grants Tranche"),
        ("kind", "a" * 61),
        ("key", "a b"),
        ("key", "k" * 201),
        ("subject", "  \n "),
    ],
)
def test_bad_kind_key_or_empty_subject_is_refused(world, field, value):
    with pytest.raises(ValidationError):
        _notify([world.users["founder"]], **{field: value})
    assert not Notice.objects.exists()


def test_long_texts_are_shortened_and_control_characters_dropped(world):
    _notify([world.users["founder"]], subject="Line\none\x07 " + "s" * 300, body="b\x00" * 3000)
    notice = Notice.objects.get()
    assert notice.subject.startswith("Line one ")
    assert len(notice.subject) == 200 and notice.subject.endswith("…")
    assert "\x00" not in notice.body and len(notice.body) <= 4000


def test_render_notice_renders_in_the_language_asked(world, tmp_path, settings):
    base = "notices/email/test_notice"
    (tmp_path / "notices" / "email").mkdir(parents=True)
    (tmp_path / f"{base}_subject.txt").write_text(
        '{% load i18n %}{% translate "Sign in" %}\n  {{ name }}\n'
    )
    (tmp_path / f"{base}_message.txt").write_text(
        '{% load i18n %}{% translate "Sign out" %}: {{ name }}\n{{ at|date:"H:i" }}\n'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    import datetime as dt

    at = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)
    subject, body = services.render_notice(
        base, {"name": "<b>Ivan</b>", "at": at}, language="ru", time_zone="Asia/Yakutsk"
    )
    assert subject == "Войти <b>Ivan</b>"  # plain text: the page escapes it
    assert "\n" not in subject
    assert body.startswith("Выйти")
    assert body.endswith("09:30")  # Yakutsk is UTC+9


def test_mark_read_only_by_the_recipient(world):
    _notify([world.users["founder"]])
    notice = Notice.objects.get()
    with pytest.raises(PermissionDenied):
        services.notice_mark_read(notice=notice, user=world.users["manager"])
    assert Notice.objects.get().read_at is None
    services.notice_mark_read(notice=notice, user=world.users["founder"])
    first = Notice.objects.get().read_at
    assert first is not None
    services.notice_mark_read(notice=Notice.objects.get(), user=world.users["founder"])
    assert Notice.objects.get().read_at == first


def test_mark_all_read_touches_only_ones_own(world):
    founder, manager = world.users["founder"], world.users["manager"]
    _notify([founder, manager], key="")
    _notify([founder], key="")
    assert services.notices_mark_all_read(user=founder) == 2
    assert services.notices_mark_all_read(user=founder) == 0
    assert Notice.objects.filter(recipient=manager, read_at__isnull=True).count() == 1


def test_the_mail_footer_is_in_the_notices_language_not_the_actors(
    world, django_capture_on_commit_callbacks
):
    # An English-speaking manager causes a notice written in Russian for its recipient.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _notify([world.users["founder"]], language="ru")
    (message,) = mail.outbox
    assert "Открыть: https://tp.example.org/yakutia/grants/awards/7/" in message.body
    assert "Open:" not in message.body


def test_without_a_language_the_footer_is_in_the_sites_default(
    world, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "ru"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _notify([world.users["founder"]])
    (message,) = mail.outbox
    assert "Открыть:" in message.body and "Open:" not in message.body


def test_a_notice_in_english_mails_an_english_footer(world, django_capture_on_commit_callbacks):
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        _notify([world.users["founder"]], language="en")
    (message,) = mail.outbox
    assert "Open: https://tp.example.org/yakutia/grants/awards/7/" in message.body
    assert "Открыть:" not in message.body


@pytest.mark.parametrize("language", ["", "de", "ru-RU" * 20, "en\n"])
def test_an_unknown_language_is_refused(world, language):
    with pytest.raises(ValidationError) as caught:
        _notify([world.users["founder"]], language=language)
    assert "language" in caught.value.message_dict
    assert not Notice.objects.exists()
