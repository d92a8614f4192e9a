"""Concurrent writes on real PostgreSQL: the database, not luck, keeps memberships unique."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from technopark.parks import services
from technopark.parks.models import Membership, Role
from tests.factories import ParkFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_grants_of_the_same_role_make_one_membership():
    assert connection.vendor == "postgresql"
    park = ParkFactory()
    person = UserFactory()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def grant() -> None:
        try:
            barrier.wait(timeout=10)
            services.membership_grant(park=park, user=person, role=Role.MENTOR)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=grant) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # A loser of the race may see the unique constraint; none may create a duplicate.
    assert Membership.all_parks.filter(park=park, user=person, role=Role.MENTOR).count() == 1
    assert all("membership_unique_role_in_park" in str(error) for error in errors), errors
