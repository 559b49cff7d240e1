"""Bidding and buying now, each in two steps: the confirmation says exactly what will happen,
then the bid is placed (AUC-6, AUC-8, AUC-9)."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions import bidding, bp, engine, queries
from app.blueprints.auctions.auction_views import (auction_or_404, bid_box_refusal, may_see,
                                                   render_auction_page)
from app.blueprints.auctions.forms import BidForm
from app.blueprints.auctions.state import (bidding_state, buy_now_available, phase,
                                           suggested_bid)
from app.database import commit_keeping_loaded, rollback_keeping_loaded, utcnow
from app.devices import device_id
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import render_page_or_fragment, wants_fragment
from app.models import Auction
from app.money import (
    TOO_MANY_DECIMALS, AmountTooLarge, TooManyDecimals, parse_baht, satang_to_input)
from app.net import client_ip


def _amount(form):
    try:
        return parse_baht(form.amount.data)
    except AmountTooLarge:
        form.amount.errors = list(form.amount.errors) + [str(bidding.refusal_message(
            engine.BidRefused("too_high", engine.MAX_BID_SATANG)))]
        return None
    except TooManyDecimals:
        form.amount.errors = list(form.amount.errors) + [str(TOO_MANY_DECIMALS)]
        return None
    except ValueError:
        form.amount.errors = list(form.amount.errors) + [
            str(_l("Please enter an amount in baht, for example 1500 or 1,500."))]
        return None


def _check(auction, amount, proxy, now, staff):
    """Run the rules without placing anything: the refusal, or None."""
    refusal = bidding.bidder_refusal(auction, current_user, now, staff=staff)
    if refusal is not None:
        return refusal
    try:
        engine.place(bidding_state(auction), current_user.id, amount, proxy=proxy)
    except engine.BidRefused as error:
        return AccountError(bidding.refusal_message(error), field="amount")
    return None


#: ``my_max`` of :func:`_bid_box` when the caller has not read it.
UNREAD = object()


def _refused(auction, form, error, my_max=UNREAD):
    from app.blueprints.accounts.views import show_error

    show_error(form, error)
    return _bid_box(auction, form, 422, my_max=my_max)


def _bid_box(auction, form, status, my_max=UNREAD, notice=None):
    """The bid box alone under htmx, computing only what it shows (the live panel updates
    itself); the whole auction page otherwise. ``form``: the form to show again (None: a
    fresh one); ``my_max``: the member's maximum (None: no bid yet) when the caller knows it
    (read from the bids otherwise); ``notice``: ``(category, message)`` shown at the top of
    the box."""
    if not wants_fragment():
        return render_auction_page(_whole(auction), form, status)
    now = utcnow()
    if form is None:
        form = BidForm(formdata=None)
        form.amount.data = satang_to_input(suggested_bid(auction, current_user.id))
    if my_max is UNREAD:
        my_max = queries.my_maximum(current_user.id, auction.id)
    response = make_response(render_template(
        "auctions/_bid_box.html", auction=auction, form=form, phase=phase(auction, now),
        my_max=my_max, buy_now=buy_now_available(auction, now),
        notices=[notice] if notice else [], cannot_act=bid_box_refusal(auction, now)), status)
    response.headers.add("Vary", "HX-Request")
    return response


def _mending_history(attempt):
    """``attempt(False)``; when the auction's count of history lines had fallen behind
    (:class:`bidding.HistoryBehind`), rolled back and made again as ``attempt(True)``, which
    mends the count under the auction's lock before numbering (no other writer of the
    history can come in between, so it does not clash again)."""
    try:
        return attempt(False)
    except bidding.HistoryBehind:
        db.session.rollback()
        return attempt(True)


@bp.route("/<int:auction_id>/bid", methods=["POST"])
@login_required
def bid(auction_id):
    """First post: the confirmation step. Second post (``confirmed``): the bid itself."""
    return _mending_history(lambda mend: _bid(auction_id, mend))


def _bid(auction_id, mend_history):
    form = BidForm()
    if not form.validate_on_submit():
        return _bid_box(auction_or_404(auction_id), form, 422)
    amount = _amount(form)
    if amount is None:
        return _bid_box(auction_or_404(auction_id), form, 422)
    proxy = form.mode.data != "direct"
    if form.confirmed.data == "yes":
        # Straight to the lock: the rules run there, once, against the state the bidder
        # confirmed; the clock is read there too (AUC-7).
        locked = bidding.lock_for_bid(auction_id, current_user.id, ip=client_ip(),
                                      device=device_id(), mend_history=mend_history)
        if locked is None or not may_see(locked.auction):  # CMP-3: hidden, as on the page
            db.session.rollback()
            abort(404)
        auction = locked.auction
        # Other bids since the confirmation do not matter as long as what it said still
        # holds: the same bidder is (or is not) the leader; the rules run again on the
        # current state. Otherwise the bidder is asked again.
        shown_leading = form.leading.data == "1"
        if form.version.data == str(auction.version) or \
                shown_leading == (auction.leader_id == current_user.id):
            return _place(locked, form, amount, proxy)
        # The new confirmation (or the refusal) is drawn from the locked row, and the lock let
        # go before it is rendered.
        error = _check(auction, amount, proxy, utcnow(), locked.signals.staff)
        rollback_keeping_loaded(db.session, current_user._get_current_object())
        changed = True
    else:
        found = bidding.auction_for_bidder(auction_id, current_user.id)
        if found is None or not may_see(found.Auction):
            abort(404)
        auction = found.Auction
        error = _check(auction, amount, proxy, utcnow(), found.staff)
        changed = False
    if error is not None:
        return _refused(auction, form, error)
    leading = auction.leader_id == current_user.id
    form.version.data, form.confirmed.data = str(auction.version), "yes"
    form.leading.data = "1" if leading else "0"
    return render_page_or_fragment(
        "auctions/confirm_bid.html", "auctions/_bid_confirm.html", form=form,
        auction=_whole(auction), amount=amount, proxy=proxy, changed=changed, leading=leading)


def _whole(auction):
    """The auction as an entity when a whole page is rendered (a locked row has no photos,
    seller or description); as it is for a fragment."""
    if isinstance(auction, bidding.LockedAuction) and not wants_fragment():
        return db.session.get(Auction, auction.id)
    return auction


def _place(locked, form, amount, proxy):
    """Place the confirmed bid on the ``locked`` auction and commit."""
    auction = locked.auction
    auction_id, bidder_id = auction.id, current_user.id
    try:
        bidding.place_locked_bid(locked, current_user, amount, proxy=proxy)
        leading = auction.leader_id == bidder_id
        # The answer shows the state this bid left, so nothing needs reading again. The
        # bidder's maximum is now this amount: an accepted bid is above each of their
        # earlier maxima (a member not leading has been outbid above all of them; a leader
        # may only raise theirs, AUC-9).
        commit_keeping_loaded(db.session)
    except AccountError as error:
        # Refused before anything was changed: the locked row is the current state. The
        # member's maximum is read again under the lock (the locking statement's may be older
        # when another post of theirs committed while this one waited for the lock).
        my_max = queries.my_maximum(bidder_id, auction_id)
        rollback_keeping_loaded(db.session, current_user._get_current_object())
        return _refused(auction, form, error, my_max=my_max)
    if leading:
        notice = ("success", _l("Your bid is in: you are the highest bidder."))
    elif auction.current_price_satang == amount:
        # The price rose to this amount exactly: the leader's maximum is the same, and the
        # earlier of two equal maxima wins (AUC-9); "higher" would not be true.
        notice = ("warning", _l("Your bid is in, but another bidder had set the same maximum "
                                "earlier, and the earlier one wins a tie: you have been "
                                "outbid."))
    else:
        notice = ("warning", _l("Your bid is in, but another bidder's earlier maximum is "
                                "higher: you have been outbid."))
    if wants_fragment():
        # The box comes back with the notice in it (not through the session, which would
        # then be signed and sent again) and the same form, set for the next bid.
        form.amount.data = satang_to_input(suggested_bid(auction, current_user.id))
        return _bid_box(auction, form, 200, my_max=amount, notice=notice)
    flash(notice[1], notice[0])
    return redirect(url_for("auctions.auction", auction_id=auction_id))


@bp.route("/<int:auction_id>/buy-now", methods=["POST"])
@login_required
def buy_now(auction_id):
    """Buy at the buy-now price after a confirmation; the auction ends at once (AUC-8)."""
    auction = auction_or_404(auction_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    now = utcnow()
    if request.form.get("confirmed") != "yes":
        refusal = bidding.bidder_refusal(auction, current_user, now)
        if refusal is None and not engine.buy_now_available(bidding_state(auction)):
            # No confirmation page offering a purchase the next step would refuse (AUC-8).
            refusal = AccountError(bidding.refusal_message(engine.BidRefused("no_buy_now")))
        if refusal is not None:
            flash(refusal.message, "error")
            return redirect(url_for("auctions.auction", auction_id=auction.id))
        return render_template("auctions/confirm_buy_now.html", auction=auction, form=form)
    try:
        _mending_history(lambda mend: bidding.buy_now(
            auction_id, current_user, ip=client_ip(), device=device_id(), mend_history=mend))
        db.session.commit()
        flash(_l("You bought it. The seller will be in touch about payment and delivery."),
              "success")
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("auctions.auction", auction_id=auction_id))
