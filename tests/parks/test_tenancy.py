"""The park middleware: an unknown or private park is 404; the request's scope ends with it.
The scoped manager itself is tested in tests/core/test_scopes.py."""

from __future__ import annotations

from technopark.core.scopes import active_park


def test_unknown_park_is_404(client_for):
    assert client_for("manager").get("/no-such-park/").status_code == 404


def test_private_park_is_404_to_non_members(world, client_for):
    world.other_park.is_public = False
    world.other_park.save()
    assert client_for("anonymous").get("/kolyma/").status_code == 404
    assert client_for("manager").get("/kolyma/").status_code == 404
    assert client_for("outsider").get("/kolyma/").status_code == 200


def test_request_scope_ends_with_the_request(client_for):
    client_for("manager").get("/yakutia/")
    assert active_park() is None
