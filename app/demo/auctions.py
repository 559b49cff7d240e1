"""Demo auction board: open auctions ending in minutes, hours and days, with bidding wars,
a scheduled one, and ended ones (one sold with its sale and feedback), so the board looks
alive on first run. Loading it twice changes nothing."""
from datetime import timedelta

from sqlalchemy import select

from app.blueprints.auctions import bidding, lifecycle
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.auctions.state import minimum_bid
from app.demo.images import demo_photo
from app.demo.titles import amulet_title, new_rng
from app.extensions import db
from app.models import Auction, AuctionPhoto, Category, User
from app.uploads import store_image

BAHT = 100
SELLERS = ("muang-kao@talat.example", "member@talat.example")
BIDDERS = ("collector@talat.example", "sneakers@talat.example", "books@talat.example")
# (started days ago, runs days, start price baht, bids, reserve baht or None, buy-now baht)
PLAN = (
    (6.99, 7, 300, 6, None, None),        # ends in minutes: watch the countdown
    (6.9, 7, 1500, 8, 5000, None),        # reserve not met yet
    (2, 3, 800, 4, None, None),
    (1, 5, 2500, 3, None, 9000),
    (0.5, 7, 500, 0, None, 2000),         # buy-now still offered
    (3, 10, 12000, 5, 20000, None),
    (4, 14, 45000, 2, None, None),
    (0.1, 10, 200, 1, None, None),
    (9, 7, 900, 5, None, None),           # ended two days ago: sold
    (8, 7, 3000, 0, None, None),          # ended a day ago: no bids
)


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _amulet_categories():
    top = db.session.scalar(select(Category).where(Category.slug == "amulets"))
    return db.session.scalars(select(Category).where(Category.parent_id == top.id)).all() \
        if top else []


def load_auctions(now):
    """Create the demo auctions once; returns how many."""
    if db.session.scalar(select(Auction.id).limit(1)) is not None:
        return 0
    sellers = [u for u in map(_user, SELLERS) if u is not None]
    bidders = [u for u in map(_user, BIDDERS) if u is not None]
    categories = _amulet_categories()
    if not sellers or len(bidders) < 2 or not categories:
        return 0
    rng = new_rng(2570)
    made = 0
    for index, (ago, days, start, count, reserve, buy_now) in enumerate(PLAN):
        seller = sellers[index % len(sellers)]
        started = now - timedelta(days=ago)
        auction = lifecycle.create_auction(seller, dict(
            title=amulet_title(rng), category_id=rng.choice(categories).id,
            description="องค์จริงตามรูป รับประกันแท้ตามกติกาของตลาด จัดส่ง EMS ทุกวัน",
            starting_price_satang=start * BAHT, min_increment_satang=max(start // 20, 5) * BAHT,
            reserve_satang=reserve * BAHT if reserve else None,
            buy_now_satang=buy_now * BAHT if buy_now else None, duration_days=days),
            now=started)
        for position in range(2):
            stored = store_image(demo_photo(9000 + index * 10 + position))
            db.session.add(AuctionPhoto(auction_id=auction.id, position=position,
                                        key=stored.key, width=stored.width,
                                        height=stored.height, created_at=started))
        db.session.commit()
        _bid(auction, bidders, count, started, now, rng)
        made += 1
    from app.blueprints.auctions.jobs import settle_due

    settle_due(now)
    _rate_the_sale(now)
    return made


def _rate_the_sale(now):
    from app.blueprints.auctions.sales import leave_feedback
    from app.models import Sale

    sale = db.session.scalar(select(Sale).limit(1))
    if sale is not None:
        leave_feedback(sale, sale.buyer, "positive", "ของแท้ ส่งไว ผู้ขายใจดี", now=now)
        db.session.commit()


def _bid(auction, bidders, count, started, now, rng):
    """A bidding war spread over the time the auction has run so far."""
    elapsed = min(now, auction.ends_at) - started
    price = auction.starting_price_satang
    for step in range(count):
        at = started + elapsed * (step + 1) / (count + 1)
        bidder = bidders[step % len(bidders)]
        current = db.session.get(Auction, auction.id)
        if current.leader_id == bidder.id:
            continue
        price = max(price, minimum_bid(current))
        amount = price + rng.choice([0, 1, 2, 5]) * current.min_increment_satang
        try:
            bidding.place_bid(auction.id, bidder, amount, proxy=rng.random() < 0.5, now=at)
            db.session.commit()
        except BidNotAccepted:
            db.session.rollback()
