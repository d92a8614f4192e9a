"""The technical admin site: platform administrators read and search every park; nobody else."""

from __future__ import annotations

import pytest

from technopark.accounts.models import GlobalRole
from tests.factories import UserFactory

PAGES = [
    "/admin/parks/park/",
    "/admin/parks/direction/",
    "/admin/parks/membership/",
    "/admin/accounts/user/",
    "/admin/accounts/apitoken/",
    "/admin/accounts/invitation/",
    "/admin/companies/company/",
]


@pytest.mark.parametrize("path", PAGES)
def test_platform_admin_opens_every_admin_list(world, client, path):
    admin = UserFactory(
        email="root@example.org",
        global_role=GlobalRole.PLATFORM_ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(admin)
    response = client.get(path, {"q": "a"})
    assert response.status_code == 200


def test_company_admin_is_read_only(world, client):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/companies/company/add/").status_code == 403
    response = client.get(f"/admin/companies/company/{world.company.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


@pytest.mark.parametrize("role", ["manager", "founder", "observer"])
def test_park_roles_do_not_open_the_admin(client_for, role):
    response = client_for(role).get("/admin/parks/park/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
