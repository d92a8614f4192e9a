"""``audit_verify``: every chain, every checkpoint, and the money.

1. **Chains.** Each chain's entries are read in order and each HMAC recomputed with the key the
   entry names: a changed entry, a missing one, one signed without a known key (the unkeyed SHA-256
   of the first version included), one signed with a retired key after a newer key took over in
   its chain, or a tail cut off behind the head are named.
2. **Checkpoints.** Each checkpoint file's signature is checked, and each chain must still hold the
   entry it recorded, with the same hash: history rewritten with recomputed hashes, or a tail cut
   off together with the head, fails against any checkpoint taken before. A malformed file is
   named, never raised; no checkpoint with a valid signature within 48 hours is a warning.
3. **Money.** The ledgers the money apps hand down (``services.money``) are reconciled with the
   chain, and with their own running totals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from technopark.audit import keys
from technopark.audit.models import GENESIS, PLATFORM_CHAIN, AuditEntry, AuditHead
from technopark.audit.services.chain import entry_content
from technopark.audit.services.checkpoints import (
    FORMAT,
    canonical,
    checkpoint_files,
    stored_hashes,
)
from technopark.audit.services.money import reconcile_money


@dataclass(frozen=True)
class VerifyResult:
    checked: int  # entries whose HMAC was recomputed
    problems: tuple[str, ...] = ()
    chains: int = 0
    checkpoints: int = 0
    money_rows: int = 0
    # The newest time a checkpoint with a valid signature was taken (None: there is none), and
    # what is worth saying without failing: no checkpoint, or none taken recently.
    newest_checkpoint: datetime | None = None
    warnings: tuple[str, ...] = ()
    checkpoint_stale: bool = False  # the chains hold entries and no checkpoint is recent enough

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> str:
        """The first problem (empty when everything holds)."""
        return self.problems[0] if self.problems else ""


class _Labels:
    """How a problem names a chain: "park yakutia", "the platform chain"."""

    def __init__(self) -> None:
        self.slugs = dict(
            AuditHead.objects.filter(park__isnull=False).values_list("chain", "park__slug")
        )

    def __call__(self, chain: int) -> str:
        if chain == PLATFORM_CHAIN:
            return "the platform chain"
        return f"park {self.slugs.get(chain) or f'#{chain}'}"


def _describe(entry: AuditEntry) -> str:
    return f"{entry.action} on {entry.target_type} {entry.target_id}, {entry.at:%Y-%m-%d %H:%M} UTC"


def _verify_chains(batch: int, labels: _Labels) -> tuple[int, int, list[str]]:
    known = keys.entry_keys()
    ages = keys.entry_key_ages()
    # Per chain: the newest key that has signed an entry so far (its age, fingerprint, entry).
    newest: dict[int, tuple[int, str, int]] = {}
    heads = {head.chain: head for head in AuditHead.objects.all()}
    problems: list[str] = []
    checked = 0
    chains_seen: set[int] = set()
    # Per chain: the sequence and hash the next entry must follow, and whether it is broken.
    state: dict[int, list[Any]] = {}

    def fail(chain: int, text: str) -> None:
        state[chain][2] = True
        problems.append(f"{labels(chain)}: {text}")

    for entry in AuditEntry.objects.order_by("chain", "sequence").iterator(chunk_size=batch):
        chain = entry.chain
        if chain not in state:
            chains_seen.add(chain)
            state[chain] = [1, GENESIS, False]
        expected, prev, broken = state[chain]
        if broken:
            continue
        key = known.get(entry.key_id)
        if entry.sequence != expected:
            fail(chain, f"entry #{expected} is missing")
        elif entry.prev_hash != prev:
            fail(chain, f"entry #{entry.sequence} does not follow the one before")
        elif chain != (entry.park_id if entry.park_id is not None else PLATFORM_CHAIN):
            fail(chain, f"entry #{entry.sequence} belongs to another chain")
        elif entry.algorithm != keys.ALGORITHM_HMAC_SHA256:
            fail(chain, f"entry #{entry.sequence} is not signed with an audit key")
        elif key is None:
            fail(
                chain,
                f"entry #{entry.sequence} is signed with an unknown key {entry.key_id!r} "
                "(a retired key belongs in TECHNOPARK_AUDIT_RETIRED_KEYS)",
            )
        elif not key.verifies(entry_content(entry), entry.hash):
            fail(
                chain,
                f"entry #{entry.sequence} was changed after it was written ({_describe(entry)})",
            )
        elif ages[entry.key_id] < newest.get(chain, (-1, "", 0))[0]:
            _age, newer_id, first = newest[chain]
            fail(
                chain,
                f"entry #{entry.sequence} is signed with a retired key {entry.key_id!r} after "
                f"key {newer_id!r} took over (entry #{first}; {_describe(entry)})",
            )
        else:
            if ages[entry.key_id] > newest.get(chain, (-1, "", 0))[0]:
                newest[chain] = (ages[entry.key_id], entry.key_id, entry.sequence)
            state[chain] = [expected + 1, entry.hash, False]
            checked += 1
    for chain in sorted(set(state) | {c for c, h in heads.items() if h.sequence}):
        expected, prev, broken = state.get(chain, [1, GENESIS, False])
        if broken:
            continue
        last = expected - 1
        head = heads.get(chain)
        if head is None:
            problems.append(f"{labels(chain)}: the chain's head is missing")
        elif head.sequence > last:
            problems.append(f"{labels(chain)}: entries after #{last} are missing")
        elif head.sequence != last or head.hash != prev:
            problems.append(f"{labels(chain)}: the head does not match entry #{last}")
    return checked, len(chains_seen), problems


_BIGGEST_ID = 2**63 - 1


def _checkpointed_heads(chains: Any) -> list[tuple[int, int, str]] | None:
    """The (chain, sequence, hash) a checkpoint's ``chains`` names, or None when it is not a
    list of such records (a whole number from 0 to 2⁶³−1, at least 1, a text)."""
    if not isinstance(chains, list):
        return None
    pairs = []
    for record in chains:
        if not isinstance(record, dict):
            return None
        chain, sequence, digest = record.get("chain"), record.get("sequence"), record.get("hash")
        if (
            type(chain) is not int
            or type(sequence) is not int
            or not isinstance(digest, str)
            or not 0 <= chain <= _BIGGEST_ID
            or not 1 <= sequence <= _BIGGEST_ID
        ):
            return None
        pairs.append((chain, sequence, digest))
    return pairs


def verify_checkpoint(path: Path, labels: Any | None = None) -> list[str]:
    """Check one checkpoint file: its signature, and that every chain still holds the entry it
    recorded with the same hash. Any malformed file is named, never raised."""
    return _check_checkpoint(path, labels or _Labels())[0]


def _signed_time(document: dict[str, Any]) -> datetime | None:
    """A signed checkpoint's ``created_at``, when it is an ISO time with a zone."""
    value = document.get("created_at")
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _check_checkpoint(path: Path, labels: Any) -> tuple[list[str], datetime | None]:
    """(problems, the time it was signed at — None unless the signature verifies)."""
    name = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError, RecursionError):
        return [f"checkpoint {name} cannot be read"], None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [f"checkpoint {name} is not an audit checkpoint"], None
    key_id = document.get("key_id")
    key = keys.checkpoint_keys().get(key_id) if isinstance(key_id, str) else None
    if isinstance(key_id, str) and key is None and key_id in keys.retired_audit_subkey_ids():
        return [
            f"checkpoint {name} is signed with the checkpoint key {key_id!r} of a retired audit "
            "key, which no longer verifies on its own (list it in "
            "TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS if that audit key did not leak)"
        ], None
    if key is None:
        return [f"checkpoint {name} is signed with an unknown key {key_id!r}"[:300]], None
    try:
        body = canonical(document)
    except (TypeError, ValueError, RecursionError):
        return [f"checkpoint {name} cannot be read"], None
    if not key.verifies(body, document.get("signature")):
        return [f"checkpoint {name}: the signature does not match (the file was changed)"], None
    signed_at = _signed_time(document)
    pairs = _checkpointed_heads(document.get("chains"))
    if pairs is None:
        return [f"checkpoint {name} is not an audit checkpoint (malformed chains)"], None
    stored = stored_hashes([(chain, sequence) for chain, sequence, _hash in pairs])
    problems = []
    for chain, sequence, digest in pairs:
        found = stored.get((chain, sequence))
        if found is None:
            problems.append(
                f"{labels(chain)}: entry #{sequence}, held by checkpoint {name}, is missing "
                "(the chain was cut)"
            )
        elif found != digest:
            problems.append(
                f"{labels(chain)}: entry #{sequence} differs from checkpoint {name} "
                "(the history was rewritten)"
            )
    return problems, signed_at


CHECKPOINT_MAX_AGE = timedelta(hours=48)


def audit_verify(
    *,
    batch: int = 2000,
    directory: Path | None = None,
    checkpoints: Iterable[Path] = (),
    money: bool = True,
    max_checkpoint_age: timedelta = CHECKPOINT_MAX_AGE,
    now: datetime | None = None,
) -> VerifyResult:
    """Verify every chain, every checkpoint file of ``directory`` (the configured one by
    default) and of ``checkpoints``, and reconcile the money; name every problem, the first
    bad entry or row of each kind first. Reads only; takes no lock.

    A warning (not a problem) says when the chains hold entries but no checkpoint with a valid
    signature was taken within ``max_checkpoint_age`` (48 hours): they pin nothing newer."""
    labels = _Labels()
    checked, chains, problems = _verify_chains(batch, labels)
    files = [*checkpoint_files(directory), *checkpoints]
    newest: datetime | None = None
    for path in files:
        found, signed_at = _check_checkpoint(path, labels)
        problems.extend(found)
        if signed_at is not None and (newest is None or signed_at > newest):
            newest = signed_at
    rows = 0
    if money:
        rows, money_problems = reconcile_money(labels)
        problems.extend(money_problems)
    warnings: list[str] = []
    has_entries = AuditHead.objects.filter(sequence__gt=0).exists() or AuditEntry.objects.exists()
    now = now or timezone.now()
    stale = has_entries and (newest is None or now - newest > max_checkpoint_age)
    limit = f"{max_checkpoint_age.total_seconds() / 3600:g} hours"
    if stale and newest is None:
        warnings.append(
            "no signed checkpoint: nothing outside the database pins the chains "
            "(run manage.py audit_checkpoint daily)"
        )
    elif stale and newest is not None:
        age = (now - newest).total_seconds() / 3600
        warnings.append(
            f"the newest signed checkpoint was taken {newest.astimezone(UTC):%Y-%m-%d %H:%M} UTC, "
            f"{age:.0f} hours ago (more than {limit}): entries since then are pinned by nothing "
            "outside the database (run manage.py audit_checkpoint daily)"
        )
    return VerifyResult(
        checked,
        tuple(problems),
        chains,
        len(files),
        rows,
        newest_checkpoint=newest,
        warnings=tuple(warnings),
        checkpoint_stale=stale,
    )
