"""Deleting an account (ACC-9). The member asks; the deletion completes only when nothing they
take part in is still open (orders, auctions, sales, IP-address requests, complaints about
their pages, running sanctions, appeals). Until then the request waits, and the
``complete-account-deletions`` job retries it (the member can also retry, or withdraw it).

On completion the member is told by e-mail first, then the account becomes a tombstone: a
unique dead e-mail address, the display name "deleted member #id", an unusable password, no
guardian data, no sessions, shops closed (without their bank and PromptPay details), the
addresses their orders were sent to cleared, listings deleted, follows, watches, notices,
earlier e-mails and the sign-ups of the address gone. What the rules require to keep stays:
the traffic log (no foreign key), complaints, the audit log, sanctions, orders and sales.
Messages stay for the other party, signed by the tombstone.
"""
import secrets
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, or_, select, update

from app.blueprints.accounts import passwords, sessions
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.services import adult_condition, display_name_key
from app.extensions import db
from app.mail import queue_mail
from app.models import (
    AccountDeletion, Appeal, Auction, AuctionWatch, Bid, Complaint, ComplaintTarget, EmailMessage,
    Follow, IpRequest, Listing, Notification, Order, PasswordResetToken, PendingSignUp, Sale,
    Sanction, Shop, ShopCircle, ShopStaff, User, Watch)
from app.models.accounts import TOMBSTONE_NAME
from app.models.ip_requests import HOLDING_STATUSES

OPEN_ORDER_STATUSES = ("awaiting_payment", "payment_submitted", "paid", "shipped")
OPEN_COMPLAINT_STATUSES = ("received", "needs_info")
#: Stands in for the cleared birth date (the column is required); never shown.
TOMBSTONE_BIRTH_DATE = date(1900, 1, 1)
#: The goodbye e-mail is the last record of the old address and name: it is deleted once
#: delivered or given up, and from the admin's outbox (no mail server) after a week.
GOODBYE_KIND = "account_deleted"
GOODBYE_OUTBOX_DAYS = 7

#: What can hold a deletion back, in the order the page lists it.
BLOCKER_LABELS = {
    "orders_buying": _l("Orders you placed that are not completed or cancelled"),
    "orders_selling": _l("Orders in your shops that are not completed or cancelled"),
    "auctions_selling": _l("Your auctions that are running or not yet settled"),
    "auctions_bidding": _l("Running auctions you have bid on (a bid is a promise to buy)"),
    "sales": _l("Won or sold auctions whose deal is not completed"),
    "ip_requests": _l("IP-address requests by you or about you that are not closed"),
    "complaints": _l("Complaints about your pages that are still being handled"),
    "sanctions": _l("A sanction on your account that is still running"),
    "appeals": _l("Your appeals waiting for a decision"),
    "last_admin": _l("You are the site's only admin: give another member the admin role "
                     "first"),
}


#: The password hash of a deleted account begins so (it matches no password).
DELETED_MARK = "!deleted-"


def is_deleted(user):
    """True for an account its member deleted (ACC-9): kept closed for good."""
    return (user.password_hash or "").startswith(DELETED_MARK)


def _any(query):
    return bool(db.session.scalar(select(exists(query))))


def blockers(user, now):
    """The codes of :data:`BLOCKER_LABELS` that are open for ``user`` now."""
    uid = user.id
    own_shops = select(Shop.id).where(Shop.owner_id == uid)
    checks = {
        "orders_buying": select(Order.id).where(Order.buyer_id == uid,
                                                Order.status.in_(OPEN_ORDER_STATUSES)),
        "orders_selling": select(Order.id).where(Order.shop_id.in_(own_shops),
                                                 Order.status.in_(OPEN_ORDER_STATUSES)),
        "auctions_selling": select(Auction.id).where(Auction.seller_id == uid,
                                                     Auction.settled_at.is_(None)),
        "auctions_bidding": select(Bid.id).join(Auction, Auction.id == Bid.auction_id).where(
            Bid.bidder_id == uid, Auction.settled_at.is_(None)),
        "sales": select(Sale.id).where(or_(Sale.buyer_id == uid, Sale.seller_id == uid),
                                       Sale.step != "completed"),
        "ip_requests": select(IpRequest.id).where(
            or_(IpRequest.requester_id == uid, IpRequest.accused_id == uid),
            IpRequest.status.in_(HOLDING_STATUSES)),
        "complaints": select(ComplaintTarget.id).join(
            Complaint, Complaint.id == ComplaintTarget.complaint_id).where(
            ComplaintTarget.owner_id == uid, Complaint.status.in_(OPEN_COMPLAINT_STATUSES)),
        "sanctions": select(Sanction.id).where(
            Sanction.user_id == uid, Sanction.lifted_at.is_(None),
            Sanction.ends_at.is_not(None), Sanction.ends_at > now),
        "appeals": select(Appeal.id).where(Appeal.appellant_id == uid, Appeal.decision == ""),
    }
    found = [code for code, query in checks.items() if _any(query)]
    if user.role == "admin" and not _any(select(User.id).where(
            User.role == "admin", User.id != uid, User.closed_at.is_(None),
            adult_condition(User.birth_date, now))):  # under 18: no admin rights (ACC-3)
        found.append("last_admin")  # a deleted admin becomes a member: none would be left
    return found


def waiting_request(user):
    """The member's deletion request that has neither completed nor been withdrawn."""
    return db.session.scalar(select(AccountDeletion).where(
        AccountDeletion.user_id == user.id, AccountDeletion.completed_at.is_(None),
        AccountDeletion.cancelled_at.is_(None)))


def request_deletion(user, password, *, now):
    """The member asks, confirming with their password; the deletion is attempted at once.
    Returns the :class:`AccountDeletion` (``completed_at`` set when it is done)."""
    if not passwords.verify_password(user.password_hash, password or ""):
        raise AccountError(_l("The password is not right."), field="password")
    deletion = waiting_request(user)
    if deletion is None:
        deletion = AccountDeletion(user_id=user.id, requested_at=now, blockers="")
        db.session.add(deletion)
        db.session.flush()
    attempt(deletion, now=now)
    return deletion


def cancel(user, *, now):
    """Withdraw the waiting request, if any."""
    deletion = waiting_request(user)
    if deletion is not None:
        deletion.cancelled_at = now
    return deletion


def attempt(deletion, *, now):
    """Complete ``deletion`` if nothing is open any more; otherwise note what still is.
    Returns True when the account was deleted."""
    if deletion.completed_at is not None or deletion.cancelled_at is not None:
        return False
    user = db.session.get(User, deletion.user_id)
    deletion.last_attempt_at = now
    found = blockers(user, now)
    deletion.blockers = ",".join(found)
    if found:
        return False
    _anonymise(user, now)
    deletion.completed_at = now
    return True


def forget_goodbye_mails(now):
    """Delete the goodbye e-mails that are done with (see :data:`GOODBYE_KIND`)."""
    done = or_(EmailMessage.status.in_(("sent", "failed", "dropped")),
               and_(EmailMessage.status == "outbox",
                    EmailMessage.delivered_at < now - timedelta(days=GOODBYE_OUTBOX_DAYS)))
    return db.session.execute(delete(EmailMessage).where(
        EmailMessage.kind == GOODBYE_KIND, done)).rowcount


def run_waiting(now):
    """Job: retry every waiting request (and forget delivered goodbye e-mails). Returns how
    many completed."""
    forget_goodbye_mails(now)
    waiting = db.session.scalars(select(AccountDeletion).where(
        AccountDeletion.completed_at.is_(None), AccountDeletion.cancelled_at.is_(None))
        .order_by(AccountDeletion.id)).all()
    return sum(1 for deletion in waiting if attempt(deletion, now=now))


def _close_shops_and_listings(user, now):
    from app.blueprints.shops.errors import ShopError
    from app.blueprints.shops.listing_services import delete_listing
    from app.blueprints.shops.shop_services import close_shops_of

    owned = select(Shop.id).where(Shop.owner_id == user.id)
    for listing in db.session.scalars(select(Listing).where(
            Listing.shop_id.in_(owned), Listing.status.in_(("active", "sold_out")))).all():
        try:
            delete_listing(listing, now=now, refit=False)  # the shop closes: none shows
        except ShopError:  # a FAKE sign keeps it as evidence; the closed shop hides it
            pass
    close_shops_of(user, now)
    # Where buyers paid the member (their name, account and PromptPay number) is theirs;
    # every order has settled by now, so nothing needs it any more.
    db.session.execute(update(Shop).where(Shop.owner_id == user.id).values(
        bank_name="", bank_account_name="", bank_account_number="", promptpay_id=""))


def _anonymise(user, now):
    """Tell the member, then turn the account into a tombstone (see the module docstring).
    Earlier e-mails to the member (their address, name and notices) go; one a worker is
    sending right now is left to finish."""
    db.session.execute(delete(EmailMessage).where(EmailMessage.user_id == user.id,
                                                  EmailMessage.status != "sending"))
    queue_mail(user.email, "account_deleted", user=user)
    _close_shops_and_listings(user, now)
    # Where the member had parcels sent (name, phone, address) is theirs; every order they
    # placed has settled by now (see :func:`blockers`), so no shop needs it any more.
    db.session.execute(update(Order).where(Order.buyer_id == user.id).values(
        ship_name="", ship_phone="", ship_address="", ship_postcode=""))
    for model in (ShopStaff, ShopCircle, Follow, Watch, AuctionWatch, Notification,
                  PasswordResetToken):
        db.session.execute(delete(model).where(model.user_id == user.id))
    # The sign-ups of the address hold a password hash, a birth date, perhaps a guardian's
    # address; a used one would also answer a log-in with the old password (``unconfirmed``).
    db.session.execute(delete(PendingSignUp).where(PendingSignUp.email == user.email))
    sessions.end_all_sessions(user)
    name = TOMBSTONE_NAME.format(id=user.id)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.display_name, user.display_name_key = name, display_name_key(name)
    user.password_hash = DELETED_MARK + secrets.token_hex(16)  # matches no password
    user.birth_date = TOMBSTONE_BIRTH_DATE
    user.guardian_name = user.guardian_email = user.guardian_consent_at = None
    user.role = "member"
    user.last_login_at = None
    user.closed_at = user.closed_at or now
    user.updated_at = now
    from app.blueprints.moderation import audit  # (accounts load before moderation)

    audit.record(None, "account.delete", "user", user.id, after={"deleted": True}, now=now)
    db.session.flush()
