"""Outside guests of a demo day: invited by e-mail with a secret link, they give feedback
without an account until the end of the demo day; staff re-send or withdraw the link; their
feedback is marked as from outside on the staff's page and in the export."""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from technopark.audit.models import AuditEntry
from technopark.core.localtime import local_today, zone_named
from technopark.programmes import queries, services
from technopark.programmes.models import DemoDayGuest, PitchFeedback
from technopark.programmes.views import guests as guest_views

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/yakutia/programmes/demo-days/\d+/guest/[A-Za-z0-9_-]+/)")


@pytest.fixture
def day(prog, world):
    """The demo day moved to 10:00 local time three days ahead (the clock is moved to it in the
    tests that need it running)."""
    zone = zone_named(queries.zone_name(cohort=prog.cohort))
    starts = datetime.combine(local_today(zone) + timedelta(days=3), time(10), zone)
    return services.demo_day_save(
        cohort=prog.cohort, actor=world.users["manager"], title="Demo day", starts_at=starts
    )


def invite(client, day, email="anna@fund.example", name="Anna Petrova", kind="investor"):
    return client.post(
        f"/yakutia/programmes/demo-days/{day.pk}/guests/",
        {"name": name, "organisation": "Northern Fund", "kind": kind, "email": email},
    )


def invited(client_as, day, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_as("manager"), day, **kwargs)
    assert response.status_code == 302
    return LINK.search(mail.outbox[-1].body).group(1)


def test_the_invitation_mails_a_secret_link_and_keeps_only_its_hash(
    prog, day, client_as, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["anna@fund.example"]
    assert "Demo day" in message.subject
    assert "Anna Petrova" in message.body
    token = path.rstrip("/").rsplit("/", 1)[1]
    guest = DemoDayGuest.objects.get(email="anna@fund.example")
    assert guest.link_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(DemoDayGuest.objects.filter(pk=guest.pk).values().get())
    entry = AuditEntry.objects.get(action="programmes.guest_invite", target_id=str(guest.pk))
    assert entry.actor_id == prog.users["manager"].pk


def test_the_mail_is_written_in_the_staffs_language(
    day, client_as, django_capture_on_commit_callbacks
):
    client = client_as("manager")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/yakutia/programmes/demo-days/{day.pk}/guests/",
            {"name": "Анна", "kind": "investor", "email": "anna@fund.example"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    assert "Anna" not in mail.outbox[-1].subject
    assert "ссылк" in mail.outbox[-1].body.lower()


def test_a_guest_gives_feedback_without_an_account(
    prog, day, client_as, time_machine, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    guest = Client()
    page = guest.get(path)
    assert page.status_code == 200
    assert 'data-testid="not-started"' in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    time_machine.move_to(day.starts_at + timedelta(hours=1))
    page = guest.get(path)
    assert prog.participant.company.short_name in page.content.decode()
    pitch = prog.pitch
    response = guest.post(
        path, {f"meet_{pitch.pk}": "on", f"invest_{pitch.pk}": "on", f"note_{pitch.pk}": "Hi"}
    )
    assert response.status_code == 200 and 'data-testid="saved"' in response.content.decode()
    feedback = PitchFeedback.objects.get(guest__email="anna@fund.example")
    assert feedback.meet and feedback.invest and not feedback.pilot and feedback.note == "Hi"
    # staff see it marked as an outside guest's, on the page and in the export
    staff = client_as("manager")
    html = staff.get(f"/yakutia/programmes/demo-days/{day.pk}/").content.decode()
    assert 'data-testid="outside-guest"' in html and "Anna Petrova" in html
    csv_text = staff.get(f"/yakutia/programmes/demo-days/{day.pk}/feedback.csv").content.decode()
    assert "Anna Petrova" in csv_text and "outside guest" in csv_text


def test_the_link_ends_with_the_demo_day(
    prog, day, client_as, time_machine, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    expires = queries.guest_links_expire_at(day)
    assert expires - day.starts_at == timedelta(hours=14)  # 10:00 to midnight, local
    time_machine.move_to(expires - timedelta(minutes=1))
    assert Client().get(path).status_code == 200
    time_machine.move_to(expires)
    response = Client().get(path)
    assert response.status_code == 410
    assert 'data-testid="link-closed"' in response.content.decode()
    pitch = prog.pitch
    assert Client().post(path, {f"meet_{pitch.pk}": "on"}).status_code == 410
    guest = DemoDayGuest.objects.get(email="anna@fund.example")
    with pytest.raises(Exception) as excinfo:
        services.feedback_record(guest=guest, pitch=pitch, meet=True)
    assert "pitch" in excinfo.value.message_dict
    assert not PitchFeedback.objects.filter(guest=guest).exists()
    # and staff cannot send a link any more
    staff = client_as("manager")
    staff.post(f"/yakutia/programmes/demo-day-guests/{guest.pk}/resend/")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda p: p[:-5] + "AAAA/",  # another secret
        lambda p: p[:-10] + "/",  # too short
        lambda p: p[:-2] + "\u0416/",  # not a secret's alphabet
    ],
)
def test_an_unknown_secret_is_not_found(day, client_as, django_capture_on_commit_callbacks, mangle):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    assert Client().get(mangle(path)).status_code == 404


def test_a_secret_answers_only_for_its_demo_day_and_park(
    prog, day, world, client_as, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    token = path.rstrip("/").rsplit("/", 1)[1]
    other = services.demo_day_save(
        cohort=services.cohort_create(
            programme=prog.programme,
            actor=world.users["manager"],
            name="Other",
            starts_on=prog.cohort.starts_on,
            ends_on=prog.cohort.ends_on,
        ),
        actor=world.users["manager"],
        title="Other",
        starts_at=day.starts_at,
    )
    assert (
        Client().get(f"/yakutia/programmes/demo-days/{other.pk}/guest/{token}/").status_code == 404
    )
    other_park = f"/{world.other_park.slug}/programmes/demo-days/{day.pk}/guest/{token}/"
    assert Client().get(other_park).status_code == 404


def test_resending_replaces_the_link_and_withdrawing_ends_it(
    prog, day, client_as, django_capture_on_commit_callbacks
):
    first = invited(client_as, day, django_capture_on_commit_callbacks)
    guest = DemoDayGuest.objects.get(email="anna@fund.example")
    staff = client_as("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/yakutia/programmes/demo-day-guests/{guest.pk}/resend/")
    assert response.status_code == 302
    second = LINK.search(mail.outbox[-1].body).group(1)
    assert second != first
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert AuditEntry.objects.filter(action="programmes.guest_resend").count() == 1
    revoke = f"/yakutia/programmes/demo-day-guests/{guest.pk}/revoke/"
    asked = staff.post(revoke)
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.content.decode()
    assert Client().get(second).status_code == 200  # asking changed nothing
    response = staff.post(revoke, {"confirmed": "1"})
    assert response.status_code == 302
    closed = Client().get(second)
    assert closed.status_code == 410
    assert AuditEntry.objects.filter(action="programmes.guest_revoke").count() == 1
    # withdrawn once; the address may be invited again
    assert staff.post(revoke, {"confirmed": "1"}).status_code == 302
    assert AuditEntry.objects.filter(action="programmes.guest_revoke").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(staff, day).status_code == 302


def test_hostile_notes_are_kept_as_text_and_control_characters_refused(
    prog, day, client_as, time_machine, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    time_machine.move_to(day.starts_at + timedelta(minutes=5))
    pitch = prog.pitch
    guest = Client()
    response = guest.post(path, {f"note_{pitch.pk}": "bad\x00note"})
    assert response.status_code == 400
    assert not PitchFeedback.objects.filter(guest__email="anna@fund.example").exists()
    response = guest.post(path, {f"note_{pitch.pk}": "<script>alert(1)</script>"})
    assert response.status_code == 200
    html = client_as("manager").get(f"/yakutia/programmes/demo-days/{day.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    csv_text = client_as("manager").get(f"/yakutia/programmes/demo-days/{day.pk}/feedback.csv")
    assert "<script>alert(1)</script>" in csv_text.content.decode()  # text, a CSV runs nothing


def test_a_formula_in_a_note_is_neutralised_in_the_export(
    prog, day, client_as, time_machine, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks, name="=HYPERLINK(1)")
    time_machine.move_to(day.starts_at + timedelta(minutes=5))
    Client().post(path, {f"note_{prog.pitch.pk}": "=1+1"})
    csv_text = client_as("manager").get(f"/yakutia/programmes/demo-days/{day.pk}/feedback.csv")
    body = csv_text.content.decode()
    assert "'=1+1" in body and "'=HYPERLINK(1)" in body


def test_guests_in_one_hall_share_an_address_and_all_get_their_pages(
    day, client_as, django_capture_on_commit_callbacks
):
    paths = [
        invited(client_as, day, django_capture_on_commit_callbacks, email=f"g{n}@fund.example")
        for n in range(7)
    ]
    hall = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [hall.get(path).status_code for path in paths for _ in range(10)]
    assert len(statuses) == 70 and set(statuses) == {200}


def test_guessing_secrets_is_limited_per_address_but_real_links_keep_working(
    day, client_as, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    wrong = [path[:-6] + f"{n:04d}A/" for n in range(guest_views.GUEST_MISS_LIMIT + 3)]
    statuses = [guesser.get(p).status_code for p in wrong]
    assert statuses[: guest_views.GUEST_MISS_LIMIT] == [404] * guest_views.GUEST_MISS_LIMIT
    assert statuses[guest_views.GUEST_MISS_LIMIT :] == [429] * 3
    assert guesser.get(path[:-3] + "\u0416/").status_code == 429  # a malformed one too
    # the guest behind the same address still gets their page; another address still gets 404
    assert guesser.get(path).status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.1").get(wrong[0]).status_code == 404


def test_one_link_is_limited_on_its_own(
    day, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    first = invited(client_as, day, django_capture_on_commit_callbacks)
    second = invited(client_as, day, django_capture_on_commit_callbacks, email="b@fund.example")
    monkeypatch.setattr(guest_views, "GUEST_PAGE_LIMIT", 2)
    guest = Client()
    assert [guest.get(first).status_code for _ in range(3)] == [200, 200, 429]
    response = guest.get(first)
    assert response.status_code == 429 and response["Cache-Control"] == "private, no-store"
    assert guest.get(second).status_code == 200


def test_the_secret_of_a_link_is_not_written_to_the_logs(
    prog, day, client_as, time_machine, caplog, django_capture_on_commit_callbacks
):
    path = invited(client_as, day, django_capture_on_commit_callbacks)
    token = path.rstrip("/").rsplit("/", 1)[1]
    time_machine.move_to(day.starts_at + timedelta(minutes=5))
    caplog.set_level(logging.INFO)
    guest = Client()
    assert guest.post(path, {f"note_{prog.pitch.pk}": "bad\x00note"}).status_code == 400
    assert guest.get(path[:-5] + "AAAA/").status_code == 404
    DemoDayGuest.objects.filter(email="anna@fund.example").update(revoked_at=day.starts_at)
    assert guest.get(path).status_code == 410
    assert len(caplog.records) >= 3
    assert "/guest/…/" in caplog.text
    assert token not in caplog.text and token[:-4] not in caplog.text


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 service not available")


def test_a_resend_that_cannot_be_mailed_keeps_the_old_link(
    day, client_as, settings, django_capture_on_commit_callbacks
):
    first = invited(client_as, day, django_capture_on_commit_callbacks)
    guest = DemoDayGuest.objects.get(email="anna@fund.example")
    staff = client_as("manager")
    settings.EMAIL_BACKEND = "tests.programmes.test_guests.BrokenMailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/yakutia/programmes/demo-day-guests/{guest.pk}/resend/")
    assert DemoDayGuest.objects.get(pk=guest.pk).link_hash == guest.link_hash
    assert Client().get(first).status_code == 200
    # the mail server is back: a retry gives one new link, and only that one works
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/yakutia/programmes/demo-day-guests/{guest.pk}/resend/")
    second = LINK.search(mail.outbox[-1].body).group(1)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b.example", "name": ""}, "name"),
        ({"email": "a\x00@b.example"}, "email"),
    ],
)
def test_a_bad_invitation_is_refused_at_the_field(prog, day, client_as, data, field):
    payload = {"name": "Anna", "kind": "investor", **data}
    response = client_as("manager").post(f"/yakutia/programmes/demo-days/{day.pk}/guests/", payload)
    assert response.status_code == 400
    assert field in response.context["guest_form"].errors
    assert not DemoDayGuest.objects.filter(email__contains="@").exists()
    assert not mail.outbox


def test_the_same_address_is_invited_once(day, client_as, django_capture_on_commit_callbacks):
    invited(client_as, day, django_capture_on_commit_callbacks)
    response = invite(client_as("manager"), day)
    assert response.status_code == 400
    assert "email" in response.context["guest_form"].errors


def test_a_member_is_invited_without_an_address(prog, day):
    with pytest.raises(Exception) as excinfo:
        services.guest_invite(demo_day=day, user=prog.users["investor"], email="x@y.example")
    assert "email" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("founder", 403),
        ("other_founder", 403),
        ("mentor", 403),
        ("investor", 403),
        ("outsider", 403),
        ("manager", 200),
    ],
)
def test_staff_pages_for_guests_by_role(
    prog, day, client_as, django_capture_on_commit_callbacks, role, status
):
    invited(client_as, day, django_capture_on_commit_callbacks)
    guest = DemoDayGuest.objects.get(email="anna@fund.example")
    client = client_as(role)
    export = client.get(f"/yakutia/programmes/demo-days/{day.pk}/feedback.csv")
    assert export.status_code == status
    post_status = 302 if status == 200 else status
    sent = len(mail.outbox)
    assert client.post(f"/yakutia/programmes/demo-day-guests/{guest.pk}/resend/").status_code == (
        post_status
    )
    assert client.post(
        f"/yakutia/programmes/demo-day-guests/{guest.pk}/revoke/", {"confirmed": "1"}
    ).status_code == (post_status)
    guest.refresh_from_db()
    assert (guest.revoked_at is not None) == (role == "manager")
    if role != "manager":
        assert len(mail.outbox) == sent


def test_another_parks_guest_is_not_found(
    world, day, client_as, django_capture_on_commit_callbacks
):
    invited(client_as, day, django_capture_on_commit_callbacks)
    guest = DemoDayGuest.objects.get(email="anna@fund.example")
    client = Client()
    client.force_login(world.users["outsider"])
    url = f"/{world.other_park.slug}/programmes/demo-day-guests/{guest.pk}/revoke/"
    assert client.post(url).status_code == 404
