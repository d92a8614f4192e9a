"""Every write of the grants app: awards, milestones, tranche requests, approvals, payments,
cancellations, clawbacks and milestone reports.

The money guarantees:

* **Never above the cap.** An award is checked against its programme's cap here, and the cap is
  copied onto the award where a database check holds ``amount <= cap``.
* **Four eyes.** A tranche is paid only after two *different* staff members approved it (one
  approval per person per tranche is also a unique constraint). Under the park's segregation of
  duties (on by default, ``GrantPolicy``) whoever requested the tranche may not approve it, and
  the payer is neither the requester nor an approver.
* **Paid against accepted reports.** Under the park's policy (on by default) a tranche is paid
  only once a report on its milestone is accepted.
* **Cancelling a whole award** cancels its unpaid tranches; what was paid stays and may be
  clawed back.
* **Never twice.** A payment carries an idempotency key (unique in the database): the same
  request twice pays once and returns the first payment. A tranche has at most one payment
  (unique in the database) and must be ``approved`` to be paid.
* **Never beyond the award.** Paying locks the award row (``select_for_update``) and checks
  ``paid − clawed back + this ≤ award`` under the lock; the award's running totals are updated in
  the same transaction and a check constraint on them refuses an overpayment even if a future
  caller forgot the lock.
* **Entries, not edits.** A cancellation and a clawback are rows of their own; payments are never
  changed or deleted.

Every award, tranche request, approval, payment, cancellation, clawback and report review is
appended to the audit chain inside its transaction, and marks the park's pages sta

One module per part, the same parts as the views: ``awards`` (awards, their budget and
milestones), ``tranches`` (tranche requests, approvals, payments, cancellations and clawbacks),
``reports`` (milestone reports and their review); ``_common`` holds what the parts share. Every
public name is re-exported here, so callers keep naming ``services.tranche_pay``.
"""

from technopark.grants.services._common import (
    MAX_MONEY,
    MAX_TEXT,
)
from technopark.grants.services.awards import (
    MilestonePlan,
    award_cancel,
    grant_award_create,
    milestone_add,
)
from technopark.grants.services.policy import grant_policy_set
from technopark.grants.services.reports import (
    ATTACHMENT_EXTENSIONS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    grant_report_file,
    grant_report_review,
)
from technopark.grants.services.tranches import (
    AlreadyPaid,
    Overpayment,
    PaymentResult,
    clawback_record,
    tranche_approve,
    tranche_cancel,
    tranche_pay,
    tranche_request,
)

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_MONEY",
    "MAX_TEXT",
    "AlreadyPaid",
    "MilestonePlan",
    "Overpayment",
    "PaymentResult",
    "award_cancel",
    "clawback_record",
    "grant_award_create",
    "grant_policy_set",
    "grant_report_file",
    "grant_report_review",
    "milestone_add",
    "tranche_approve",
    "tranche_cancel",
    "tranche_pay",
    "tranche_request",
]
