"""The audit chain's keys, read from the settings (never from the database).

A key is named by its fingerprint (``key_id``): the first 16 hex digits of an HMAC of a fixed label
under the key. The fingerprint is stored on each entry and in each checkpoint, so that the key can
rotate — the new key signs from then on, the retired ones (``TECHNOPARK_AUDIT_RETIRED_KEYS``) still
verify what they signed — and it tells nothing about the key itself.

Two kinds of key:

* **entry keys** sign the entries: ``TECHNOPARK_AUDIT_KEY`` and the retired ones;
* **checkpoint keys** sign the checkpoint files: ``TECHNOPARK_AUDIT_CHECKPOINT_KEY`` (or, when it is
  not set, a sub-key derived from the audit key, ``checkpoint_subkey``) and the retired ones. A
  checkpoint key can be handed to whoever checks the checkpoints without letting them sign entries.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

# Written on every entry: how its ``hash`` was made. 1 was the unkeyed SHA-256 of the first
# version (none remain after migration 0002); 2 is HMAC-SHA256 under the key named by ``key_id``.
ALGORITHM_HMAC_SHA256 = 2
CHECKPOINT_SUBKEY_LABEL = b"technopark audit checkpoint key"


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes

    def sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def verifies(self, payload: bytes, signature: object) -> bool:
        """Whether ``signature`` is this key's HMAC of ``payload``. Any stored value is compared
        as bytes (``compare_digest`` refuses non-ASCII text): a non-hex, non-ASCII or non-text
        value is simply not the signature."""
        if not isinstance(signature, str):
            return False
        return hmac.compare_digest(
            self.sign(payload).encode("ascii"), signature.encode("utf-8", "surrogatepass")
        )


def fingerprint(secret: bytes) -> str:
    return hmac.new(secret, b"technopark audit key id", hashlib.sha256).hexdigest()[:16]


def _key(text: str) -> Key:
    secret = text.encode("utf-8")
    return Key(fingerprint(secret), secret)


def checkpoint_subkey(audit_key: str) -> str:
    """The checkpoint key derived from an audit key (hex), when no checkpoint key is set."""
    return hmac.new(audit_key.encode("utf-8"), CHECKPOINT_SUBKEY_LABEL, hashlib.sha256).hexdigest()


def entry_key() -> Key:
    """The key new entries are signed with."""
    return _key(settings.TECHNOPARK_AUDIT_KEY)


def entry_keys() -> dict[str, Key]:
    """Every key an entry may be verified with, by fingerprint."""
    keys = [
        _key(k) for k in (*settings.TECHNOPARK_AUDIT_RETIRED_KEYS, settings.TECHNOPARK_AUDIT_KEY)
    ]
    return {key.key_id: key for key in keys}


def checkpoint_key() -> Key:
    """The key new checkpoints are signed with."""
    explicit = settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY
    return _key(explicit or checkpoint_subkey(settings.TECHNOPARK_AUDIT_KEY))


def checkpoint_keys() -> dict[str, Key]:
    """Every key a checkpoint may be verified with, by fingerprint: the configured and retired
    checkpoint keys, and the sub-keys of the current and retired audit keys."""
    texts = [
        *settings.TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS,
        *(
            checkpoint_subkey(k)
            for k in (*settings.TECHNOPARK_AUDIT_RETIRED_KEYS, settings.TECHNOPARK_AUDIT_KEY)
        ),
    ]
    if settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY:
        texts.append(settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY)
    keys = [_key(text) for text in texts]
    return {key.key_id: key for key in keys}
