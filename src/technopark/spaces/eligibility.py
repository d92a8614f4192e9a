"""Who a company is to the park, for booking: a resident, a programme participant, or outside.

Two hooks into other parts, each asked through that part's public query:

* residents — ``technopark.residency.queries.is_active_resident(*, company) -> bool`` (active,
  not suspended);
* programme participants — ``technopark.programmes.queries.is_active_participant(*, company)``
  (a cohort running today, the participant neither left nor graduated).
"""

from __future__ import annotations

from technopark.companies.models import Company
from technopark.programmes import queries as programmes_queries
from technopark.residency import queries as residency_queries


class Standing:
    RESIDENT = "resident"
    PARTICIPANT = "participant"
    OUTSIDE = "outside"


def is_active_resident(company: Company) -> bool:
    """An active resident (a suspended one is not: its bookings wait for approval)."""
    return residency_queries.is_active_resident(company=company)


def is_programme_participant(company: Company) -> bool:
    """A participant of a cohort running today."""
    return programmes_queries.is_active_participant(company=company)


def company_standing(company: Company) -> str:
    if is_active_resident(company):
        return Standing.RESIDENT
    if is_programme_participant(company):
        return Standing.PARTICIPANT
    return Standing.OUTSIDE
