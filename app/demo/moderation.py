"""Demo moderation: a few signs (one FAKE with its strike and board post), reports that collect
on one queue item, a sanction under appeal, so the review queue and the boards are not empty on
first run. Everything goes through the moderation services; loading it twice changes nothing."""
from datetime import timedelta

from sqlalchemy import select

from app.blueprints.moderation import appeals, reports, sanctions, signs
from app.extensions import db
from app.models import Auction, Listing, Shop, StopSign, User

MODERATOR = "moderator@talat.example"
REPORTERS = ("member@talat.example", "admin@talat.example", "books@talat.example")


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _open_auctions(now, limit):
    return db.session.scalars(select(Auction).where(
        Auction.starts_at <= now, Auction.ends_at > now, Auction.stop_sign.is_(None))
        .order_by(Auction.ends_at.desc()).limit(limit)).all()


def _listing_of(email):
    owner = _user(email)
    if owner is None:
        return None
    return db.session.scalar(select(Listing).join(Shop, Shop.id == Listing.shop_id).where(
        Shop.owner_id == owner.id, Listing.status == "active").order_by(Listing.id).limit(1))


def load_moderation(now):
    """Create the demo signs, reports and sanction once; returns how many signs."""
    moderator = _user(MODERATOR)
    if moderator is None or db.session.scalar(select(StopSign.id).limit(1)) is not None:
        return 0
    hung = 0
    auctions = _open_auctions(now, 2)
    if auctions:
        signs.hang_sign("auction", auctions[0].id, "under_review", moderator,
                        "ภาพพระไม่ชัด ขอภาพด้านหลังและด้านข้างเพิ่มเติมเพื่อพิจารณา", now=now)
        hung += 1
    if len(auctions) > 1:
        signs.hang_sign("auction", auctions[1].id, "authentic", moderator,
                        "ตรวจสอบพิมพ์และเนื้อพระแล้ว เป็นพระแท้", now=now)
        hung += 1
    fake = _listing_of("sneakers@talat.example")
    if fake is not None:
        signs.hang_sign("listing", fake.id, "fake", moderator,
                        "ป้ายยี่ห้อและตะเข็บไม่ตรงกับของแท้ ผู้ซื้อแจ้งพร้อมภาพเปรียบเทียบ",
                        now=now - timedelta(days=8))
        hung += 1
    reported = _listing_of("muang-kao@talat.example")
    if reported is not None:
        for email, reason in zip(REPORTERS, ("wrong_info", "fake", "wrong_info"), strict=True):
            reporter = _user(email)
            if reporter is not None and reporter.id != reported.shop.owner_id:
                reports.file_report(reporter, "listing", reported.id, reason,
                                    "ชื่อวัดในหัวข้อไม่ตรงกับรูป", now=now)
    offender = _user("books@talat.example")
    if offender is not None:
        sanction = sanctions.impose(offender, "warning", moderator, rule="SHOP-5",
                                    facts="ส่งข้อความโฆษณาร้านอื่นซ้ำ ๆ ถึงผู้ซื้อหลายราย",
                                    now=now - timedelta(days=2))
        appeals.file_appeal(sanction, offender,
                            "ข้อความนั้นเป็นการตอบคำถามผู้ซื้อ ไม่ได้โฆษณา ขอให้พิจารณาใหม่",
                            now=now - timedelta(days=1))
    return hung
