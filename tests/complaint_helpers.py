"""Complaints made directly with the models, for the handling tests (CMP-2 … CMP-5), and the
small helpers those tests share."""
import itertools
from datetime import timedelta

from sqlalchemy import select

from app.blueprints.complaints import clock
from app.blueprints.moderation import queue
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, ReviewItem
from app.models.complaints import Complaint, ComplaintEvent, ComplaintTarget
from tests.queue_helpers import decide, fresh  # noqa: F401 (the complaint tests use them)

_codes = itertools.count(1)


def owner_of(obj):
    """The member who owns a listing, an auction or a shop."""
    if hasattr(obj, "seller_id"):
        return obj.seller_id
    if hasattr(obj, "shop"):
        return obj.shop.owner_id
    return obj.owner_id


def target_type_of(obj):
    return type(obj).__name__.lower()


def make_complaint(*objs, now=None, email="holder@brand.example", name="Rights Holder",
                   kind="counterfeit", description="Fake copies of our product.", **fields):
    """A filed complaint about ``objs`` with its queue item, as intake leaves it."""
    now = now or utcnow()
    complaint = Complaint(code=f"C-TEST-{next(_codes):04d}", name=name,
                          organisation=fields.pop("organisation", "Brand Co."), email=email,
                          role="holder", kind=kind, description=description,
                          good_faith=True, accurate=True, signature=name, created_at=now,
                          locale=fields.pop("locale", "en"),
                          due_at=fields.pop("due_at", None) or clock.due_at(now), **fields)
    db.session.add(complaint)
    db.session.flush()
    for obj in objs:
        kind_ = target_type_of(obj)
        db.session.add(ComplaintTarget(complaint_id=complaint.id, target_type=kind_,
                                       target_id=obj.id, url=f"http://localhost/{kind_}/{obj.id}",
                                       owner_id=owner_of(obj)))
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="received", at=now))
    queue.open_item("complaint", "complaint", complaint.id, now=now,
                    subject_user_id=owner_of(objs[0]) if objs else None,
                    summary=description[:300])
    db.session.commit()
    return complaint


def item_of(kind, target_id, status="open"):
    return db.session.scalar(select(ReviewItem).where(
        ReviewItem.kind == kind, ReviewItem.target_id == target_id,
        ReviewItem.status == status))


def mails_to(address, kind=None):
    """E-mails queued to ``address`` (of ``kind`` only, when given), oldest first."""
    query = select(EmailMessage).where(EmailMessage.to_address == address)
    if kind:
        query = query.where(EmailMessage.kind == kind)
    return db.session.scalars(query.order_by(EmailMessage.id)).all()


def days(n):
    return timedelta(days=n)
