"""Fixtures of the selection tests: each part keeps its own in ``fixtures_<part>.py``."""

from tests.selection.fixtures_apply import *  # noqa: F403
from tests.selection.fixtures_council import *  # noqa: F403
from tests.selection.fixtures_review import *  # noqa: F403
