"""The audit chain: entries chain by hash, and any edit or removal is detected."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_record, audit_trail, audit_verify


def _record(world: Any, n: int = 3) -> list[AuditEntry]:
    return [
        audit_record(
            park=world.park,
            actor=world.users["manager"],
            action="test.decide",
            target=world.company,
            summary=f"decision {i}",
            before={"status": "submitted"},
            after={"status": "admitted", "amount": Decimal("1500000.00")},
        )
        for i in range(n)
    ]


def test_entries_chain_and_verify(world: Any) -> None:
    entries = _record(world)
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    stored = AuditEntry.objects.get(sequence=1)
    assert stored.after["amount"] == "1500000.00"  # money as a string, never a float
    assert stored.actor_label == "manager@example.org"
    assert audit_verify().ok
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "3 entries verified" in out.getvalue()
    assert list(audit_trail(target=world.company)) == entries


@pytest.mark.parametrize(
    ("column", "value"),
    [("summary", "a quiet edit"), ("after", {"status": "rejected"}), ("actor_label", "x@y.z")],
)
def test_an_edited_entry_is_detected(world: Any, column: str, value: Any) -> None:
    _record(world)
    # An edit behind the application's back (the model itself refuses to save an entry twice).
    AuditEntry.objects.filter(sequence=2).update(**{column: value})
    result = audit_verify()
    assert not result.ok
    assert "#2" in result.problem
    with pytest.raises(CommandError, match="#2"):
        call_command("audit_verify", stdout=StringIO())


def test_a_deleted_entry_is_detected(world: Any) -> None:
    _record(world)
    AuditEntry.objects.filter(sequence=2).delete()  # queryset delete bypasses the model's refusal
    assert "#2 is missing" in audit_verify().problem


def test_a_deleted_tail_is_detected(world: Any) -> None:
    _record(world)
    AuditEntry.objects.filter(sequence=3).delete()
    assert "after #2" in audit_verify().problem


def test_the_model_refuses_updates_and_deletes(world: Any) -> None:
    entry = _record(world, 1)[0]
    entry.summary = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert audit_verify().ok


def test_an_empty_chain_verifies(db: Any) -> None:
    assert audit_verify().ok
    assert audit_verify().checked == 0
