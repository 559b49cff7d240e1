"""Long lists in the shops area come in pages: the watchlist (RANK-2)."""
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
