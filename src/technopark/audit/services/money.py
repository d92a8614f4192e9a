"""Reconciling the money with the chain.

The audit app sits below the apps that move money and imports none of them: each hands its ledger
down instead (``provide_money_ledger`` in its ``AppConfig.ready()``; grants does). A ledger lists
its money rows — each with the audit entry it must have: the action, the record, the amount and
who did it — and the problems it finds in itself (an award's running totals that are not the sum
of its rows). ``reconcile_money`` checks both ways: every row has its one entry with the same
amount, actor and records (the award and tranche it belongs to), and every entry of those
actions has its row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from technopark.audit.models import AuditEntry
from technopark.audit.services.chain import chain_of


@dataclass(frozen=True)
class MoneyRow:
    label: str  # how the problem names the row: "disbursement 12 (award GR-7)"
    park_id: int | None
    action: str  # the audit action that records it: "grants.pay"
    target_type: str  # the entry's target: "grants.disbursement"
    target_id: str
    amount: Decimal
    actor_id: int | None
    amount_in: str = "after"  # which side of the entry holds the amount: "after" or "before"
    # The records the row belongs to, as its entry's ``after`` must name them: (("award_id", 7),
    # ("tranche_id", 12)). A row moved to another award or tranche no longer matches its entry.
    links: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class MoneyLedger:
    actions: frozenset[str]  # every entry with one of these actions must match a row
    rows: Iterable[MoneyRow]
    problems: list[str] = field(default_factory=list)


_providers: list[Callable[[], MoneyLedger]] = []


def provide_money_ledger(provider: Callable[[], MoneyLedger]) -> None:
    """Register an app's ledger (called once from its ``AppConfig.ready()``)."""
    if provider not in _providers:
        _providers.append(provider)


def _recorded_amount(entry: AuditEntry, side: str) -> Decimal | None:
    data = entry.after if side == "after" else entry.before
    value = data.get("amount") if isinstance(data, dict) else None
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None  # "sNaN" would raise on comparison


def reconcile_money(labels: Callable[[int], str]) -> tuple[int, list[str]]:
    """(rows checked, problems in the ledgers' order): the first problem names the first bad row."""
    checked = 0
    problems: list[str] = []
    for provider in _providers:
        ledger = provider()
        problems.extend(ledger.problems)
        entries: dict[tuple[int, str, str, str], list[AuditEntry]] = defaultdict(list)
        for entry in (
            AuditEntry.objects.filter(action__in=ledger.actions)
            .only(
                "chain",
                "sequence",
                "action",
                "target_type",
                "target_id",
                "actor_id",
                "before",
                "after",
            )
            .order_by("chain", "sequence")
        ):
            key = (entry.chain, entry.action, entry.target_type, entry.target_id)
            entries[key].append(entry)
        seen: set[tuple[int, str, str, str]] = set()
        for row in ledger.rows:
            checked += 1
            key = (chain_of(row.park_id), row.action, row.target_type, row.target_id)
            seen.add(key)
            found = entries.get(key, [])
            if not found:
                problems.append(f"{row.label}: no audit entry {row.action} records it")
                continue
            entry = found[0]
            where = f"entry #{entry.sequence} of {labels(entry.chain)}"
            if len(found) > 1:
                problems.append(
                    f"{row.label}: recorded {len(found)} times ({where} and later ones)"
                )
            recorded = _recorded_amount(entry, row.amount_in)
            if recorded != row.amount:
                problems.append(f"{row.label}: {row.amount} in the ledger, {recorded} in {where}")
            after = entry.after if isinstance(entry.after, dict) else {}
            for name, value in row.links:
                recorded_link = after.get(name)
                if type(recorded_link) is not int or recorded_link != value:
                    problems.append(
                        f"{row.label}: {name} {value} in the ledger, "
                        f"{recorded_link if name in after else 'none'} in {where}"[:500]
                    )
            if entry.actor_id != row.actor_id:
                problems.append(
                    f"{row.label}: made by user {row.actor_id} in the ledger, "
                    f"by user {entry.actor_id} in {where}"
                )
        for key, found in entries.items():
            if key in seen:
                continue
            for entry in found:
                problems.append(
                    f"{labels(entry.chain)}: entry #{entry.sequence} ({entry.action}) records "
                    f"{entry.target_type} {entry.target_id}, which the ledger does not hold"
                )
    return checked, problems
