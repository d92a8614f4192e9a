"""GET /api/v1/notices and POST /api/v1/notices/{id}/read: one's own inbox only."""

from __future__ import annotations

import pytest

from technopark.accounts import services as account_services
from technopark.notices import services
from technopark.notices.models import Notice
from tests.api.conftest import ApiClient
from tests.conftest import ROLES


def _notice(world, user, n=1, *, park="yakutia", key=""):
    services.notify(
        recipients=[user],
        park=world.park if park == "yakutia" else None,
        kind="grants.report_due",
        subject=f"Report {n} is due",
        body="<script>alert(1)</script>\nline two",
        url=f"/yakutia/grants/{n}/",
        key=key,
    )
    return Notice.objects.filter(recipient=user).order_by("-id").first()


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_list_role_matrix_shows_only_ones_own(api_for, world, role, auth):
    _notice(world, world.users["founder"])
    response = api_for(role, auth).get("/api/v1/notices")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == (1 if role == "founder" else 0)


def test_list_newest_first_with_unread_filter_and_pages(api_for, world):
    founder = world.users["founder"]
    first = _notice(world, founder, 1)
    second = _notice(world, founder, 2, park=None)
    third = _notice(world, founder, 3)
    services.notice_mark_read(notice=second, user=founder)
    api = api_for("founder", "token")
    body = api.get("/api/v1/notices").json()
    assert [item["id"] for item in body["items"]] == [third.pk, second.pk, first.pk]
    assert body["items"][1]["park"] is None
    assert body["items"][1]["read_at"] is not None
    item = body["items"][0]
    assert item == {
        "id": third.pk,
        "park": "yakutia",
        "kind": "grants.report_due",
        "subject": "Report 3 is due",
        "body": "<script>alert(1)</script>\nline two",
        "url": "/yakutia/grants/3/",
        "created_at": item["created_at"],
        "read_at": None,
    }
    unread = api.get("/api/v1/notices", {"unread": "true"}).json()
    assert [i["id"] for i in unread["items"]] == [third.pk, first.pk]
    page = api.get("/api/v1/notices", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [i["id"] for i in page["items"]] == [second.pk]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"unread": "maybe"}]
)
def test_bad_list_parameters_are_422(api_for, world, params):
    assert api_for("founder").get("/api/v1/notices", params).status_code == 422


@pytest.mark.parametrize("auth", ["session", "token"])
def test_mark_read(api_for, world, auth):
    notice = _notice(world, world.users["founder"])
    api = api_for("founder", auth)
    response = api.post(f"/api/v1/notices/{notice.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    notice.refresh_from_db()
    read_at = notice.read_at
    assert read_at is not None
    assert api.post(f"/api/v1/notices/{notice.pk}/read").status_code == 200
    notice.refresh_from_db()
    assert notice.read_at == read_at


@pytest.mark.parametrize("role", ["anonymous", "manager", "outsider", "other_founder"])
def test_someone_elses_notice_cannot_be_marked(api_for, world, role):
    notice = _notice(world, world.users["founder"])
    response = api_for(role).post(f"/api/v1/notices/{notice.pk}/read")
    assert response.status_code == (401 if role == "anonymous" else 404)
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("notice_id", ["0", "-1", str(2**63), "abc"])
def test_bad_ids_are_refused(api_for, world, notice_id):
    assert api_for("founder").post(f"/api/v1/notices/{notice_id}/read").status_code in (404, 422)


def test_unknown_id_is_404(api_for, world):
    assert api_for("founder").post("/api/v1/notices/999999/read").status_code == 404


def test_a_read_token_lists_but_cannot_mark(world, openapi):
    founder = world.users["founder"]
    notice = _notice(world, founder)
    api = ApiClient(openapi)
    _token, secret = account_services.api_token_create(user=founder, name="read", scope="read")
    api.headers["Authorization"] = f"Bearer {secret}"
    assert api.get("/api/v1/notices").json()["count"] == 1
    assert api.post(f"/api/v1/notices/{notice.pk}/read").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_session_post_needs_csrf(api_for, world):
    notice = _notice(world, world.users["founder"])
    response = api_for("founder", "session").post(f"/api/v1/notices/{notice.pk}/read", csrf=False)
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_list_query_count(api_as, world, django_assert_max_num_queries):
    founder = world.users["founder"]
    for n in range(30):
        _notice(world, founder, n)
    api = api_as(founder, "session")
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/notices", {"limit": 30}).json()
    assert len(body["items"]) == 30


# POST /api/v1/notices/read: the inbox page's "Mark all as read".


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_mark_all_read_role_matrix_marks_only_ones_own(api_for, world, role, auth):
    founder = world.users["founder"]
    _notice(world, founder, 1)
    _notice(world, founder, 2, park=None)
    response = api_for(role, auth).post("/api/v1/notices/read")
    if role == "anonymous":
        assert response.status_code == 401
        assert Notice.objects.filter(read_at__isnull=True).count() == 2
        return
    assert response.status_code == 200
    assert response.json() == {"marked": 2 if role == "founder" else 0}
    unread = Notice.objects.filter(recipient=founder, read_at__isnull=True).count()
    assert unread == (0 if role == "founder" else 2)


def test_mark_all_read_leaves_read_ones_and_others_alone(api_for, world):
    founder = world.users["founder"]
    first = _notice(world, founder, 1)
    _notice(world, founder, 2)
    services.notice_mark_read(notice=first, user=founder)
    first.refresh_from_db()
    read_at = first.read_at
    other = _notice(world, world.users["other_founder"], 3)
    api = api_for("founder", "token")
    assert api.post("/api/v1/notices/read").json() == {"marked": 1}
    first.refresh_from_db()
    assert first.read_at == read_at
    other.refresh_from_db()
    assert other.read_at is None
    assert api.post("/api/v1/notices/read").json() == {"marked": 0}
    assert api.get("/api/v1/notices", {"unread": "true"}).json()["count"] == 0


def test_a_read_token_cannot_mark_all(world, openapi):
    founder = world.users["founder"]
    _notice(world, founder)
    api = ApiClient(openapi)
    _token, secret = account_services.api_token_create(user=founder, name="read", scope="read")
    api.headers["Authorization"] = f"Bearer {secret}"
    assert api.post("/api/v1/notices/read").status_code == 403
    assert Notice.objects.filter(recipient=founder, read_at__isnull=True).count() == 1


def test_mark_all_session_post_needs_csrf(api_for, world):
    founder = world.users["founder"]
    _notice(world, founder)
    response = api_for("founder", "session").post("/api/v1/notices/read", csrf=False)
    assert response.status_code == 403
    assert Notice.objects.filter(recipient=founder, read_at__isnull=True).count() == 1
