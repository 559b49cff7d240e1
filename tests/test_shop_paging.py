"""Long lists in the shops area come in pages: the watchlist (RANK-2), a shop's reviews
(SHOP-6)."""
from datetime import timedelta

from app.database import utcnow
from app.extensions import db
from app.models import Watch

WATCHLIST_PER_PAGE = 24  # as app.blueprints.shops.watch_services


def test_the_watchlist_comes_in_pages_newest_watch_first_rank_2(make_member, make_listing,
                                                                  client_for):
    """Found in review: the watchlist showed every watched listing on one page."""
    member = make_member()
    start = utcnow() - timedelta(days=1)
    count = WATCHLIST_PER_PAGE + 3
    for n in range(count):
        listing = make_listing(title=f"พระเครื่อง หมายเลข {n:03d}")
        db.session.add(Watch(user_id=member.id, listing_id=listing.id,
                             created_at=start + timedelta(minutes=n)))
    db.session.commit()
    client = client_for(member)
    first = client.get("/watchlist").get_data(as_text=True)
    assert first.count('class="listing-card"') == WATCHLIST_PER_PAGE
    assert f"หมายเลข {count - 1:03d}" in first and "หมายเลข 000" not in first
    assert "Page 1 of 2" in first and "/watchlist?page=2" in first
    second = client.get("/watchlist?page=2").get_data(as_text=True)
    assert second.count('class="listing-card"') == 3
    assert "หมายเลข 000" in second and f"หมายเลข {count - 1:03d}" not in second
    # A page past the end or a nonsense page number is the first page, not an error.
    assert client.get("/watchlist?page=abc").status_code == 200
    client.set_cookie("lang", "th")
    assert "หน้า 1 จาก 2" in client.get("/watchlist").get_data(as_text=True)


def test_all_of_a_shops_reviews_can_be_read_a_page_at_a_time_shop_6(make_member, make_shop,
                                                                      make_listing, client_for):
    """SHOP-6. Found in review: the shop page showed only the 10 latest reviews and no way to
    read the others."""
    from app.models import Order, Review, Shop

    shop = make_shop(plan="standard")
    listing = make_listing(shop=shop, quantity=100)
    buyer = make_member(display_name="ผู้ซื้อประจำ")
    start = utcnow() - timedelta(days=60)
    for n in range(25):
        at = start + timedelta(days=n)
        order = Order(listing_id=listing.id, shop_id=shop.id, buyer_id=buyer.id, quantity=1,
                      unit_price_satang=1000, total_satang=1000, status="completed",
                      created_at=at, expires_at=at, completed_at=at)
        db.session.add(order)
        db.session.flush()
        db.session.add(Review(order_id=order.id, shop_id=shop.id, buyer_id=buyer.id, rating=5,
                              comment=f"รีวิวที่ {n:02d}", created_at=at))
    db.session.get(Shop, shop.id).rating_count = 25
    db.session.commit()
    client = client_for(None)
    page = client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "รีวิวที่ 24" in page and "รีวิวที่ 14" not in page
    assert f"/shops/{shop.slug}/reviews" in page and "All 25 reviews" in page
    first = client.get(f"/shops/{shop.slug}/reviews").get_data(as_text=True)
    assert first.count('class="review"') == 20 and "รีวิวที่ 24" in first
    assert "Page 1 of 2" in first
    second = client.get(f"/shops/{shop.slug}/reviews?page=2").get_data(as_text=True)
    assert second.count('class="review"') == 5 and "รีวิวที่ 00" in second
    client.set_cookie("lang", "th")
    assert "รีวิวทั้งหมด 25 รายการ" in client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert client.get("/shops/no-such-shop/reviews").status_code == 404
