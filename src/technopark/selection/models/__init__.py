"""The selection app's tables, one module per part (calls, applications, review, council)."""

from technopark.selection.models.applications import *  # noqa: F403
from technopark.selection.models.calls import *  # noqa: F403
from technopark.selection.models.council import *  # noqa: F403
from technopark.selection.models.findings import *  # noqa: F403
from technopark.selection.models.ranking import *  # noqa: F403
from technopark.selection.models.review import *  # noqa: F403
