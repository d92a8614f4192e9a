"""``race``: run actions at the same moment, each in its own thread and so its own database
connection, for the PostgreSQL tests that prove a lock or a constraint (not luck) holds.

Every action waits at a barrier, runs, and closes its connection. Nothing is lost: what an action
returns is in ``values``, what it raises is in ``errors`` (a refusal, ``ValidationError``, as much
as a crash), and an action still running after ``timeout`` counts as a ``TimeoutError``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection

T = TypeVar("T")


@dataclass
class Race(Generic[T]):
    values: list[T] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    @property
    def refusals(self) -> list[ValidationError]:
        return [error for error in self.errors if isinstance(error, ValidationError)]

    @property
    def failures(self) -> list[BaseException]:
        """What went wrong other than a refusal: always a bug."""
        return [error for error in self.errors if not isinstance(error, ValidationError)]


def race(*actions: Callable[[], T], timeout: float = 30) -> Race[T]:
    barrier = threading.Barrier(len(actions))
    outcome: Race[T] = Race()
    lock = threading.Lock()

    def run(action: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=timeout)
            value = action()
        except BaseException as error:  # collected: the test asserts on it
            with lock:
                outcome.errors.append(error)
        else:
            with lock:
                outcome.values.append(value)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 2)
    stuck = sum(thread.is_alive() for thread in threads)
    outcome.errors.extend(TimeoutError(f"an action ran over {timeout * 2} s") for _ in range(stuck))
    return outcome
