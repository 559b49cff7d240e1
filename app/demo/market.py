"""Demo market: a few shops with photographed listings, sales, reviews, a conversation and
ranking activity, so the site looks alive on first run. Loading it twice changes nothing."""
from datetime import date, timedelta

from sqlalchemy import select

from app.blueprints.accounts.services import register_member
from app.demo.images import demo_photo
from app.demo.titles import new_rng, title_for
from app.extensions import db
from app.i18n import bangkok_today
from app.models import (
    Category, Conversation, Listing, ListingActivity, ListingPhoto, Message, Order, Review, Shop,
    User)
from app.uploads import store_image

SELLERS = (
    # e-mail, display name, password, shop name, slug, plan, top category, description
    ("member@talat.example", None, None, "บ้านพระสมชาย", "baan-phra-somchai", "standard",
     "amulets", "พระเครื่องสายวัดและสายเกจิ คัดองค์สวย รับประกันตามบัตรรับรอง"),
    ("muang-kao@talat.example", "เมืองเก่า พระเครื่อง", "old-town-amulets-2569",
     "ร้านพระเครื่องเมืองเก่า", "muang-kao-amulets", "professional", "amulets",
     "สะสมพระกรุและเหรียญเก่ากว่า 30 ปี"),
    ("sneakers@talat.example", "Sneaker Corner", "sneaker-corner-2569", "Sneaker Corner BKK",
     "sneaker-corner-bkk", "standard", "sneakers", "รองเท้าแท้ มือหนึ่งและมือสอง"),
    ("books@talat.example", "ร้านหนังสือริมคลอง", "canal-side-reader-2569", "หนังสือเก่าริมคลอง",
     "canal-side-books", "starter", "books", "หนังสือพระและการ์ตูนเก่า ส่งทั่วประเทศ"),
)
LISTINGS_PER_SHOP = {"starter": 5, "standard": 12, "professional": 14}


def _seller(email, name, password, now):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = register_member(email=email, password=password, display_name=name,
                               birth_date=date(1980, 3, 1), now=now)
    return user


def _leaf_categories(top_slug):
    top = db.session.scalar(select(Category).where(Category.slug == top_slug))
    queue, leaves = [top], []
    while queue:
        node = queue.pop()
        children = db.session.scalars(select(Category).where(Category.parent_id == node.id)).all()
        if children:
            queue.extend(children)
        else:
            leaves.append(node)
    return sorted(leaves, key=lambda c: c.position)


def load_market(now):
    """Create the demo shops and everything in them, once. Returns how many shops it made."""
    rng = new_rng()
    made = 0
    buyer = db.session.scalar(select(User).where(User.email == "collector@talat.example"))
    for email, name, password, shop_name, slug, plan, top, about in SELLERS:
        if db.session.scalar(select(Shop.id).where(Shop.slug == slug)):
            continue
        owner = _seller(email, name, password, now)
        shop = Shop(owner_id=owner.id, name=shop_name, slug=slug, description=about, plan=plan,
                    status="open", created_at=now - timedelta(days=rng.randint(30, 400)),
                    updated_at=now, bank_name="ธนาคารตัวอย่าง", bank_account_name=shop_name,
                    bank_account_number=f"{rng.randint(10**9, 10**10 - 1)}",
                    promptpay_id=f"08{rng.randint(10**7, 10**8 - 1)}")
        db.session.add(shop)
        db.session.flush()
        leaves = _leaf_categories(top)
        for index in range(LISTINGS_PER_SHOP[plan]):
            _make_listing(shop, owner, leaves[index % len(leaves)], top, rng, now)
        if buyer is not None and plan != "starter":
            _make_sales(shop, buyer, rng, now)
        made += 1
    if made and buyer is not None:
        _make_conversation(buyer, now)
    db.session.flush()
    return made


def _make_listing(shop, owner, category, top, rng, now):
    created = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
    sold_out = rng.random() < 0.15
    listing = Listing(
        shop_id=shop.id, created_by_id=owner.id, category_id=category.id,
        title=title_for(top, rng),
        description="สภาพตามรูป ส่งพัสดุลงทะเบียนทุกวัน สอบถามรายละเอียดเพิ่มเติมได้ทางข้อความ",
        price_satang=rng.choice([350, 590, 1200, 2500, 4500, 9900, 15000, 38000]) * 100,
        quantity=0 if sold_out else rng.randint(1, 4), condition=rng.choice(["like_new", "good"]),
        content_rating="general", status="sold_out" if sold_out else "active",
        created_at=created, updated_at=created + timedelta(hours=rng.randint(0, 48)),
        sold_out_at=now - timedelta(hours=rng.randint(1, 72)) if sold_out else None)
    if top == "amulets" and rng.random() < 0.4:
        listing.certificate_issuer, listing.certificate_number = "สมาคมผู้นิยมพระเครื่อง", \
            f"TL-{rng.randint(10000, 99999)}"
    db.session.add(listing)
    db.session.flush()
    for position in range(rng.randint(1, 3)):
        stored = store_image(demo_photo(listing.id * 10 + position))
        db.session.add(ListingPhoto(listing_id=listing.id, position=position, key=stored.key,
                                    width=stored.width, height=stored.height, created_at=now))
    today = bangkok_today(now)
    for days_ago in range(7):
        if rng.random() < 0.7:
            db.session.add(ListingActivity(
                listing_id=listing.id, day=today - timedelta(days=days_ago),
                views=rng.randint(0, 60), watch_adds=rng.randint(0, 5),
                sales=rng.randint(0, 2) if rng.random() < 0.3 else 0))


def _make_sales(shop, buyer, rng, now):
    listings = db.session.scalars(select(Listing).where(Listing.shop_id == shop.id)
                                  .limit(3)).all()
    comments = ["ส่งไว แพ็คดีมาก", "ของตรงปก ขอบคุณครับ", "ร้านตอบไว แนะนำเลย"]
    for listing, comment in zip(listings, comments, strict=False):
        placed = now - timedelta(days=rng.randint(3, 20))
        order = Order(listing_id=listing.id, shop_id=shop.id, buyer_id=buyer.id, quantity=1,
                      item_title=listing.title,
                      unit_price_satang=listing.price_satang, total_satang=listing.price_satang,
                      status="completed", payment_method="promptpay", carrier="ไปรษณีย์ไทย",
                      tracking_number=f"EX{rng.randint(100000000, 999999999)}TH",
                      created_at=placed, expires_at=placed + timedelta(hours=24),
                      paid_at=placed + timedelta(hours=2), shipped_at=placed + timedelta(days=1),
                      completed_at=placed + timedelta(days=3),
                      ship_name=buyer.display_name, ship_phone="0812345678",
                      ship_address="99/9 ซอยสุขุมวิท 21\nแขวงคลองเตยเหนือ เขตวัฒนา กรุงเทพฯ",
                      ship_postcode="10110")
        db.session.add(order)
        db.session.flush()
        rating = rng.choice([4, 5, 5])
        db.session.add(Review(order_id=order.id, shop_id=shop.id, buyer_id=buyer.id,
                              rating=rating, comment=comment,
                              created_at=placed + timedelta(days=3)))
        shop.rating_count += 1
        shop.rating_total += rating


def _make_conversation(buyer, now):
    listing = db.session.scalar(select(Listing).join(Shop).where(
        Shop.slug == "baan-phra-somchai", Listing.status == "active").order_by(Listing.id))
    if listing is None:
        return
    conversation = Conversation(listing_id=listing.id, shop_id=listing.shop_id,
                                buyer_id=buyer.id, created_at=now - timedelta(hours=5),
                                last_message_at=now - timedelta(hours=4),
                                buyer_read_at=now - timedelta(hours=4))
    db.session.add(conversation)
    db.session.flush()
    db.session.add_all([
        Message(conversation_id=conversation.id, sender_id=buyer.id,
                body="สวัสดีครับ องค์นี้มีบัตรรับรองไหมครับ", created_at=now - timedelta(hours=5)),
        Message(conversation_id=conversation.id, sender_id=listing.shop.owner_id,
                body="มีครับ ส่งรูปบัตรให้ดูได้เลยครับ", created_at=now - timedelta(hours=4)),
    ])
