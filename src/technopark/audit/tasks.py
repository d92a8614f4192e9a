"""Background work of the audit app: the daily signed checkpoint of the chains' heads."""

from __future__ import annotations

from django_tasks import task

from technopark.audit import services
from technopark.core.scopes import scopes_disabled


@task()
@scopes_disabled()  # every park's chain
def audit_checkpoint_write() -> str:
    """Write (and e-mail, when addresses are set) a signed checkpoint; return its file's path."""
    return str(services.checkpoint_write().path)
