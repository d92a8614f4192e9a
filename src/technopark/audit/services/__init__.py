"""Appending to the audit chains (``chain``), signed checkpoints of their heads
(``checkpoints``), reconciling the money (``money``) and verifying all of it (``verify``)."""

from technopark.audit.services.chain import audit_record, audit_serialize, audit_trail, chain_of
from technopark.audit.services.checkpoints import (
    Checkpoint,
    CheckpointRefused,
    checkpoint_files,
    checkpoint_write,
)
from technopark.audit.services.money import MoneyLedger, MoneyRow, provide_money_ledger
from technopark.audit.services.verify import VerifyResult, audit_verify, verify_checkpoint

__all__ = [
    "Checkpoint",
    "CheckpointRefused",
    "MoneyLedger",
    "MoneyRow",
    "VerifyResult",
    "audit_record",
    "audit_serialize",
    "audit_trail",
    "audit_verify",
    "chain_of",
    "checkpoint_files",
    "checkpoint_write",
    "provide_money_ledger",
    "verify_checkpoint",
]
