"""Signed checkpoints of the chains' heads, kept outside the database.

A checkpoint is a small JSON file: the time, and for every chain its last sequence number and
hash, signed with HMAC-SHA256 under the checkpoint key (``audit.keys``). It is written into
``TECHNOPARK_AUDIT_CHECKPOINT_DIR`` and e-mailed to ``TECHNOPARK_AUDIT_CHECKPOINT_EMAILS``, once a
day (``manage.py audit_checkpoint``, or the task ``audit.tasks.audit_checkpoint_write``).
Someone who can write to the database can recompute hashes; they cannot make an earlier
checkpoint — on disk, in a mailbox, at the ministry — name different entries.

The signature covers the file's JSON without its ``signature`` member, serialised with sorted
keys, no spaces and UTF-8 (docs/security.md verifies one in five lines of Python).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from technopark.audit import keys
from technopark.audit.models import PLATFORM_CHAIN, AuditEntry, AuditHead
from technopark.core.mail import subject_line

FORMAT = "technopark-audit-checkpoint/1"
FILE_PATTERN = "audit-checkpoint-*.json"


class CheckpointRefused(Exception):
    """The heads do not match their entries: verify the chain before signing it."""


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    document: dict[str, Any]
    emailed_to: tuple[str, ...]

    @property
    def chains(self) -> list[dict[str, Any]]:
        chains: list[dict[str, Any]] = self.document["chains"]
        return chains


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers: the document without ``signature``."""
    body = {name: value for name, value in document.items() if name != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def checkpoint_directory() -> Path:
    return Path(settings.TECHNOPARK_AUDIT_CHECKPOINT_DIR)


def _heads() -> list[dict[str, Any]]:
    heads = list(
        AuditHead.objects.filter(sequence__gt=0)
        .order_by("chain")
        .values("chain", "park_id", "park__slug", "sequence", "hash")
    )
    if not heads:
        return []
    stored = stored_hashes([(h["chain"], h["sequence"]) for h in heads])
    chains = []
    for head in heads:
        if stored.get((head["chain"], head["sequence"])) != head["hash"]:
            raise CheckpointRefused(
                f"chain {head['chain']}: the head does not match entry #{head['sequence']}; "
                "run manage.py audit_verify"
            )
        chains.append(
            {
                "chain": head["chain"],
                "park": head["park_id"] if head["chain"] != PLATFORM_CHAIN else None,
                "park_slug": head["park__slug"] or "",
                "sequence": head["sequence"],
                "hash": head["hash"],
            }
        )
    return chains


def stored_hashes(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The stored hash of each (chain, sequence) that exists, a few hundred pairs a query."""
    found: dict[tuple[int, int], str] = {}
    for start in range(0, len(pairs), 300):
        condition = Q()
        for chain, sequence in pairs[start : start + 300]:
            condition |= Q(chain=chain, sequence=sequence)
        found.update(
            ((chain, sequence), digest)
            for chain, sequence, digest in AuditEntry.objects.filter(condition).values_list(
                "chain", "sequence", "hash"
            )
        )
    return found


def _write_new(directory: Path, stamp: str, data: bytes) -> Path:
    """Write ``data`` to a new file (never over an older checkpoint), atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        path = directory / f"audit-checkpoint-{stamp}{suffix}.json"
        if path.exists():
            continue
        temporary = directory / f".{path.name}.tmp"
        temporary.write_bytes(data)
        temporary.chmod(0o640)
        try:
            os.link(temporary, path)  # fails if the name was taken meanwhile
        except FileExistsError:
            continue
        finally:
            temporary.unlink(missing_ok=True)
        return path
    raise CheckpointRefused(f"no free file name for a checkpoint in {directory}")


def _email(path: Path, document: dict[str, Any], recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = subject_line(_("Audit checkpoint %(time)s") % {"time": document["created_at"]})
        lines = [
            _(
                "The signed checkpoint of the platform's audit chains is attached. Keep it: "
                "manage.py audit_verify --checkpoint <file> checks that the chains still hold "
                "these entries."
            ),
            "",
        ]
        for chain in document["chains"]:
            lines.append(
                f"{chain['park_slug'] or _('platform')}: #{chain['sequence']} {chain['hash']}"
            )
    message = EmailMessage(subject=subject, body="\n".join(lines), to=recipients)
    message.attach(path.name, path.read_bytes(), "application/json")
    message.send()


def checkpoint_write(
    *, directory: Path | None = None, now: datetime | None = None, email: bool = True
) -> Checkpoint:
    """Sign the heads of every chain into a new dated file; e-mail it when addresses are set.

    Reads the heads without locking anything (each head is a committed state of its chain), and
    refuses to sign a head that does not match its entry.
    """
    now = now or timezone.now()
    key = keys.checkpoint_key()
    document: dict[str, Any] = {
        "format": FORMAT,
        "created_at": now.astimezone(UTC).isoformat(),
        "key_id": key.key_id,
        "chains": _heads(),
    }
    document["signature"] = key.sign(canonical(document))
    data = (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    path = _write_new(
        directory or checkpoint_directory(), now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"), data
    )
    recipients = list(settings.TECHNOPARK_AUDIT_CHECKPOINT_EMAILS) if email else []
    if recipients:
        _email(path, document, recipients)
    return Checkpoint(path, document, tuple(recipients))


def checkpoint_files(directory: Path | None = None) -> list[Path]:
    """The checkpoint files of a directory, oldest first."""
    folder = directory or checkpoint_directory()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(FILE_PATTERN))
