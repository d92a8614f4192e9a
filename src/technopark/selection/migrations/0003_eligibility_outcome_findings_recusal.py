"""Eligibility per application (an outcome the staff confirm), what a check found stored as a
code and its parameters instead of a sentence in one language, and conflicts declared by a
manager or by an expert recusing from the review page.

Existing checks and run results get the code their result stands for; the parameters are
derived again from the records (the company's and the park's region, the directions outside the
call's). An application whose every check was decided gets the outcome those decisions give.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PLAIN = {
    ("sme", True): "sme_yes",
    ("sme", False): "sme_no",
    ("taxes", True): "taxes_declared",
    ("taxes", False): "taxes_not_declared",
    ("not_resident", True): "not_resident",
    ("not_resident", False): "resident",
    ("single_application", True): "only_application",
    ("single_application", False): "other_application",
    ("directions", True): "directions_within",
    ("region", True): "region_inside",
    ("region", False): "region_outside",
}


def _finding(application, code, passed, call_direction_ids):
    params = {}
    if code == "region":
        params = {"region": application.company.region, "park": application.park.region}
    if code == "directions" and not passed:
        chosen = list(application.directions.all())
        if not chosen:
            return "directions_none", {}
        outside = [
            d
            for d in chosen
            if d.pk not in call_direction_ids and d.parent_id not in call_direction_ids
        ]
        pairs = [[d.name, getattr(d, "name_en", "") or ""] for d in sorted(outside, key=lambda d: (d.name, d.pk))]
        return "directions_outside", {"directions": pairs}
    return PLAIN.get((code, passed), code), params


def _final_passed(check):
    if check.verdict == "pending":
        return check.passed
    decided_on = check.passed if check.decided_on_passed is None else check.decided_on_passed
    return (not decided_on) if check.verdict == "overridden" else decided_on


def forwards(apps, schema_editor):
    Application = apps.get_model("selection", "Application")
    EligibilityCheck = apps.get_model("selection", "EligibilityCheck")
    EligibilityRunResult = apps.get_model("selection", "EligibilityRunResult")
    call_dirs = {}
    ids = set(EligibilityCheck.objects.values_list("application_id", flat=True)) | set(
        EligibilityRunResult.objects.values_list("run__application_id", flat=True)
    )
    for application in (
        Application._base_manager.filter(pk__in=ids)
        .select_related("company", "park", "call")
        .prefetch_related("directions")
        .iterator(chunk_size=500)
    ):
        if application.call_id not in call_dirs:
            call_dirs[application.call_id] = set(
                application.call.directions.values_list("pk", flat=True)
            )
        allowed = call_dirs[application.call_id]
        checks = list(EligibilityCheck.objects.filter(application_id=application.pk))
        for check in checks:
            check.finding, check.params = _finding(application, check.code, check.passed, allowed)
            check.save(update_fields=["finding", "params"])
        for result in EligibilityRunResult.objects.filter(run__application_id=application.pk):
            result.finding, result.params = _finding(
                application, result.code, result.passed, allowed
            )
            result.save(update_fields=["finding", "params"])
        if checks and all(check.verdict != "pending" for check in checks):
            application.eligibility_outcome = (
                "eligible" if all(_final_passed(c) for c in checks) else "ineligible"
            )
            decided = [c for c in checks if c.decided_at]
            if decided:
                last = max(decided, key=lambda c: c.decided_at)
                application.eligibility_decided_at = last.decided_at
                application.eligibility_decided_by_id = last.decided_by_id
            application.save(
                update_fields=["eligibility_outcome", "eligibility_decided_at", "eligibility_decided_by"]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0002_eligibility_runs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="eligibility_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("eligible", "Eligible"),
                    ("ineligible", "Ineligible"),
                    ("needs_information", "Needs information"),
                ],
                max_length=20,
                verbose_name="eligibility",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="eligibility_decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="eligibility decided"),
        ),
        migrations.AddField(
            model_name="application",
            name="eligibility_decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="eligibility_reason",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="reason for the eligibility"
            ),
        ),
        migrations.AddField(
            model_name="conflictofinterest",
            name="declared_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="conflictofinterest",
            name="recused_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="selection.application",
            ),
        ),
        migrations.AddField(
            model_name="eligibilitycheck",
            name="finding",
            field=models.CharField(default="", max_length=40, verbose_name="finding"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="eligibilitycheck",
            name="params",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="parameters of the finding"
            ),
        ),
        migrations.AddField(
            model_name="eligibilityrunresult",
            name="finding",
            field=models.CharField(default="", max_length=40, verbose_name="finding"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="eligibilityrunresult",
            name="params",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="parameters of the finding"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name="eligibilitycheck",
            name="check_verdict_has_reason",
        ),
        migrations.RemoveField(
            model_name="eligibilitycheck",
            name="reason",
        ),
        migrations.RemoveField(
            model_name="eligibilityrunresult",
            name="reason",
        ),
        migrations.AddConstraint(
            model_name="eligibilitycheck",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("verdict", "overridden"), _negated=True),
                    models.Q(("verdict_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="check_override_has_reason",
            ),
        ),
    ]
