"""The inbox page: one's own notices, newest first, marking them read; the header's count."""

from __future__ import annotations

import pytest
from django.test import Client

from technopark.notices import services
from technopark.notices.models import Notice
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

INBOX = "/inbox/"


def _notice(world, user, n=1, *, park=True, subject=None, body="Line one\nline two"):
    services.notify(
        recipients=[user],
        park=world.park if park else None,
        kind="grants.tranche_to_approve",
        subject=subject or f"Tranche {n} waits",
        body=body,
        url=f"/yakutia/grants/{n}/",
    )
    return Notice.objects.filter(recipient=user).order_by("-id").first()


@pytest.mark.parametrize("role", ROLES)
def test_inbox_role_matrix(world, client_for, role):
    _notice(world, world.users["founder"], subject="For the founder only")
    response = client_for(role).get(INBOX)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("For the founder only" in html) is (role == "founder")


def test_inbox_shows_subject_park_body_link_newest_first(world, client_for):
    founder = world.users["founder"]
    _notice(world, founder, 1)
    _notice(world, founder, 2, park=False)
    html = client_for("founder").get(INBOX).content.decode()
    assert html.index("Tranche 2 waits") < html.index("Tranche 1 waits")
    assert "Technopark Yakutia" in html or "Технопарк Якутия" in html
    assert "Line one<br>line two" in html
    assert 'href="/yakutia/grants/1/"' in html
    assert html.count('data-testid="notice-unread"') == 2


def test_hostile_texts_are_escaped(world, client_for):
    _notice(
        world,
        world.users["founder"],
        subject='<script>alert("s")</script>',
        body='<img src=x onerror=alert(1)>\n<script>alert("b")</script>',
    )
    html = client_for("founder").get(INBOX).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>" in html


def test_mark_read_and_the_unread_filter(world, client_for):
    founder = world.users["founder"]
    first = _notice(world, founder, 1)
    _notice(world, founder, 2)
    client = client_for("founder")
    response = client.post(f"/inbox/{first.pk}/read/", {"show": "unread", "page": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?show=unread"
    first.refresh_from_db()
    assert first.read_at is not None
    html = client.get(INBOX + "?show=unread").content.decode()
    assert "Tranche 2 waits" in html and "Tranche 1 waits" not in html
    html = client.get(INBOX).content.decode()
    assert "Tranche 1 waits" in html and html.count('data-testid="notice-unread"') == 1


def test_mark_all_read_only_touches_ones_own(world, client_for):
    founder, manager = world.users["founder"], world.users["manager"]
    _notice(world, founder, 1)
    _notice(world, founder, 2)
    _notice(world, manager, 3)
    response = client_for("founder").post("/inbox/read-all/")
    assert response.status_code == 302 and response["Location"] == INBOX
    assert not Notice.objects.filter(recipient=founder, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=manager, read_at__isnull=True).count() == 1
    html = client_for("founder").get(INBOX + "?show=unread").content.decode()
    assert "No unread notices." in html


@pytest.mark.parametrize("role", ["manager", "outsider", "other_founder", "expert"])
def test_someone_elses_notice_is_404(world, client_for, role):
    notice = _notice(world, world.users["founder"])
    assert client_for(role).post(f"/inbox/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_anonymous_cannot_mark(world):
    notice = _notice(world, world.users["founder"])
    response = Client().post(f"/inbox/{notice.pk}/read/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = Client().post("/inbox/read-all/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    notice.refresh_from_db()
    assert notice.read_at is None


def test_get_does_not_mark(world, client_for):
    notice = _notice(world, world.users["founder"])
    assert client_for("founder").get(f"/inbox/{notice.pk}/read/").status_code == 405
    assert client_for("founder").get("/inbox/read-all/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=0", "?page=99999999999999999999999", "?show=<x>", "?page=50"]
)
def test_bad_parameters_are_ignored(world, client_for, query):
    _notice(world, world.users["founder"])
    response = client_for("founder").get(INBOX + query)
    assert response.status_code == 200
    assert "Tranche 1 waits" in response.content.decode()


def test_pages(world, client_for):
    founder = world.users["founder"]
    for n in range(30):
        _notice(world, founder, n)
    client = client_for("founder")
    first = client.get(INBOX).content.decode()
    assert first.count('data-testid="notice"') == 25
    assert "Tranche 29 waits" in first and 'rel="next"' in first
    second = client.get(INBOX + "?page=2").content.decode()
    assert second.count('data-testid="notice"') == 5
    assert "Tranche 0 waits" in second


def test_header_shows_the_unread_count_on_every_page(world, client_for):
    founder = world.users["founder"]
    client = client_for("founder")
    html = client.get("/yakutia/").content.decode()
    assert 'data-testid="inbox-link"' in html and ">Inbox</a>" in html
    _notice(world, founder, 1)
    _notice(world, founder, 2)
    _notice(world, world.users["manager"], 3)
    for page in ("/yakutia/", "/account/", INBOX):
        html = client.get(page).content.decode()
        assert ">Inbox (2)</a>" in html, page
    assert 'data-testid="inbox-link"' not in Client().get("/yakutia/").content.decode()


def test_header_in_russian(world, client_for, settings):
    settings.LANGUAGE_CODE = "ru"
    _notice(world, world.users["founder"], 1)
    client = client_for("founder")
    html = client.get(INBOX, headers={"accept-language": "ru"}).content.decode()
    assert "Входящие (1)" in html
    assert "Отметить как прочитанное" in html
    assert "Отметить все как прочитанные" in html


def test_inbox_query_count_with_30_notices(world, client_for, django_assert_max_num_queries):
    founder = world.users["founder"]
    for n in range(30):
        _notice(world, founder, n)
    client = client_for("founder")
    client.get(INBOX)  # the session and the park switcher are cached
    with django_assert_max_num_queries(6):
        response = client.get(INBOX)
    assert response.content.decode().count('data-testid="notice"') == 25


def test_admin_reads_notices_but_cannot_change_them(world, client):
    from technopark.accounts.models import GlobalRole
    from tests.factories import UserFactory

    notice = _notice(world, world.users["founder"])
    admin = UserFactory(
        email="root@example.org",
        global_role=GlobalRole.PLATFORM_ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(admin)
    assert client.get("/admin/notices/notice/", {"q": "founder"}).status_code == 200
    response = client.get(f"/admin/notices/notice/{notice.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.get("/admin/notices/notice/add/").status_code == 403
    assert client.post(f"/admin/notices/notice/{notice.pk}/delete/").status_code == 403
    assert Notice.objects.filter(pk=notice.pk).exists()


def test_the_header_count_costs_no_query_of_its_own(world, client_for, django_assert_num_queries):
    founder = world.users["founder"]
    client = client_for("founder")
    client.get("/account/")  # the user, the switcher and the session are cached
    with django_assert_num_queries(0):
        from django.test import RequestFactory

        from technopark.accounts.caching import user_by_id
        from technopark.notices.context_processors import unread_for

        request = RequestFactory().get("/")
        request.user = user_by_id(user_id=founder.pk)
        assert unread_for(request) == 0
    _notice(world, founder, 1)  # forgets the cached user: the next request counts again
    request = RequestFactory().get("/")
    request.user = user_by_id(user_id=founder.pk)
    assert unread_for(request) == 1
