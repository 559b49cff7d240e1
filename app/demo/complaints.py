"""Demo complaints and an IP-address request (CMP-1 … CMP-6), so the demo moderator's review
queue shows them on first run: a fresh copyright complaint about an amulet photo, one filed
10 business days ago and still undecided (LATE), an upheld complaint about counterfeit
sneakers (the listing hidden, its owner and the complainant told) and a member's request for
a seller's IP addresses with a police report. Everything goes through the complaint and
IP-request services; loading it twice changes nothing."""
import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.blueprints.complaints import clock, intake
from app.blueprints.ip_requests import filing
from app.blueprints.moderation import queue
from app.demo.images import demo_photo
from app.extensions import db
from app.i18n import bangkok_today
from app.models import IpRequest, Listing, Shop, User
from app.models.complaints import Complaint
from app.urls import external_url

MODERATOR = "moderator@talat.example"
REQUESTER = "member@talat.example"

AMULET_PHOTO = {
    # A photographer whose amulet photo is used without permission (pending, 2 days old).
    "name": "ธนพล ศรีสุข", "organisation": "", "email": "thanaphon@amulet-photo.example",
    "phone": "0812345678", "role": "holder", "kind": "copyright",
    "description": "ภาพพระในประกาศนี้เป็นภาพที่ผมถ่ายเองสำหรับหนังสือรวมภาพพระเครื่องของผม "
                   "ร้านนำไปใช้โดยไม่ได้ขออนุญาตและตัดลายน้ำชื่อผมออก แนบภาพต้นฉบับพร้อม"
                   "ข้อมูลไฟล์มาเพื่อประกอบการพิจารณา ขอให้นำภาพออกจากประกาศ",
    "original_url": "https://amulet-photo.example/gallery/somdej-2566",
    "signature": "ธนพล ศรีสุข"}
COMIC_SCANS = {
    # A publisher's lawyer about a photocopied book (undecided for 10 business days: LATE).
    "name": "วรรณา ทองมา", "organisation": "สำนักงานกฎหมายนิติธรรมตัวอย่าง",
    "email": "wanna@law-office.example", "phone": "021234567", "role": "agent",
    "kind": "copyright",
    "description": "ในนามสำนักพิมพ์ผู้ถือลิขสิทธิ์ หนังสือในประกาศนี้เป็นฉบับถ่ายเอกสารเย็บเล่มเอง "
                   "ไม่ใช่ฉบับที่สำนักพิมพ์พิมพ์จำหน่าย ดูได้จากภาพปกที่ไม่มีเลขมาตรฐานสากลประจำ"
                   "หนังสือและสีที่ซีดผิดปกติ ขอให้ระงับการขายและแจ้งผู้ขาย",
    "original_url": "", "signature": "วรรณา ทองมา"}
FAKE_SNEAKERS = {
    # A brand's agent about counterfeit sneakers (upheld: listing hidden, everyone told).
    "name": "ปิยะพงษ์ แสงทอง", "organisation": "บริษัท รองเท้าตัวอย่าง จำกัด",
    "email": "legal@shoes-brand.example", "phone": "026543210", "role": "agent",
    "kind": "counterfeit",
    "description": "รองเท้าในประกาศนี้ใช้เครื่องหมายการค้าของลูกความ แต่ป้ายด้านในลิ้นรองเท้า "
                   "รหัสรุ่นและตะเข็บไม่ตรงกับสินค้าแท้ของรุ่นนี้ แนบภาพเปรียบเทียบสินค้าแท้"
                   "กับภาพในประกาศ",
    "original_url": "", "signature": "ปิยะพงษ์ แสงทอง"}
DEMO_EMAILS = tuple(c["email"] for c in (AMULET_PHOTO, COMIC_SCANS, FAKE_SNEAKERS))
UPHOLD = {"reason": "ภาพเปรียบเทียบแสดงว่าป้ายและรหัสรุ่นไม่ตรงกับสินค้าแท้ ประกาศนี้จึงเป็นการขาย"
                    "สินค้าปลอมซึ่งต้องห้ามบนตลาด", "rule": "SHOP-4"}


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _active_listings(email):
    """The owner's active listings without a STOP sign, oldest first."""
    owner = _user(email)
    if owner is None:
        return []
    return db.session.scalars(select(Listing).join(Shop, Shop.id == Listing.shop_id).where(
        Shop.owner_id == owner.id, Listing.status == "active", Listing.stop_sign.is_(None))
        .order_by(Listing.id)).all()


def business_days_ago(now, days):
    """The same time of day ``days`` Thai business days before ``now`` (CMP-2 clock)."""
    at, counted = now, 0
    while counted < days:
        at -= timedelta(days=1)
        if clock.is_business_day(bangkok_today(at)):
            counted += 1
    return at


def police_report_png():
    """PNG bytes of a small made-up police report (a form with lines and a stamp)."""
    image = Image.new("RGB", (480, 640), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 620), outline=(40, 40, 90), width=3)
    draw.text((40, 40), "POLICE DAILY REPORT (DEMO)", fill=(40, 40, 90))
    draw.text((40, 60), "Case 0412/2569", fill=(40, 40, 90))
    for y in range(110, 520, 28):
        draw.line((40, y, 440, y), fill=(170, 170, 190), width=1)
    draw.ellipse((330, 520, 430, 600), outline=(170, 30, 30), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _file(fields, listing, files, *, now, ip):
    data = dict(fields, good_faith=True, accurate=True,
                urls=[external_url("shops.listing", listing_id=listing.id)])
    return intake.file_complaint(data, files, now=now, ip=ip, locale="th")


def _uphold(complaint, moderator, *, now):
    """Uphold through the review queue, as a moderator does: the item is closed too."""
    item = queue.open_item_for("complaint", "complaint", complaint.id)
    queue.decide(item, moderator, "uphold", UPHOLD, now=now, ip="")


def _load_complaints(now, moderator):
    if db.session.scalar(select(Complaint.id).where(Complaint.email.in_(DEMO_EMAILS))
                         .limit(1)) is not None:
        return 0
    filed = 0
    amulets = _active_listings("muang-kao@talat.example")
    if len(amulets) > 1:  # the first one collects the moderation demo's reports
        _file(AMULET_PHOTO, amulets[1], [("ภาพต้นฉบับ.jpg", demo_photo(amulets[1].id * 10, 400))],
              now=business_days_ago(now, 2), ip="203.0.113.24")
        filed += 1
    books = _active_listings("books@talat.example")
    if books:
        _file(COMIC_SCANS, books[0], [], now=business_days_ago(now, 10), ip="198.51.100.7")
        filed += 1
    sneakers = _active_listings("sneakers@talat.example")
    if sneakers:
        complaint = _file(FAKE_SNEAKERS, sneakers[0],
                          [("เปรียบเทียบของแท้.jpg", demo_photo(sneakers[0].id * 10 + 7, 400))],
                          now=business_days_ago(now, 5), ip="192.0.2.51")
        _uphold(complaint, moderator, now=business_days_ago(now, 3))
        filed += 1
    return filed


def _load_ip_request(now):
    member = _user(REQUESTER)
    sneakers = _active_listings("sneakers@talat.example")
    if member is None or not sneakers or db.session.scalar(
            select(IpRequest.id).where(IpRequest.requester_id == member.id).limit(1)):
        return 0
    listing = sneakers[-1]
    filing.file_request(member, {
        "accused": "", "item_url": external_url("shops.listing", listing_id=listing.id),
        "case_number": "0412/2569", "police_station": "สถานีตำรวจตัวอย่าง (แจ้งความออนไลน์)",
        "incident_date": bangkok_today(now) - timedelta(days=6),
        "description": "ผมสั่งรองเท้าคู่นี้ ผู้ขายขอให้โอนเงินเข้าบัญชีส่วนตัวนอกระบบเพื่อได้ส่วนลด "
                       "หลังโอนแล้วไม่ส่งของและไม่ตอบข้อความ ได้แจ้งความแล้ว ตำรวจขอหมายเลขไอพี"
                       "ที่ผู้ขายใช้เข้าระบบเพื่อติดตามตัว"},
        ("ใบแจ้งความ.png", police_report_png()), now=now - timedelta(days=1))
    return 1


def load_complaints(now):
    """Create the demo complaints and IP-address request once; returns how many of each."""
    moderator = _user(MODERATOR)
    if moderator is None:
        return 0, 0
    return _load_complaints(now, moderator), _load_ip_request(now)
