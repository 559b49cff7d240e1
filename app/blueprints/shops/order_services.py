"""Orders (SHOP-10) and reviews (SHOP-6): the rules of buying from a shop.

An order reserves its quantity the moment it is placed and gives it back if it is cancelled or
expires unpaid. Every function that changes stock locks the order row first (if any) and then
the listing row (PostgreSQL ``FOR UPDATE``; SQLite callers start with ``begin_immediate``), so
stock never goes below zero and two paths never deadlock. Whether an unpaid order has expired
follows the clock (:func:`effective_status`); the job only settles what the clock decided.
Functions take ``now``, raise :class:`OrderError` and never commit.
"""
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.blueprints.accounts.errors import AccountErrors
from app.blueprints.shops.errors import ShopError
from app.blueprints.shops.message_forms import normalise_newlines
from app.database import after_commit, utcnow
from app.digits import to_arabic
from app.extensions import db
from app.mail import queue_mail
from app.models import Listing, Order, Review, Shop
from app.permissions import can_manage_listings, can_moderate, is_member, works_for_shop
from app.uploads import delete_image

PAYMENT_METHODS = ("bank_transfer", "promptpay")
CARRIERS = ("thailand_post", "kerry", "flash", "jt", "ninja_van", "best", "dhl", "other")
OPEN_STATUSES = ("awaiting_payment", "payment_submitted", "paid", "shipped")
TRACKING_CHARACTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
#: The same order sent again this soon is the same tap twice (or a browser's retry), not a
#: second purchase: :func:`place_order` answers with the first.
REPEAT_WINDOW = timedelta(seconds=30)


class OrderError(ShopError):
    """An order rule was broken; the message says which, in the user's language."""


def payment_window():
    """How long a buyer has to pay (``ORDER_PAYMENT_HOURS``)."""
    return timedelta(hours=current_app.config["ORDER_PAYMENT_HOURS"])


def effective_status(order, now):
    """The order's status as the clock has it: unpaid past ``expires_at`` means expired."""
    if order.status == "awaiting_payment" and now >= order.expires_at:
        return "expired"
    return order.status


def is_buyer(user, order):
    """The member who placed the order."""
    return is_member(user) and order.buyer_id == user.id


def is_seller(user, order):
    """The shop's owner and staff act for the seller."""
    return can_manage_listings(user, order.shop)


def is_shop_owner(user, order):
    """The shop's owner: the only one who sees the shop's bank account, so the only one who
    may say whether the money arrived (SHOP-1 gives staff the listings, SHOP-10 the payment
    to the seller). Staff may ship: packing a paid order is their everyday work, touches no
    money, and they see the address to send it to."""
    return is_member(user) and order.shop.owner_id == user.id


#: The steps on the money, for the shop's owner alone.
PAYMENT_STEPS = ("confirm-payment", "reject-payment")


def can_view_order(user, order):
    """Its buyer, the shop's people and moderators may see an order and its slip."""
    return is_buyer(user, order) or is_seller(user, order) or can_moderate(user)


def review_of(order):
    """The buyer's review of this order, if given."""
    return db.session.scalar(select(Review).where(Review.order_id == order.id))


def allowed_actions(order, user, now):
    """The steps ``user`` may take on ``order`` now; pages show exactly these forms."""
    status = effective_status(order, now)
    actions = set()
    if is_buyer(user, order):
        if status == "awaiting_payment":
            actions |= {"pay", "cancel"}
        elif status == "shipped":
            actions.add("receive")
        elif status == "completed" and review_of(order) is None:
            actions.add("review")
    if is_seller(user, order):
        if status == "awaiting_payment":
            actions.add("shop-cancel")  # (order_cancellation: with a reason, SHOP-10)
        elif status == "payment_submitted" and is_shop_owner(user, order):
            actions |= set(PAYMENT_STEPS)
        elif status == "paid":
            actions.add("ship")
    return actions


#: Order steps a suspended member may not take (ACC-5): a review is a post, and the shop's
#: cancellation is selling. Paying, receiving and shipping settle what is already open.
POSTING_ACTIONS = frozenset({"review", "shop-cancel"})


def posting_refusal(actions, user, now):
    """Why ``user`` may not take the posting steps among ``actions`` now (ACC-5), or None;
    the order page says so in place of their forms (leave_review and the shop's cancellation
    refuse them whatever is sent)."""
    if not POSTING_ACTIONS & set(actions):
        return None
    from app.blueprints.moderation import enforcement

    return enforcement.suspension_refusal(user, now)


def _require(order, user, action, now):
    if action not in allowed_actions(order, user, now):
        if action in PAYMENT_STEPS and is_seller(user, order) and not is_shop_owner(user, order):
            raise OrderError(_l("Only the shop's owner can confirm or refuse a payment: the "
                                "money goes to the owner's account."))
        status = effective_status(order, now)
        if status == "expired":
            raise OrderError(_l("This order has expired: it was not paid in time."))
        if action == "review" and is_buyer(user, order) and review_of(order) is not None:
            raise OrderError(_l("You have already reviewed this order."))
        if _takes_part_in(action, user, order):
            # A page opened before the other side (or another tab) moved the order on.
            from app.blueprints.shops.order_forms import STATUS_LABELS

            raise OrderError(_l("This order has changed since the page was opened: it is now "
                                "“%(status)s”. The page now shows what can be done.",
                                status=STATUS_LABELS[status]))
        raise OrderError(_l("This step is not possible at this stage of the order."))


#: The steps each side of an order takes, at one stage or another.
BUYER_STEPS = frozenset({"pay", "cancel", "receive", "review"})
SELLER_STEPS = frozenset({"shop-cancel", "ship", *PAYMENT_STEPS})


def _takes_part_in(action, user, order):
    """True when ``action`` is ``user``'s to take at some stage of ``order`` (the buyer's
    steps for its buyer; the shop's for its people, the payment steps for its owner)."""
    if action in BUYER_STEPS:
        return is_buyer(user, order)
    if action in PAYMENT_STEPS:
        return is_shop_owner(user, order)
    return action in SELLER_STEPS and is_seller(user, order)


def _lock_listing(listing_id):
    return db.session.scalar(select(Listing).where(Listing.id == listing_id)
                             .with_for_update().execution_options(populate_existing=True))


def lock_order(order_id):
    """The order, re-read and locked for the rest of the transaction (None if absent)."""
    return db.session.get(Order, order_id, with_for_update=True, populate_existing=True)


def order_refusal(listing, buyer, now=None):
    """Why ``buyer`` may not order ``listing`` (an :class:`OrderError`), or None. A suspended
    buyer or owner (ACC-5), a shop whose owner's payouts are held (MOD-8), a listing beyond
    its shop's plan (SHOP-2) and a listing its shop has paused are refused (the pages do not
    offer them; the service refuses them whatever is sent)."""
    from app.blueprints.moderation import enforcement

    now = now or utcnow()
    suspended = enforcement.suspension_refusal(buyer, now)
    if suspended is not None:
        return suspended
    shop = listing.shop
    held = enforcement.payouts_held_refusal(shop.owner_id, now)
    if held is not None:
        return held
    if enforcement.is_suspended(shop.owner, now):  # ACC-5: a suspended owner does not sell
        return OrderError(_l("This shop cannot take orders at the moment."))
    if not shop.plan_limits.buy_button:
        return OrderError(_l("This shop sells by contacting the seller; it has no Buy button."))
    if shop.status != "open":
        return OrderError(_l("This shop is closed."))
    if works_for_shop(buyer, shop):
        return OrderError(_l("You cannot buy from a shop you run or work for."))
    if listing.over_plan_since is not None:  # SHOP-2: hidden from buyers past the plan
        return OrderError(_l("This listing cannot be ordered at the moment."))
    if listing.is_paused:  # the shop took it off sale for now (pausing.py)
        return OrderError(_l("The seller has paused this listing: it cannot be ordered until "
                             "they put it back on sale."))
    if listing.status == "sold_out" or (listing.status == "active" and listing.quantity < 1):
        return OrderError(_l("This listing is sold out."))
    if listing.status != "active":
        return OrderError(_l("This listing cannot be ordered."))
    return None


#: A Thai phone number: 0 and 8 or 9 more digits (landline 02 123 4567, mobile 081 234 5678).
PHONE_PATTERN = re.compile(r"0[0-9]{8,9}")
#: A Thai postcode: five digits, the first not 0 (10110 Bangkok, 50200 Chiang Mai).
POSTCODE_PATTERN = re.compile(r"[1-9][0-9]{4}")
MAX_RECIPIENT_NAME, MAX_ADDRESS, MIN_ADDRESS = 100, 300, 10


@dataclass(frozen=True)
class ShippingAddress:
    """Where the buyer wants the parcel sent (SHOP-10), as :func:`clean_shipping_address`
    read it."""

    name: str
    phone: str
    address: str
    postcode: str


def clean_shipping_address(name, phone, address, postcode):
    """The recipient's name, phone (0 and 9 or 10 digits; Thai digits, spaces, dashes and +66
    read), address (house, street, subdistrict, district, province) and 5-digit postcode.
    Every problem is told at once (:class:`AccountErrors`)."""
    errors = []
    name = " ".join((name or "").split())
    if not name:
        errors.append(OrderError(_l("Please give the name of the person who receives the "
                                    "parcel."), field="recipient_name"))
    elif len(name) > MAX_RECIPIENT_NAME:
        errors.append(OrderError(_l("A name has at most %(n)d characters.",
                                    n=MAX_RECIPIENT_NAME), field="recipient_name"))
    phone = re.sub(r"[\s\-().]", "", to_arabic(phone or ""))
    if phone.startswith("+66"):
        phone = "0" + phone[3:]
    if not PHONE_PATTERN.fullmatch(phone):
        errors.append(OrderError(_l("Please give a Thai phone number of 9 or 10 digits starting "
                                    "with 0, for example 081 234 5678."), field="phone"))
    address = "\n".join(" ".join(line.split())
                        for line in normalise_newlines(address or "").split("\n")
                        if line.strip())
    if len(address) < MIN_ADDRESS:
        errors.append(OrderError(_l("Please write the full address: house number, street or "
                                    "village, subdistrict, district and province."),
                                 field="address"))
    elif len(address) > MAX_ADDRESS:
        errors.append(OrderError(_l("An address has at most %(n)d characters.",
                                    n=MAX_ADDRESS), field="address"))
    postcode = "".join(to_arabic(postcode or "").split())
    if not POSTCODE_PATTERN.fullmatch(postcode):
        errors.append(OrderError(_l("A postcode has 5 digits, for example 10110."),
                                 field="postcode"))
    if errors:
        raise AccountErrors(errors)
    return ShippingAddress(name, phone, address, postcode)


def quantity_refusal(listing, quantity):
    """Why ``quantity`` of ``listing`` cannot be ordered now (an :class:`OrderError` on the
    quantity field), or None. The order page tells it with the address's problems and beside
    the total as the buyer types, not only once the rest of the form is right."""
    if not isinstance(quantity, int) or not 1 <= quantity <= listing.quantity:
        if listing.quantity == 1:  # ("from 1 to 1" read oddly)
            return OrderError(_l("Only one is left: please order 1."), field="quantity")
        return OrderError(_l("Please order from 1 to %(n)d.", n=listing.quantity),
                          field="quantity")
    return None


def place_order(listing, buyer, quantity, *, now, ship_to=None):
    """Order ``quantity`` of ``listing``: the stock is reserved until the order is paid for.

    The listing row is locked and re-read first, so concurrent orders queue and the last
    units go to exactly as many buyers as there are units. The same order sent twice within
    ``REPEAT_WINDOW`` returns the first (a double tap), reserving nothing more.
    ``ship_to``: the :class:`ShippingAddress` the order page asked for.
    """
    listing = _lock_listing(listing.id)
    repeated = _just_placed(listing, buyer, quantity, now)
    if repeated is not None:
        return repeated
    refusal = order_refusal(listing, buyer, now)
    if refusal is not None:
        raise refusal
    too_many = quantity_refusal(listing, quantity)
    if too_many is not None:
        raise too_many
    listing.quantity -= quantity
    if listing.quantity == 0:
        listing.status, listing.sold_out_at = "sold_out", now
    order = Order(listing_id=listing.id, shop_id=listing.shop_id, buyer_id=buyer.id,
                  quantity=quantity, unit_price_satang=listing.price_satang,
                  total_satang=listing.price_satang * quantity, status="awaiting_payment",
                  item_title=listing.title, created_at=now, expires_at=now + payment_window())
    if ship_to is not None:
        order.ship_name, order.ship_phone = ship_to.name, ship_to.phone
        order.ship_address, order.ship_postcode = ship_to.address, ship_to.postcode
    db.session.add(order)
    db.session.flush()
    notify(order, "order_placed", now=now)
    return order


def _just_placed(listing, buyer, quantity, now):
    """The buyer's unpaid order of the same quantity of ``listing`` placed in the last
    ``REPEAT_WINDOW``, if any: a double tap on "Place the order" sends the form twice, and
    the second must not reserve the stock again. (The listing row is locked, so the second
    request sees the first one's order.) An order stamped after ``now`` counts too: the two
    requests of a tap read the clock before either took the lock, in either order."""
    return db.session.scalar(select(Order).where(
        Order.listing_id == listing.id, Order.buyer_id == buyer.id, Order.quantity == quantity,
        Order.status == "awaiting_payment", Order.created_at > now - REPEAT_WINDOW)
        .order_by(Order.id.desc()).limit(1))


def _release_stock(order):
    """Give an unpaid order's quantity back to its listing (order row already locked).

    A listing its seller marked sold out (by hand, after this order) stays sold out."""
    listing = _lock_listing(order.listing_id)
    if _sold_out_by_seller_since(listing, order):
        return
    listing.quantity += order.quantity
    if listing.status == "sold_out" and listing.quantity > 0:
        listing.status, listing.sold_out_at = "active", None


def _sold_out_by_seller_since(listing, order):
    """True when the seller marked the listing sold out after ``order`` was placed.

    An order that takes the last item sets ``sold_out_at`` but not ``updated_at``; the
    seller's "mark sold out" (or an edit to quantity 0) sets both to the same moment."""
    return (listing.status == "sold_out" and listing.quantity == 0
            and listing.sold_out_at is not None and listing.sold_out_at > order.created_at
            and listing.updated_at >= listing.sold_out_at)


def cancel_order(order, buyer, *, now):
    """The buyer cancels an unpaid order; the quantity goes back on sale."""
    _require(order, buyer, "cancel", now)
    _release_stock(order)
    order.status, order.closed_at, order.cancelled_by = "cancelled", now, "buyer"
    db.session.flush()
    notify(order, "order_cancelled", now=now)


def expire_order(order_id, now):
    """Expire one unpaid order past its deadline and release its stock; True if it did.

    Idempotent: an order already settled, or not yet due, is left alone.
    """
    order = lock_order(order_id)
    if order is None or order.status != "awaiting_payment" or now < order.expires_at:
        return False
    _release_stock(order)
    order.status, order.closed_at = "expired", now
    db.session.flush()
    notify(order, "order_expired")
    return True


def due_order_ids(now, limit=500):
    """Ids of unpaid orders whose time to pay has run out."""
    return db.session.scalars(select(Order.id).where(
        Order.status == "awaiting_payment", Order.expires_at <= now)
        .order_by(Order.expires_at, Order.id).limit(limit)).all()


def submit_payment(order, buyer, method, slip_key, *, now):
    """The buyer says how they paid and sends the slip (a private image already stored)."""
    _require(order, buyer, "pay", now)
    if method not in PAYMENT_METHODS:
        raise OrderError(_l("Please choose how you paid."), field="method")
    if not slip_key:
        raise OrderError(_l("Please add a photo of the payment slip."), field="slip")
    old_key = order.slip_key
    order.payment_method, order.slip_key, order.status = method, slip_key, "payment_submitted"
    order.slip_sent_at, order.slip_refused_at = now, None
    db.session.flush()
    if old_key and old_key != slip_key:  # the rejected slip is no longer shown to anyone
        after_commit(db.session, lambda: delete_image(old_key, "private"))
    notify(order, "order_payment_submitted", now=now)


def confirm_payment(order, seller, *, now):
    """The seller has received the money: the order is paid and counts as a sale."""
    _require(order, seller, "confirm-payment", now)
    order.status, order.paid_at = "paid", now
    db.session.flush()
    from app.blueprints.shops import activity  # RANK-2: sales counted with the change

    activity.record(order.listing_id, now, sales=order.quantity)
    notify(order, "order_paid", now=now)


def reject_payment(order, seller, *, now):
    """The seller did not receive the money: the buyer may pay again, with a fresh deadline."""
    _require(order, seller, "reject-payment", now)
    order.status, order.expires_at = "awaiting_payment", now + payment_window()
    order.slip_refused_at = now
    db.session.flush()
    notify(order, "order_payment_rejected", now=now)


def buyer_conversation(order, seller, now):
    """The conversation between the order's buyer and the shop about the ordered listing,
    opened if none was, so the seller can write to the buyer (SHOP-5, SHOP-10). It opens
    whatever became of the listing since (deleted, hidden): the order still has to be paid,
    shipped or sorted out."""
    from app.blueprints.shops.message_services import open_conversation

    if not is_seller(seller, order):
        raise OrderError(_l("Only the shop can write to the buyer of this order."))
    conversation, _created = open_conversation(order.listing, order.buyer, now)
    return conversation


def seller_conversation(order, buyer, now):
    """The same conversation opened by the order's buyer, from the order: the listing's own
    "contact the seller" is gone once the shop deletes the listing or a moderator hides it,
    and the buyer must still be able to ask about what they ordered (SHOP-5, SHOP-10)."""
    from app.blueprints.shops.message_services import open_conversation

    if not is_buyer(buyer, order):
        raise OrderError(_l("Only the buyer can write to the shop about this order."))
    conversation, _created = open_conversation(order.listing, buyer, now)
    return conversation


def clean_tracking_number(text):
    """Upper-case letters, digits and dashes, 6 to 40 of them; spaces are dropped and Thai
    digits read as 0-9 (as prices are)."""
    value = to_arabic("".join((text or "").split())).upper()
    if not 6 <= len(value) <= 40 or not set(value) <= TRACKING_CHARACTERS:
        raise OrderError(_l("A tracking number has 6 to 40 letters, digits or dashes."),
                         field="tracking_number")
    return value


def ship_order(order, seller, carrier, tracking_number, *, now):
    """The seller sends the parcel and gives the carrier and tracking number."""
    _require(order, seller, "ship", now)
    if carrier not in CARRIERS:
        raise OrderError(_l("Please choose the carrier."), field="carrier")
    order.carrier, order.tracking_number = carrier, clean_tracking_number(tracking_number)
    order.status, order.shipped_at = "shipped", now
    db.session.flush()
    notify(order, "order_shipped", now=now)


def confirm_receipt(order, buyer, *, now):
    """The buyer has the item: the order is completed."""
    _require(order, buyer, "receive", now)
    order.status, order.completed_at, order.closed_at = "completed", now, now
    db.session.flush()
    notify(order, "order_completed", now=now)


def leave_review(order, buyer, rating, comment, *, now):
    """The buyer rates the shop 1–5 once per completed order (SHOP-6); the shop's totals
    change in the same transaction, with an SQL increment so no concurrent review is lost."""
    from app.blueprints.moderation.enforcement import check_can_act

    check_can_act(buyer, now)  # ACC-5: a review is a post
    _require(order, buyer, "review", now)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise OrderError(_l("Please choose from 1 to 5 stars."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise OrderError(_l("A comment has at most 1,000 characters."), field="comment")
    review = Review(order_id=order.id, shop_id=order.shop_id, buyer_id=buyer.id, rating=rating,
                    comment=comment, created_at=now)
    db.session.add(review)
    db.session.execute(update(Shop).where(Shop.id == order.shop_id).values(
        rating_count=Shop.rating_count + 1, rating_total=Shop.rating_total + rating))
    db.session.flush()
    return review


def buyers_open_order(listing, buyer, now):
    """``buyer``'s newest order of ``listing`` still under way, or None (SHOP-10). The order
    form and the listing page name it: a buyer who comes back to them (the Back button after
    ordering, a second tab, a link in a message) is not led to reserve the item again, and a
    buyer who took the last one is not told only "sold out"."""
    if not is_member(buyer):
        return None
    return db.session.scalar(select(Order).where(
        Order.listing_id == listing.id, Order.buyer_id == buyer.id,
        Order.status.in_(OPEN_STATUSES),
        ~((Order.status == "awaiting_payment") & (Order.expires_at <= now)))
        .order_by(Order.id.desc()).limit(1))


def open_orders_of(listing, now):
    """The listing's orders still under way (an unpaid one past its deadline has expired)."""
    return db.session.scalars(select(Order).where(
        Order.listing_id == listing.id, Order.status.in_(OPEN_STATUSES),
        ~((Order.status == "awaiting_payment") & (Order.expires_at <= now)))
        .order_by(Order.id)).all()


def latest_reviews(shop, limit=10):
    """The shop's newest reviews, for its page."""
    return db.session.scalars(select(Review).where(Review.shop_id == shop.id)
                              .options(selectinload(Review.buyer))
                              .order_by(Review.created_at.desc(), Review.id.desc())
                              .limit(limit)).all()


#: Reviews on one page of a shop's reviews.
REVIEWS_PER_PAGE = 20


def reviews_page(shop, page, per_page=REVIEWS_PER_PAGE):
    """One page of the shop's reviews, newest first, and the number of pages (SHOP-6)."""
    total = db.session.scalar(select(func.count(Review.id)).where(Review.shop_id == shop.id))
    reviews = db.session.scalars(select(Review).where(Review.shop_id == shop.id)
                                 .options(selectinload(Review.buyer))
                                 .order_by(Review.created_at.desc(), Review.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page)).all()
    return reviews, max(1, -(-total // per_page))


def order_link(order):
    """An absolute link to the order page for e-mails (also from jobs, outside a request)."""
    path = current_app.url_map.bind("localhost").build("shops.order", {"order_id": order.id})
    return current_app.config.get("SITE_URL", "") + path


#: The steps the other side hears of on the site too (SHOP-10), not only by e-mail: the
#: header's Notifications is what a phone shows. ``template``: (who is told, notice kind).
SITE_NOTICES = {"order_placed": ("seller", "order_placed_shop"),
                "order_cancelled": ("seller", "order_cancelled_buyer"),
                "order_payment_submitted": ("seller", "order_slip_sent"),
                "order_paid": ("buyer", "order_paid_buyer"),
                "order_payment_rejected": ("buyer", "order_payment_refused"),
                "order_shipped": ("buyer", "order_shipped_buyer"),
                "order_address_changed": ("seller", "order_new_address_shop"),
                "order_completed": ("seller", "order_received_shop")}


def notify(order, template, now=None, **context):
    """E-mail the buyer and the shop's owner about a step (sent after commit), and put the
    steps of :data:`SITE_NOTICES` among the other side's notifications (at ``now``);
    ``context``: more for the template."""
    link = order_link(order)
    owner = order.shop.owner
    for user, role in ((order.buyer, "buyer"), (owner, "seller")):
        queue_mail(user.email, template, user=user, order=order, role=role, link=link,
                   **context)
    site = SITE_NOTICES.get(template)
    if site is not None and now is not None:
        from app.notifications import notify_about

        role, kind = site
        notify_about(owner if role == "seller" else order.buyer, kind, target_type="order",
                     target_id=order.id, now=now, email=False,
                     facts={"order": f"#{order.id}", "title": order.title,
                            "shop": order.shop.name, "buyer": order.buyer.display_name})


def cancel_orders_of(user, *, now):
    """Cancel every open order ``user`` placed or their shops received (a MOD-8 sanction):
    unshipped stock goes back on sale as when a buyer cancels. Returns how many."""
    owned = select(Shop.id).where(Shop.owner_id == user.id)
    ids = db.session.scalars(select(Order.id).where(
        Order.status.in_(OPEN_STATUSES),
        (Order.buyer_id == user.id) | Order.shop_id.in_(owned)).order_by(Order.id)).all()
    count = 0
    for order_id in ids:
        order = lock_order(order_id)
        if order is None or order.status not in OPEN_STATUSES:
            continue
        if order.status != "shipped":
            _release_stock(order)
        order.status, order.closed_at, order.cancelled_by = "cancelled", now, "moderation"
        _tell_other_party(order, user, now)
        count += 1
    db.session.flush()
    return count


def _tell_other_party(order, sanctioned, now):
    """The buyer or seller facing a sanctioned member learns why their order was cancelled."""
    from app.notifications import notify_about

    other = order.shop.owner if order.buyer_id == sanctioned.id else order.buyer
    if other is None or other.id == sanctioned.id:
        return
    notify_about(other, "order_cancelled_mod", target_type="order",
                 target_id=order.id, facts={"title": order.title,
                                            "order": f"#{order.id}"}, now=now)
