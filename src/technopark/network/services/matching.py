"""Matching: the weights of the scores (the park's default, per programme), and batch-matching
runs of a cohort — solved (``network.batch``), previewed and edited as a draft by staff, then
published as pairings or discarded.

Locking: a run's writes lock the run row first (``select_for_update``; SQLite's IMMEDIATE
transaction holds the database's write lock anyway), so two edits of one draft, or an edit and
its publication, never interleave. Publishing opens each pairing through
``pairings.pairing_open`` inside the same transaction (each locks its mentor's profile row):
when one mentor has no place left any more, the whole publication is rolled back and refused
naming the mentor.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.companies.models import Company
from technopark.network import batch
from technopark.network.models import (
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    MatchWeights,
    PairingSource,
    Profile,
    ProfileKind,
)
from technopark.network.queries import matching as q
from technopark.network.scoring import factors_json, score
from technopark.network.services._common import refuse_unless, touched
from technopark.network.services.pairings import pairing_open
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess, is_staff

WEIGHT_FIELDS = q.WEIGHT_FIELDS


def _staff(access: ParkAccess) -> Park:
    """The park of a staff member's access (refused for anyone else)."""
    refuse_unless(is_staff(access) and access.park is not None)
    park = access.park
    if park is None:  # pragma: no cover - refused above
        raise ValidationError(_("You may not do this."))
    return park


# --- weights ------------------------------------------------------------------------------


def weights_save(
    *, access: ParkAccess, programme: Any = None, values: Mapping[str, int], now: datetime
) -> MatchWeights:
    """Save the park's default weights (``programme`` None) or a programme's. Each is a whole
    number 0–10; a missing one keeps its current value."""
    park = _staff(access)
    if programme is not None and programme.park_id != park.pk:
        raise ValidationError({"programme": _("Choose a programme of this park.")})
    errors = {}
    for name in WEIGHT_FIELDS:
        if name in values:
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
                errors[name] = _("Give a whole number from 0 to 10.")
    unknown = set(values) - set(WEIGHT_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = _("Unknown weight.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = (
            MatchWeights.all_parks.select_for_update()
            .filter(park=park, programme=programme)
            .first()
        )
        if row is None:
            row = MatchWeights(park=park, programme=programme)
            if programme is not None:  # a programme starts from the park's default
                base = q.weights_for(park)
                for name in WEIGHT_FIELDS:
                    setattr(row, name, getattr(base, name))
        for name in WEIGHT_FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.save()
        touched(park.pk)
    return row


# --- runs ---------------------------------------------------------------------------------


def _lock_draft(run: MatchRun) -> MatchRun:
    locked = MatchRun.all_parks.select_for_update().get(pk=run.pk)
    if locked.status != MatchRunStatus.DRAFT:
        raise ValidationError(
            {"status": ValidationError(_("This run is no longer a draft."), code="not_draft")}
        )
    return locked


def _totals(run: MatchRun) -> None:
    """Recompute the run's total score and the places left unmatched from its proposals."""
    rows = list(MatchProposal.all_parks.filter(run=run).values_list("company_id", "score"))
    companies = q.run_companies(run).values_list("pk", flat=True)
    per_company: dict[int, int] = {}
    for company_id, _score in rows:
        per_company[company_id] = per_company.get(company_id, 0) + 1
    run.total_score = sum(value for _c, value in rows)
    run.unmatched = sum(
        max(0, run.mentors_per_company - per_company.get(company_id, 0)) for company_id in companies
    )
    run.save(update_fields=["total_score", "unmatched"])


def run_create(
    *, access: ParkAccess, cohort: Any, mentors_per_company: int, now: datetime
) -> MatchRun:
    """Solve the batch matching of ``cohort``'s active participants against the park's active
    mentors with places left, under the weights of the cohort's programme, and store it as a
    draft with its proposals, the greedy baseline's score and the places left unmatched."""
    park = _staff(access)
    if cohort is None or cohort.park_id != park.pk:
        raise ValidationError({"cohort": _("Choose a cohort of this park.")})
    if isinstance(mentors_per_company, bool) or not 1 <= mentors_per_company <= 5:
        raise ValidationError({"mentors_per_company": _("Give a whole number from 1 to 5.")})
    companies = list(q.cohort_companies(cohort))
    if not companies:
        raise ValidationError({"cohort": _("The cohort has no active participants to match.")})
    weights = q.weights_of(q.weights_for(park, cohort.programme))
    sides = q.company_sides(park, Company.all_parks.filter(pk__in=[c.pk for c in companies]), now)
    order = {company.pk: i for i, company in enumerate(companies)}
    sides.sort(key=lambda side: order[side.id])
    mentors = list(q.mentor_profiles(park))
    offsets: dict[str, float] = {}
    mentor_sides = [q.profile_side(profile, offsets, now) for profile in mentors]
    forbidden = q.conflicts(park, companies, mentors) | q.active_pairs(park, list(order))
    problem = batch.build(
        sides,
        mentor_sides,
        weights,
        mentors_per_company=mentors_per_company,
        forbidden=forbidden,
    )
    solution = batch.solve(problem)
    baseline = batch.greedy(problem)
    with transaction.atomic():
        run = MatchRun.all_parks.create(
            park=park,
            cohort=cohort,
            mentors_per_company=mentors_per_company,
            total_score=solution.total,
            greedy_score=baseline.total,
            unmatched=solution.unmatched,
            created_by=access.user,
            created_at=now,
        )
        MatchProposal.all_parks.bulk_create(
            [
                MatchProposal(
                    park=park,
                    run=run,
                    company_id=pair.company,
                    profile_id=pair.mentor,
                    score=pair.score,
                    factors=factors_json(batch.explain(sides, mentor_sides, weights, pair).factors),
                )
                for pair in solution.pairs
            ]
        )
        touched(park.pk)
    return run


def proposal_remove(*, access: ParkAccess, proposal: MatchProposal, now: datetime) -> MatchRun:
    """Take a proposal out of a draft run (the run is marked edited through its proposals'
    totals)."""
    _staff(access)
    with transaction.atomic():
        run = _lock_draft(proposal.run)
        if run.park_id != getattr(access.park, "pk", None):
            raise ValidationError(_("Choose a run of this park."))
        MatchProposal.all_parks.filter(pk=proposal.pk, run=run).delete()
        _totals(run)
        touched(run.park_id)
    return run


def proposal_add(
    *, access: ParkAccess, run: MatchRun, company: Company, profile: Profile, now: datetime
) -> MatchProposal:
    """Add a pair to a draft run by hand. Refused: a company not in the run's cohort, a profile
    that is not an active mentor of the park, a pair with a conflict of interest or already
    active or already proposed, and a mentor whose places would be exceeded within the run."""
    park = _staff(access)
    with transaction.atomic():
        locked = _lock_draft(run)
        if locked.park_id != park.pk:
            raise ValidationError(_("Choose a run of this park."))
        if not q.run_companies(locked).filter(pk=company.pk).exists():
            raise ValidationError({"company": _("Choose a company of the run's cohort.")})
        mentor = q.mentor_profiles(park).filter(pk=profile.pk).first()
        if mentor is None or mentor.kind != ProfileKind.MENTOR:
            raise ValidationError({"profile": _("Choose an active mentor of this park.")})
        if (company.pk, mentor.pk) in q.conflicts(park, [company], [mentor]):
            raise ValidationError(
                {
                    "profile": ValidationError(
                        _("This mentor has a conflict of interest with the company."),
                        code="conflict",
                    )
                }
            )
        if (company.pk, mentor.pk) in q.active_pairs(park, [company.pk]):
            raise ValidationError({"profile": _("This mentor already mentors this company.")})
        proposals = MatchProposal.all_parks.filter(run=locked)
        if proposals.filter(company=company, profile=mentor).exists():
            raise ValidationError({"profile": _("This pair is already proposed.")})
        in_run = proposals.filter(profile=mentor).count()
        places = mentor.capacity_mentees - mentor.load  # type: ignore[attr-defined]
        if in_run >= places:
            raise ValidationError(
                {
                    "profile": ValidationError(
                        _("%(mentor)s has no place left in this run.")
                        % {"mentor": mentor.headline},
                        code="capacity",
                    )
                }
            )
        side = q.company_sides(park, Company.all_parks.filter(pk=company.pk), now)[0]
        result = score(
            side,
            q.profile_side(mentor, {}, now),
            q.weights_of(q.weights_for(park, locked.cohort.programme)),
        )
        proposal = MatchProposal.all_parks.create(
            park=park,
            run=locked,
            company=company,
            profile=mentor,
            score=result.total,
            factors=factors_json(result.factors),
            edited=True,
        )
        _totals(locked)
        touched(park.pk)
    return proposal


def run_publish(*, access: ParkAccess, run: MatchRun, now: datetime) -> MatchRun:
    """Open a pairing (source: batch matching, in the run's cohort) for every proposal, all in
    one transaction. When a mentor's places were taken meanwhile (or the pair opened by other
    means), nothing is published and the refusal names the mentor."""
    _staff(access)
    with transaction.atomic():
        locked = _lock_draft(run)
        proposals = list(
            MatchProposal.all_parks.filter(run=locked)
            .select_related("company", "profile")
            .order_by("profile_id", "company_id")
        )
        for proposal in proposals:
            try:
                pairing_open(
                    profile=proposal.profile,
                    company=proposal.company,
                    source=PairingSource.BATCH,
                    by=access.user,
                    now=now,
                    cohort=locked.cohort,
                )
            except ValidationError as error:
                raise ValidationError(
                    {
                        "profile": ValidationError(
                            _(
                                "Nothing was published: %(mentor)s cannot take %(company)s "
                                "any more (%(reason)s)."
                            )
                            % {
                                "mentor": proposal.profile.headline,
                                "company": proposal.company.short_name,
                                "reason": " ".join(error.messages),
                            },
                            code="capacity",
                        )
                    }
                ) from error
        locked.status = MatchRunStatus.PUBLISHED
        locked.published_at = now
        locked.published_by = access.user
        locked.save(update_fields=["status", "published_at", "published_by"])
        touched(locked.park_id)
    return locked


def run_discard(*, access: ParkAccess, run: MatchRun, now: datetime) -> MatchRun:
    """Discard a draft run: nothing is published, the run stays in the list."""
    _staff(access)
    with transaction.atomic():
        locked = _lock_draft(run)
        locked.status = MatchRunStatus.DISCARDED
        locked.save(update_fields=["status"])
        touched(locked.park_id)
    return locked
