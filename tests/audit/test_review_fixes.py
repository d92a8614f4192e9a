"""Review findings on the audit chain: malformed stored values, retired keys, the money's links
and checkpoints that are missing or old."""

from __future__ import annotations

import json
from decimal import Decimal as D
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from technopark.audit import keys
from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_record, audit_verify, checkpoint_write
from technopark.audit.services.checkpoints import canonical
from technopark.grants import services as grants
from technopark.grants.models import Disbursement
from tests.grants.factories import accountant, make_award, make_participant, ready_to_pay

KEY_A = "a" * 40
KEY_B = "b" * 40
KEY_C = "c" * 40


@pytest.fixture
def keyed(settings: Any, tmp_path: Path) -> Path:
    settings.TECHNOPARK_AUDIT_KEY = KEY_A
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = []
    settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY = ""
    settings.TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS = []
    settings.TECHNOPARK_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path / "checkpoints"


@pytest.fixture
def admin(world: Any) -> Any:
    from technopark.parks.models import Role
    from tests.factories import MembershipFactory, UserFactory

    person = UserFactory(email="park_admin@example.org")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    return person


@pytest.fixture
def paid(world: Any, keyed: Path, admin: Any) -> Disbursement:
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


def _record(park: Any, target: Any, actor: Any, n: int = 3) -> list[AuditEntry]:
    return [
        audit_record(park=park, actor=actor, action="test.decide", target=target, after={"i": i})
        for i in range(n)
    ]


def _resign(path: Path, **changes: Any) -> None:
    """Rewrite a checkpoint file with ``changes``, properly signed under the checkpoint key."""
    document = json.loads(path.read_text())
    document.update(changes)
    document["signature"] = keys.checkpoint_key().sign(canonical(document))
    path.write_text(json.dumps(document, ensure_ascii=False))


# --- 1. malformed stored values are named, never raised -------------------------------------------


@pytest.mark.parametrize("digest", ["é" * 64, "not hex at all", "", "\ud800"])
def test_a_malformed_entry_hash_is_named(world: Any, keyed: Path, digest: str) -> None:
    _record(world.park, world.company, world.users["manager"], 3)
    if digest == "\ud800":  # a lone surrogate cannot be stored; only compared
        assert not keys.entry_key().verifies(b"x", digest)
        return
    AuditEntry.objects.filter(chain=world.park.pk, sequence=2).update(hash=digest)
    result = audit_verify(money=False)
    assert result.problem.startswith("park yakutia: entry #2 was changed after it was written")


def test_a_non_ascii_checkpoint_signature_is_named(world: Any, keyed: Path) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    path = checkpoint_write().path
    document = json.loads(path.read_text())
    document["signature"] = "подпись"
    path.write_text(json.dumps(document, ensure_ascii=False))
    assert audit_verify().problems == (
        f"checkpoint {path.name}: the signature does not match (the file was changed)",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"chains": "all of them"},
        {"chains": {"chain": 1}},
        {"chains": [["chain", 1]]},
        {"chains": [{"chain": "1", "sequence": 2, "hash": "x"}]},
        {"chains": [{"chain": 1, "sequence": 2.5, "hash": "x"}]},
        {"chains": [{"chain": 2**70, "sequence": 2, "hash": "x"}]},
        {"chains": [{"chain": 1, "sequence": 2, "hash": None}]},
        {"chains": [{"chain": True, "sequence": 2, "hash": "x"}]},
        {"chains": None},
    ],
)
def test_a_signed_checkpoint_with_wrong_types_is_named(
    world: Any, keyed: Path, changes: dict[str, Any]
) -> None:
    _record(world.park, world.company, world.users["manager"], 2)
    path = checkpoint_write().path
    _resign(path, **changes)
    assert audit_verify().problems == (
        f"checkpoint {path.name} is not an audit checkpoint (malformed chains)",
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "technopark-audit-checkpoint/1", "key_id": ["x"], "chains": []}',
        '{"format": "technopark-audit-checkpoint/1", "key_id": {"a": 1}}',
        '{"format": "technopark-audit-checkpoint/1", "chains": [{"chain": Infinity}]}',
        "[" * 100_000 + "]" * 100_000,
        "[]",
    ],
)
def test_any_checkpoint_file_is_named_never_raised(world: Any, keyed: Path, text: str) -> None:
    _record(world.park, world.company, world.users["manager"], 1)
    keyed.mkdir(parents=True)
    path = keyed / "audit-checkpoint-20261206T000000Z.json"
    path.write_text(text)
    (problem,) = audit_verify().problems
    assert problem.startswith(f"checkpoint {path.name} ")


def test_a_checkpoint_with_an_infinite_sequence_is_named(world: Any, keyed: Path) -> None:
    _record(world.park, world.company, world.users["manager"], 1)
    path = checkpoint_write().path
    document = json.loads(path.read_text())
    document["chains"][0]["sequence"] = float("inf")
    document["signature"] = keys.checkpoint_key().sign(canonical(document))
    path.write_text(json.dumps(document))
    assert audit_verify().problems == (
        f"checkpoint {path.name} is not an audit checkpoint (malformed chains)",
    )


@pytest.mark.parametrize("amount", ["sNaN", "NaN", ["1"], True, "много"])
def test_a_malformed_amount_in_an_entry_is_named(paid: Disbursement, amount: Any) -> None:
    entry = AuditEntry.objects.get(action="grants.pay")
    AuditEntry.objects.filter(pk=entry.pk).update(after={**entry.after, "amount": amount})
    problems = audit_verify().problems
    assert problems[0].startswith(f"park yakutia: entry #{entry.sequence} was changed")
    assert any(
        p.startswith(f"disbursement {paid.pk} ")
        and p.endswith(f"None in entry #{entry.sequence} of park yakutia")
        for p in problems
    ), problems


# --- 2. a retired key is neutralised --------------------------------------------------------------


def test_a_retired_key_cannot_sign_after_a_newer_key_took_over(
    world: Any, keyed: Path, settings: Any
) -> None:
    manager = world.users["manager"]
    _record(world.park, world.company, manager, 2)  # #1, #2 under A
    settings.TECHNOPARK_AUDIT_KEY = KEY_B
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = [KEY_A]
    _record(world.park, world.company, manager, 1)  # #3 under B
    assert audit_verify(money=False).ok
    # Whoever leaked A appends an entry signed with it, properly chained.
    settings.TECHNOPARK_AUDIT_KEY = KEY_A
    forged = _record(world.park, world.company, manager, 1)[0]  # #4 under A
    settings.TECHNOPARK_AUDIT_KEY = KEY_B
    a_id, b_id = keys.fingerprint(KEY_A.encode()), keys.fingerprint(KEY_B.encode())
    assert forged.key_id == a_id
    assert audit_verify(money=False).problem.startswith(
        f"park yakutia: entry #4 is signed with a retired key {a_id!r} after key {b_id!r} "
        "took over (entry #3; test.decide"
    )
    # Another park's chain, where B has not signed yet, is not affected.
    _record(world.other_park, world.foreign_company, world.users["outsider"], 1)
    assert audit_verify(money=False).problems[1:] == ()


def test_retired_keys_are_listed_oldest_first(world: Any, keyed: Path, settings: Any) -> None:
    manager = world.users["manager"]
    _record(world.park, world.company, manager, 1)  # A
    settings.TECHNOPARK_AUDIT_KEY = KEY_B
    _record(world.park, world.company, manager, 1)  # B
    settings.TECHNOPARK_AUDIT_KEY = KEY_C
    _record(world.park, world.company, manager, 1)  # C, current
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = [KEY_A, KEY_B]
    assert audit_verify(money=False).ok
    # Listed newest first, the chain reads as B signing after the "newer" A: named.
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = [KEY_B, KEY_A]
    assert "entry #2 is signed with a retired key" in audit_verify(money=False).problem


def test_a_checkpoint_signed_with_a_retired_audit_keys_subkey_is_refused(
    world: Any, keyed: Path, settings: Any
) -> None:
    _record(world.park, world.company, world.users["manager"], 1)
    old = checkpoint_write().path  # signed with the sub-key of A
    settings.TECHNOPARK_AUDIT_KEY = KEY_B
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = [KEY_A]
    subkey = keys.checkpoint_subkey(KEY_A)
    problem = audit_verify(money=False).problem
    assert problem.startswith(
        f"checkpoint {old.name} is signed with the checkpoint key "
        f"{keys.fingerprint(subkey.encode())!r} of a retired audit key"
    )
    # A routine rotation lists the old sub-key explicitly; then the file verifies.
    settings.TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS = [subkey]
    assert audit_verify(money=False).ok
    # A separate checkpoint key: the audit key's sub-key is no longer accepted at all.
    settings.TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS = []
    settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY = KEY_C
    settings.TECHNOPARK_AUDIT_RETIRED_KEYS = []
    settings.TECHNOPARK_AUDIT_KEY = KEY_A
    assert "signed with an unknown key" in audit_verify(money=False).problem
    assert set(keys.checkpoint_keys()) == {keys.fingerprint(KEY_C.encode())}


# --- 3. the money: each row's award and tranche ---------------------------------------------------


def test_a_payment_moved_to_another_tranche_is_named(paid: Disbursement) -> None:
    entry = AuditEntry.objects.get(action="grants.pay")
    assert (entry.after["award_id"], entry.after["tranche_id"]) == (paid.award_id, paid.tranche_id)
    other = paid.award.tranches.exclude(pk=paid.tranche_id).order_by("number").first()
    Disbursement.objects.filter(pk=paid.pk).update(tranche=other)
    assert audit_verify().problems == (
        f"disbursement {paid.pk} (award {paid.award.decision_reference}): tranche_id {other.pk} "
        f"in the ledger, {paid.tranche_id} in entry #{entry.sequence} of park yakutia",
    )


def test_a_payment_moved_to_another_award_is_named(world: Any, paid: Disbursement) -> None:
    from technopark.grants.models import GrantAward
    from tests.factories import CompanyFactory

    entry = AuditEntry.objects.get(action="grants.pay")
    manager = world.users["manager"]
    other = make_award(make_participant(world.park, CompanyFactory(park=world.park)), manager)
    target = other.tranches.order_by("number").first()
    # Move the payment with its tranche to the other award and carry the running totals over:
    # the amount, payer and totals all still add up.
    Disbursement.objects.filter(pk=paid.pk).update(award=other, tranche=target)
    GrantAward.all_parks.filter(pk=paid.award_id).update(paid_total=0)
    GrantAward.all_parks.filter(pk=other.pk).update(paid_total=paid.amount)
    problems = audit_verify().problems
    label = f"disbursement {paid.pk} (award {other.decision_reference})"
    where = f"entry #{entry.sequence} of park yakutia"
    assert problems == (
        f"{label}: award_id {other.pk} in the ledger, {paid.award_id} in {where}",
        f"{label}: tranche_id {target.pk} in the ledger, {paid.tranche_id} in {where}",
    )


def test_a_clawback_or_cancellation_moved_to_another_award_is_named(
    world: Any, paid: Disbursement
) -> None:
    from technopark.grants.models import Clawback, GrantAward, Tranche
    from tests.factories import CompanyFactory

    manager = world.users["manager"]
    award = paid.award
    second = award.tranches.order_by("number")[1]
    grants.tranche_cancel(tranche=second, actor=manager, reason="Этап исключён.")
    clawback = grants.clawback_record(
        award=award, actor=manager, amount=D("1000.00"), reason="Возврат", reference="ВЗ-1"
    )
    assert audit_verify().ok
    other = make_award(make_participant(world.park, CompanyFactory(park=world.park)), manager)
    Clawback.objects.filter(pk=clawback.pk).update(award=other)
    GrantAward.all_parks.filter(pk=award.pk).update(clawed_back_total=0)
    GrantAward.all_parks.filter(pk=other.pk).update(
        paid_total=D("1000.00"), clawed_back_total=D("1000.00")
    )
    Disbursement.objects.filter(pk=paid.pk).update(amount=paid.amount)  # untouched
    Tranche.objects.filter(pk=second.pk).update(award=other, number=99)
    problems = [p for p in audit_verify().problems if "award_id" in p]
    assert [p.split(":")[0] for p in problems] == [
        f"cancellation of tranche {second.pk} (award {other.decision_reference})",
        f"clawback {clawback.pk} (award {other.decision_reference})",
    ]
    assert problems[1].endswith(
        f"award_id {other.pk} in the ledger, {award.pk} in entry "
        f"#{AuditEntry.objects.get(action='grants.clawback').sequence} "
        "of park yakutia"
    )


# --- 4. no checkpoint, or only old ones ----------------------------------------------------------


def test_a_missing_or_old_checkpoint_is_a_warning(world: Any, keyed: Path) -> None:
    from datetime import timedelta

    from django.utils import timezone

    assert audit_verify(money=False).warnings == ()  # no entries: nothing to pin
    _record(world.park, world.company, world.users["manager"], 1)
    result = audit_verify(money=False)
    assert result.ok and result.checkpoint_stale and result.newest_checkpoint is None
    assert result.warnings == (
        "no signed checkpoint: nothing outside the database pins the chains "
        "(run manage.py audit_checkpoint daily)",
    )
    taken = timezone.now() - timedelta(hours=50)
    checkpoint_write(now=taken)
    result = audit_verify(money=False)
    assert result.ok and result.checkpoint_stale
    assert result.newest_checkpoint == taken
    assert result.warnings[0].startswith(
        f"the newest signed checkpoint was taken {taken:%Y-%m-%d %H:%M} UTC, 50 hours ago "
        "(more than 48 hours)"
    )
    # A forged or tampered file does not count as recent.
    fresh = checkpoint_write().path
    assert audit_verify(money=False).warnings == ()
    document = json.loads(fresh.read_text())
    document["signature"] = "0" * 64
    fresh.write_text(json.dumps(document))
    assert audit_verify(money=False).checkpoint_stale


def test_the_command_warns_and_fails_only_when_asked(world: Any, keyed: Path) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _record(world.park, world.company, world.users["manager"], 1)
    out, err = StringIO(), StringIO()
    call_command("audit_verify", stdout=out, stderr=err)
    assert "Audit chain intact" in out.getvalue()
    assert "Warning: no signed checkpoint" in err.getvalue()
    with pytest.raises(CommandError, match="No recent checkpoint: no signed checkpoint"):
        call_command(
            "audit_verify", "--max-checkpoint-age", "24", stdout=StringIO(), stderr=StringIO()
        )
    checkpoint_write(now=timezone.now() - timedelta(hours=30))
    err = StringIO()
    call_command("audit_verify", "--max-checkpoint-age", "36", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
    with pytest.raises(CommandError, match=r"30 hours ago \(more than 24 hours\)"):
        call_command(
            "audit_verify", "--max-checkpoint-age", "24", stdout=StringIO(), stderr=StringIO()
        )
    with pytest.raises(CommandError, match="whole number of hours"):
        call_command("audit_verify", "--max-checkpoint-age", "0", stdout=StringIO())
