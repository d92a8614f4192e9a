"""Bounds on grant reports: how often one milestone's report may be filed, and how large its
files may be together. Each refusal is a clear message next to the form, and nothing is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from technopark.audit.models import AuditEntry
from technopark.grants import services
from technopark.grants.models import GrantReport, ReportAttachment

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"park_slug": "yakutia", **kwargs})


def _file(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, "application/pdf")


def test_a_report_is_refiled_at_most_the_configured_number_of_times(
    world, client_for, award, settings, private_files
):
    settings.TECHNOPARK_GRANT_REPORT_MAX_SUBMISSIONS = 3
    milestone = award.milestones.first()
    for n in range(3):
        services.grant_report_file(
            milestone=milestone, actor=world.users["founder"], summary=f"версия {n}", spending={}
        )
    entries = AuditEntry.objects.count()
    response = client_for("founder").post(
        url("report_file", milestone_pk=milestone.pk),
        {"summary": "четвёртая", "attachments": [_file("акт.pdf", 10)]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "already been filed 3 times, the most allowed" in response.content.decode()
    assert GrantReport.objects.count() == 3
    assert not ReportAttachment.objects.exists()
    assert AuditEntry.objects.count() == entries
    assert not list(private_files.rglob("*.pdf"))


def test_the_refusal_reads_in_russian(world, award, settings):
    settings.TECHNOPARK_GRANT_REPORT_MAX_SUBMISSIONS = 1
    milestone = award.milestones.first()
    founder = world.users["founder"]
    services.grant_report_file(milestone=milestone, actor=founder, summary="раз", spending={})
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        services.grant_report_file(milestone=milestone, actor=founder, summary="два", spending={})
    assert "уже подан" in refused.value.message_dict["milestone"][0]


def test_files_of_one_report_are_bounded_together(
    world, client_for, award, settings, private_files
):
    settings.TECHNOPARK_GRANT_REPORT_MAX_UPLOAD_BYTES = 1000
    milestone = award.milestones.first()
    response = client_for("founder").post(
        url("report_file", milestone_pk=milestone.pk),
        {
            "summary": "Собран прототип",
            "spent_equipment": "10",
            "attachments": [_file("a.pdf", 600), _file("b.pdf", 600)],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "may take at most 1000" in response.content.decode()
    assert not GrantReport.objects.exists()
    assert not list(private_files.rglob("*.pdf"))
    # Within the bound, the same report is filed.
    response = client_for("founder").post(
        url("report_file", milestone_pk=milestone.pk),
        {"summary": "Собран прототип", "attachments": [_file("a.pdf", 600), _file("b.pdf", 400)]},
    )
    assert response.status_code == 302
    assert GrantReport.objects.get().attachments.count() == 2
