"""Notices mailed to members say in their subject what happened (MOD-1, MOD-8, AUC-4, SHOP-2,
CMP-3, CMP-6). Found reading the outbox: a strike, a suspended auction right, a sanction, an
appeal's outcome, a page suspended after a complaint and a shop's new plan were all mailed as
"News about your account on Talat", so a member could not tell from the inbox which mail
mattered. Each now has its own subject, in the reader's language, naming the item where there
is one."""
import re

import pytest
from sqlalchemy import select

from app.blueprints.moderation import signs
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage
from app.notifications import SUBJECTS, TEXTS, VARIANTS

pytestmark = pytest.mark.usefixtures("english")

GENERIC = "ข่าวสารเกี่ยวกับบัญชีตลาดของคุณ"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_subject_is_filled_from_the_facts_its_notice_has(app):
    """A subject names only facts its notice's sentence names too (every wording of it), so
    it is filled whenever the notice can be shown; every kind mailed through notice_about
    that members act on has one."""
    for kind, subject in SUBJECTS.items():
        wordings = [TEXTS[kind]] + ([TEXTS[k] for k in ("sanction", "sanction_bare")]
                                    if kind in VARIANTS else [])
        for wording in wordings:
            missing = set(PLACEHOLDER.findall(str(subject))) - set(
                PLACEHOLDER.findall(str(wording)))
            assert not missing, (kind, missing)
    for kind in ("strike", "rights_suspended", "rights_restored", "rights_revoked",
                 "sanction", "sanction_lifted", "appeal_upheld", "appeal_overturned",
                 "complaint_upheld", "complaint_kept", "staff_added", "listings_over_plan",
                 "ip_request_approved", "listing_refused", "guardian_agreed"):
        assert kind in SUBJECTS, kind


def test_a_strike_and_suspended_auction_rights_are_mailed_under_their_own_subjects_auc_4(
        make_member, make_auction, moderator):
    """AUC-4: the third FAKE sign: the strike's mail names the auction, and the suspension's
    says the rights are suspended, in Thai (the member's language)."""
    seller = make_member()
    auctions = [make_auction(seller=seller, title=f"พระผงสุพรรณ องค์ที่ {n}") for n in range(3)]
    for auction in auctions:
        signs.hang_sign("auction", auction.id, "fake", moderator, "A copy.", now=utcnow())
        db.session.commit()
    subjects = db.session.scalars(select(EmailMessage.subject).where(
        EmailMessage.to_address == seller.email,
        EmailMessage.kind.in_(["notice_strike", "notice_rights_suspended"]))).all()
    assert "สิทธิ์ลงประมูลของคุณถูกระงับ" in subjects
    assert any("พระผงสุพรรณ องค์ที่ 2" in subject for subject in subjects)
    assert GENERIC not in subjects


def test_auction_mails_quote_the_title_in_their_subject_auc_7(app, make_member, make_auction):
    """AUC-7: "Your auction พระผงสุพรรณ ended without a sale" ran the title into the sentence;
    the auction mails now quote it, as the sale's steps do."""
    from datetime import timedelta

    from app.jobs import JOBS
    from app.models import Auction

    seller = make_member()
    auction = make_auction(seller=seller, title="พระผงสุพรรณ ไม่ได้ขาย")
    JOBS["settle-auctions"](app, db.session.get(Auction, auction.id).ends_at
                            + timedelta(seconds=1))
    assert db.session.scalar(select(EmailMessage.subject).where(
        EmailMessage.kind == "notice_unsold")) == \
        "การประมูล “พระผงสุพรรณ ไม่ได้ขาย” ของคุณปิดโดยไม่มีการขาย"


def test_every_notice_kind_fits_its_column():
    """A kind longer than the notifications table takes failed on PostgreSQL alone (SQLite
    does not enforce lengths), at the step that sent the notice: found naming a new one."""
    from app.models import Notification

    width = Notification.__table__.c.kind.type.length
    assert [kind for kind in TEXTS if len(kind) > width] == []
