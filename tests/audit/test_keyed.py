"""The audit chain a ministry can trust: keyed entries, one chain per park, signed checkpoints
outside the database, and the money reconciled with the chain."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import UTC
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command

from technopark.audit import keys
from technopark.audit.models import GENESIS, AuditEntry, AuditHead
from technopark.audit.services import (
    audit_record,
    audit_trail,
    audit_verify,
    checkpoint_write,
    verify_checkpoint,
)
from technopark.grants import services as grants
from technopark.grants.models import Disbursement, GrantAward
from tests.grants.factories import accountant, make_award, make_participant, ready_to_pay

D = Decimal
KEY_A = "a" * 40
KEY_B = "b" * 40


@pytest.fixture
def keyed(settings: Any, tmp_path: Path) -> Path:
    settings.TECHNOPARK_AUDIT_KEY = KEY_A
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = []
    settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY = ""
    settings.TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS = []
    settings.TECHNOPARK_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path / "checkpoints"


def _record(park: Any, target: Any, actor: Any, n: int = 3) -> list[AuditEntry]:
    return [
        audit_record(
            park=park,
            actor=actor,
            action="test.decide",
            target=target,
            summary=f"decision {i}",
            after={"i": i},
        )
        for i in range(n)
    ]


@pytest.fixture
def paid(world: Any, keyed: Path, admin: Any) -> Any:
    """An award of the park with its first tranche paid (and its entries in the park's chain)."""
    manager = world.users["manager"]
    award = make_award(make_participant(world.park, world.company), manager)
    tranche = award.tranches.order_by("number").first()
    ready_to_pay(tranche, manager, admin)
    result = grants.tranche_pay(
        tranche=tranche,
        actor=accountant(world.park),
        payment_reference="ПП-1",
        idempotency_key="k-1",
    )
    return result.disbursement


@pytest.fixture
def admin(world: Any) -> Any:
    from technopark.parks.models import Role
    from tests.factories import MembershipFactory, UserFactory

    person = UserFactory(email="park_admin@example.org")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    return person


# --- keyed entries, one chain per park -------------------------------------------------------------


def test_each_park_and_the_platform_have_a_chain_of_their_own(world: Any, keyed: Path) -> None:
    manager = world.users["manager"]
    mine = _record(world.park, world.company, manager, 3)
    theirs = _record(world.other_park, world.foreign_company, world.users["outsider"], 2)
    platform = _record(None, manager, manager, 1)
    assert [e.sequence for e in mine] == [1, 2, 3]
    assert [e.sequence for e in theirs] == [1, 2]
    assert [e.sequence for e in platform] == [1]
    assert theirs[0].prev_hash == GENESIS and mine[1].prev_hash == mine[0].hash
    assert {e.chain for e in mine} == {world.park.pk}
    assert platform[0].chain == 0 and platform[0].park_id is None
    heads = dict(AuditHead.objects.values_list("chain", "sequence"))
    assert heads == {world.park.pk: 3, world.other_park.pk: 2, 0: 1}
    # Every entry names its key and algorithm; the hash is the HMAC under that key, not SHA-256.
    entry = mine[0]
    assert entry.key_id == keys.fingerprint(KEY_A.encode()) and entry.algorithm == 2
    assert entry.hash != hashlib.sha256(_unkeyed_content(entry)).hexdigest()
    result = audit_verify()
    assert result.ok, result.problems
    assert (result.checked, result.chains) == (6, 3)
    assert list(audit_trail(target=world.company)) == mine


def _unkeyed_content(entry: AuditEntry) -> bytes:
    """The content the first version hashed with plain SHA-256 (what the attacker recomputes)."""
    return json.dumps(
        {
            "sequence": entry.sequence,
            "at": entry.at.astimezone(UTC).isoformat(),
            "park": entry.park_id,
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "summary": entry.summary,
            "before": entry.before,
            "after": entry.after,
            "prev_hash": entry.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _rehash_unkeyed_from(entry: AuditEntry) -> None:
    """What the reviewer did with database access: recompute every hash from ``entry`` on, the
    old unkeyed way, relink the chain and move the head."""
    prev = entry.prev_hash
    for later in AuditEntry.objects.filter(
        chain=entry.chain, sequence__gte=entry.sequence
    ).order_by("sequence"):
        later.prev_hash = prev
        digest = hashlib.sha256(_unkeyed_content(later)).hexdigest()
        AuditEntry.objects.filter(pk=later.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditHead.objects.filter(chain=entry.chain).update(hash=prev)


def test_a_rewritten_payment_with_recomputed_hashes_is_named(
    world: Any, paid: Disbursement
) -> None:
    assert audit_verify().ok, audit_verify().problems
    entry = AuditEntry.objects.get(action="grants.pay")
    _record(world.park, world.company, world.users["manager"], 2)  # entries after the payment
    # Change the payment's amount and actor — in the ledger and in the chain — and recompute the
    # hashes: on the unkeyed chain this said "intact".
    thief = world.users["founder"]
    after = {**entry.after, "amount": "5000.00", "paid_total": "5000.00"}
    Disbursement.objects.filter(pk=paid.pk).update(amount=D("5000.00"), paid_by=thief)
    GrantAward.all_parks.filter(pk=paid.award_id).update(paid_total=D("5000.00"))
    AuditEntry.objects.filter(pk=entry.pk).update(after=after, actor=thief, actor_label=thief.email)
    _rehash_unkeyed_from(AuditEntry.objects.get(pk=entry.pk))
    result = audit_verify()
    assert not result.ok
    assert result.problem == (
        f"park yakutia: entry #{entry.sequence} was changed after it was written "
        f"(grants.pay on grants.disbursement {paid.pk}, {entry.at:%Y-%m-%d %H:%M} UTC)"
    )
    with pytest.raises(CommandError, match=f"#{entry.sequence} was changed"):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())


def test_an_entry_signed_without_the_key_is_refused(world: Any, keyed: Path) -> None:
    entries = _record(world.park, world.company, world.users["manager"], 3)
    # Downgrade: claim the first version's unkeyed algorithm for the whole chain.
    AuditEntry.objects.filter(chain=world.park.pk).update(algorithm=1)
    _rehash_unkeyed_from(entries[0])
    assert audit_verify().problem == "park yakutia: entry #1 is not signed with an audit key"


def test_the_key_rotates_and_a_retired_key_still_verifies(
    world: Any, keyed: Path, settings: Any
) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    settings.TECHNOPARK_AUDIT_KEY = KEY_B
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = [KEY_A]
    newer = _record(world.park, world.company, world.users["manager"], 1)[0]
    assert newer.key_id == keys.fingerprint(KEY_B.encode())
    assert audit_verify().ok, audit_verify().problems
    # Without the retired key the entries it signed cannot be verified: named, not "changed".
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = []
    assert "entry #1 is signed with an unknown key" in audit_verify().problem
    # And a guessed key does not verify them either.
    settings.TECHNOPARK_AUDIT_KEY = KEY_A[:-1] + "x"
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = [KEY_B]
    assert "entry #1 is signed with an unknown key" in audit_verify().problem


# --- checkpoints -------------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_dated_and_checked(world: Any, keyed: Path) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    _record(None, world.users["manager"], world.users["manager"], 1)
    checkpoint = checkpoint_write()
    assert checkpoint.path.parent == keyed
    assert checkpoint.path.name.startswith("audit-checkpoint-")
    document = json.loads(checkpoint.path.read_text())
    assert [(c["park_slug"], c["sequence"]) for c in document["chains"]] == [
        ("", 1),
        ("yakutia", 2),
    ]
    head = AuditHead.objects.get(chain=world.park.pk)
    assert document["chains"][1]["hash"] == head.hash
    assert document["key_id"] == keys.checkpoint_key().key_id
    # By hand, as docs/security.md shows: the HMAC of the canonical JSON without the signature.
    signature = document.pop("signature")
    body = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    subkey = keys.checkpoint_subkey(KEY_A).encode()
    import hmac

    assert hmac.new(subkey, body.encode(), hashlib.sha256).hexdigest() == signature
    # A second checkpoint in the same second gets a file of its own.
    assert checkpoint_write(now=_parse(checkpoint)).path != checkpoint.path
    result = audit_verify()
    assert result.ok, result.problems
    assert result.checkpoints == 2


def _parse(checkpoint: Any) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(checkpoint.document["created_at"])


def test_a_tampered_checkpoint_file_is_detected(world: Any, keyed: Path) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    checkpoint = checkpoint_write()
    document = json.loads(checkpoint.path.read_text())
    document["chains"][0]["sequence"] = 1
    checkpoint.path.write_text(json.dumps(document))
    assert audit_verify().problem == (
        f"checkpoint {checkpoint.path.name}: the signature does not match (the file was changed)"
    )
    # Re-signed with a key the platform does not know: refused too.
    document["key_id"] = "0123456789abcdef"
    checkpoint.path.write_text(json.dumps(document))
    assert "signed with an unknown key" in audit_verify().problem
    checkpoint.path.write_text("{not json")
    assert audit_verify().problem == f"checkpoint {checkpoint.path.name} cannot be read"


def test_a_deleted_tail_is_detected_even_with_the_head_moved_back(world: Any, keyed: Path) -> None:
    entries = _record(world.park, world.company, world.users["manager"], 3)
    checkpoint_write()
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    # Without a checkpoint the head gives it away...
    assert audit_verify(money=False).problems[0] == "park yakutia: entries after #2 are missing"
    # ...and with the head moved back too, the checkpoint taken before still does.
    AuditHead.objects.filter(chain=world.park.pk).update(sequence=2, hash=entries[1].hash)
    result = audit_verify()
    assert result.checked == 2
    assert result.problem.startswith("park yakutia: entry #3, held by checkpoint audit-checkpoint-")
    assert result.problem.endswith("is missing (the chain was cut)")


def test_history_rewritten_with_the_key_fails_against_an_earlier_checkpoint(
    world: Any, keyed: Path
) -> None:
    """Even someone holding the key cannot rewrite what a checkpoint has already recorded."""
    manager = world.users["manager"]
    _record(world.park, world.company, manager, 2)
    checkpoint = checkpoint_write()
    # Rewrite the whole chain properly signed: drop it and append different entries.
    AuditEntry.objects.filter(chain=world.park.pk).delete()
    AuditHead.objects.filter(chain=world.park.pk).delete()
    audit_record(park=world.park, actor=manager, action="test.other", target=world.company)
    audit_record(park=world.park, actor=manager, action="test.other", target=world.company)
    result = audit_verify()
    assert result.checked == 2  # the chain itself is whole
    assert result.problems == (
        f"park yakutia: entry #2 differs from checkpoint {checkpoint.path.name} "
        "(the history was rewritten)",
    )


def test_a_checkpoint_kept_elsewhere_is_checked_too(
    world: Any, keyed: Path, tmp_path: Path
) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    elsewhere = checkpoint_write(directory=tmp_path / "ministry").path
    assert verify_checkpoint(elsewhere) == []
    AuditEntry.objects.filter(chain=world.park.pk, sequence=2).update(hash="f" * 64)
    assert verify_checkpoint(elsewhere)[0].startswith("park yakutia: entry #2 differs")
    with pytest.raises(CommandError, match="#2"):
        call_command(
            "audit_verify", "--checkpoint", str(elsewhere), stdout=StringIO(), stderr=StringIO()
        )


def test_the_checkpoint_command_writes_and_mails(
    world: Any, keyed: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TECHNOPARK_AUDIT_CHECKPOINT_EMAILS = ["audit@minek.example.org"]
    settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY = "c" * 40
    _record(world.park, world.company, world.users["manager"], 1)
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "Checkpoint of 1 chains written" in out.getvalue()
    assert "audit@minek.example.org" in out.getvalue()
    (path,) = keyed.glob("audit-checkpoint-*.json")
    (message,) = mail.outbox
    assert message.to == ["audit@minek.example.org"]
    assert message.attachments[0][0] == path.name
    assert json.loads(message.attachments[0][1]) == json.loads(path.read_text())
    assert "yakutia: #1" in message.body
    # Signed with the checkpoint key, which does not verify entries.
    assert json.loads(path.read_text())["key_id"] == keys.fingerprint(b"c" * 40)
    assert keys.fingerprint(b"c" * 40) not in keys.entry_keys()
    # The daily task (the worker's way) writes one more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit_checkpoint", "--enqueue", stdout=StringIO())
    assert len(list(keyed.glob("audit-checkpoint-*.json"))) == 2
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "2 checkpoints checked" in out.getvalue()


def test_no_checkpoint_of_a_head_that_does_not_match(world: Any, keyed: Path) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    AuditHead.objects.filter(chain=world.park.pk).update(hash="e" * 64)
    with pytest.raises(CommandError, match="does not match entry #2"):
        call_command("audit_checkpoint", stdout=StringIO())
    assert not keyed.exists() or not list(keyed.iterdir())


# --- the money --------------------------------------------------------------------------------------


def test_the_money_is_reconciled_with_the_chain(world: Any, paid: Disbursement) -> None:
    manager = world.users["manager"]
    award = paid.award
    second = award.tranches.order_by("number")[1]
    grants.tranche_cancel(tranche=second, actor=manager, reason="Этап исключён.")
    grants.clawback_record(
        award=award, actor=manager, amount=D("1000.00"), reason="Возврат", reference="ВЗ-1"
    )
    result = audit_verify()
    assert result.ok, result.problems
    assert result.money_rows == 3


def test_a_payment_changed_in_the_ledger_only_is_named(world: Any, paid: Disbursement) -> None:
    entry = AuditEntry.objects.get(action="grants.pay")
    Disbursement.objects.filter(pk=paid.pk).update(amount=D("400000.00"))
    problems = audit_verify().problems
    assert problems[0].startswith(f"award {paid.award.decision_reference} (id {paid.award_id})")
    assert problems[1] == (
        f"disbursement {paid.pk} (award {paid.award.decision_reference}): 400000.00 in the "
        f"ledger, 500000.00 in entry #{entry.sequence} of park yakutia"
    )


def test_a_payment_without_its_entry_is_named(world: Any, paid: Disbursement) -> None:
    manager = world.users["manager"]
    award = paid.award
    third = award.tranches.order_by("number")[2]
    # A payment row slipped in behind the services, totals adjusted so that they add up.
    sneaked = Disbursement.objects.create(
        award=award,
        tranche=third,
        amount=third.amount,
        payment_reference="X",
        idempotency_key="x",
        paid_on=paid.paid_on,
        paid_by=manager,
    )
    GrantAward.all_parks.filter(pk=award.pk).update(paid_total=D("1000000.00"))
    assert audit_verify().problems == (
        f"disbursement {sneaked.pk} (award {award.decision_reference}): no audit entry "
        "grants.pay records it",
    )


def test_a_payment_entry_without_its_row_is_named(world: Any, paid: Disbursement) -> None:
    entry = AuditEntry.objects.get(action="grants.pay")
    Disbursement.objects.filter(pk=paid.pk).delete()
    GrantAward.all_parks.filter(pk=paid.award_id).update(paid_total=D("0"))
    assert audit_verify().problems == (
        f"park yakutia: entry #{entry.sequence} (grants.pay) records grants.disbursement "
        f"{paid.pk}, which the ledger does not hold",
    )


def test_the_payer_must_match_the_entry(world: Any, paid: Disbursement) -> None:
    Disbursement.objects.filter(pk=paid.pk).update(paid_by=world.users["founder"])
    (problem,) = audit_verify().problems
    assert problem.startswith(f"disbursement {paid.pk} ")
    assert f"made by user {world.users['founder'].pk} in the ledger" in problem


# --- the one-time migration --------------------------------------------------------------------------


def test_the_upgrade_re_signs_the_unkeyed_chain_per_park(world: Any, keyed: Path) -> None:
    """Migration 0002 on entries of the first version: verified the old way, then renumbered
    into per-park chains and signed under the key."""
    rechain = importlib.import_module(
        "technopark.audit.migrations.0002_keyed_chains_per_park"
    ).rechain
    manager = world.users["manager"]
    prev = GENESIS
    parks = [world.park, world.other_park, None, world.park]
    from django.utils import timezone

    for number, park in enumerate(parks, start=1):
        entry = AuditEntry(
            chain=0,
            sequence=number,
            at=timezone.now(),
            park=park,
            actor=manager,
            actor_label=manager.email,
            action="old.decide",
            target_type="companies.company",
            target_id=str(world.company.pk),
            summary="",
            before={},
            after={"amount": "1.00"},
            prev_hash=prev,
            key_id="",
            algorithm=1,
        )
        entry.hash = hashlib.sha256(_unkeyed_content(entry)).hexdigest()
        AuditEntry.objects.bulk_create([entry])
        prev = entry.hash
    AuditHead.objects.create(chain=0, sequence=len(parks), hash=prev)
    assert not audit_verify().ok  # unkeyed: refused as it stands
    rechain(apps, None)
    result = audit_verify()
    assert result.ok, result.problems
    assert (result.checked, result.chains) == (4, 3)
    chains = list(AuditEntry.objects.order_by("id").values_list("chain", "sequence"))
    assert chains == [(world.park.pk, 1), (world.other_park.pk, 1), (0, 1), (world.park.pk, 2)]


def test_the_upgrade_refuses_to_seal_a_broken_chain(world: Any, keyed: Path) -> None:
    rechain = importlib.import_module(
        "technopark.audit.migrations.0002_keyed_chains_per_park"
    ).rechain
    from django.utils import timezone

    entry = AuditEntry(
        chain=0,
        sequence=1,
        at=timezone.now(),
        park=world.park,
        actor_label="",
        action="old.pay",
        target_type="grants.disbursement",
        target_id="1",
        prev_hash=GENESIS,
        key_id="",
        algorithm=1,
        hash="0" * 63 + "1",  # not the hash of its content: edited before the upgrade
    )
    AuditEntry.objects.bulk_create([entry])
    AuditHead.objects.create(chain=0, sequence=1, hash=entry.hash)
    with pytest.raises(RuntimeError, match="broken at entry #1"):
        rechain(apps, None)
