"""Appending to the audit chains, and reading an entry's signed content back."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from technopark.audit import keys
from technopark.audit.models import GENESIS, PLATFORM_CHAIN, AuditEntry, AuditHead


def _plain(data: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-ready: Decimals and dates become strings, exactly as they will be read back."""
    result: dict[str, Any] = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return result


def chain_of(park_id: int | None) -> int:
    """The chain an entry of ``park_id`` goes to: the park's own, or the platform's."""
    return park_id if park_id is not None else PLATFORM_CHAIN


def signed_content(
    *,
    chain: int,
    sequence: int,
    at: Any,
    park_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    summary: str,
    before: dict[str, Any],
    after: dict[str, Any],
    prev_hash: str,
    key_id: str,
    algorithm: int,
) -> bytes:
    """What an entry's HMAC covers: every column but the hash itself, as canonical JSON (sorted
    keys, no spaces, UTF-8). docs/security.md shows how to recompute it by hand."""
    return json.dumps(
        {
            "chain": chain,
            "sequence": sequence,
            "at": at.astimezone(UTC).isoformat(),
            "park": park_id,
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "summary": summary,
            "before": before,
            "after": after,
            "prev_hash": prev_hash,
            "key_id": key_id,
            "algorithm": algorithm,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def entry_content(entry: AuditEntry) -> bytes:
    return signed_content(
        chain=entry.chain,
        sequence=entry.sequence,
        at=entry.at,
        park_id=entry.park_id,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        summary=entry.summary,
        before=entry.before,
        after=entry.after,
        prev_hash=entry.prev_hash,
        key_id=entry.key_id,
        algorithm=entry.algorithm,
    )


def _locked_head(chain: int, park_id: int | None) -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        # A chain's first entry: two writers may race to create its head; one wins, both then
        # lock it.
        try:
            with transaction.atomic():
                AuditHead.objects.create(chain=chain, park_id=park_id)
        except IntegrityError:
            pass
        head = AuditHead.objects.select_for_update().get(chain=chain)
    return head


def audit_serialize(*, park_id: int | None) -> None:
    """Take the lock of ``park_id``'s chain head in the current transaction, as ``audit_record``
    does, and hold it until the transaction ends.

    Every audited write of the park takes this lock last, so a service that recomputes a summary
    of rows that other audited services write (the council's ranking rows) takes it before it
    reads: it then waits for any such writer to commit and reads what it committed, and since it
    locks nothing after this lock, it adds no new order in which locks are taken. Call it inside
    a transaction (``transaction.atomic``)."""
    _locked_head(chain_of(park_id), park_id)


def audit_record(
    *,
    park: Any,
    actor: Any,
    action: str,
    target: models.Model,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: who (``actor``), what (``action``, a code such as ``selection.decide``),
    on which record (``target``), the state ``before`` and ``after`` (JSON-ready dicts; Decimals
    and dates are written as strings) — to ``park``'s chain, or the platform's when ``park`` is
    None.

    Call it inside the transaction that makes the change, so that the change and its entry commit
    together. Locking: the head row of that one chain (``select_for_update``), so one park's
    entries are numbered and chained one at a time across processes while other parks' writers
    go on in parallel.
    """
    park_id = getattr(park, "pk", None)
    chain = chain_of(park_id)
    key = keys.entry_key()
    with transaction.atomic():
        head = _locked_head(chain, park_id)
        sequence = head.sequence + 1
        fields: dict[str, Any] = {
            "chain": chain,
            "sequence": sequence,
            "at": timezone.now(),
            "park_id": park_id,
            "actor_id": getattr(actor, "pk", None),
            "actor_label": getattr(actor, "email", "") or "",
            "action": action,
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk),
            "summary": summary[:300],
            "before": _plain(before),
            "after": _plain(after),
            "prev_hash": head.hash,
            "key_id": key.key_id,
            "algorithm": keys.ALGORITHM_HMAC_SHA256,
        }
        digest = key.sign(signed_content(**fields))
        entry = AuditEntry.objects.create(hash=digest, **fields)
        AuditHead.objects.filter(pk=head.pk).update(sequence=sequence, hash=digest)
        return entry


def audit_trail(*, target: models.Model) -> models.QuerySet[AuditEntry]:
    """The entries about one record, oldest first."""
    return (
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


__all__ = [
    "GENESIS",
    "audit_record",
    "audit_trail",
    "chain_of",
    "entry_content",
    "signed_content",
]
