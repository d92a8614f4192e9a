"""The one table of a service request's states: which change is allowed, and who makes it.

A pure module (no queries): the services check every change against ``TRANSITIONS``, the pages
and the API offer the buttons it allows, and the tests walk every pair of states through it.

``By.STAFF``: the park's managers and admins, or an engineer assigned to the request.
``By.COMPANY``: someone acting for the request's company. ``By.QUOTE``: only as the effect of a
quote (sent → quoted, approved → approved); asking for it directly is refused. ``By.CHARGE``:
only by charging the request (``services.charge_create``, which makes the charge in the same
transaction), so that no request is «charged» without its charge. On hold is
reached from every open state and resumes only to the state it was held from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.utils.translation import gettext_lazy as _

from technopark.engineering.models import RequestState as S


class By(Enum):
    STAFF = "staff"
    COMPANY = "company"
    QUOTE = "quote"
    CHARGE = "charge"


@dataclass(frozen=True)
class Transition:
    by: By
    reason_required: bool = False
    # A decision that goes to the park's audit chain (the company's acceptance, a rejection).
    audited: bool = False


TERMINAL = frozenset({S.CHARGED, S.REJECTED, S.CANCELLED})
#: states a request can be put on hold from (and resumed to)
HOLDABLE = frozenset(
    {S.SUBMITTED, S.TRIAGED, S.QUOTED, S.APPROVED, S.IN_WORK, S.DELIVERED, S.ACCEPTED}
)

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.SUBMITTED, S.TRIAGED): Transition(By.STAFF),
    (S.SUBMITTED, S.REJECTED): Transition(By.STAFF, reason_required=True, audited=True),
    (S.SUBMITTED, S.CANCELLED): Transition(By.COMPANY),
    (S.TRIAGED, S.QUOTED): Transition(By.QUOTE),
    (S.TRIAGED, S.REJECTED): Transition(By.STAFF, reason_required=True, audited=True),
    (S.TRIAGED, S.CANCELLED): Transition(By.COMPANY),
    (S.QUOTED, S.APPROVED): Transition(By.QUOTE),
    # the company declined every quote: staff quote again from triage
    (S.QUOTED, S.TRIAGED): Transition(By.STAFF),
    (S.QUOTED, S.REJECTED): Transition(By.STAFF, reason_required=True, audited=True),
    (S.QUOTED, S.CANCELLED): Transition(By.COMPANY),
    # a new version of an approved quote needs approval again
    (S.APPROVED, S.QUOTED): Transition(By.QUOTE),
    (S.APPROVED, S.IN_WORK): Transition(By.STAFF),
    (S.APPROVED, S.CANCELLED): Transition(By.COMPANY, reason_required=True, audited=True),
    (S.IN_WORK, S.DELIVERED): Transition(By.STAFF),
    (S.DELIVERED, S.ACCEPTED): Transition(By.COMPANY, audited=True),
    # the company sends the work back: it is not what was ordered
    (S.DELIVERED, S.IN_WORK): Transition(By.COMPANY, reason_required=True),
    # only by charging it: the charge and the change of state in one transaction
    (S.ACCEPTED, S.CHARGED): Transition(By.CHARGE),
    **{(state, S.ON_HOLD): Transition(By.STAFF, reason_required=True) for state in HOLDABLE},
    **{(S.ON_HOLD, state): Transition(By.STAFF) for state in HOLDABLE},
}

#: what each state is called in a refusal, as in the list of states
STATE_LABELS = dict(S.choices)


def transition_for(*, from_state: str, to_state: str, held_from: str = "") -> Transition | None:
    """The allowed change from ``from_state`` to ``to_state``, or None. A request on hold
    resumes only to the state it was held from."""
    if from_state == S.ON_HOLD and to_state != held_from:
        return None
    return TRANSITIONS.get((from_state, to_state))


def next_states(*, from_state: str, held_from: str = "", by: By | None = None) -> list[str]:
    """The states a request may go to next (made by ``by`` when given), in the states' order."""
    return [
        state
        for state in S.values
        if (found := transition_for(from_state=from_state, to_state=state, held_from=held_from))
        is not None
        and (by is None or found.by == by)
    ]


REFUSED = _("A request that is «%(from)s» cannot become «%(to)s».")
BY_QUOTE = _("A request becomes «%(to)s» through its quote, not directly.")
BY_CHARGE = _("A request becomes «%(to)s» when it is charged, not directly.")
