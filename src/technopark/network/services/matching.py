"""Matching: the weights of the scores (the park's default, per programme), and batch-matching
runs of a cohort — solved (``network.batch``), previewed and edited as a draft by staff, then
published as pairings or discarded.

Locking: a run's writes lock the run row first (``select_for_update``; SQLite's IMMEDIATE
transaction holds the database's write lock anyway), so two edits of one draft, or an edit and
its publication, never interleave. Publishing then locks all the run's mentor profile rows at
once, in id order (``select_for_update(no_key=True)``, the lock ``pairings.pairing_open`` takes
one profile at a time), counts the active pairings after the locks, checks every proposal and
creates all the pairings with one ``bulk_create``: when one mentor has no place left any more
(or a company left the cohort, or the pair opened meanwhile) nothing is published and the
refusal names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from technopark.companies.models import Company
from technopark.network import batch
from technopark.network.models import (
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    MatchWeights,
    Pairing,
    PairingSource,
    PairingStatus,
    Profile,
    ProfileKind,
)
from technopark.network.queries import matching as q
from technopark.network.scoring import factors_json, score
from technopark.network.services._common import refuse_unless, touched
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
    company_ids = list(companies)
    active = q.active_mentor_counts(run.park_id, company_ids)
    run.unmatched = sum(
        max(0, run.mentors_per_company - active.get(c, 0) - per_company.get(c, 0))
        for c in company_ids
    )
    run.save(update_fields=["total_score", "unmatched"])


def run_create(
    *, access: ParkAccess, cohort: Any, mentors_per_company: int, now: datetime
) -> MatchRun:
    """Solve the batch matching of ``cohort``'s active participants against the park's active
    mentors with places left, under the weights of the cohort's programme, and store it as a
    draft with its proposals, the greedy baseline's score and the places left unmatched."""
    park = _staff(access)
    if cohort is None or cohort.park_id != park.pk or cohort.archived_at is not None:
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
        taken=q.active_mentor_counts(park.pk, list(order)),
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
            greedy_pairs=len(baseline.pairs),
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
        company_has = proposals.filter(company=company).count() + q.active_mentor_counts(
            park.pk, [company.pk]
        ).get(company.pk, 0)
        if company_has >= locked.mentors_per_company:
            raise ValidationError(
                {
                    "company": ValidationError(
                        _("%(company)s already has as many mentors as the run gives each company.")
                        % {"company": company.short_name},
                        code="limit",
                    )
                }
            )
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
        if result.total <= 0:
            raise ValidationError(
                {
                    "profile": ValidationError(
                        _("Nothing speaks for this pair (its score is 0)."), code="zero"
                    )
                }
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


def _lock_mentors(profile_ids: list[int]) -> dict[int, Profile]:
    """The run's mentor profile rows, locked at once in id order (the lock
    ``pairings.pairing_open`` takes, so a publication and a pairing never overfill a mentor)."""
    return {
        profile.pk: profile
        for profile in Profile.all_parks.select_for_update(no_key=True)
        .filter(pk__in=profile_ids)
        .order_by("pk")
    }


def _refused(message: str, field: str = "profile", code: str = "capacity") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def run_publish(*, access: ParkAccess, run: MatchRun, now: datetime) -> MatchRun:
    """Open a pairing (source: batch matching, in the run's cohort) for every proposal, all in
    one transaction and a fixed number of queries. When a mentor's places were taken meanwhile,
    the pair opened by other means, or a company is no longer an active participant of the
    cohort, nothing is published and the refusal names the mentor or the company."""
    park = _staff(access)
    with transaction.atomic():
        locked = _lock_draft(run)
        if locked.park_id != park.pk:
            raise ValidationError(_("Choose a run of this park."))
        proposals = list(
            MatchProposal.all_parks.filter(run=locked)
            .select_related("company", "profile")
            .order_by("profile_id", "company_id")
        )
        mentors = _lock_mentors(sorted({p.profile_id for p in proposals}))
        company_ids = sorted({p.company_id for p in proposals})
        participants = set(q.run_companies(locked).values_list("pk", flat=True))
        load = dict(
            Pairing.all_parks.filter(profile_id__in=list(mentors), status=PairingStatus.ACTIVE)
            .order_by()
            .values("profile_id")
            .annotate(n=Count("pk"))
            .values_list("profile_id", "n")
        )
        active = set(
            Pairing.all_parks.filter(
                company_id__in=company_ids, status=PairingStatus.ACTIVE
            ).values_list("company_id", "profile_id")
        )
        per_company: dict[int, int] = {}
        for company_id, _profile_id in active:
            per_company[company_id] = per_company.get(company_id, 0) + 1
        for proposal in proposals:
            company, mentor = proposal.company, mentors.get(proposal.profile_id)
            names = {"mentor": proposal.profile.headline, "company": company.short_name}
            if company.pk not in participants:
                raise _refused(
                    _(
                        "Nothing was published: %(company)s is no longer an active participant "
                        "of the cohort."
                    )
                    % names,
                    field="company",
                    code="participant",
                )
            if mentor is None or mentor.kind != ProfileKind.MENTOR or not mentor.is_active:
                reason = _("Choose an active mentor of this park.")
            elif mentor.park_id != locked.park_id or company.park_id != locked.park_id:
                reason = _("Choose a mentor of this park.")
            elif (company.pk, mentor.pk) in active:
                reason = _("This mentor already mentors this company.")
            elif load.get(mentor.pk, 0) >= mentor.capacity_mentees:
                reason = _("The mentor has no place left for another company.")
            elif per_company.get(company.pk, 0) >= locked.mentors_per_company:
                raise _refused(
                    _(
                        "Nothing was published: %(company)s already has as many mentors as "
                        "the run gives each company."
                    )
                    % names,
                    field="company",
                    code="limit",
                )
            else:
                reason = ""
            if reason:
                raise _refused(
                    _(
                        "Nothing was published: %(mentor)s cannot take %(company)s "
                        "any more (%(reason)s)."
                    )
                    % {**names, "reason": reason}
                )
            if mentor is None:  # pragma: no cover - refused above
                continue
            load[mentor.pk] = load.get(mentor.pk, 0) + 1
            per_company[company.pk] = per_company.get(company.pk, 0) + 1
            active.add((company.pk, mentor.pk))
        try:
            with transaction.atomic():
                Pairing.all_parks.bulk_create(
                    [
                        Pairing(
                            park_id=locked.park_id,
                            profile_id=proposal.profile_id,
                            company_id=proposal.company_id,
                            cohort_id=locked.cohort_id,
                            source=PairingSource.BATCH,
                            started_at=now,
                            created_by=access.user,
                        )
                        for proposal in proposals
                    ]
                )
        except IntegrityError as error:  # a pair opened concurrently (unique active pair)
            raise _refused(
                _("Nothing was published: a proposed pair was opened meanwhile."),
                code="duplicate",
            ) from error
        locked.status = MatchRunStatus.PUBLISHED
        locked.published_at = now
        locked.published_by = access.user
        locked.save(update_fields=["status", "published_at", "published_by"])
        touched(locked.park_id)
    return locked


def run_discard(*, access: ParkAccess, run: MatchRun, now: datetime) -> MatchRun:
    """Discard a draft run: nothing is published, the run stays in the list."""
    park = _staff(access)
    with transaction.atomic():
        locked = _lock_draft(run)
        if locked.park_id != park.pk:
            raise ValidationError(_("Choose a run of this park."))
        locked.status = MatchRunStatus.DISCARDED
        locked.save(update_fields=["status"])
        touched(locked.park_id)
    return locked
