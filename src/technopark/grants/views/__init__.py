"""The grants pages: the staff's ledger (list with filters, cached), the award page with budget,
milestones, tranches, approvals, payments, clawbacks and reports, the forms that move money,
the founders' "my grants" and milestone reports, report files, and the accountants' XLSX.

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.

One module per part, the same parts as the services: ``awards`` (the ledger, its export, "my
grants", the award's form and page, milestones), ``tranches`` (requesting, approving, paying and
cancelling tranches, clawbacks), ``reports`` (milestone reports, their review and files);
``_common`` renders the award page the parts' forms fall back to. The views are re-exported here
for ``urls.py``.
"""

from technopark.grants.views.awards import (
    LEDGER,
    award_cancel,
    award_create,
    award_detail,
    grant_list,
    grants_xlsx,
    milestone_add,
    my_grants,
)
from technopark.grants.views.policy import grant_policy
from technopark.grants.views.reports import attachment, report_file, report_review
from technopark.grants.views.tranches import (
    clawback,
    tranche_approve,
    tranche_cancel,
    tranche_pay,
    tranche_request,
)

__all__ = [
    "LEDGER",
    "attachment",
    "award_cancel",
    "award_create",
    "award_detail",
    "clawback",
    "grant_list",
    "grant_policy",
    "grants_xlsx",
    "milestone_add",
    "my_grants",
    "report_file",
    "report_review",
    "tranche_approve",
    "tranche_cancel",
    "tranche_pay",
    "tranche_request",
]
