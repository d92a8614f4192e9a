"""Milestone reports: a founder files what was done, the spending per budget line and files;
staff accept the report (its milestone is accepted) or return it for changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.grants.models import (
    BudgetKind,
    GrantReport,
    Milestone,
    MilestoneStatus,
    ReportAttachment,
    ReportSpending,
    ReportStatus,
)
from technopark.grants.services._common import _clean_money, _clean_text
from technopark.grants.services.notices import tell_company, tell_milestone_payable

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
ATTACHMENT_EXTENSIONS = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".xlsx",
    ".docx",
    ".odt",
    ".ods",
    ".csv",
    ".txt",
    ".zip",
)


def _check_attachment(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(ATTACHMENT_EXTENSIONS):
        raise ValidationError(
            {"attachments": _("Attach PDF, images, office documents, CSV, text or ZIP files.")}
        )
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachments": _("A file may be at most 10 MB.")})


def _check_total_size(files: list[UploadedFile]) -> None:
    limit = settings.TECHNOPARK_GRANT_REPORT_MAX_UPLOAD_BYTES
    if sum(upload.size or 0 for upload in files) > limit:
        raise ValidationError(
            {
                "attachments": _("The files of one report may take at most %(size)s together.")
                % {"size": filesizeformat(limit)}
            }
        )


def _check_filings(milestone: Milestone) -> None:
    """A milestone's report may be filed (and re-filed) a bounded number of times."""
    limit = settings.TECHNOPARK_GRANT_REPORT_MAX_SUBMISSIONS
    if GrantReport.objects.filter(milestone=milestone).count() >= limit:
        raise ValidationError(
            {
                "milestone": ngettext(
                    "The report on this milestone has already been filed %(count)d time, the "
                    "most allowed. Ask the park's staff to review it.",
                    "The report on this milestone has already been filed %(count)d times, the "
                    "most allowed. Ask the park's staff to review it.",
                    limit,
                )
                % {"count": limit}
            }
        )


@transaction.atomic
def grant_report_file(
    *,
    milestone: Milestone,
    actor: User,
    summary: str,
    spending: Mapping[str, Decimal],
    attachments: Iterable[UploadedFile] = (),
) -> GrantReport:
    """A founder's report on ``milestone``: what was done, the spending per budget line, files.

    Refused once the milestone is accepted, once the report has been filed
    ``TECHNOPARK_GRANT_REPORT_MAX_SUBMISSIONS`` times, and when the files together exceed
    ``TECHNOPARK_GRANT_REPORT_MAX_UPLOAD_BYTES``; nothing is stored then. The milestone becomes
    ``reported``. Locking: the milestone row (the count of filings is read under it). Audit-logged
    as ``grants.report``.
    """
    summary = _clean_text(summary, "summary")
    files = list(attachments)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(count)d files.") % {"count": MAX_ATTACHMENTS}}
        )
    for upload in files:
        _check_attachment(upload)
    _check_total_size(files)
    lines: dict[str, Decimal] = {}
    for kind, value in spending.items():
        if kind not in BudgetKind.values:
            raise ValidationError(
                {"spending": _("Unknown budget line: %(kind)s.") % {"kind": kind}}
            )
        if value is None:
            continue
        lines[kind] = _clean_money(value, f"spent_{kind}", positive=False)
    locked = (
        Milestone.objects.select_for_update().select_related("award__park").get(pk=milestone.pk)
    )
    if locked.status == MilestoneStatus.ACCEPTED:
        raise ValidationError({"milestone": _("This milestone is already accepted.")})
    if locked.award.cancelled_at is not None:
        raise ValidationError(
            {"milestone": _("This grant has been cancelled: reports are no longer taken.")}
        )
    _check_filings(locked)
    report = GrantReport.objects.create(milestone=locked, summary=summary, filed_by=actor)
    ReportSpending.objects.bulk_create(
        [ReportSpending(report=report, kind=kind, amount=value) for kind, value in lines.items()]
    )
    for upload in files:
        attachment = ReportAttachment(
            report=report, name=(upload.name or "file")[-200:], size=upload.size or 0
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
    locked.status = MilestoneStatus.REPORTED
    locked.save(update_fields=["status"])
    award = locked.award
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.report",
        target=report,
        summary=f"{award.decision_reference} / {locked.number}",
        after={"milestone_id": locked.pk, "spending": lines, "files": len(files)},
    )
    writes("grants", park_id=award.park_id)
    return report


@transaction.atomic
def grant_report_review(
    *, report: GrantReport, actor: User, accept: bool, note: str = ""
) -> GrantReport:
    """Staff accept a submitted report (its milestone becomes ``accepted``) or return it for
    changes (the milestone is open again). Locking: the report row. Audit-logged as
    ``grants.report_review``."""
    note = _clean_text(note, "note", required=not accept)
    # The milestone first (the lock filing and paying take), then the report: a milestone whose
    # report was accepted is settled, and a second report filed meanwhile cannot reopen it.
    milestone_locked = (
        Milestone.objects.select_for_update().select_related("award").get(pk=report.milestone_id)
    )
    locked = (
        GrantReport.objects.select_for_update()
        .select_related("milestone__award__park")
        .get(pk=report.pk)
    )
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError({"report": _("This report has already been reviewed.")})
    if milestone_locked.status == MilestoneStatus.ACCEPTED:
        raise ValidationError(
            {"report": _("Another report on this milestone has already been accepted.")}
        )
    if milestone_locked.award.cancelled_at is not None:
        raise ValidationError(
            {"report": _("This grant has been cancelled: its reports are no longer reviewed.")}
        )
    locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    locked.reviewed_by = actor
    locked.review_note = note
    locked.save(update_fields=["status", "reviewed_by", "review_note"])
    milestone = locked.milestone
    milestone.status = MilestoneStatus.ACCEPTED if accept else MilestoneStatus.OPEN
    milestone.save(update_fields=["status"])
    award = milestone.award
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.report_review",
        target=locked,
        summary=f"{award.decision_reference} / {milestone.number}: {locked.status}",
        before={"status": ReportStatus.SUBMITTED},
        after={"status": locked.status, "note": note},
    )
    tell_company(
        award=award,
        park=award.park,
        kind="report_accepted" if accept else "report_returned",
        context={"milestone": milestone, "report": locked, "note": note},
        key=f"grants.report:{locked.pk}:{locked.status}",
    )
    if accept:
        tell_milestone_payable(milestone=milestone, award=award, park=award.park)
    writes("grants", park_id=award.park_id)
    return locked
