"""SHOP-1, AUC-10 (found driving the site as a visitor on a phone): a visitor saw no Watch on a
listing or an auction and no Follow on a shop, so nothing told them these exist until they had
an account. They now see each as a link that logs in and comes back to the page; a shop's
review count leads to its reviews (SHOP-6)."""
import pytest



pytestmark = pytest.mark.usefixtures("english")


def test_shop_1_a_visitor_is_offered_watch_and_follow_through_the_log_in(
        client_for, make_listing, make_auction):
    client = client_for(None)
    listing = make_listing()
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert f'href="/login?next=/listings/{listing.id}"' in page and "Log in to watch" in page
    shop = client.get(f"/shops/{listing.shop.slug}").get_data(as_text=True)
    assert f'href="/login?next=/shops/{listing.shop.slug}"' in shop
    assert "Log in to follow this shop" in shop
    auction = make_auction()
    page = client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert f'href="/login?next=/auctions/{auction.id}"' in page and "Log in to watch" in page


def test_shop_1_a_member_sees_the_buttons_not_the_log_in_links(make_listing, make_member,
                                                                client_for):
    listing = make_listing()
    client = client_for(make_member())
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Log in to watch" not in page and "☆ Watch" in page
    shop = client.get(f"/shops/{listing.shop.slug}").get_data(as_text=True)
    assert "Log in to follow" not in shop and "Follow this shop" in shop
