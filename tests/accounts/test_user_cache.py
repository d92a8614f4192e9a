"""The signed-in user comes from the cache, and never outlives a change to the person."""

from __future__ import annotations


def test_a_deactivated_person_is_signed_out_at_the_next_page(world, client_for):
    client = client_for("manager")
    assert client.get("/yakutia/companies/").status_code == 200  # the user is cached now
    manager = world.users["manager"]
    manager.is_active = False
    manager.save()
    response = client.get("/yakutia/companies/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_password_ends_the_other_sessions(world, client_for):
    client = client_for("manager")
    assert client.get("/yakutia/companies/").status_code == 200
    manager = world.users["manager"]
    manager.set_password("another-horse-battery")
    manager.save()
    assert client.get("/yakutia/companies/").status_code == 302


def test_a_new_name_shows_in_the_header_at_once(world, client_for):
    client = client_for("manager")
    client.get("/yakutia/")
    manager = world.users["manager"]
    manager.full_name = "Айаал Петров"
    manager.save()
    assert "Айаал" in client.get("/yakutia/").content.decode()
