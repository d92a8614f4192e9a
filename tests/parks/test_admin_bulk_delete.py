"""A membership removed through the admin's bulk action loses its access at the next request,
although the visitor's roles are cached (under the park's memberships token, which the admin's
delete_queryset renews like any service)."""

from __future__ import annotations

from typing import Any

from technopark.accounts.models import GlobalRole
from technopark.parks.models import Membership, Role
from tests.factories import UserFactory


def test_a_manager_removed_by_the_admins_bulk_delete_loses_access_at_once(
    world: Any, client_for: Any
) -> None:
    manager = client_for("manager")
    staff_page = "/yakutia/grants/"
    assert manager.get(staff_page).status_code == 200  # the roles are now cached
    assert manager.get(staff_page).status_code == 200

    platform = UserFactory(is_staff=True, is_superuser=True, global_role=GlobalRole.PLATFORM_ADMIN)
    admin = client_for("anonymous")
    admin.force_login(platform)
    membership = Membership.all_parks.get(user=world.users["manager"], role=Role.MANAGER)
    response = admin.post(
        "/admin/parks/membership/",
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.all_parks.filter(pk=membership.pk).exists()

    assert manager.get(staff_page).status_code in (403, 404)
