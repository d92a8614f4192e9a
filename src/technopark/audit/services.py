"""Appending to the audit chain, and verifying it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from technopark.audit.models import GENESIS, AuditEntry, AuditHead


def _plain(data: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-ready: Decimals and dates become strings, exactly as they will be read back."""
    result: dict[str, Any] = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return result


def entry_hash(
    *,
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
) -> str:
    payload = json.dumps(
        {
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
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The first entry ever: two writers may race to create the head; one wins, both then lock it.
        try:
            with transaction.atomic():
                AuditHead.objects.create(pk=1)
        except IntegrityError:
            pass
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


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
    and dates are written as strings).

    Call it inside the transaction that makes the change, so that the change and its entry commit
    together. Locking: the chain's head row (``select_for_update``), so entries are numbered and
    chained one at a time across every park and process.
    """
    with transaction.atomic():
        head = _locked_head()
        at = timezone.now()
        sequence = head.sequence + 1
        fields: dict[str, Any] = {
            "sequence": sequence,
            "at": at,
            "park_id": getattr(park, "pk", None),
            "actor_id": getattr(actor, "pk", None),
            "actor_label": getattr(actor, "email", "") or "",
            "action": action,
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk),
            "summary": summary[:300],
            "before": _plain(before),
            "after": _plain(after),
            "prev_hash": head.hash,
        }
        digest = entry_hash(**fields)
        entry = AuditEntry.objects.create(hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(sequence=sequence, hash=digest)
        return entry


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    problem: str  # empty when the chain is whole

    @property
    def ok(self) -> bool:
        return not self.problem


def audit_verify(*, batch: int = 2000) -> VerifyResult:
    """Recompute every entry's hash in order; name the first entry that does not match."""
    prev = GENESIS
    expected_sequence = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=batch):
        if entry.sequence != expected_sequence:
            return VerifyResult(checked, f"entry #{expected_sequence} is missing")
        if entry.prev_hash != prev:
            return VerifyResult(checked, f"entry #{entry.sequence} does not follow the one before")
        digest = entry_hash(
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
        )
        if digest != entry.hash:
            return VerifyResult(
                checked, f"entry #{entry.sequence} was changed after it was written"
            )
        prev = entry.hash
        expected_sequence += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS)
    if head_sequence != checked or head_hash != prev:
        return VerifyResult(checked, f"entries after #{checked} are missing")
    return VerifyResult(checked, "")


def audit_trail(*, target: models.Model) -> models.QuerySet[AuditEntry]:
    """The entries about one record, oldest first."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
