"""Tables of the engineering app: the services catalogue with dated prices per tier, the park's
engineering settings, service requests with their events, quotes with their lines and approvals,
and the counters that number quotes and acceptance acts.

Money is ``DecimalField(14, 2)``. What the database holds by itself:

* one price per service, tier and day it takes effect; prices and quantities are never negative;
* a quote's number (once sent) and an acceptance act's number are unique in the park; one
  counter row per park, kind of document and year;
* one version number per request; one approval per person per quote;
* a line's discount is never more than the line and always has a reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.models import BilingualName, Park, Site
from technopark.parks.tenancy import ParkOwned

ZERO = Decimal("0.00")
DEFAULT_THRESHOLD = Decimal("300000.00")


def money_field(label: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


class ServiceKind(models.TextChoices):
    DESIGN = "design", pgettext_lazy("engineering service", "Design")
    PROTOTYPING = "prototyping", _("Prototyping")
    TESTING = "testing", pgettext_lazy("engineering service", "Testing")
    ANALYSIS = "analysis", pgettext_lazy("engineering service", "Analysis")
    LAB_WORK = "lab_work", _("Laboratory work")


class Unit(models.TextChoices):
    HOUR = "hour", pgettext_lazy("unit of a service", "hour")
    SAMPLE = "sample", pgettext_lazy("unit of a service", "sample")
    PIECE = "piece", pgettext_lazy("unit of a service", "piece")


class Tier(models.TextChoices):
    RESIDENT = "resident", pgettext_lazy("price tier", "Resident")
    PARTICIPANT = "participant", pgettext_lazy("price tier", "Cohort participant")
    EXTERNAL = "external", pgettext_lazy("price tier", "External firm")
    SUBSIDISED = "subsidised", pgettext_lazy("price tier", "Subsidised")


class Service(ParkOwned, BilingualName):
    """A service the park's engineering centre or laboratory offers (optionally at one site)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="engineering_services")
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engineering_services",
    )
    kind = models.CharField(
        pgettext_lazy("kind of a service", "kind"), max_length=20, choices=ServiceKind.choices
    )
    unit = models.CharField(
        pgettext_lazy("unit of a service", "unit"), max_length=10, choices=Unit.choices
    )
    lead_time_days = models.PositiveSmallIntegerField(_("lead time, working days"), default=5)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(pgettext_lazy("a service is offered", "active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("engineering service")
        verbose_name_plural = _("engineering services")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "name"], name="engineering_service_unique_name_in_park"
            )
        ]


class ServicePrice(ParkOwned):
    """The price of a unit of a service for a tier, from a day on (until a later row)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="prices")
    tier = models.CharField(_("price tier"), max_length=12, choices=Tier.choices)
    valid_from = models.DateField(_("valid from"))
    unit_price = money_field(_("price per unit"))
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "tier", "-valid_from"]
        verbose_name = _("service price")
        verbose_name_plural = _("service prices")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "tier", "valid_from"], name="engineering_price_unique_day"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="engineering_price_not_negative"
            ),
        ]


class EngineeringSettings(ParkOwned):
    """The park's engineering settings: above ``approval_threshold`` a quote needs a manager's
    approval besides the company's."""

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="engineering_settings")
    approval_threshold = money_field(_("manager's approval above"), default=DEFAULT_THRESHOLD)
    quote_valid_days = models.PositiveSmallIntegerField(_("quote valid for, days"), default=30)

    class Meta:
        verbose_name = _("engineering settings")
        verbose_name_plural = _("engineering settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(approval_threshold__gte=0), name="engineering_threshold_not_negative"
            )
        ]


class DocumentKind(models.TextChoices):
    QUOTE = "quote", pgettext_lazy("document", "Quote")
    ACT = "act", _("Acceptance act")


class DocumentCounter(ParkOwned):
    """The last number given to a kind of document in a park and year. Read and advanced only
    under ``select_for_update`` inside the transaction that uses the number, so numbers are
    gap-free and never given twice."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["park", "kind", "year"], name="engineering_counter_unique"
            )
        ]


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("service request", "Submitted")
    TRIAGED = "triaged", pgettext_lazy("service request", "Triaged")
    QUOTED = "quoted", pgettext_lazy("service request", "Quoted")
    APPROVED = "approved", pgettext_lazy("service request", "Quote approved")
    IN_WORK = "in_work", pgettext_lazy("service request", "In work")
    DELIVERED = "delivered", pgettext_lazy("service request", "Delivered")
    ACCEPTED = "accepted", pgettext_lazy("service request", "Accepted")
    CHARGED = "charged", pgettext_lazy("service request", "Charged")
    REJECTED = "rejected", pgettext_lazy("service request", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("service request", "Cancelled")
    ON_HOLD = "on_hold", pgettext_lazy("service request", "On hold")


class ServiceRequest(ParkOwned):
    """A company's request for work from the engineering centre or the laboratory."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="service_requests")
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    title = models.CharField(pgettext_lazy("service request", "title"), max_length=200)
    description = models.TextField(_("description"))
    desired_on = models.DateField(_("desired date"), null=True, blank=True)
    confidential = models.BooleanField(_("confidential (under NDA)"), default=False)
    state = models.CharField(
        pgettext_lazy("state of a record", "state"),
        max_length=12,
        choices=RequestState.choices,
        default=RequestState.SUBMITTED,
    )
    # The state a request on hold returns to when resumed.
    held_from = models.CharField(max_length=12, choices=RequestState.choices, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned engineers"),
        blank=True,
        related_name="engineering_requests",
    )
    act_number = models.CharField(_("acceptance act number"), max_length=30, blank=True)
    # The company's satisfaction, given when it accepts the work: 1 to 5 and a comment.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the work"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["park", "state", "-created_at"], name="eng_request_queue_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "act_number"],
                condition=~Q(act_number=""),
                name="engineering_act_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="engineering_request_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(state="on_hold", held_from__gt="")
                | (~Q(state="on_hold") & Q(held_from="")),
                name="engineering_request_hold_remembers_state",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    """Who wrote an event's reason: a person (the text in ``reason``, as typed) or the system
    (a code and its ``params``, put into words in the reader's language when shown)."""

    PERSON = "", _("A person's reason")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    QUOTE_APPROVED = "quote_approved", _("Quote approved")
    QUOTE_REPLACED = "quote_replaced", _("Approved quote replaced")


#: the words of each system-written reason, translated when they are read
EVENT_REASONS = {
    EventKind.QUOTE_SENT: _("Quote %(number)s sent."),
    EventKind.QUOTE_APPROVED: _("Quote %(number)s approved."),
    EventKind.QUOTE_REPLACED: _("Version %(n)d of the quote replaces the approved one."),
}


class RequestEvent(ParkOwned):
    """One change of a request's state: who, when, from, to, why. A person's reason is kept as
    typed; a reason the system gives is a ``kind`` code with ``params``, put into words in the
    reader's language by ``shown_reason``."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    from_state = models.CharField(max_length=12, choices=RequestState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=RequestState.choices)
    reason = models.TextField(pgettext_lazy("why a change is made", "reason"), blank=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default="", blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    @property
    def shown_reason(self) -> str:
        """The reason in the reader's language: a system-written one from its code."""
        words = EVENT_REASONS.get(EventKind(self.kind)) if self.kind else None
        if words is None:
            return self.reason
        try:
            return str(words) % self.params
        except (KeyError, TypeError, ValueError):
            return self.reason


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("quote", "Draft")
    SENT = "sent", pgettext_lazy("quote", "Sent")
    APPROVED = "approved", pgettext_lazy("quote", "Approved")
    SUPERSEDED = "superseded", pgettext_lazy("quote", "Superseded")
    EXPIRED = "expired", pgettext_lazy("quote", "Expired")
    DECLINED = "declined", pgettext_lazy("quote", "Declined")


class Quote(ParkOwned):
    """One version of the price offered for a request. Editable while a draft; sent, it is
    frozen: a change makes the next version."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="quotes")
    version = models.PositiveSmallIntegerField(_("version"))
    number = models.CharField(_("number"), max_length=30, blank=True)
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=12,
        choices=QuoteStatus.choices,
        default=QuoteStatus.DRAFT,
    )
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    total = money_field(pgettext_lazy("sum of a quote", "total"), default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    # Copied when sent: whether a manager must approve too.
    needs_manager = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(pgettext_lazy("why a change is made", "reason"), blank=True)

    class Meta:
        ordering = ["request", "-version"]
        verbose_name = pgettext_lazy("model name", "quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "version"], name="engineering_quote_version"
            ),
            models.UniqueConstraint(
                fields=["park", "number"],
                condition=~Q(number=""),
                name="engineering_quote_number_unique",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="engineering_quote_total"),
            models.CheckConstraint(
                # a draft closed with its request is superseded without ever having a number
                condition=Q(status__in=("draft", "superseded")) | ~Q(number=""),
                name="engineering_quote_sent_numbered",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"v{self.version}"


class LineKind(models.TextChoices):
    SERVICE = "service", pgettext_lazy("quote line", "Service")
    MATERIALS = "materials", pgettext_lazy("quote line", "Materials")


class QuoteLine(ParkOwned):
    """A line of a quote: a service × quantity at the tier's price copied when the line was
    added (a later price change does not reach it), or materials described in free text."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=LineKind.choices, default=LineKind.SERVICE)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(
        pgettext_lazy("unit of a service", "unit"), max_length=10, choices=Unit.choices, blank=True
    )
    tier = models.CharField(_("price tier"), max_length=12, choices=Tier.choices, blank=True)
    unit_price = money_field(_("price per unit"))
    discount = money_field(_("discount"), default=ZERO)
    discount_reason = models.CharField(_("reason for the discount"), max_length=300, blank=True)
    amount = money_field(_("amount"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gte=0) & Q(discount__gte=0),
                name="engineering_line_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount=0) | ~Q(discount_reason=""),
                name="engineering_line_discount_reason",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="engineering_line_discount_within_line"
            ),
            models.CheckConstraint(
                condition=Q(kind="materials") | Q(service__isnull=False),
                name="engineering_line_service",
            ),
        ]


class ApprovalSide(models.TextChoices):
    COMPANY = "company", pgettext_lazy("approved for", "Company")
    MANAGER = "manager", pgettext_lazy("approved for", "Park manager")


class QuoteApproval(ParkOwned):
    """One person's approval of a quote, for the company or as the park's manager."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="approvals")
    side = models.CharField(max_length=10, choices=ApprovalSide.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "side"], name="engineering_approval_side"),
        ]


# ---------------------------------------------------------------------------------------------
# Work: the order that carries out an approved quote, its tasks, staff time, instrument use and
# the quantities delivered; then the charge that bills them and the adjustments to it.
# ---------------------------------------------------------------------------------------------


class WorkOrder(ParkOwned):
    """The work that carries out a request's approved quote. One per request; opened when the
    request goes into work, and it keeps the quote it was opened against."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    request = models.OneToOneField(
        ServiceRequest, on_delete=models.CASCADE, related_name="work_order"
    )
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    def __str__(self) -> str:
        return str(self.request)


class TaskState(models.TextChoices):
    TODO = "todo", pgettext_lazy("task", "To do")
    DOING = "doing", pgettext_lazy("task", "In progress")
    DONE = "done", pgettext_lazy("task", "Done")


class WorkTask(ParkOwned):
    """A task of a work order, assigned to an engineer."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(pgettext_lazy("task", "title"), max_length=200)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engineering_tasks",
    )
    state = models.CharField(
        pgettext_lazy("state of a record", "state"),
        max_length=8,
        choices=TaskState.choices,
        default=TaskState.TODO,
    )
    # The quote line the task delivers, when it is one.
    quote_line = models.ForeignKey(
        QuoteLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=("todo", "doing", "done")), name="engineering_task_state"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TimeEntry(ParkOwned):
    """An engineer's time on a work order: a running timer (``ended_at`` empty) or a finished
    span. ``minutes`` is set when the entry ends (from the span, or given as a duration)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="time_entries")
    task = models.ForeignKey(
        WorkTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_entries"
    )
    # The quote line (an hourly service) the time counts for.
    quote_line = models.ForeignKey(
        QuoteLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="engineering_time",
    )
    started_at = models.DateTimeField(pgettext_lazy("start of a time range", "from"))
    ended_at = models.DateTimeField(
        pgettext_lazy("end of a time range", "until"), null=True, blank=True
    )
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    note = models.CharField(pgettext_lazy("comment", "note"), max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["park", "started_at"], name="eng_time_park_start_idx"),
            models.Index(fields=["engineer", "started_at"], name="eng_time_engineer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="engineering_time_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(minutes__isnull=True))
                | (Q(ended_at__isnull=False) & Q(minutes__gt=0)),
                name="engineering_time_minutes_when_ended",
            ),
            # one running timer per engineer
            models.UniqueConstraint(
                fields=["engineer"],
                condition=Q(ended_at__isnull=True),
                name="engineering_time_one_running",
            ),
        ]


class InstrumentUse(ParkOwned):
    """A booking of an instrument made for a work order: who used it (the booking's person)
    and who operated it (an engineer whose certificate for the instrument was valid)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="instrument_uses"
    )
    booking = models.OneToOneField(
        "spaces.Booking", on_delete=models.PROTECT, related_name="instrument_use"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The quote line (an hourly service) the instrument time counts for.
    quote_line = models.ForeignKey(
        QuoteLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("instrument use")
        verbose_name_plural = _("instrument uses")


class Delivery(ParkOwned):
    """The quantity delivered on a quote line counted in samples or pieces, or of materials
    (hourly lines are counted from time entries and instrument use)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="deliveries")
    quote_line = models.ForeignKey(QuoteLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "quote_line"], name="engineering_delivery_once_per_line"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="engineering_delivery_not_negative"
            ),
        ]


class PayerKind(models.TextChoices):
    COMPANY = "company", pgettext_lazy("who pays", "The company")
    BUDGET_LINE = "budget_line", pgettext_lazy("who pays", "A grant budget line")


class Charge(ParkOwned):
    """What an accepted request costs: one per request, at the approved quote's prices for the
    quantities delivered, paid by the company or from a budget line of one of its grants.
    Its lines never change; an accepted adjustment adds a line."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    request = models.OneToOneField(ServiceRequest, on_delete=models.PROTECT, related_name="charge")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="engineering_charges"
    )
    payer = models.CharField(
        pgettext_lazy("who pays", "payer"),
        max_length=12,
        choices=PayerKind.choices,
        default=PayerKind.COMPANY,
    )
    budget_line = models.ForeignKey(
        "grants.BudgetLine",
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engineering_charges",
    )
    total = money_field(pgettext_lazy("sum of a charge", "total"), default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    charged_on = models.DateField(_("charged on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-charged_on", "-pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        indexes = [
            models.Index(fields=["park", "charged_on"], name="eng_charge_park_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="engineering_charge_total"),
            models.CheckConstraint(
                condition=(Q(payer="company") & Q(budget_line__isnull=True))
                | (Q(payer="budget_line") & Q(budget_line__isnull=False)),
                name="engineering_charge_payer",
            ),
            # an idempotency key is the park's: parks never see each other's keys
            models.UniqueConstraint(
                fields=["park", "idempotency_key"], name="engineering_charge_key_per_park"
            ),
        ]


class ChargeLineKind(models.TextChoices):
    TIME = "time", pgettext_lazy("charge line", "Staff time")
    INSTRUMENT = "instrument", pgettext_lazy("charge line", "Instrument time")
    DELIVERED = "delivered", pgettext_lazy("charge line", "Delivered")
    ADJUSTMENT = "adjustment", pgettext_lazy("charge line", "Adjustment")


class ChargeLine(ParkOwned):
    """A line of a charge: a delivered quantity at the quoted price, or an adjustment (a signed
    amount that refers to the line it corrects)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=12, choices=ChargeLineKind.choices)
    quote_line = models.ForeignKey(
        QuoteLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=ZERO)
    unit_price = money_field(_("price per unit"), default=ZERO)
    # signed: an adjustment may take money off
    amount = money_field(_("amount"))
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="adjustment") | (Q(quantity__gte=0) & Q(amount__gte=0)),
                name="engineering_charge_line_not_negative",
            ),
        ]


class AdjustmentStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("adjustment", "Requested")
    ACCEPTED = "accepted", pgettext_lazy("adjustment", "Accepted")
    REFUSED = "refused", pgettext_lazy("adjustment", "Refused")


class ChargeAdjustment(ParkOwned):
    """The company disputes a line of a charge and proposes what it should be; staff accept
    (an adjusting line is added, the original stays) or refuse with a reason."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+")
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="adjustments")
    line = models.ForeignKey(ChargeLine, on_delete=models.PROTECT, related_name="adjustments")
    proposed_amount = money_field(_("proposed amount"))
    reason = models.TextField(pgettext_lazy("why a change is made", "reason"))
    status = models.CharField(
        pgettext_lazy("state of a record", "status"),
        max_length=10,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    adjusting_line = models.OneToOneField(
        ChargeLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_amount__gte=0), name="engineering_adjustment_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="engineering_adjustment_refusal_reason",
            ),
            # one open dispute per line at a time
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(status="requested"),
                name="engineering_adjustment_one_open",
            ),
        ]
