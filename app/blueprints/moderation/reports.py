"""Members report a listing, auction, message, board post or member, choosing a reason
(MOD-11). Reports on one target collect on one open review item with a count; a member who
already reported a target that is still open is told so kindly instead of counting twice."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.moderation import queue
from app.blueprints.moderation.errors import ModerationError
from app.extensions import db
from app.i18n import Counts
from app.models import Auction, BoardPost, Conversation, Listing, Message, Report, User
from app.models.moderation import REPORT_REASONS, REPORT_TARGETS
from app.urls import MAX_ID

REPORT_REASON_LABELS = {
    "fake": _l("Fake or counterfeit item"),
    "prohibited": _l("Prohibited goods"),
    "scam": _l("Scam or fraud"),
    "wrong_info": _l("Wrong or misleading information"),
    "offensive": _l("Offensive or abusive"),
    "spam": _l("Spam"),
    "other": _l("Something else"),
}
TARGET_LABELS = {
    "listing": _l("listing"), "auction": _l("auction"), "message": _l("message"),
    "board_post": _l("board post"), "user": _l("member"),
}
DETAIL_MAX = 1000


def _not_found():
    return ModerationError(_l("What you are reporting does not exist or is not visible to "
                              "you."))


def _listing(reporter, target_id, now):
    from app.blueprints.shops.visibility import visible_listings

    listing = db.session.scalar(select(Listing).where(
        Listing.id == target_id, visible_listings(reporter, now)))
    return (listing, listing.shop.owner_id, listing.title) if listing else None


def _auction(reporter, target_id, now):
    from app.blueprints.auctions.visibility import may_see_auction

    auction = db.session.get(Auction, target_id)
    if auction is None or not may_see_auction(reporter, auction, now):  # RANK-1, ACC-3
        return None
    return auction, auction.seller_id, auction.title


def _message(reporter, target_id, now):
    from app.blueprints.shops.message_services import side_of

    message = db.session.get(Message, target_id)
    if message is None:
        return None
    conversation = db.session.get(Conversation, message.conversation_id)
    if side_of(reporter, conversation) is None:
        return None
    return message, message.sender_id, message.body[:120]


def _board_post(reporter, target_id, now):
    from app.blueprints.boards.services import withdrawn

    post = db.session.get(BoardPost, target_id)
    if post is None or post.hidden_at is not None or withdrawn([post]):
        return None  # a post about a page a complaint withdrew is not shown, nor its title
    return post, post.author_id, post.title


def _user(reporter, target_id, now):
    member = db.session.get(User, target_id)
    if member is None or member.closed_at is not None:
        return None
    return member, member.id, member.display_name


LOADERS = {"listing": _listing, "auction": _auction, "message": _message,
           "board_post": _board_post, "user": _user}


def load_target(reporter, target_type, target_id, now):
    """``(item, subject_user_id, title)`` for a target ``reporter`` can see, or a refusal."""
    if target_type not in REPORT_TARGETS or not isinstance(target_id, int) \
            or not 0 < target_id <= MAX_ID:
        raise _not_found()
    found = LOADERS[target_type](reporter, target_id, now)
    if found is None:
        raise _not_found()
    return found


def already_reported(reporter, item):
    """True when ``reporter`` has a report on the open review ``item``."""
    return db.session.scalar(select(Report.id).where(
        Report.review_item_id == item.id, Report.reporter_id == reporter.id).limit(1)) \
        is not None


def file_report(reporter, target_type, target_id, reason, detail, *, now):
    """File ``reporter``'s report (MOD-11) and count it on the target's open review item.
    Raises :class:`ModerationError` for an unknown or invisible target, a reason not on the
    list, an over-long detail, one's own content, or a second report while the first is open."""
    _item, subject_id, title = load_target(reporter, target_type, target_id, now)
    if subject_id == reporter.id:
        raise ModerationError(_l("You cannot report your own content or yourself."))
    if reason not in REPORT_REASONS:
        raise ModerationError(_l("Please choose a reason from the list."), field="reason")
    detail = (detail or "").strip()
    if len(detail) > DETAIL_MAX:
        raise ModerationError(Counts(_l("Please keep the detail to %(n)d characters."),
                                     n=DETAIL_MAX), field="detail")
    existing = queue.open_item_for("report", target_type, target_id)
    if existing is not None and already_reported(reporter, existing):
        raise ModerationError(_l("You have already reported this. Thank you — the moderators "
                                 "will look at it; there is no need to report it again."))
    item = queue.open_item("report", target_type, target_id, now=now,
                           subject_user_id=subject_id, summary=title or "", report=True)
    report = Report(review_item_id=item.id, reporter_id=reporter.id, target_type=target_type,
                    target_id=target_id, reason=reason, detail=detail, created_at=now)
    db.session.add(report)
    db.session.flush()
    return report


def reports_on(item):
    """The reports counted on a review item, oldest first."""
    return db.session.scalars(select(Report).where(Report.review_item_id == item.id)
                              .order_by(Report.id)).all()


def reports_against(user_id, limit=50):
    """Reports on a member or on what they own or wrote, newest first (moderator page)."""
    from app.models import ReviewItem

    return db.session.scalars(select(Report).join(
        ReviewItem, ReviewItem.id == Report.review_item_id).where(
        ReviewItem.subject_user_id == user_id).options(selectinload(Report.reporter))
        .order_by(Report.id.desc()).limit(limit)).all()
