"""Rate limits (ACC-8): per address and per account, with a clear 429 page."""
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import redis as redis_lib

from app.extensions import db
from tests.conftest import PASSWORD, post_form, unavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def limited_app(make_app):
    def _make(**overrides):
        settings = dict(RATELIMIT_ENABLED=True, RATELIMIT_PER_IP="5 per minute",
                        RATELIMIT_PER_ACCOUNT="100 per minute", RATELIMIT_LOGIN="100 per minute")
        settings.update(overrides)
        return make_app(**settings)
    return _make


def test_a_flood_from_one_address_gets_a_friendly_429_acc_8(limited_app):
    """ACC-8: per-address limit; the 429 page is ours, in Thai, not a trace."""
    app = limited_app()
    client = app.test_client()
    codes = [client.get("/").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "<html" in html and "Traceback" not in html
    assert "Retry-After" in response.headers


def test_other_addresses_are_not_throttled_acc_8(limited_app):
    app = limited_app()
    client = app.test_client()
    for _ in range(6):
        client.get("/", environ_base={"REMOTE_ADDR": "203.0.113.1"})
    assert client.get("/", environ_base={"REMOTE_ADDR": "203.0.113.2"}).status_code == 200


def test_health_check_and_static_files_are_not_throttled(limited_app):
    app = limited_app()
    client = app.test_client()
    for _ in range(8):
        assert client.get("/healthz").status_code == 200
        assert client.get("/static/css/talat.css").status_code == 200


def _photos(make_listing, make_auction):
    """The image addresses of a listing and of an auction, as their pages load them."""
    from app.models import AuctionPhoto, ListingPhoto
    from app.uploads import store_image
    from tests.images import jpeg

    listing = make_listing()
    auction = make_auction()
    keys = [store_image(jpeg(120, 100)).key for _ in range(2)]
    db.session.add(ListingPhoto(listing_id=listing.id, position=0, key=keys[0], width=40,
                                height=30))
    db.session.add(AuctionPhoto(auction_id=auction.id, position=0, key=keys[1], width=40,
                                height=30))
    db.session.commit()
    return [f"/media/{keys[0]}/thumb.jpg", f"/auctions/media/{keys[1]}/thumb.jpg"]


def test_images_do_not_count_against_the_page_limit_acc_8(limited_app, make_listing,
                                                          make_auction, make_member):
    """ACC-8: a search page loads ~25 images, and many phones share one carrier address; the
    images must not use up the address's (or the member's) page limit."""
    app = limited_app(RATELIMIT_PER_ACCOUNT_READ="5 per minute")
    with app.app_context():
        urls = _photos(make_listing, make_auction)
        client = app.test_client()
        for _ in range(15):
            for url in urls:
                assert client.get(url).status_code == 200, url
        assert [client.get("/").status_code for _ in range(6)] == [200] * 5 + [429]
        member = make_member()
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "203.0.113.9"
        assert post_form(other, "/login", {"email": member.email, "password": PASSWORD}
                         ).status_code == 302
        for i in range(10):
            assert other.get(urls[i % 2], environ_base={"REMOTE_ADDR": f"203.0.113.{10 + i}"}
                             ).status_code == 200


def test_an_image_flood_from_one_address_is_still_throttled_acc_8(limited_app, make_listing,
                                                                  make_auction):
    """ACC-8: images have a limit of their own per address."""
    app = limited_app(RATELIMIT_MEDIA_PER_IP="4 per minute")
    with app.app_context():
        urls = _photos(make_listing, make_auction)
        client = app.test_client()
        codes = [client.get(urls[i % 2]).status_code for i in range(5)]
        assert codes == [200] * 4 + [429]
        assert client.get("/").status_code == 200  # pages are counted apart


def test_state_changing_requests_are_limited_per_account_acc_8(limited_app, make_member, login):
    """ACC-8: a member is throttled across addresses."""
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_PER_ACCOUNT="3 per minute")
    with app.app_context():
        member = make_member()
        client = app.test_client()
        login(member.email, target=client)  # the log-in POST is made as a visitor
        codes = []
        for i in range(4):
            response = post_form(client, "/account", {"display_name": f"Name {i}", "locale": "th"},
                                 environ_base={"REMOTE_ADDR": f"203.0.113.{i}"})
            codes.append(response.status_code)
        assert codes == [302, 302, 302, 429]


def test_login_form_has_its_own_tighter_limit_acc_8(limited_app):
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    codes = [post_form(client, "/login", {"email": "a@talat.example", "password": "x" * 10})
             .status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


SECOND_WORKER = """
import sys
from app import create_app
from app.config import TestConfig
app = create_app(TestConfig(sys.argv[1], RATELIMIT_ENABLED=True, RATELIMIT_PER_IP="5 per minute",
                            RATELIMIT_STORAGE_URI=sys.argv[2]))
client = app.test_client()
address = {"REMOTE_ADDR": sys.argv[3]}
print(" ".join(str(client.get("/", environ_base=address).status_code) for _ in range(3)))
"""


@pytest.mark.redis
def test_redis_storage_shares_limits_between_workers_acc_8(limited_app, database_url):
    """ACC-8 with REDIS_URL: a second worker process counts against the same limit."""
    try:
        redis_lib.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis_lib.RedisError as error:
        unavailable("REQUIRE_REDIS", f"Redis not reachable at {REDIS_URL}: {error}")
    server = redis_lib.Redis.from_url(REDIS_URL)
    # An address of this run's own, so runs sharing the Redis server never count together.
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    app = limited_app(RATELIMIT_STORAGE_URI=REDIS_URL)
    client = app.test_client()
    first_worker = [client.get("/", environ_base={"REMOTE_ADDR": address}).status_code
                    for _ in range(3)]
    assert server.keys(f"*{address}*"), "the counters live in Redis"
    second = subprocess.run([sys.executable, "-c", SECOND_WORKER, database_url, REDIS_URL,
                             address],
                            capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent)
    assert second.returncode == 0, second.stderr
    assert first_worker == [200, 200, 200]
    assert second.stdout.split() == ["200", "200", "429"]


def test_guessing_the_current_password_is_limited_like_logging_in_acc_8(limited_app,
                                                                         make_member, login):
    """ACC-8 (found in review): the change-password form answers whether the current password
    was right, and had only the general limit for members (60 a minute), so whoever held a
    member's session (a shared phone, a kiosk) could guess it far faster than the log-in form
    and its lockout allow. It has the log-in form's limit, as account deletion has."""
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_LOGIN="3 per minute")
    with app.app_context():
        member = make_member()
        client = app.test_client()
        login(member.email, target=client)
        codes = [post_form(client, "/account/password", {
            "current_password": f"guess-number-{i}", "password": "new-kite-mango-2569",
            "password_confirm": "new-kite-mango-2569"}, form_url="/account").status_code
            for i in range(4)]
    assert codes == [422, 422, 422, 429]


def _sign_up(client, n, **fields):
    data = {"email": f"person{n}@talat.example", "display_name": f"Person {n}",
            "birth_date": "1990-05-17", "password": PASSWORD, "password_confirm": PASSWORD}
    data.update(fields)
    return post_form(client, "/register", data, environ_base={"REMOTE_ADDR": "198.51.100.77"})


def test_refused_sign_ups_do_not_use_up_the_accounts_an_address_may_create_acc_8(limited_app):
    """ACC-8 (found in review): ten sign-up posts an hour per address, refused ones counted,
    locked out people behind a carrier's shared address after a few typos. Only created
    accounts count against that limit; every post counts against a looser one (floods)."""
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_SIGNUP="2 per hour",
                      RATELIMIT_SIGNUP_ATTEMPTS="6 per hour")
    with app.app_context():
        client = app.test_client()
        typos = [_sign_up(client, 1, password_confirm="typo-typo-typo").status_code
                 for _ in range(3)]
        assert typos == [422] * 3
        assert _sign_up(client, 1).status_code == 302
        other = app.test_client()
        assert _sign_up(other, 2).status_code == 302
        third = app.test_client()
        assert _sign_up(third, 3).status_code == 429  # two accounts created this hour


def test_a_flood_of_refused_sign_ups_is_still_throttled_acc_8(limited_app):
    """ACC-8: refused sign-ups (probing for taken addresses, say) count against the limit on
    attempts, although they create nothing."""
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_SIGNUP="2 per hour",
                      RATELIMIT_SIGNUP_ATTEMPTS="6 per hour")
    with app.app_context():
        client = app.test_client()
        codes = [_sign_up(client, n, password_confirm="x").status_code for n in range(7)]
        assert codes == [422] * 6 + [429]


def test_a_throttled_sign_up_comes_back_as_typed_acc_8(limited_app):
    """ACC-8 (found in review): the 429 page dropped the typed sign-up form; it now comes
    back filled in (passwords excepted) with how long to wait."""
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_SIGNUP_ATTEMPTS="1 per hour")
    with app.app_context():
        client = app.test_client()
        client.set_cookie("lang", "en")
        _sign_up(client, 1, password_confirm="typo-typo-typo")
        response = _sign_up(client, 1, guardian_name="Somchai Jaidee")
        html = response.get_data(as_text=True)
        assert response.status_code == 429 and "Retry-After" in response.headers
        assert 'value="person1@talat.example"' in html and 'value="Somchai Jaidee"' in html
        assert 'value="1990-05-17"' in html and PASSWORD not in html
        assert "too many requests" in html


def test_a_throttled_password_reset_request_comes_back_as_typed_acc_8(limited_app):
    """ACC-8 (found in review): past the forgotten-password limit the answer was the bare
    429 page; the form now comes back with the address typed and how long to wait, in the
    reader's language."""
    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_RESET="1 per hour")
    with app.app_context():
        client = app.test_client()
        client.set_cookie("lang", "en")
        first = post_form(client, "/password/forgot", {"email": "nok@talat.example"})
        assert first.status_code == 302
        response = post_form(client, "/password/forgot", {"email": "nok.again@talat.example"})
        html = response.get_data(as_text=True)
        assert response.status_code == 429 and "Retry-After" in response.headers
        assert 'value="nok.again@talat.example"' in html and "too many requests" in html
        client.set_cookie("lang", "th")
        thai = post_form(client, "/password/forgot", {"email": "nok.again@talat.example"})
        assert thai.status_code == 429 and 'lang="th"' in thai.get_data(as_text=True)
        assert 'value="nok.again@talat.example"' in thai.get_data(as_text=True)


def test_sign_ups_and_send_the_link_again_share_one_limit_acc_8(limited_app):
    """ACC-8 (found in review): the sign-up form and "Send the link again" each had their
    own ``RATELIMIT_SIGNUP``, so one address could have twice the sign-up mails sent an
    hour. They share one now: two mails here, by either, and the next is refused."""
    import html as html_module
    import re

    from tests.conftest import csrf_from

    app = limited_app(RATELIMIT_PER_IP="1000 per minute", RATELIMIT_SIGNUP="2 per hour",
                      RATELIMIT_SIGNUP_ATTEMPTS="60 per hour")
    with app.app_context():
        client = app.test_client()
        assert _sign_up(client, 1).status_code == 302  # one
        page = post_form(client, "/login", {"email": "person1@talat.example",
                                            "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "198.51.100.77"}).get_data(as_text=True)
        proof = html_module.unescape(re.search(
            r'name="proof" type="hidden" value="([^"]+)"', page).group(1))
        again = client.post("/register/again", environ_base={"REMOTE_ADDR": "198.51.100.77"},
                            data={"csrf_token": csrf_from(page), "proof": proof})
        assert again.status_code == 302  # two
        assert _sign_up(app.test_client(), 2).status_code == 429
