"""Starting, ending and settling auctions (AUC-1, AUC-4, AUC-7, AUC-8)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from app.blueprints.auctions import engine
from app.blueprints.auctions.errors import AuctionError, AuctionProblems
from app.blueprints.auctions.state import bidding_state, is_halted, phase, seller_may_end
from app.blueprints.shops.listing_services import check_rating_allowed, clean_item_text
from app.blueprints.shops.prohibited import check_text
from app.blueprints.shops.shop_services import check_not_frozen
from app.extensions import db
from app.i18n import current_language, format_baht
from app.live import publish_after_commit
from app.models import Auction, Bid, Sale
from app.models.auctions import AUCTION_RATINGS
from app.notifications import notify, notify_id

MIN_DURATION = timedelta(days=1)
MAX_DURATION = timedelta(days=30)
MAX_SCHEDULE_AHEAD = timedelta(days=30)
MAX_INCREMENT_SATANG = 1_000_000 * engine.BAHT


def rights_refusal(user):
    """Why ``user`` may not start auctions (AUC-1, AUC-4), or None."""
    if user.auction_rights == "suspended":
        return AuctionError(_l("Your auction rights are suspended after repeated FAKE signs. "
                               "You may ask the moderators to restore them."))
    if user.auction_rights == "revoked":
        return AuctionError(_l("Your auction rights have been revoked permanently."))
    return None


def start_refusal(user, now):
    """Why ``user`` may not start an auction now, or None: their account is suspended or
    closed (ACC-5), or their auction rights are (AUC-4). The page says so in place of a form
    that could only be refused after it was filled in."""
    from app.blueprints.moderation.enforcement import suspension_refusal

    return suspension_refusal(user, now) or rights_refusal(user)


def _clean_text(fields):
    title, description, category = clean_item_text(fields, error=AuctionError,
                                                   several=AuctionProblems)
    verdict = check_text(title, description)
    if verdict.action is not None:
        groups = ", ".join(verdict.groups(current_language()))
        raise AuctionError(_l("This item cannot be auctioned on Talat: it matches the "
                              "prohibited goods list (%(groups)s).", groups=groups),
                           field="title")
    return title, description, category


def _clean_prices(fields):
    """The four prices, each checked: :class:`AuctionProblems` names every one that is wrong."""
    problems = []
    start = fields.get("starting_price_satang")
    if not isinstance(start, int) or not 0 < start <= engine.MAX_BID_SATANG:
        problems.append(AuctionError(_l("Please enter a starting price above zero."),
                                     field="starting_price"))
        start = None
    step = fields.get("min_increment_satang")
    if not isinstance(step, int) or not 0 < step:
        problems.append(AuctionError(_l("Please enter a minimum increment above zero."),
                                     field="min_increment"))
    elif step > MAX_INCREMENT_SATANG:
        problems.append(AuctionError(_l("A minimum increment is at most %(amount)s.",
                                        amount=format_baht(MAX_INCREMENT_SATANG)),
                                     field="min_increment"))
    reserve = fields.get("reserve_satang")
    if reserve is not None and start is not None and not start < reserve <= engine.MAX_BID_SATANG:
        problems.append(AuctionError(_l("A reserve price must be higher than the starting "
                                        "price."), field="reserve"))
    buy_now = fields.get("buy_now_satang")
    floor = max(start or 0, reserve or 0)
    if buy_now is not None and start is not None \
            and not floor < buy_now <= engine.MAX_BID_SATANG:
        problems.append(AuctionError(_l("A buy-now price must be higher than %(amount)s (the "
                                        "starting price and the reserve).",
                                        amount=format_baht(floor)), field="buy_now"))
    if problems:
        raise AuctionProblems(problems)
    return start, step, reserve, buy_now


def _clean_times(fields, now):
    starts_at = fields.get("starts_at") or now
    if starts_at < now - timedelta(minutes=5) or starts_at > now + MAX_SCHEDULE_AHEAD:
        raise AuctionError(_l("The start must be between now and 30 days ahead."),
                           field="starts_at")
    starts_at = max(starts_at, now)
    if fields.get("ends_at"):
        ends_at = fields["ends_at"]
    else:
        days = fields.get("duration_days")
        # (a forged number of days would overflow the date: the rule's range is checked first)
        if not isinstance(days, int) or not MIN_DURATION.days <= days <= MAX_DURATION.days:
            raise AuctionError(_l("Choose how long the auction runs."), field="duration_days")
        ends_at = starts_at + timedelta(days=days)
    if ends_at <= now:  # (a year typed wrong, most often: said plainly, not as a duration)
        raise AuctionError(_l("This end has already passed. Choose an end 1 to 30 days after "
                              "the start (Bangkok time)."), field="ends_at")
    if not MIN_DURATION <= ends_at - starts_at <= MAX_DURATION:
        raise AuctionError(_l("An auction runs from 1 to 30 days."), field="ends_at")
    return starts_at, ends_at


def _clean_rating(fields, seller, now):
    """Who may see the auction (RANK-1): general unless the seller chose 18+, which a member
    under 18 may not (ACC-3; the rule listings follow)."""
    rating = fields.get("content_rating") or "general"
    if rating not in AUCTION_RATINGS:
        raise AuctionError(_l("Please choose who may see this auction."),
                           field="content_rating")
    if seller is not None:
        check_rating_allowed(seller, rating, now, error=AuctionError, message=_l(
            "Members under 18 cannot start auctions for adults (18+)."))
    return rating


def auction_problems(fields, now, seller=None):
    """Every rule the fields of a new auction break, as :class:`AuctionError` s (the text,
    each price, the times and, for ``seller``, the content rating), and what the parts that
    break none clean to: ``(problems, {"text": ..., "prices": ..., "times": ...,
    "rating": ...})``."""
    problems, cleaned = [], {}
    for part, clean in (("text", lambda: _clean_text(fields)),
                        ("prices", lambda: _clean_prices(fields)),
                        ("times", lambda: _clean_times(fields, now)),
                        ("rating", lambda: _clean_rating(fields, seller, now))):
        try:
            cleaned[part] = clean()
        except AuctionError as error:
            problems.extend(getattr(error, "errors", None) or [error])
    return problems, cleaned


def create_auction(seller, fields, *, now, ip="", device=""):
    """Start (or schedule) an auction for ``seller`` (AUC-1)."""
    from app.blueprints.moderation.enforcement import check_can_act

    check_can_act(seller, now)  # ACC-5
    refusal = rights_refusal(seller)
    if refusal is not None:
        raise refusal
    check_not_frozen("auctions")
    problems, cleaned = auction_problems(fields, now, seller)
    if problems:
        raise AuctionProblems(problems)
    title, description, category = cleaned["text"]
    start, step, reserve, buy_now = cleaned["prices"]
    starts_at, ends_at = cleaned["times"]
    auction = Auction(
        seller_id=seller.id, category_id=category.id, title=title, description=description,
        starting_price_satang=start, min_increment_satang=step, reserve_satang=reserve,
        buy_now_satang=buy_now, starts_at=starts_at, ends_at=ends_at, planned_end_at=ends_at,
        content_rating=cleaned["rating"],
        current_price_satang=start, bid_count=0, version=0, created_at=now,
        created_ip=ip[:45], created_device=device[:64])
    db.session.add(auction)
    db.session.flush()
    return auction


def set_sign(auction, kind, now):
    """Moderation hangs (``kind``) or takes down (None) a STOP sign on ``auction``. Any sign but
    AUTHENTIC halts it at once: no bids, no buy-now (AUC-3). The new version and the live event
    make every open page re-render its panel, so the bid form goes there too."""
    if auction.stop_sign == kind:
        return
    auction.stop_sign = kind
    auction.version += 1
    db.session.flush()
    publish_after_commit(f"auction:{auction.id}", {"version": auction.version,
                                                   "sign": kind or ""})


AUCTION_RIGHTS = ("active", "suspended", "revoked")
#: A member's auction rights by name (the audit log).
AUCTION_RIGHTS_LABELS = {"active": _l("Can start auctions"), "suspended": _l("Suspended for now"),
                         "revoked": _l("Revoked for good")}


def set_auction_rights(user, rights):
    """Suspend, revoke or restore a member's right to start auctions (AUC-4); returns the
    rights before."""
    if rights not in AUCTION_RIGHTS:
        raise ValueError(rights)
    before, user.auction_rights = user.auction_rights, rights
    db.session.flush()
    return before


def end_refusal(auction, now):
    """Why the seller may not end ``auction`` early now (AUC-8), or None. An auction without
    a reserve is not said to have met one: its first bid is what binds it."""
    if seller_may_end(auction, now):
        return None
    if phase(auction, now) == "ended":
        return AuctionError(_l("This auction has already ended."))
    if auction.reserve_satang is None:
        return AuctionError(_l("Bidding has begun on an auction without a reserve: it must "
                               "run to its end."))
    return AuctionError(_l("The reserve has been met: the auction must run to its end."))


def end_early(auction, *, now):
    """The seller ends the auction now; allowed only while the reserve is not met (AUC-8).
    The caller has locked the auction and checked that the user is its seller."""
    refusal = end_refusal(auction, now)
    if refusal is not None:
        raise refusal
    if auction.starts_at > now:
        auction.starts_at = now
    auction.ends_at = now
    auction.ended_early = "seller"
    auction.version += 1
    publish_after_commit(f"auction:{auction.id}", {"version": auction.version})
    settle(auction, now)


def unsold_reason(auction):
    """Why an ended auction made no sale, as the seller is told: "seller" (ended early),
    "hidden" (publication suspended, CMP-3), "halted" (a STOP sign, AUC-3), "no_bids" or
    "reserve" (not met)."""
    if auction.ended_early == "seller":
        return "seller"
    if auction.hidden_at is not None:
        return "hidden"
    if is_halted(auction):
        return "halted"
    return "no_bids" if auction.leader_id is None else "reserve"


def settle(auction, now):
    """Close an ended auction once: record the sale and tell winner, seller and the other
    bidders (AUC-7). Returns the :class:`Sale`, or None (no sale, not ended, or settled
    before). An auction under a STOP sign other than AUTHENTIC ends without a sale: the sign
    halts every transaction (AUC-3)."""
    if auction.settled_at is not None or now < auction.ends_at:
        return None
    auction.settled_at = now
    state = bidding_state(auction)
    sale = None
    seller = auction.seller
    if auction.leader_id is not None and engine.reserve_met(state) and not is_halted(auction):
        auction.winner_id = auction.leader_id
        sale = Sale(auction_id=auction.id, buyer_id=auction.leader_id, seller_id=seller.id,
                    price_satang=auction.current_price_satang, created_at=now,
                    last_progress_at=now, step="awaiting_payment")
        db.session.add(sale)
        db.session.flush()  # (its id, which the notices lead to)
        notify_id(auction.leader_id, "won", auction=auction,
                  amount=auction.current_price_satang, sale_id=sale.id, now=now)
        notify(seller, "sold", auction=auction, amount=auction.current_price_satang,
               sale_id=sale.id, now=now)
    else:
        notify(seller, "unsold", auction=auction, now=now, reason=unsold_reason(auction))
    # "Another bidder won it" is only true when someone did (AUC-10); with no sale, every
    # bidder learns the auction ended and that they owe nothing.
    winner = auction.winner_id
    others = db.session.scalars(select(Bid.bidder_id).distinct().where(
        Bid.auction_id == auction.id, Bid.bidder_id != winner if winner is not None
        else true())).all()
    for bidder in others:
        notify_id(bidder, "lost" if winner is not None else "ended_unsold", auction=auction,
                  now=now, email=False)
    auction.version += 1
    db.session.flush()
    publish_after_commit(f"auction:{auction.id}", {"version": auction.version})
    return sale
