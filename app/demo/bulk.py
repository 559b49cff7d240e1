"""Many listings at once, for benchmarks: ``flask demo listings --count 100000``."""
import os
import secrets
from datetime import timedelta

from sqlalchemy import func, insert, select

from app.demo.images import demo_photo
from app.demo.titles import new_rng, title_for
from app.extensions import db
from app.models import Category, Listing, ListingPhoto, Shop, User
from app.uploads import SIZES, _path, store_image

BATCH = 5000
TOP_LEVELS = ("amulets", "amulets", "amulets", "sneakers", "books", "collectibles")


def _leaves_by_top():
    categories = db.session.scalars(select(Category)).all()
    by_id = {c.id: c for c in categories}
    parents = {c.parent_id for c in categories}
    leaves = {}
    for category in categories:
        if category.id in parents:
            continue
        top = category
        while top.parent_id:
            top = by_id[top.parent_id]
        leaves.setdefault(top.slug, []).append(category.id)
    return leaves


def bulk_listings(count, now, shops=50, photographed=240):
    """Add ``count`` listings spread over ``shops`` bench shops; the newest ``photographed``
    get a photo (hard links of a few drawn images, so it stays quick)."""
    rng = new_rng(count)
    owner = db.session.scalar(select(User).order_by(User.id))
    existing = db.session.scalar(select(func.count(Shop.id)).where(Shop.slug.like("bench-%")))
    for n in range(existing, shops):
        db.session.add(Shop(owner_id=owner.id, name=f"ร้านทดสอบ {n + 1}", slug=f"bench-{n + 1}",
                            plan="premium_plus", status="open", created_at=now, updated_at=now))
    db.session.flush()
    shop_ids = db.session.scalars(select(Shop.id).where(Shop.slug.like("bench-%"))).all()
    leaves = _leaves_by_top()
    rows = []
    for index in range(count):
        top = TOP_LEVELS[index % len(TOP_LEVELS)]
        created = now - timedelta(minutes=count - index)
        rows.append(dict(shop_id=rng.choice(shop_ids), created_by_id=owner.id,
                         category_id=rng.choice(leaves[top]), title=title_for(top, rng),
                         description="สินค้าสำหรับทดสอบความเร็ว",
                         price_satang=rng.randint(1, 500) * 10000,
                         quantity=rng.randint(1, 5), condition="good", content_rating="general",
                         status="active", hold_reason="", certificate_issuer="",
                         certificate_number="", created_at=created, updated_at=created))
        if len(rows) == BATCH:
            db.session.execute(insert(Listing), rows)
            rows = []
    if rows:
        db.session.execute(insert(Listing), rows)
    _photograph_newest(photographed, now)
    db.session.flush()
    return count


def _photograph_newest(limit, now):
    originals = [store_image(demo_photo(seed)) for seed in range(8)]
    newest = db.session.scalars(select(Listing.id).where(~Listing.photos.any())
                                .order_by(Listing.id.desc()).limit(limit)).all()
    for number, listing_id in enumerate(newest):
        original = originals[number % len(originals)]
        key = secrets.token_hex(16)
        for size in SIZES:
            target = _path("public", key, size)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(_path("public", original.key, size), target)
        db.session.add(ListingPhoto(listing_id=listing_id, position=0, key=key,
                                    width=original.width, height=original.height,
                                    created_at=now))
