"""Double opt-in introductions: the request, the answers, expiry and the limits.

No contact leaks before acceptance (the holder's e-mail and the notice); after acceptance both
e-mails carry both sides' contacts; the decline's reason and the suggestions; withdraw; one open
request per company and profile; a mentor's capacity and an investor's introductions a month."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from technopark.network.models import (
    NOTE_MAX_WORDS,
    Bookmark,
    Introduction,
    IntroStatus,
    Pairing,
    PairingSource,
    ProfileKind,
    Visibility,
)
from technopark.network.services import intros
from technopark.notices.models import Notice
from tests.factories import CompanyFactory, TeamMemberFactory, UserFactory
from tests.network.conftest import NOW, make_profile

pytestmark = pytest.mark.django_db

NOTE = "Мы делаем датчики для мерзлоты и ищем наставника по продажам в промышленность."


@pytest.fixture(autouse=True)
def plain_headlines(request: Any) -> None:
    """Headlines without the holder's e-mail (the shared fixture's have it), so that a leak of
    an e-mail is a leak of the contact, not of the headline."""
    if "net" not in request.fixturenames:
        return
    net = request.getfixturevalue("net")
    for name in ("mentor", "other_mentor", "investor", "customer"):
        profile = getattr(net, f"{name}_profile")
        profile.headline = f"{name.replace('_', ' ').title()} of the north"
        profile.save()


def ask(net: Any, profile: Any = None, *, company: Any = None, note: str = NOTE, **kw: Any) -> Any:
    return intros.intro_request(
        access=net.access(kw.pop("by", "founder")),
        company=company or net.world.company,
        profile=profile or net.investor_profile,
        note=note,
        now=kw.pop("now", NOW),
    )


def founder_company(net: Any) -> tuple[Any, Any]:
    """A new company of the park with its own founder acting for it."""
    company = CompanyFactory(park=net.world.park)
    user = UserFactory()
    from technopark.parks.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(park=net.world.park, user=user, role=Role.FOUNDER)
    TeamMemberFactory(company=company, user=user)
    return company, user


def mail_to(address: str) -> list[Any]:
    return [message for message in mail.outbox if address in message.to]


def test_request_tells_the_holder_without_the_requesters_contacts(
    net: Any, django_capture_on_commit_callbacks: Any
) -> None:
    founder = net.world.users["founder"]
    with django_capture_on_commit_callbacks(execute=True):
        intro = ask(net)
    assert intro.status == IntroStatus.REQUESTED
    assert intro.expires_at == NOW + timedelta(days=intros.EXPIRY_DAYS)
    [message] = mail_to(net.investor.email)
    assert NOTE in message.body and "Северный код" in message.body
    assert founder.email not in message.body and founder.email not in message.subject
    assert founder.full_name not in message.body
    notice = Notice.objects.get(kind="network.intro_requested")
    assert founder.email not in notice.body
    # The holder's language (unset: the park's first, Russian).
    assert "просит" in message.subject


def test_acceptance_mails_both_sides_both_contacts(
    net: Any, django_capture_on_commit_callbacks: Any
) -> None:
    net.investor_profile.phone = "+7 914 000-00-00"
    net.investor_profile.save()
    net.world.users["founder"].language = "en"
    net.world.users["founder"].save()
    intro = ask(net)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = intros.intro_accept(
            access=net.access("investor"), intro=intro, answer="Рад знакомству", now=NOW
        )
    assert done.status == IntroStatus.ACCEPTED and done.answered_at == NOW
    assert done.answered_by == net.investor
    holder_mail = mail_to(net.investor.email)
    founder_mail = mail_to("founder@example.org")
    assert len(holder_mail) == 1 and len(founder_mail) == 1
    for message in (holder_mail[0], founder_mail[0]):
        assert "founder@example.org" in message.body
        assert net.investor.email in message.body
        assert "+7 914 000-00-00" in message.body
    # Each in their own language: the founder chose English, the investor reads Russian.
    assert "accepted" in founder_mail[0].subject
    assert "Знакомство" in holder_mail[0].subject


def test_the_holder_alone_answers_while_it_waits(net: Any) -> None:
    intro = ask(net)
    for role in ("founder", "manager", "mentor"):
        with pytest.raises(ValidationError):
            intros.intro_accept(access=net.access(role), intro=intro, now=NOW)
        with pytest.raises(ValidationError):
            intros.intro_decline(
                access=net.access(role), intro=intro, reason="other", answer="", now=NOW
            )
    intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    with pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    assert refused.value.error_dict["status"][0].code == "closed"


def test_an_expired_request_cannot_be_accepted_and_the_command_expires_it(
    net: Any, django_capture_on_commit_callbacks: Any
) -> None:
    intro = ask(net)
    other = ask(net, net.customer_profile, now=NOW + timedelta(days=3))
    later = NOW + timedelta(days=intros.EXPIRY_DAYS)
    with pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("investor"), intro=intro, now=later)
    assert refused.value.error_dict["status"][0].code == "expired"
    Bookmark.all_parks.create(
        park=net.world.park,
        company=net.world.company,
        profile=net.other_mentor_profile,
        created_by=net.world.users["founder"],
    )
    mail.outbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "network_expire_introductions",
            "--park",
            "yakutia",
            "--now",
            later.isoformat(),
            stdout=out,
        )
    assert "1 introduction requests expired" in out.getvalue()
    intro.refresh_from_db()
    other.refresh_from_db()
    assert intro.status == IntroStatus.EXPIRED and other.status == IntroStatus.REQUESTED
    [message] = mail_to("founder@example.org")
    assert f"/yakutia/network/suggestions/?company={net.world.company.pk}" in message.body
    assert net.other_mentor_profile.headline in message.body  # the bookmark offered
    assert net.investor.email not in message.body
    # Twice is harmless.
    assert intros.intros_expire(now=later) == 0
    assert intros.intros_expire(now=later + timedelta(days=3)) == 1


def test_the_note_is_required_and_bounded(net: Any) -> None:
    for bad, field in (("   ", "note"), ("слово " * (NOTE_MAX_WORDS + 1), "note")):
        with pytest.raises(ValidationError) as refused:
            ask(net, note=bad)
        assert field in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        ask(net, note="a" * (intros.NOTE_MAX_CHARS + 1))
    assert "note" in refused.value.error_dict
    assert ask(net, note="слово " * NOTE_MAX_WORDS).pk
    assert not Introduction.all_parks.exclude(note__startswith="слово").exists()


def test_one_open_request_per_company_and_profile(net: Any) -> None:
    first = ask(net)
    with pytest.raises(ValidationError) as refused:
        ask(net)
    assert refused.value.error_dict["profile"][0].code == "duplicate"
    intros.intro_withdraw(access=net.access("founder"), intro=first, now=NOW)
    assert ask(net).pk != first.pk


def test_only_for_a_company_one_acts_for_to_a_visible_active_profile(net: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        ask(net, company=net.world.other_company)
    assert "company" in refused.value.error_dict
    with pytest.raises(ValidationError):
        ask(net, company=net.world.foreign_company)
    net.customer_profile.visibility = Visibility.HIDDEN
    net.customer_profile.save()
    with pytest.raises(ValidationError) as refused:
        ask(net, net.customer_profile)
    assert "profile" in refused.value.error_dict
    net.other_mentor_profile.is_active = False
    net.other_mentor_profile.save()
    with pytest.raises(ValidationError):
        ask(net, net.other_mentor_profile)
    # Not to oneself: a founder who is also an investor.
    own = make_profile(net.world.park, net.world.users["founder"], ProfileKind.INVESTOR)
    with pytest.raises(ValidationError) as refused:
        ask(net, own)
    assert "yourself" in " ".join(refused.value.messages)
    assert not Introduction.all_parks.exists()


def test_a_company_has_a_few_requests_open_and_a_few_a_month_per_kind(net: Any) -> None:
    park = net.world.park
    people = [make_profile(park, UserFactory(), ProfileKind.CUSTOMER) for _ in range(12)]
    made = [ask(net, person) for person in people[: intros.OPEN_LIMIT]]
    with pytest.raises(ValidationError) as refused:
        ask(net, people[intros.OPEN_LIMIT])
    assert refused.value.error_dict["company"][0].code == "open_limit"
    for intro in made:
        intros.intro_withdraw(access=net.access("founder"), intro=intro, now=NOW)
    more = [
        ask(net, person) for person in people[intros.OPEN_LIMIT : intros.MONTHLY_LIMIT_PER_KIND]
    ]
    for intro in more:
        intros.intro_withdraw(access=net.access("founder"), intro=intro, now=NOW)
    with pytest.raises(ValidationError) as refused:
        ask(net, people[-1])
    assert refused.value.error_dict["profile"][0].code == "monthly_limit"
    # Another kind, and next month, are fine.
    assert ask(net, net.investor_profile).pk
    assert ask(net, people[-1], now=NOW + timedelta(days=31)).pk


def test_decline_needs_a_reason_and_offers_the_next_suggestions(
    net: Any, django_capture_on_commit_callbacks: Any
) -> None:
    intro = ask(net)
    with pytest.raises(ValidationError) as refused:
        intros.intro_decline(
            access=net.access("investor"), intro=intro, reason="bored", answer="", now=NOW
        )
    assert "decline_reason" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        intros.intro_decline(
            access=net.access("investor"), intro=intro, reason="other", answer="x" * 1001, now=NOW
        )
    assert "answer" in refused.value.error_dict
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = intros.intro_decline(
            access=net.access("investor"),
            intro=intro,
            reason="too_early",
            answer="Вернитесь после пилота",
            now=NOW,
        )
    assert done.status == IntroStatus.DECLINED and done.decline_reason == "too_early"
    [message] = mail_to("founder@example.org")
    assert "Вернитесь после пилота" in message.body
    assert "Рано для компании" in message.body
    assert "/yakutia/network/suggestions/?company=" in message.body
    assert net.investor.email not in message.body


def test_withdraw_is_for_those_acting_for_the_company(net: Any) -> None:
    intro = ask(net)
    for role in ("investor", "other_founder", "manager"):
        with pytest.raises(ValidationError):
            intros.intro_withdraw(access=net.access(role), intro=intro, now=NOW)
    done = intros.intro_withdraw(access=net.access("founder"), intro=intro, now=NOW)
    assert done.status == IntroStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)


def test_a_mentor_with_two_places_accepts_two_of_three(net: Any) -> None:
    companies = [net.world.company, net.world.other_company]
    extra, extra_founder = founder_company(net)
    requests = [
        ask(net, net.mentor_profile, company=c, by=by)
        for c, by in (
            (companies[0], "founder"),
            (companies[1], "other_founder"),
            (extra, extra_founder),
        )
    ]
    for intro in requests[:2]:
        intros.intro_accept(access=net.access("mentor"), intro=intro, now=NOW)
    with pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("mentor"), intro=requests[2], now=NOW)
    assert refused.value.error_dict["profile"][0].code == "capacity"
    assert (
        Pairing.all_parks.filter(profile=net.mentor_profile, source=PairingSource.REQUEST).count()
        == 2
    )
    assert Pairing.all_parks.get(introduction=requests[0]).company == companies[0]
    requests[2].refresh_from_db()
    assert requests[2].status == IntroStatus.REQUESTED


def test_an_investor_accepts_intros_per_month_in_their_month(net: Any) -> None:
    net.investor_profile.intros_per_month = 2
    net.investor_profile.time_zone = "Asia/Yakutsk"
    net.investor_profile.save()
    companies = [founder_company(net) for _ in range(3)]
    requests = [ask(net, company=c, by=by) for c, by in companies]
    for intro in requests[:2]:
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    with pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("investor"), intro=requests[2], now=NOW)
    assert refused.value.error_dict["profile"][0].code == "capacity"
    # 1 April 00:30 in Yakutsk is still 31 March in UTC: a new month for the holder.
    april = NOW.replace(month=3, day=31, hour=15, minute=30)
    intros.intro_withdraw(access=net.access(companies[2][1]), intro=requests[2], now=NOW)
    again = ask(net, company=companies[2][0], by=companies[2][1], now=april - timedelta(hours=1))
    with pytest.raises(ValidationError) as still_march:  # 31 March 23:30 in Yakutsk
        intros.intro_accept(
            access=net.access("investor"), intro=again, now=april - timedelta(hours=1)
        )
    assert still_march.value.error_dict["profile"][0].code == "capacity"
    done = intros.intro_accept(access=net.access("investor"), intro=again, now=april)
    assert done.status == IntroStatus.ACCEPTED


def test_words_and_month_bounds() -> None:
    assert intros.words("  one  two\nthree ") == 3
    start, end = intros.month_bounds(NOW.replace(day=31, month=3, hour=16), "Asia/Yakutsk")
    assert (start.month, start.day, end.month) == (4, 1, 5)
