"""The public boards (AUC-5, SHOP-7, MOD-3): the index, one board newest first with paging,
one post; hidden posts stay hidden; hostile text is escaped."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.blueprints.boards import services
from app.database import utcnow
from app.extensions import db

SCRIPT = "<script>alert(1)</script>"


def add(board, title, minutes_ago=0, **kwargs):
    post = services.post(board, title, kwargs.pop("body", "body"),
                         now=utcnow() - timedelta(minutes=minutes_ago), **kwargs)
    db.session.commit()
    return post


def test_index_lists_the_three_boards_with_counts_auc_5(client, app):
    """AUC-5, SHOP-7, MOD-3: the boards are public, reachable from the footer."""
    add("fake-auctions", "One")
    page = client.get("/boards/", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for board in ("fake-auctions", "fake-shops", "lift-requests"):
        assert f"/boards/{board}" in html
    assert 'href="/boards/"' in client.get("/").get_data(as_text=True)


def test_board_is_newest_first_with_paging_auc_5(client, app):
    """AUC-5: posts newest first, 20 a page."""
    for n in range(25):
        add("fake-shops", f"Post number {n:02d}", minutes_ago=100 - n)
    first = client.get("/boards/fake-shops").get_data(as_text=True)
    assert first.index("Post number 24") < first.index("Post number 10")
    assert "Post number 04" not in first and "page=2" in first
    second = client.get("/boards/fake-shops?page=2").get_data(as_text=True)
    assert "Post number 04" in second and "Post number 24" not in second
    assert client.get("/boards/fake-shops?page=99").status_code == 200


def test_post_page_links_the_item_and_escapes_text_shop_7(client, app, make_listing):
    """SHOP-7: a post cites its item; user text is escaped."""
    listing = make_listing()
    post = add("fake-shops", SCRIPT, body=SCRIPT, target_type="listing",
               target_id=listing.id)
    html = client.get(f"/boards/posts/{post.id}").get_data(as_text=True)
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert f"/listings/{listing.id}" in html
    board = client.get("/boards/fake-shops").get_data(as_text=True)
    assert SCRIPT not in board


def test_hidden_posts_and_unknown_boards_are_not_found(client, app):
    """A hidden post leaves the board; an unknown board is 404."""
    post = add("lift-requests", "Hidden one")
    post.hidden_at = utcnow()
    db.session.commit()
    assert client.get(f"/boards/posts/{post.id}").status_code == 404
    assert "Hidden one" not in client.get("/boards/lift-requests").get_data(as_text=True)
    assert client.get("/boards/announcements").status_code == 404
    assert client.get("/boards/posts/99999999").status_code == 404


def test_unknown_board_is_refused_by_the_service(app):
    """Only the three boards exist."""
    with pytest.raises(ValueError):
        services.post("gossip", "x", now=utcnow())


def test_a_fake_post_says_when_the_sign_is_lifted_or_found_authentic_auc_5_mod_4(
        client, make_member, make_auction, make_listing):
    """Found in review: the public fake boards kept a post unchanged after moderators lifted
    its FAKE sign or found the item AUTHENTIC. The post says so now; a FAKE confirmed by a
    second FAKE sign stays as it was."""
    from app.blueprints.moderation import signs
    from app.models import BoardPost, StopSign

    moderator = make_member(display_name="Keeper Four", role="moderator")
    db.session.commit()
    client.set_cookie("lang", "en")
    auction, listing, kept = make_auction(), make_listing(), make_auction()
    for target_type, item in (("auction", auction), ("listing", listing), ("auction", kept)):
        signs.hang_sign(target_type, item.id, "fake", moderator, "A copy.", now=utcnow())
    db.session.commit()
    signs.hang_sign("auction", auction.id, "authentic", moderator, "Genuine.", now=utcnow())
    lifted = db.session.scalar(select(StopSign).where(
        StopSign.target_type == "listing", StopSign.ended_at.is_(None)))
    signs.end_sign(lifted, moderator, "Certificate checked.", now=utcnow())
    signs.hang_sign("auction", kept.id, "fake", moderator, "Confirmed.", now=utcnow())
    db.session.commit()
    posts = {(p.target_type, p.target_id): p for p in db.session.scalars(select(BoardPost))}
    authentic = client.get(f"/boards/posts/{posts['auction', auction.id].id}").get_data(
        as_text=True)
    assert "found this item AUTHENTIC" in authentic
    assert "has been taken down" in client.get(
        f"/boards/posts/{posts['listing', listing.id].id}").get_data(as_text=True)
    assert "Cleared" not in client.get(
        f"/boards/posts/{posts['auction', kept.id].id}").get_data(as_text=True)
    assert "found this item AUTHENTIC" in client.get("/boards/fake-auctions").get_data(
        as_text=True)


def test_a_fake_post_is_not_called_cleared_when_another_sign_replaced_fake_mod_2(
        client, make_member, make_auction):
    """MOD-2, AUC-5: a FAKE sign replaced by UNDER REVIEW (the case looked at again) or by
    another STOP sign clears nothing, yet the public board said "Cleared: the FAKE sign on
    this item has been taken down" in a green box (found by re-opening a FAKE case on the
    phone). It now says what sign is up."""
    from app.blueprints.moderation import signs
    from app.models import BoardPost

    moderator = make_member(display_name="Keeper Five", role="moderator")
    db.session.commit()
    client.set_cookie("lang", "en")
    again, other = make_auction(), make_auction()
    for item in (again, other):
        signs.hang_sign("auction", item.id, "fake", moderator, "A copy.", now=utcnow())
    db.session.commit()
    signs.hang_sign("auction", again.id, "under_review", moderator, "Looking again.",
                    now=utcnow())
    signs.hang_sign("auction", other.id, "non_standard_print", moderator, "Real, odd print.",
                    now=utcnow())
    db.session.commit()
    posts = {p.target_id: p for p in db.session.scalars(select(BoardPost))}
    html = client.get(f"/boards/posts/{posts[again.id].id}").get_data(as_text=True)
    assert "Cleared" not in html and "Under review again" in html
    html = client.get(f"/boards/posts/{posts[other.id].id}").get_data(as_text=True)
    assert "Cleared" not in html and "replaced by the sign NON-STANDARD PRINT" in html


@pytest.mark.parametrize("rating", ["adult", "restricted"])
def test_a_fake_post_hides_an_18_plus_or_restricted_listing_from_who_may_not_see_it_acc_3(
        rating, client_for, make_member, make_listing):
    """ACC-3, RANK-1 (found in review): the public board "Fake reports from shops" printed
    the title and the sign's reason of an 18+ (or restricted) listing to visitors and to
    under-18 members, though the listing's own page is 404 for them. Those readers see that
    a post is there, not what it is about; an adult member sees an 18+ post in full."""
    listing = make_listing(title="ADULTONLY title", content_rating=rating)
    post = add("fake-shops", "ADULTONLY title", body="ADULTONLY reason",
               target_type="listing", target_id=listing.id)
    minor = make_member(birth_date=date(utcnow().year - 15, 1, 1),
                        guardian_name="Mum", guardian_email="mum@talat.example",
                        guardian_consent=True)
    for reader in (None, minor):
        reader_client = client_for(reader)
        for url in ("/boards/fake-shops", f"/boards/posts/{post.id}"):
            page = reader_client.get(url)
            html = page.get_data(as_text=True)
            assert page.status_code == 200
            assert "ADULTONLY" not in html, (reader, url)
            assert "A listing you may not see" in html
    if rating == "adult":
        adult = client_for(make_member())
        html = adult.get(f"/boards/posts/{post.id}").get_data(as_text=True)
        assert "ADULTONLY reason" in html and "A listing you may not see" not in html
