"""The declared fragment mechanism: keys, topics, parameters, free text, slots."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import translation

from technopark.core import fragments
from technopark.core.fragments import (
    CSRF_SLOT,
    FREE_TEXT_ENTRIES,
    TOPICS,
    Fragment,
    fill_slots,
    page_cache,
    topic_tokens,
    writes,
)
from technopark.core.params import Choice, Integer, Text
from technopark.parks.rules import access_for
from tests.factories import ParkFactory


@pytest.fixture
def declared() -> Any:
    """Fragments made by a test are forgotten after it (names are unique in the registry)."""
    before = dict(fragments.FRAGMENTS)
    yield
    fragments.FRAGMENTS.clear()
    fragments.FRAGMENTS.update(before)


def _request(park: Any, path: str = "/x/", user: Any = None, **headers: Any) -> Any:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path, **headers)
    request.user = user or AnonymousUser()
    request.park = park
    request.access = access_for(user=request.user, park=park)
    return request


def _counter() -> tuple[list[int], Any]:
    built: list[int] = []

    def build() -> str:
        built.append(1)
        return f"built {len(built)}"

    return built, build


def test_a_fragment_is_built_once_per_topic_version_and_language(db: Any, declared: Any) -> None:
    park = ParkFactory()
    piece = Fragment("t-basic", topics=("companies",))
    built, build = _counter()
    with translation.override("en"):
        assert piece.get(_request(park), build=build) == "built 1"
        assert piece.get(_request(park), build=build) == "built 1"
    with translation.override("ru"):
        assert piece.get(_request(park), build=build) == "built 2"
    writes("spaces", park_id=park.pk)  # another topic: still cached
    with translation.override("en"):
        assert piece.get(_request(park), build=build) == "built 1"
    writes("companies", park_id=park.pk)
    with translation.override("en"):
        assert piece.get(_request(park), build=build) == "built 3"
    assert len(built) == 3


def test_parks_and_path_arguments_do_not_share_entries(db: Any, declared: Any) -> None:
    park, other = ParkFactory(), ParkFactory()
    piece = Fragment("t-parks", topics=("parks",))
    built, build = _counter()
    piece.get(_request(park), build=build, args=(1,))
    piece.get(_request(park), build=build, args=(2,))
    piece.get(_request(other), build=build, args=(1,))
    piece.get(_request(park), build=build, args=(1,))
    assert len(built) == 3


def test_none_is_a_value_that_can_be_cached(db: Any, declared: Any) -> None:
    park = ParkFactory()
    piece = Fragment("t-none", topics=("parks",))
    calls: list[int] = []

    def build() -> None:
        calls.append(1)

    piece.get(_request(park), build=build)
    piece.get(_request(park), build=build)
    assert calls == [1]


def test_undeclared_or_refused_parameters_are_answered_uncached(db: Any, declared: Any) -> None:
    park = ParkFactory()
    piece = Fragment(
        "t-params", topics=("parks",), params={"page": Integer(high=10), "sort": Choice.of("ab")}
    )
    built, build = _counter()
    for path in ("/x/?page=2", "/x/?page=2&sort=a"):
        piece.get(_request(park, path), build=build)
        piece.get(_request(park, path), build=build)
    assert len(built) == 2  # both cached
    for path in ("/x/?other=1", "/x/?page=²", "/x/?page=11", "/x/?sort=c", "/x/?page=1&page=2"):
        piece.get(_request(park, path), build=build)
        piece.get(_request(park, path), build=build)
    assert len(built) == 2 + 10  # every one built each time
    assert len([key for key in _keys() if "tp:fragment:t-params:" in key]) == 2  # none minted


def _keys() -> list[str]:
    return list(getattr(page_cache(), "_cache", {}).keys())


def test_free_text_mints_a_bounded_number_of_entries(db: Any, declared: Any) -> None:
    park = ParkFactory()
    piece = Fragment("t-search", topics=("companies",), params={"q": Text(max_length=20)})
    built, build = _counter()
    for n in range(FREE_TEXT_ENTRIES + 50):
        piece.get(_request(park, f"/x/?q=w{n}"), build=build)
    minted = [key for key in _keys() if "tp:fragment:t-search" in key]
    assert len(minted) == FREE_TEXT_ENTRIES
    # a repeated search within the budget is served from the cache
    piece.get(_request(park, "/x/?q=w0"), build=build)
    assert len(built) == FREE_TEXT_ENTRIES + 50
    # a new version of the data starts a new budget
    writes("companies", park_id=park.pk)
    piece.get(_request(park, "/x/?q=fresh"), build=build)
    piece.get(_request(park, "/x/?q=fresh"), build=build)
    assert len(built) == FREE_TEXT_ENTRIES + 51


def test_predicates_and_the_visitor_split_entries_only_where_declared(
    world: Any, declared: Any
) -> None:
    from technopark.parks.rules import is_staff

    shared = Fragment("t-shared", topics=("parks",), varies_on=(is_staff,))
    personal = Fragment("t-personal", topics=("parks",), per_user=True)
    _built, build = _counter()
    founder = _request(world.park, user=world.users["founder"])
    other = _request(world.park, user=world.users["other_founder"])
    manager = _request(world.park, user=world.users["manager"])
    assert shared.get(founder, build=build) == shared.get(other, build=build)
    assert shared.get(manager, build=build) != shared.get(founder, build=build)
    assert personal.get(founder, build=build) != personal.get(other, build=build)


def test_an_evicted_token_is_replaced_by_a_new_one(db: Any) -> None:
    park = ParkFactory()
    (first,) = topic_tokens(park.pk, ("grants",))
    page_cache().delete(f"tp:topic:{park.pk}:grants")
    (second,) = topic_tokens(park.pk, ("grants",))
    assert second != first
    assert topic_tokens(park.pk, ("grants",)) == (second,)


def test_writes_renew_now_and_again_on_commit(db: Any, django_capture_on_commit_callbacks: Any):
    park = ParkFactory()
    before = topic_tokens(park.pk, ("residency",))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        writes("residency", park_id=park.pk)
        inside = topic_tokens(park.pk, ("residency",))
    assert callbacks
    after = topic_tokens(park.pk, ("residency",))
    assert len({before, inside, after}) == 3


def test_every_topic_is_one_token_that_any_write_renews(db: Any) -> None:
    """A fragment of every topic reads one token; each topic's write still retires it, and a
    write in another park does not."""
    park, other = ParkFactory(), ParkFactory()
    every = sorted(TOPICS)
    (token,) = topic_tokens(park.pk, every)
    assert topic_tokens(park.pk, reversed(every)) == (token,)
    for topic in every:
        writes(topic, park_id=other.pk)
        assert topic_tokens(park.pk, every) == (token,)
        writes(topic, park_id=park.pk)
        (renewed,) = topic_tokens(park.pk, every)
        assert renewed != token, topic
        token = renewed
    # Fewer topics are still read one by one.
    assert len(topic_tokens(park.pk, every[:-1])) == len(every) - 1


def test_unknown_topics_are_refused(db: Any) -> None:
    with pytest.raises(ValueError):
        writes("weather", park_id=1)
    with pytest.raises(ValueError):
        Fragment("t-bad", topics=("weather",))


def test_a_name_is_declared_once(declared: Any) -> None:
    Fragment("t-twice", topics=("parks",))
    with pytest.raises(ValueError):
        Fragment("t-twice", topics=("parks",))


def test_the_csrf_slot_gets_each_visitors_token(db: Any) -> None:
    park = ParkFactory()
    html = f"<form>{CSRF_SLOT}</form>"
    one, two = fill_slots(html, _request(park)), fill_slots(html, _request(park))
    assert CSRF_SLOT not in one
    assert 'name="csrfmiddlewaretoken"' in one
    assert one != two  # a token of each request's own


def test_caching_can_be_turned_off(db: Any, declared: Any, settings: Any) -> None:
    settings.TECHNOPARK_PAGE_FRAGMENTS = False
    park = ParkFactory()
    piece = Fragment("t-off", topics=("parks",))
    built, build = _counter()
    piece.get(_request(park), build=build)
    piece.get(_request(park), build=build)
    assert len(built) == 2
