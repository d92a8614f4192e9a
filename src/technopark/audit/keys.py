"""The audit chain's keys, read from the settings (never from the database).

A key is named by its fingerprint (``key_id``): the first 16 hex digits of an HMAC of a fixed label
under the key. The fingerprint is stored on each entry and in each checkpoint, so that the key can
rotate — the new key signs from then on, the retired ones (``TECHNOPARK_AUDIT_RETIRED_KEYS``,
oldest first) still verify what they signed before a newer key took over in that chain — and it
tells nothing about the key itself.

Two kinds of key:

* **entry keys** sign the entries: ``TECHNOPARK_AUDIT_KEY`` and the retired ones;
* **checkpoint keys** sign the checkpoint files: ``TECHNOPARK_AUDIT_CHECKPOINT_KEY`` (or, when it is
  not set, a sub-key derived from the current audit key, ``checkpoint_subkey``) and the retired
  checkpoint keys listed explicitly (``TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS``). A
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
    return {key.key_id: key for key in _entry_keys_oldest_first()}


def _entry_keys_oldest_first() -> list[Key]:
    return [
        _key(k) for k in (*settings.TECHNOPARK_AUDIT_RETIRED_KEYS, settings.TECHNOPARK_AUDIT_KEY)
    ]


def entry_key_ages() -> dict[str, int]:
    """Each entry key's place in time, by fingerprint: 0 for the oldest retired key, counting up
    in the order of ``TECHNOPARK_AUDIT_RETIRED_KEYS`` (oldest first), the current key last and
    highest. Within a chain, an entry signed with a key older than one that already signed an
    earlier entry was made with a retired key after the rotation: refused."""
    ages: dict[str, int] = {}
    for age, key in enumerate(_entry_keys_oldest_first()):
        ages.pop(key.key_id, None)  # listed twice: its latest place counts
        ages[key.key_id] = age
    return ages


def checkpoint_key() -> Key:
    """The key new checkpoints are signed with."""
    explicit = settings.TECHNOPARK_AUDIT_CHECKPOINT_KEY
    return _key(explicit or checkpoint_subkey(settings.TECHNOPARK_AUDIT_KEY))


def checkpoint_keys() -> dict[str, Key]:
    """Every key a checkpoint may be verified with, by fingerprint: the current checkpoint key
    (``TECHNOPARK_AUDIT_CHECKPOINT_KEY``, or the sub-key of the current audit key) and the ones
    listed in ``TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS`` — nothing else. The sub-key of a
    retired audit key is not accepted on its own: whoever leaked that audit key could derive it
    and sign checkpoints of a forged history. A routine rotation lists the old sub-key as a
    retired checkpoint key."""
    keys = [_key(text) for text in settings.TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS]
    keys.append(checkpoint_key())
    return {key.key_id: key for key in keys}


def retired_audit_subkey_ids() -> set[str]:
    """The fingerprints of the checkpoint sub-keys of the retired audit keys (to name them when
    a checkpoint signed with one is refused)."""
    return {
        _key(checkpoint_subkey(k)).key_id for k in settings.TECHNOPARK_AUDIT_RETIRED_KEYS
    } - set(checkpoint_keys())
