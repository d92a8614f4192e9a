"""The check that every service writing a cached topic's tables declares the topic.

While a test runs, every row saved or deleted (and every many-to-many change) is traced to the
outermost service function on the stack (a function of a ``technopark.<app>.services`` module);
every ``core.fragments.writes`` call is traced the same way. After the test, each service must
have declared every topic whose tables it wrote: otherwise a cached page would go on showing
what it changed. Rows written outside services (factories, the admin) are not the services'
business; the admin writes through ``core.admin.TopicAdmin``.

``TOPIC_OF`` says which topic a model's rows belong to: its app's, unless named here (``None``:
rows no cached fragment shows).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from technopark.core.fragments import TOPICS, add_write_listener, remove_write_listener

SERVICE_MODULE = re.compile(r"^technopark\.\w+\.services(\.\w+)?$")

Row = Any
TOPIC_OF: dict[str, str | Callable[[Row], str | None] | None] = {
    # a new park has nothing cached yet; a park's edits go through the admin (TopicAdmin)
    "parks.park": None,
    "parks.site": "parks",
    "parks.direction": "parks",
    "parks.membership": "memberships",
    # a draft's answers and their history show on no cached page
    "selection.answer": None,
    "selection.application": lambda row: None if row.status == "draft" else "selection",
    # a review shows (in the ranking) once it is filed
    "selection.review": lambda row: "selection" if row.submitted_at else None,
    "selection.criterionscore": lambda row: "selection" if row.review.submitted_at else None,
    "selection.applicationrevision": None,
    "selection.revisionchange": None,
    # reminders sent and calendar feed secrets show on no cached page
    "residency.reportreminder": None,
    "spaces.calendarfeed": None,
    # who holds a certificate, and who waits for a slot, shows on no cached page
    "spaces.certificate": None,
    "spaces.waitlistentry": None,
    # the counters that number quotes and acts show on no page
    "engineering.documentcounter": None,
}


def topic_of(model: Any, row: Any = None) -> str | None:
    label = model._meta.label_lower
    if label in TOPIC_OF:
        topic = TOPIC_OF[label]
        if callable(topic):
            return topic(row) if row is not None else None
        return topic
    app = model._meta.app_label
    return app if app in TOPICS else None


def outermost_service() -> str | None:
    """``module.function`` of the outermost service function being run, if any."""
    found = None
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if SERVICE_MODULE.match(module) and not frame.f_code.co_name.startswith("<"):
            found = f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return found


@contextmanager
def declared_writes_checked() -> Iterator[dict[str, dict[str, set[str]]]]:
    """Trace writes and declarations during the block; yields what was written undeclared
    (service → topic → the models whose rows it wrote)."""
    written: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    declared: dict[str, set[str]] = defaultdict(set)

    def saw_row(sender: Any, **kwargs: Any) -> None:
        topic = topic_of(sender, kwargs.get("instance"))
        if topic is None:
            return
        service = outermost_service()
        if service is not None:
            written[service][topic].add(sender._meta.label)

    def saw_m2m(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
        if action.startswith("post_"):
            saw_row(type(instance), instance=instance)

    def saw_declaration(topics: tuple[str, ...]) -> None:
        service = outermost_service()
        if service is not None:
            declared[service].update(topics)

    post_save.connect(saw_row, weak=False, dispatch_uid="declared-writes-save")
    post_delete.connect(saw_row, weak=False, dispatch_uid="declared-writes-delete")
    m2m_changed.connect(saw_m2m, weak=False, dispatch_uid="declared-writes-m2m")
    add_write_listener(saw_declaration)
    undeclared: dict[str, dict[str, set[str]]] = {}
    try:
        yield undeclared
    finally:
        post_save.disconnect(dispatch_uid="declared-writes-save")
        post_delete.disconnect(dispatch_uid="declared-writes-delete")
        m2m_changed.disconnect(dispatch_uid="declared-writes-m2m")
        remove_write_listener(saw_declaration)
        for service, topics in written.items():
            missing = {t: models for t, models in topics.items() if t not in declared[service]}
            if missing:
                undeclared[service] = missing
