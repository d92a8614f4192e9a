"""Permission predicates of the selection app, one module per part; templates ask
``{% allowed "selection.can_…" access obj as x %}``, so every predicate is re-exported here."""

from technopark.selection.rules.applications import *  # noqa: F403
from technopark.selection.rules.council import *  # noqa: F403
from technopark.selection.rules.review import *  # noqa: F403
