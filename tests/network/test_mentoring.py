"""Mentoring services: pairings set by staff, goals, the session log and its rules, ratings from
both sides, the fit question, ending; and the per-mentor figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from technopark.network.models import Fit, MentoringSession, PairingSource, PairingStatus
from technopark.network.queries.mentoring import mentoring_figures
from technopark.network.services import mentoring, pairings
from technopark.notices.models import Notice
from technopark.programmes.models import Cohort, Participant, Programme
from tests.factories import CompanyFactory, TeamMemberFactory
from tests.network.conftest import DAY, NOW

pytestmark = pytest.mark.django_db

STARTED = NOW - dt.timedelta(days=30)  # 2026-01-31 in Yakutsk


@pytest.fixture
def cohort(world: Any) -> Cohort:
    programme = Programme.all_parks.create(park=world.park, name="Accelerator")
    return Cohort.all_parks.create(
        park=world.park,
        programme=programme,
        name="Spring 2026",
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 5, 1),
    )


def make_pairing(net: Any, company: Any = None, profile: Any = None, now: Any = STARTED) -> Any:
    return mentoring.pairing_create_by_staff(
        access=net.access("manager"),
        profile=profile or net.mentor_profile,
        company=company or net.world.company,
        goals="Find the first paying customer",
        now=now,
    )


def log(net: Any, pairing: Any, who: str = "mentor", **kw: Any) -> MentoringSession:
    fields: dict[str, Any] = {
        "held_on": DAY - dt.timedelta(days=3),
        "duration_minutes": 60,
        "format": "online",
        "topics": "Pricing",
        "notes": "Private words",
        "rating": None,
    }
    fields.update(kw)
    return mentoring.session_log(access=net.access(who), pairing=pairing, now=NOW, **fields)


def field_of(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.error_dict) if hasattr(error.value, "error_dict") else set()


# --- pairings set by staff -----------------------------------------------------------------


def test_staff_set_a_pairing_and_nobody_else_may(net: Any) -> None:
    made = make_pairing(net)
    assert made.source == PairingSource.STAFF and made.status == PairingStatus.ACTIVE
    assert made.goals == "Find the first paying customer"
    assert made.created_by == net.world.users["manager"]
    for who in ("founder", "mentor", "observer", "outsider"):
        with pytest.raises(ValidationError):
            mentoring.pairing_create_by_staff(
                access=net.access(who),
                profile=net.other_mentor_profile,
                company=net.world.other_company,
                now=NOW,
            )


def test_staff_pairing_refuses_a_mentor_without_a_place(net: Any) -> None:
    make_pairing(net)
    make_pairing(net, company=net.world.other_company)
    with pytest.raises(ValidationError) as refused:
        make_pairing(net, company=CompanyFactory(park=net.world.park))
    assert refused.value.error_dict["profile"][0].code == "capacity"


def test_staff_pairing_cohort_must_hold_the_company(net: Any, cohort: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        mentoring.pairing_create_by_staff(
            access=net.access("manager"),
            profile=net.mentor_profile,
            company=net.world.company,
            cohort=cohort,
            now=NOW,
        )
    assert field_of(refused) == {"cohort"}
    Participant.objects.create(cohort=cohort, company=net.world.company)
    made = mentoring.pairing_create_by_staff(
        access=net.access("manager"),
        profile=net.mentor_profile,
        company=net.world.company,
        cohort=cohort,
        now=NOW,
    )
    assert made.cohort == cohort


def test_goals_by_either_side_or_staff_and_bounded(net: Any) -> None:
    made = make_pairing(net)
    for who in ("mentor", "founder", "manager"):
        saved = mentoring.pairing_set_goals(
            access=net.access(who), pairing=made, goals=f"Goals of {who}", now=NOW
        )
        assert saved.goals == f"Goals of {who}"
    for who in ("other_founder", "other_mentor", "investor", "outsider"):
        with pytest.raises(ValidationError):
            mentoring.pairing_set_goals(access=net.access(who), pairing=made, goals="x", now=NOW)
    with pytest.raises(ValidationError) as refused:
        mentoring.pairing_set_goals(
            access=net.access("mentor"), pairing=made, goals="x" * 2001, now=NOW
        )
    assert field_of(refused) == {"goals"}


# --- the session log -----------------------------------------------------------------------


def test_either_side_logs_and_the_rating_goes_to_its_side(net: Any) -> None:
    made = make_pairing(net)
    by_mentor = log(net, made, "mentor", rating=4)
    assert (by_mentor.mentor_rating, by_mentor.company_rating) == (4, None)
    by_company = log(net, made, "founder", rating=2)
    assert (by_company.mentor_rating, by_company.company_rating) == (None, 2)
    for who in ("manager", "other_founder", "other_mentor", "investor", "outsider"):
        with pytest.raises(ValidationError):
            log(net, made, who)


def test_a_session_is_not_in_the_future_nor_before_the_start(net: Any) -> None:
    made = make_pairing(net)
    assert log(net, made, held_on=DAY).held_on == DAY  # the park's today is fine
    with pytest.raises(ValidationError) as refused:
        log(net, made, held_on=DAY + dt.timedelta(days=1))
    assert field_of(refused) == {"held_on"}
    assert log(net, made, held_on=dt.date(2026, 1, 31)).held_on == dt.date(2026, 1, 31)
    with pytest.raises(ValidationError) as refused:
        log(net, made, held_on=dt.date(2026, 1, 30))
    assert field_of(refused) == {"held_on"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"rating": 0}, "rating"),
        ({"rating": 5}, "rating"),
        ({"topics": "t" * 301}, "topics"),
        ({"notes": "n" * 4001}, "notes"),
        ({"format": "telepathy"}, "format"),
    ],
)
def test_session_bounds(net: Any, fields: dict[str, Any], field: str) -> None:
    made = make_pairing(net)
    with pytest.raises(ValidationError) as refused:
        log(net, made, **fields)
    assert field_of(refused) == {field}
    assert not MentoringSession.all_parks.exists()


def test_session_bounds_that_pass(net: Any) -> None:
    made = make_pairing(net)
    assert log(net, made, duration_minutes=1, rating=1).duration_minutes == 1
    assert log(net, made, duration_minutes=600, rating=4, topics="t" * 300).duration_minutes == 600


def test_no_session_on_an_ended_pairing(net: Any) -> None:
    made = make_pairing(net)
    mentoring.pairing_close(access=net.access("mentor"), pairing=made, reason="done", now=NOW)
    made.refresh_from_db()
    with pytest.raises(ValidationError):
        log(net, made)


# --- ratings -------------------------------------------------------------------------------


def test_the_other_side_rates_and_may_change_within_14_days(net: Any) -> None:
    made = make_pairing(net)
    session = log(net, made, "mentor", rating=3, held_on=DAY - dt.timedelta(days=10))
    rated = mentoring.session_rate(access=net.access("founder"), session=session, rating=4, now=NOW)
    assert (rated.mentor_rating, rated.company_rating) == (3, 4)
    changed = mentoring.session_rate(access=net.access("founder"), session=rated, rating=2, now=NOW)
    assert changed.company_rating == 2 and changed.mentor_rating == 3
    late = NOW + dt.timedelta(days=5)  # 15 days after the session
    with pytest.raises(ValidationError) as refused:
        mentoring.session_rate(access=net.access("mentor"), session=changed, rating=1, now=late)
    assert refused.value.error_dict["rating"][0].code == "rating_final"
    # A side that has not rated yet may still rate after the window... the mentor has; check
    # a fresh session rated late by a side for the first time.
    fresh = log(net, made, "mentor", held_on=DAY - dt.timedelta(days=20))
    first = mentoring.session_rate(access=net.access("founder"), session=fresh, rating=3, now=late)
    assert first.company_rating == 3


def test_only_the_pair_rates_and_only_1_to_4(net: Any) -> None:
    made = make_pairing(net)
    session = log(net, made)
    for who in ("manager", "other_founder", "other_mentor", "observer", "outsider"):
        with pytest.raises(ValidationError):
            mentoring.session_rate(access=net.access(who), session=session, rating=3, now=NOW)
    for bad in (0, 5):
        with pytest.raises(ValidationError) as refused:
            mentoring.session_rate(
                access=net.access("founder"), session=session, rating=bad, now=NOW
            )
        assert field_of(refused) == {"rating"}
    session.refresh_from_db()
    assert (session.mentor_rating, session.company_rating) == (None, None)


# --- correcting and deleting ---------------------------------------------------------------


def test_the_author_corrects_and_deletes_within_7_days(net: Any) -> None:
    made = make_pairing(net)
    session = log(net, made, "founder")
    session = MentoringSession.all_parks.select_related("pairing__profile").get(pk=session.pk)
    with pytest.raises(ValidationError):
        mentoring.session_update(
            access=net.access("mentor"),
            session=session,
            duration_minutes=30,
            topics="x",
            notes="y",
            now=NOW,
        )
    fixed = mentoring.session_update(
        access=net.access("founder"),
        session=session,
        duration_minutes=45,
        topics="Hiring",
        notes="Better notes",
        now=NOW,
    )
    assert (fixed.duration_minutes, fixed.topics, fixed.notes) == (45, "Hiring", "Better notes")
    with pytest.raises(ValidationError) as refused:
        mentoring.session_update(
            access=net.access("founder"),
            session=session,
            duration_minutes=601,
            topics="",
            notes="",
            now=NOW,
        )
    assert field_of(refused) == {"duration_minutes"}
    late = session.created_at + dt.timedelta(days=8)
    with pytest.raises(ValidationError):
        mentoring.session_delete(access=net.access("founder"), session=session, now=late)
    with pytest.raises(ValidationError):
        mentoring.session_delete(access=net.access("mentor"), session=session, now=NOW)
    mentoring.session_delete(access=net.access("founder"), session=session, now=session.created_at)
    assert not MentoringSession.all_parks.filter(pk=session.pk).exists()


# --- the fit question ----------------------------------------------------------------------


def test_fit_only_after_a_session_only_the_company_once(net: Any) -> None:
    made = make_pairing(net)
    with pytest.raises(ValidationError) as refused:
        mentoring.pairing_answer_fit(
            access=net.access("founder"), pairing=made, fit=Fit.GOOD, now=NOW
        )
    assert refused.value.error_dict["fit"][0].code == "no_session"
    log(net, made)
    for who in ("mentor", "manager", "other_founder", "outsider"):
        with pytest.raises(ValidationError):
            mentoring.pairing_answer_fit(
                access=net.access(who), pairing=made, fit=Fit.GOOD, now=NOW
            )
    answered = mentoring.pairing_answer_fit(
        access=net.access("founder"), pairing=made, fit=Fit.GOOD, now=NOW
    )
    assert answered.fit == Fit.GOOD and answered.fit_answered_at == NOW
    assert answered.status == PairingStatus.ACTIVE
    with pytest.raises(ValidationError) as refused:
        mentoring.pairing_answer_fit(
            access=net.access("founder"), pairing=answered, fit=Fit.POOR, now=NOW
        )
    assert refused.value.error_dict["fit"][0].code == "once"


def test_a_team_member_who_does_not_act_for_the_company_does_not_answer(net: Any) -> None:
    made = make_pairing(net)
    log(net, made)
    TeamMemberFactory(company=net.world.company, user=net.investor, acts_for_company=False)
    with pytest.raises(ValidationError):
        mentoring.pairing_answer_fit(
            access=net.access("investor"), pairing=made, fit=Fit.GOOD, now=NOW
        )


def test_poor_fit_ends_the_pairing_frees_the_place_and_tells_the_mentor(net: Any) -> None:
    net.mentor.language = "en"
    net.mentor.save()
    made = make_pairing(net)
    make_pairing(net, company=net.world.other_company)  # the mentor's two places are taken
    third = CompanyFactory(park=net.world.park)
    with pytest.raises(ValidationError):
        make_pairing(net, company=third)
    log(net, made)
    answered = mentoring.pairing_answer_fit(
        access=net.access("founder"), pairing=made, fit=Fit.POOR, now=NOW
    )
    assert answered.status == PairingStatus.ENDED and answered.ended_at == NOW
    assert answered.end_reason == "not a good fit"
    notice = Notice.objects.get(recipient=net.mentor, kind="network.pairing_poor_fit")
    assert "another mentor" in notice.subject and net.world.company.short_name in notice.subject
    assert f"/mentoring/{made.pk}/" in notice.url
    again = pairings.pairing_open(
        profile=net.mentor_profile,
        company=third,
        source=PairingSource.STAFF,
        by=net.world.users["manager"],
        now=NOW,
    )
    assert again.status == PairingStatus.ACTIVE


def test_the_poor_fit_notice_is_in_the_mentors_language(net: Any) -> None:
    net.mentor.language = "ru"
    net.mentor.save()
    made = make_pairing(net)
    log(net, made)
    mentoring.pairing_answer_fit(access=net.access("founder"), pairing=made, fit=Fit.POOR, now=NOW)
    notice = Notice.objects.get(recipient=net.mentor)
    assert "ищет другого наставника" in notice.subject


# --- ending --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "founder", "manager"])
def test_either_side_or_staff_end(net: Any, who: str) -> None:
    made = make_pairing(net)
    ended = mentoring.pairing_close(access=net.access(who), pairing=made, reason="Done", now=NOW)
    assert ended.status == PairingStatus.ENDED and ended.end_reason == "Done"
    with pytest.raises(ValidationError) as refused:
        mentoring.pairing_close(access=net.access(who), pairing=ended, reason="", now=NOW)
    assert field_of(refused) == {"status"}


@pytest.mark.parametrize("who", ["other_mentor", "other_founder", "investor", "observer"])
def test_others_do_not_end(net: Any, who: str) -> None:
    made = make_pairing(net)
    with pytest.raises(ValidationError):
        mentoring.pairing_close(access=net.access(who), pairing=made, reason="", now=NOW)
    made.refresh_from_db()
    assert made.status == PairingStatus.ACTIVE


def test_end_reason_is_bounded(net: Any) -> None:
    made = make_pairing(net)
    with pytest.raises(ValidationError) as refused:
        mentoring.pairing_close(
            access=net.access("mentor"), pairing=made, reason="r" * 301, now=NOW
        )
    assert field_of(refused) == {"reason"}


# --- figures -------------------------------------------------------------------------------


def test_mentoring_figures_per_mentor(net: Any, django_assert_num_queries: Any) -> None:
    made = make_pairing(net)  # started 2026-01-31
    log(net, made, "mentor", held_on=dt.date(2026, 2, 4), duration_minutes=90, rating=4)
    log(net, made, "founder", held_on=dt.date(2026, 2, 20), duration_minutes=30, rating=2)
    log(net, made, "founder", held_on=dt.date(2026, 1, 31), duration_minutes=60)
    other = make_pairing(net, company=net.world.company, profile=net.other_mentor_profile, now=NOW)
    with django_assert_num_queries(3):
        rows = mentoring_figures(net.world.park, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert len(rows) == 1
    row = rows[0]
    assert row.profile_id == net.mentor_profile.pk
    assert (row.sessions, row.minutes, row.hours) == (2, 120, 2.0)
    assert (row.avg_mentor_rating, row.avg_company_rating) == (4.0, 2.0)
    assert row.pairings_started == 0 and row.days_to_first_session is None
    rows = mentoring_figures(net.world.park, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    by_id = {row.profile_id: row for row in rows}
    assert by_id[net.mentor_profile.pk].sessions == 3
    assert by_id[net.mentor_profile.pk].pairings_started == 1
    assert by_id[net.mentor_profile.pk].days_to_first_session == 0.0
    assert by_id[other.profile_id].pairings_started == 1
    assert by_id[other.profile_id].sessions == 0
    assert mentoring_figures(net.world.other_park, dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == []


def test_the_rules_and_the_service_share_the_delete_window() -> None:
    from technopark.network import rules

    assert rules.SESSION_DELETE_DAYS == mentoring.DELETE_DAYS
