"""Report reminders: after the quarter ends and when overdue, each once, to those who act for the
resident company; the management command and the task run it."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command

from technopark.residency import services, tasks
from technopark.residency.models import ReminderKind, ReportReminder
from technopark.residency.reminders import send_report_reminders
from technopark.residency.schedule import Quarter
from tests.residency.conftest import admit, file_report

YAKUTSK = ZoneInfo("Asia/Yakutsk")
BASE = "https://park.example.org"


def test_before_then_after_each_once(world):
    resident = admit(world.company, start_date=date(2026, 1, 10))
    admit(world.other_company, start_date=date(2026, 1, 10))
    file_report(resident, Quarter(2026, 1), now=datetime(2026, 4, 2, tzinfo=YAKUTSK))

    # 2 April: Q1 has ended, due by 5 April: the other company is reminded (the first filed).
    run = send_report_reminders(base_url=BASE, now=datetime(2026, 4, 2, 9, tzinfo=YAKUTSK))
    assert run.reminders == 1 and run.emails == 1
    message = mail.outbox[0]
    assert message.to == ["other_founder@example.org"]
    assert world.other_company.short_name in message.subject
    assert "1 кв. 2026" in message.body
    assert f"{BASE}/yakutia/residents/reports/" in message.body
    # The same day again: nothing new.
    again = send_report_reminders(base_url=BASE, now=datetime(2026, 4, 3, 9, tzinfo=YAKUTSK))
    assert again.reminders == 0 and len(mail.outbox) == 1

    # 5 April 23:59 local: not overdue yet, no "after" reminder.
    send_report_reminders(base_url=BASE, now=datetime(2026, 4, 5, 23, 59, tzinfo=YAKUTSK))
    assert len(mail.outbox) == 1
    # 6 April 00:00 local: overdue.
    late = send_report_reminders(base_url=BASE, now=datetime(2026, 4, 6, 0, 0, tzinfo=YAKUTSK))
    assert late.reminders == 1
    # Reminders speak the park's first language (Russian here), whoever runs the command.
    assert mail.outbox[1].subject.startswith("[Технопарк Якутия] Просрочен квартальный отчёт")
    assert "Просрочен" not in mail.outbox[0].subject
    kinds = set(ReportReminder.all_parks.values_list("kind", flat=True))
    assert kinds == {ReminderKind.BEFORE, ReminderKind.AFTER}


def test_former_and_team_less_residents(world):
    gone = admit(world.company, start_date=date(2026, 1, 10))
    services.resident_revoke(resident=gone, actor=None, reason="Breach")
    silent = admit(world.other_company, start_date=date(2026, 1, 10))
    world.other_company.team.update(acts_for_company=False)
    run = send_report_reminders(base_url=BASE, now=datetime(2026, 4, 2, tzinfo=YAKUTSK))
    # The revoked one is not reminded; the one without anyone acting for it is noted, not mailed.
    assert run.reminders == 1 and run.emails == 0
    assert ReportReminder.all_parks.get().resident == silent


def test_the_command_and_the_task(world, django_capture_on_commit_callbacks):
    admit(world.company, start_date=date(2025, 1, 10))
    out = StringIO()
    call_command("residency_remind_reports", "--base-url", BASE, "--park", "yakutia", stdout=out)
    assert "1 residents reminded" in out.getvalue()
    assert len(mail.outbox) == 1
    call_command("residency_remind_reports", stdout=out)  # every park; already reminded
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.report_reminders_send.enqueue(base_url=BASE)
    assert result.return_value == 0


def test_the_command_refuses_an_unknown_park(world):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("residency_remind_reports", "--park", "nowhere")
