"""Short page caching for visitors who are not logged in: fast for crowds, never wrong for
anyone."""
import pytest

from app.pagecache import pages
from tests.conftest import csrf_from, post_form


@pytest.fixture
def cached_app(make_app):
    pages.clear()
    app = make_app(PAGE_CACHE_SECONDS=60)
    yield app
    pages.clear()


def test_second_visitor_gets_the_kept_page(cached_app, make_shop):
    with cached_app.app_context():
        make_shop(name="ร้านแคช")
    first, second = cached_app.test_client(), cached_app.test_client()
    assert first.get("/shops").headers["X-Page-Cache"] == "miss"
    response = second.get("/shops")
    assert response.headers["X-Page-Cache"] == "hit"
    assert "ร้านแคช" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_each_visitor_gets_their_own_csrf_token_and_it_works(cached_app):
    first, second = cached_app.test_client(), cached_app.test_client()
    token_one = csrf_from(first.get("/").get_data(as_text=True))
    page = second.get("/")
    assert page.headers["X-Page-Cache"] == "hit"
    token_two = csrf_from(page.get_data(as_text=True))
    assert token_one != token_two
    response = second.post("/language", data={"csrf_token": token_two, "lang": "en",
                                              "next": "/"})
    assert response.status_code == 302


def test_languages_and_fragments_are_kept_apart(cached_app):
    client = cached_app.test_client()
    client.get("/search")
    client.set_cookie("lang", "en")
    english = client.get("/search")
    assert english.headers["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.get_data(as_text=True)
    fragment = client.get("/search", headers={"HX-Request": "true"})
    assert fragment.headers["X-Page-Cache"] == "miss"
    assert "<html" not in fragment.get_data(as_text=True)


def test_members_always_get_fresh_pages(cached_app, make_member, login):
    with cached_app.app_context():
        email = make_member(display_name="Fresh Member").email
    cached_app.test_client().get("/")
    client = cached_app.test_client()
    login(email, target=client)
    response = client.get("/")
    assert "X-Page-Cache" not in response.headers
    assert "Fresh Member" in response.get_data(as_text=True)


def test_a_page_with_a_flashed_message_is_not_kept(cached_app, make_member, login):
    with cached_app.app_context():
        email = make_member().email
    client = cached_app.test_client()
    login(email, target=client)
    post_form(client, "/logout", {}, form_url="/account")  # flashes "You are logged out."
    shown = client.get("/")
    assert "X-Page-Cache" not in shown.headers
    assert cached_app.test_client().get("/").headers["X-Page-Cache"] == "miss"
