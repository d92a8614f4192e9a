"""An application: a company's answer to a call, from draft to decision."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company

# The migrations name this module's ``private_storage``: it stays importable from here.
from technopark.core.storage import private_storage
from technopark.parks.models import Direction, Park
from technopark.parks.tenancy import ParkOwned
from technopark.selection.models.calls import Call, FormField
from technopark.selection.models.findings import EligibilityOutcome, finding_text

__all__ = [
    "EDITABLE_STATUSES",
    "FAILING_CHECK",
    "OPEN_STATUSES",
    "Answer",
    "Application",
    "ApplicationRevision",
    "ApplicationStatus",
    "CheckCode",
    "CheckVerdict",
    "EligibilityCheck",
    "EligibilityRun",
    "EligibilityRunResult",
    "EligibilityState",
    "InformationRequest",
    "RevisionChange",
    "RevisionKind",
    "RunTrigger",
    "answer_display",
    "private_storage",
]


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    INFO_REQUESTED = "info_requested", _("More information requested")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", pgettext_lazy("application status", "Rejected")


# An application that still counts as the company's one application to its call.
OPEN_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INFO_REQUESTED,
)


class Application(ParkOwned):
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="applications")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    title = models.CharField(_("project title"), max_length=300, blank=True)
    # The directions the project is in (chosen from the call's; the company's by default): experts
    # are matched on them.
    directions = models.ManyToManyField(
        Direction, blank=True, related_name="+", verbose_name=_("directions")
    )
    created_at = models.DateTimeField(
        pgettext_lazy("date a record was created", "created"), auto_now_add=True
    )
    updated_at = models.DateTimeField(
        pgettext_lazy("date a record was changed", "updated"), auto_now=True
    )
    submitted_at = models.DateTimeField(
        pgettext_lazy("date an application was submitted", "submitted"), null=True, blank=True
    )
    # The applicant's declaration at submission: no overdue taxes or fees.
    declares_no_tax_debt = models.BooleanField(_("declared no overdue taxes"), default=False)
    withdrawn_at = models.DateTimeField(
        pgettext_lazy("date an application was withdrawn", "withdrawn"), null=True, blank=True
    )
    # The staff's outcome on eligibility (empty until given): an ineligible application is never
    # given to experts. The reason is theirs, given only where they turn the automatic verdict.
    eligibility_outcome = models.CharField(
        _("eligibility"), max_length=20, choices=EligibilityOutcome.choices, blank=True
    )
    eligibility_reason = models.CharField(
        _("reason for the eligibility"), max_length=500, blank=True
    )
    eligibility_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eligibility_decided_at = models.DateTimeField(_("eligibility decided"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "company"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="application_one_open_per_call",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="application_call_status_idx")]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def is_ineligible(self) -> bool:
        return self.eligibility_outcome == EligibilityOutcome.INELIGIBLE


# The applicant may change the answers while the application is in one of these.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED)


def _upload_to(answer: Answer, filename: str) -> str:
    return f"selection/{answer.application_id}/{answer.field_id}/{Path(filename).name}"


class Answer(models.Model):
    """The answer to one question of a call's form, typed by the question's kind: money is a
    Decimal, a number is a number, a date is a date, so that answers can be summed and filtered
    in SQL. Choices are kept as the positions of the options (codes, never the shown text)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(FormField, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(
        _("number"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    money = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(
        pgettext_lazy("answer of a date question", "date"), null=True, blank=True
    )
    flag = models.BooleanField(_("yes/no"), null=True, blank=True)
    choices = models.JSONField(_("chosen options"), default=list, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=_upload_to, max_length=300, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["field", "money"], name="answer_field_money_idx")]
        constraints = [
            models.UniqueConstraint(fields=["application", "field"], name="answer_once_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.field_id}"

    def display(self, field: FormField | None = None) -> str:
        """The answer as the applicant gave it, as one line of text (for the revision history)."""
        return answer_display(field or self.field, self)


def answer_display(field: FormField, answer: Answer | None) -> str:
    """An answer (or none) as text: what the revision history shows before and after a change."""
    from django.utils.formats import localize

    if answer is None:
        return ""
    kind = field.kind
    if kind in ("short_text", "long_text"):
        return answer.text
    if kind == "number":
        return "" if answer.number is None else localize(answer.number.normalize())
    if kind == "money":
        return "" if answer.money is None else localize(answer.money)
    if kind == "date":
        return "" if answer.date is None else answer.date.isoformat()
    if kind == "declaration":
        if answer.flag is None:
            return ""
        return str(
            pgettext_lazy("yes or no", "Yes") if answer.flag else pgettext_lazy("yes or no", "No")
        )
    if kind in ("choice", "multi_choice"):
        options = field.option_list
        return "; ".join(
            options[i] if isinstance(i, int) and 0 <= i < len(options) else "?"
            for i in (answer.choices or [])
        )
    if kind == "file":
        return answer.file_name
    return ""


class RevisionKind(models.TextChoices):
    SAVED = "saved", _("Saved")
    SUBMITTED = "submitted", pgettext_lazy("application revision", "Submitted")
    INFO_ANSWERED = "info_answered", _("Answered a request for information")
    WITHDRAWN = "withdrawn", pgettext_lazy("application revision", "Withdrawn")


class ApplicationRevision(models.Model):
    """One change of an application by its applicant, with what changed field by field."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("what"), max_length=20, choices=RevisionKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("audit entry", "when"), auto_now_add=True)

    class Meta:
        ordering = ["application", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.number}"


class RevisionChange(models.Model):
    """What one revision changed in one field, as the applicant saw it before and after."""

    revision = models.ForeignKey(
        ApplicationRevision, on_delete=models.CASCADE, related_name="changes"
    )
    field = models.ForeignKey(
        FormField, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("field"), max_length=300)
    before = models.TextField(pgettext_lazy("audit entry: the record before", "before"), blank=True)
    after = models.TextField(pgettext_lazy("audit entry: the record after", "after"), blank=True)

    class Meta:
        ordering = ["revision", "id"]

    def __str__(self) -> str:
        return self.name


class CheckCode(models.TextChoices):
    REGION = "region", _("Registered in the park's region")
    SME = "sme", _("Small or medium business")
    TAXES = "taxes", _("No overdue taxes declared")
    DIRECTIONS = "directions", _("Directions within the call's")
    NOT_RESIDENT = "not_resident", _("Not already a resident")
    SINGLE_APPLICATION = "single_application", _("No other open application to this call")


class CheckVerdict(models.TextChoices):
    PENDING = "pending", _("Not screened yet")
    CONFIRMED = "confirmed", pgettext_lazy("eligibility check verdict", "Confirmed")
    OVERRIDDEN = "overridden", _("Overridden")


class EligibilityCheck(models.Model):
    """One automatic eligibility check of an application, run at submission, and the manager's
    verdict on it: confirmed as it is, or overridden (the result turned) with their reason."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    code = models.CharField(_("check"), max_length=30, choices=CheckCode.choices)
    passed = models.BooleanField(_("passed"))
    # What the check found (``Finding``) and its parameters: rendered in the reader's language.
    finding = models.CharField(_("finding"), max_length=40)
    params = models.JSONField(_("parameters of the finding"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked"))
    verdict = models.CharField(
        _("verdict"), max_length=20, choices=CheckVerdict.choices, default=CheckVerdict.PENDING
    )
    verdict_reason = models.CharField(_("manager's reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(
        pgettext_lazy("date of a decision", "decided"), null=True, blank=True
    )
    # The platform's result the manager's verdict was given on: a later run that finds otherwise
    # keeps the verdict (it still counts) but asks for a new decision.
    decided_on_passed = models.BooleanField(_("decided on the result"), null=True, blank=True)
    needs_decision = models.BooleanField(_("needs a new decision"), default=False)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="check_once_per_code"),
            # A confirmation needs no reason; turning the platform's result does.
            models.CheckConstraint(
                condition=~models.Q(verdict=CheckVerdict.OVERRIDDEN) | ~models.Q(verdict_reason=""),
                name="check_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.passed}"

    @property
    def reason(self) -> str:
        """What the check found, in the reader's language."""
        return finding_text(self.finding, self.params)

    @property
    def final_passed(self) -> bool:
        """The result that counts: the platform's, turned when a manager overrode it. A verdict
        is kept when a later run finds otherwise (``needs_decision``): until a manager decides
        again, the result the verdict was given on counts."""
        if self.verdict == CheckVerdict.PENDING:
            return self.passed
        decided_on = self.passed if self.decided_on_passed is None else self.decided_on_passed
        return (not decided_on) if self.verdict == CheckVerdict.OVERRIDDEN else decided_on


# The checks whose result counts as failed (``EligibilityCheck.final_passed`` in SQL).
FAILING_CHECK = (
    models.Q(verdict=CheckVerdict.PENDING, passed=False)
    | models.Q(verdict=CheckVerdict.CONFIRMED, decided_on_passed=False)
    | models.Q(verdict=CheckVerdict.OVERRIDDEN, decided_on_passed=True)
)


class EligibilityState(models.TextChoices):
    """Where an application stands on eligibility, as the council reads it."""

    ELIGIBLE = "eligible", pgettext_lazy("eligibility", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("eligibility", "Ineligible")
    NEEDS_DECISION = "needs_decision", pgettext_lazy("eligibility", "Needs a decision")
    NOT_SCREENED = "not_screened", pgettext_lazy("eligibility", "Not screened")


class RunTrigger(models.TextChoices):
    SUBMITTED = "submitted", _("Checked at submission")
    INFO_ANSWERED = "info_answered", _("Re-checked after the applicant's answer")
    CHECKS_CHANGED = "checks_changed", _("Re-checked after the call's checks changed")
    STAFF = "staff", _("Re-checked by staff")


class EligibilityRun(models.Model):
    """One run of the automatic checks on an application: when, why and at whose action. Its
    results are kept as they were, whatever later runs and verdicts say."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_runs"
    )
    trigger = models.CharField(_("reason for the run"), max_length=20, choices=RunTrigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ran_at = models.DateTimeField(pgettext_lazy("time a check ran", "when"))

    class Meta:
        ordering = ["application", "-ran_at", "-id"]
        verbose_name = _("eligibility run")
        verbose_name_plural = _("eligibility runs")
        indexes = [models.Index(fields=["application", "ran_at"], name="eligibility_run_app_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.trigger} {self.ran_at:%Y-%m-%d %H:%M}"


class EligibilityRunResult(models.Model):
    """What one run found for one check (a dated verdict of the platform)."""

    run = models.ForeignKey(EligibilityRun, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("check"), max_length=30, choices=CheckCode.choices)
    passed = models.BooleanField(_("passed"))
    finding = models.CharField(_("finding"), max_length=40)
    params = models.JSONField(_("parameters of the finding"), default=dict, blank=True)
    # The result differs from the previous run's for the same check (or the check is new).
    changed = models.BooleanField(_("differs from the previous run"), default=False)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "code"], name="run_result_once_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.passed}"

    @property
    def reason(self) -> str:
        return finding_text(self.finding, self.params)


class InformationRequest(models.Model):
    """Staff ask the applicant for more information; the applicant answers."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    message = models.TextField(_("what is asked"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["application", "requested_at", "id"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")

    def __str__(self) -> str:
        return self.message[:50]
