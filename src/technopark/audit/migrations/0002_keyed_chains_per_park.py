"""One chain per park, keyed with HMAC.

A one-time step at upgrade: the entries written by the first version (one chain, unkeyed SHA-256)
are first verified the old way — the migration stops, naming the entry, if that chain was
already broken, rather than seal a tampered history under the key — then renumbered into their
park's chain (or the platform chain) in the order they were written and re-signed with the audit
key configured now (TECHNOPARK_AUDIT_KEY). The heads are rebuilt, one per chain. The platform had
no production installation when this shipped; what it re-signs is the demo's and the tests' data.
"""

import hashlib
import hmac
import json
from datetime import UTC

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _dump(payload):
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _v1_hash(entry):
    return hashlib.sha256(
        _dump(
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
            }
        )
    ).hexdigest()


def _v2_content(entry, key_id):
    # Frozen copy of technopark.audit.services.chain.signed_content (algorithm 2).
    return _dump(
        {
            "chain": entry.chain,
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
            "key_id": key_id,
            "algorithm": 2,
        }
    )


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    entries = list(AuditEntry.objects.order_by("sequence"))
    # 1. The old chain must be whole: a broken one is investigated, not sealed.
    prev = GENESIS
    for number, entry in enumerate(entries, start=1):
        if entry.sequence != number or entry.prev_hash != prev or _v1_hash(entry) != entry.hash:
            raise RuntimeError(
                f"The audit chain is broken at entry #{entry.sequence} (or just before it): "
                "investigate before upgrading; this migration re-signs the chain under the key."
            )
        prev = entry.hash
    head = AuditHead.objects.first()
    if entries and (head is None or head.sequence != len(entries) or head.hash != prev):
        raise RuntimeError(
            f"Audit entries after #{len(entries)} are missing: investigate before upgrading."
        )
    # 2. Renumber into per-park chains, oldest first, and sign each entry under the key.
    secret = settings.TECHNOPARK_AUDIT_KEY.encode("utf-8")
    key_id = hmac.new(secret, b"technopark audit key id", hashlib.sha256).hexdigest()[:16]
    heads = {}
    for entry in entries:
        chain = entry.park_id if entry.park_id is not None else 0
        sequence, prev_hash = heads.get(chain, (0, GENESIS))[:2]
        entry.chain = chain
        entry.sequence = sequence + 1
        entry.prev_hash = prev_hash
        entry.key_id = key_id
        entry.algorithm = 2
        entry.hash = hmac.new(secret, _v2_content(entry, key_id), hashlib.sha256).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(
            chain=entry.chain,
            sequence=entry.sequence,
            prev_hash=entry.prev_hash,
            key_id=key_id,
            algorithm=2,
            hash=entry.hash,
        )
        heads[chain] = (entry.sequence, entry.hash, entry.park_id)
    AuditHead.objects.all().delete()
    AuditHead.objects.bulk_create(
        [
            AuditHead(chain=chain, park_id=park_id, sequence=sequence, hash=digest)
            for chain, (sequence, digest, park_id) in sorted(heads.items())
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("parks", "0002_labels"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["id"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.BigIntegerField(default=0, verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="key"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="algorithm",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="algorithm"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.BigIntegerField(verbose_name="number"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="audithead",
            name="park",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parks.park",
            ),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
