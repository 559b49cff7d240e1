"""An auction's page, its live panel (SSE stream and polling fallback), watching, photos and
the seller's early end."""
import threading
import time

from flask import (abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions import bp, lifecycle, queries, sales
from app.blueprints.auctions.bidding import lock_auction
from app.blueprints.auctions.forms import BidForm
from app.blueprints.auctions.panel import fresh_panel, render_panel
from app.blueprints.auctions.state import (buy_now_available, phase,
                                           seller_may_end, suggested_bid)
from app.blueprints.auctions.visibility import may_see_auction, sees_adult, sees_as_owner
from app.blueprints.auctions.watching import toggle_watch
from app.blueprints.shops.forms import RATING_LABELS
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import render_page_or_fragment, wants_fragment
from app.i18n import current_language
from app.live import bus, stream_slots
from app.live.sse import Wait, sse_event, sse_response
from app.models import Auction, AuctionPhoto
from app.models.auctions import AUCTION_RATINGS
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from app.money import satang_to_input
from app.permissions import is_member
from app.server_clock import stamped, unstamped
from app.uploads import send_image


def may_see(auction):
    """Whether the current user may see ``auction``
    (:func:`~app.blueprints.auctions.visibility.may_see_auction`): an 18+ auction is not
    there for a visitor or an under-18 member (RANK-1, ACC-3), nor one hidden after an upheld
    complaint (CMP-3) for anyone but its seller and moderators."""
    return may_see_auction(current_user, auction, utcnow())


def sees_hidden(auction):
    """Whether the current user still sees ``auction`` while it is hidden (CMP-3) or rated
    for others (RANK-1): its seller, a moderator."""
    return sees_as_owner(current_user, auction)


def auction_or_404(auction_id):
    """The auction, or 404 (also when its publication is suspended, except for its seller and
    moderators, and when it is 18+ and the viewer may not see it: RANK-1, ACC-3)."""
    auction = db.get_or_404(Auction, auction_id)
    if not may_see(auction):
        abort(404)
    return auction


#: Who may see an auction, in the listing form's words (RANK-1).
AUCTION_RATING_LABELS = {key: RATING_LABELS[key] for key in AUCTION_RATINGS}


def _viewer():
    return current_user.id if is_member(current_user) else None


def page_context(auction, now, form=None):
    """What the auction page shows around the live panel."""
    viewer = _viewer()
    facts = queries.viewer_facts(viewer, auction.id)
    if form is None:
        form = BidForm(formdata=None)
        form.amount.data = satang_to_input(suggested_bid(auction, viewer))
    return dict(
        auction=auction, now=now, form=form, phase=phase(auction, now),
        panel=render_panel(auction, viewer, facts.has_bid, now),
        watching=facts.watching, my_max=facts.my_max,
        buy_now=buy_now_available(auction, now), may_end=seller_may_end(auction, now),
        seller_score=sales.feedback_score(auction.seller_id),
        sale_id=_sale_for(auction, viewer), cannot_act=bid_box_refusal(auction, now),
        rating_labels=AUCTION_RATING_LABELS)


def bid_box_refusal(auction, now):
    """ACC-5: the current member's suspension (with its appeal state), shown in the bid box
    of an open auction in place of the bid and buy-now forms the services would refuse (not
    to its seller, who has no form there); None otherwise."""
    from app.blueprints.moderation.enforcement import suspension_refusal

    if not is_member(current_user) or current_user.id == auction.seller_id or \
            phase(auction, now) != "open":
        return None
    return suspension_refusal(current_user, now)


def _sale_for(auction, viewer):
    """The sale's id when ``viewer`` sold this auction (its page leads there: the payment and
    delivery steps and the feedback live on it), else None. The buyer's way there is in the
    live panel, beside "You won this auction"."""
    if viewer is None or auction.settled_at is None or viewer != auction.seller_id:
        return None
    return queries.sale_id(auction.id)


@bp.route("/<int:auction_id>")
def auction(auction_id):
    """An auction's page: photos, description, the live bid panel and the bid form."""
    # (The leader's name is only read when the shared panel is drawn anew: not loaded here.)
    auction = db.session.scalar(select(Auction).where(Auction.id == auction_id).options(
        joinedload(Auction.category), joinedload(Auction.seller),
        selectinload(Auction.photos)))
    if auction is None or not may_see(auction):
        abort(404)
    return render_template("auctions/auction.html",
                           **page_context(auction, utcnow(), form=_bid_as_typed()))


def _bid_as_typed():
    """The bid form as the member typed it when "Change" on the server's confirmation led
    back here (``?amount=…&mode=…``), so nothing typed is lost; None otherwise."""
    amount = request.args.get("amount")
    if amount is None or not is_member(current_user):
        return None
    form = BidForm(formdata=None)
    form.amount.data = amount[:20]
    if request.args.get("mode") in ("proxy", "direct"):
        form.mode.data = request.args["mode"]
    return form


#: htmx stops polling an element answered with this status (and still swaps the answer in).
STOP_POLLING = 286


@bp.route("/<int:auction_id>/panel")
def panel(auction_id):
    """The live panel alone: what pages poll when server-sent events are unavailable.

    To a page polling an auction its viewer may no longer see (hidden, CMP-3; or gone) the
    answer is the panel's last word (:func:`_panel_gone`), not a 404 the page would poll
    for ever without a word to the member. That last word asks now and then (``gone=1``)
    whether the auction is back: 204 (nothing to swap) while it is not, the whole live panel
    once it is published again (:func:`_panel_back`)."""
    auction = db.session.get(Auction, auction_id)
    visible = auction is not None and may_see(auction)
    if not wants_fragment():
        if not visible:
            abort(404)
        return redirect(url_for("auctions.auction", auction_id=auction.id))
    asks_if_back = request.args.get("gone") == "1"
    if visible and asks_if_back:
        response = _panel_back(auction)
    elif visible:
        viewer = _viewer()
        html = render_panel(auction, viewer, viewer is not None and queries.has_bid(
            viewer, auction.id))
        response = current_app.make_response(html)
    elif asks_if_back:
        response = current_app.response_class(status=204)
    else:
        response = _panel_gone(auction_id)
    response.headers["Cache-Control"] = "no-store"
    response.headers.add("Vary", "HX-Request")
    return response


def _panel_gone(auction_id):
    """The polled panel's last answer once the auction is hidden from the viewer (or gone):
    says so in place of the panel and nothing of the auction (not even whether it exists).
    Status 286 stops htmx's polling; the answer replaces the whole panel (HX-Reswap) with one
    that no longer listens to the stream (so its reconnects stop too) and only asks every
    30 seconds whether the auction is back."""
    response = current_app.make_response(
        (render_template("auctions/_panel_gone.html", auction_id=auction_id), STOP_POLLING))
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _panel_back(auction):
    """The whole live panel, as the auction page draws it, for a page whose panel had said
    the auction was gone (CMP-3: published again after the owner's answer): it replaces that
    panel, listens to the stream and polls again, and the bid form follows it (AUC-2)."""
    now = utcnow()
    viewer = _viewer()
    html = render_template(
        "auctions/_panel_live.html", auction=auction, phase=phase(auction, now),
        panel=render_panel(auction, viewer, viewer is not None and queries.has_bid(
            viewer, auction.id), now))
    response = current_app.make_response(html)
    response.headers["HX-Reswap"] = "outerHTML"
    return response


class _Rendered:
    """One auction's panels at one version, in this process."""

    def __init__(self, version):
        self.version, self.lock = version, threading.Lock()
        self.leader, self.panels = None, {}
        self.loaded = self.hidden = self.adult = False
        self.starts_at = self.ends_at = None

    def clock_phase(self, now):
        """Where the clock stands between the start and the end: a panel rendered before
        the start or the end is not the panel after it, though no change was made."""
        return "ended" if now >= self.ends_at else "scheduled" if now < self.starts_at \
            else "running"


_rendered = {}
_rendered_lock = threading.Lock()


#: What :func:`shared_panel` answers a viewer who may no longer see the auction.
HIDDEN = object()


def shared_panel(auction_id, version, viewer, bid, sees_hidden=True, adult_ok=True):
    """The panel after change ``version``, read and rendered once in this process for each
    language and kind of viewer (no bid, the leader, another bidder) however many streams
    wait on it: a thousand open pages cost a handful of reads and renders per bid, not a
    thousand. None if the auction is gone; :data:`HIDDEN` if it is hidden (CMP-3), or rated
    18+ for a viewer who is not ``adult_ok`` (RANK-1, ACC-3: a moderator rated it so
    while the page was open), and the viewer is not one who ``sees_hidden`` (its seller, a
    moderator)."""
    if version is None:
        try:
            row = db.session.execute(select(Auction.hidden_at, Auction.content_rating).where(
                Auction.id == auction_id)).first()
        finally:
            db.session.remove()
        if row is not None and not sees_hidden and (
                row.hidden_at is not None or (row.content_rating == "adult" and not adult_ok)):
            return HIDDEN
        return fresh_panel(auction_id, viewer, bid)
    with _rendered_lock:
        entry = _rendered.get(auction_id)
        if entry is None or entry.version < version:
            if len(_rendered) > 1024:
                _rendered.clear()
            entry = _rendered[auction_id] = _Rendered(version)
    with entry.lock:
        try:
            if not entry.loaded:
                auction = db.session.get(Auction, auction_id, populate_existing=True)
                if auction is None:
                    return None
                entry.leader, entry.loaded = auction.leader_id, True
                entry.hidden = auction.hidden_at is not None
                entry.adult = auction.content_rating == "adult"
                entry.starts_at, entry.ends_at = auction.starts_at, auction.ends_at
            if not sees_hidden and (entry.hidden or (entry.adult and not adult_ok)):
                return HIDDEN
            if viewer is None or not bid:
                kind, as_viewer, as_bidder = "none", None, False
            elif viewer == entry.leader:
                kind, as_viewer, as_bidder = "leader", entry.leader, True
            else:
                kind, as_viewer, as_bidder = "other", 0, True  # 0: no member's id
            key = (current_language(), kind, entry.clock_phase(utcnow()))
            html = entry.panels.get(key)
            if html is None:
                html = fresh_panel(auction_id, as_viewer, as_bidder)
                if html is None:
                    return None
                html = entry.panels[key] = unstamped(html)
            return stamped(html)
        finally:
            db.session.remove()


def clear_shared_panels():
    """Forget the panels streams share (tests)."""
    with _rendered_lock:
        _rendered.clear()


def _current_version(auction_id):
    """The auction's version, read without keeping a database connection."""
    try:
        return db.session.scalar(db.select(Auction.version).where(Auction.id == auction_id))
    finally:
        db.session.remove()


def _has_bid(viewer, auction_id):
    try:
        return queries.has_bid(viewer, auction_id)
    finally:
        db.session.remove()


@bp.route("/<int:auction_id>/live")
def live(auction_id):
    """Server-sent events for one auction's page (AUC-2): the rendered panel after every
    change, a ping at once and every few seconds. The stream holds no database connection
    while it waits, and ends after ``LIVE_STREAM_SECONDS`` (the browser reconnects).

    Past ``LIVE_MAX_STREAMS`` open streams in this process the answer is an empty 204 at
    once, and the page keeps polling the panel instead. (Under gunicorn a waiting stream holds
    no thread: app/live/hub.py.)"""
    slots = stream_slots()
    if not slots.acquire():
        db.session.remove()
        response = current_app.response_class(status=204)
        response.headers["Cache-Control"] = "no-store"
        return response
    try:
        response = _live_response(auction_id)
    except BaseException:
        slots.release()
        raise
    response.call_on_close(slots.release)
    return response


def _gone_event():
    """The stream's last event for a viewer who may no longer see the auction: the panel
    says so (its figures go), and the stream ends. The page's reconnects then get 404."""
    return sse_event("update", render_template("auctions/_panel_hidden.html"))


def _live_response(auction_id):
    auction = auction_or_404(auction_id)
    viewer = _viewer()
    # Asked once: while the stream is open, whether the auction is hidden (CMP-3) is learnt
    # from the read shared by every stream of the process for each change (shared_panel).
    privileged = sees_hidden(auction)
    adult_ok = sees_adult(current_user, utcnow())  # RANK-1, ACC-3: a rating changed later
    connected = auction.version
    seen = request.args.get("v", type=int)
    bid = viewer is not None and queries.has_bid(viewer, auction.id)
    db.session.remove()
    config = current_app.config
    ping, lifetime = config["LIVE_PING_SECONDS"], config["LIVE_STREAM_SECONDS"]

    events = bus()
    # Without Redis, a bid taken by another gunicorn worker never reaches this process's bus:
    # the stream then also looks at the auction's version every second (one indexed read).
    local_only = not getattr(events, "cross_process", False)
    check = min(ping, 1) if local_only else ping

    def stream():
        nonlocal bid
        subscription = events.subscribe(f"auction:{auction_id}")
        try:
            yield ": connected\nretry: 2000\n\n"
            # A change between rendering the page (or the check above) and subscribing is
            # sent at once, unless it hid the auction from this viewer.
            known = _current_version(auction_id)
            if known != connected or (seen is not None and seen != known):
                html = shared_panel(auction_id, known, viewer, bid, privileged, adult_ok)
                if html is HIDDEN:
                    yield _gone_event()
                    return
                yield sse_event("update", html or "")
            deadline = time.monotonic() + lifetime
            quiet_since = time.monotonic()
            while time.monotonic() < deadline:
                message = subscription.get(timeout=0)
                if message is None:
                    yield Wait(subscription, check)  # an event, or ``check`` seconds
                    message = subscription.get(timeout=0)
                if message is None:
                    if local_only:
                        version = _current_version(auction_id)
                        if version != known:
                            message = {"version": version}
                    if message is None:
                        if time.monotonic() - quiet_since >= ping - 0.05:
                            quiet_since = time.monotonic()
                            yield ": ping\n\n"
                        continue
                known = message.get("version", known)
                if viewer is not None and not bid:
                    # Their own bid (leading, or outbid at once by a hidden maximum).
                    bid = message.get("leader") == viewer or _has_bid(viewer, auction_id)
                html = shared_panel(auction_id, message.get("version"), viewer, bid,
                                    privileged, adult_ok)
                if html is HIDDEN:
                    yield _gone_event()
                    return
                if html is not None:
                    quiet_since = time.monotonic()
                    yield sse_event("update", html)
        finally:
            subscription.close()

    return sse_response(stream)


@bp.route("/<int:auction_id>/watch", methods=["POST"])
@login_required
def watch(auction_id):
    """Watch or stop watching an auction (AUC-10); the button swaps itself under htmx."""
    auction = auction_or_404(auction_id)
    if EmptyForm().validate_on_submit():
        try:
            toggle_watch(current_user, auction, utcnow())
            db.session.commit()
        except IntegrityError:  # a double click: the other request made it a watch already
            db.session.rollback()
    if wants_fragment():
        return render_template("auctions/_watch_button.html", auction=auction,
                               watching=queries.is_watching(current_user.id, auction.id))
    return redirect(url_for("auctions.auction", auction_id=auction.id))


@bp.route("/<int:auction_id>/end", methods=["POST"])
@login_required
def end(auction_id):
    """The seller ends the auction early, only while the reserve is not met (AUC-8), after a
    confirmation step (it cannot be undone)."""
    if request.form.get("confirmed") != "yes":
        auction = auction_or_404(auction_id)
        if auction.seller_id != current_user.id:
            abort(403)
        if not EmptyForm().validate_on_submit():
            abort(400)
        now = utcnow()
        refusal = lifecycle.end_refusal(auction, now)
        if refusal is not None:
            # A page open since before the auction sold or ended still shows the button:
            # say what happened instead of asking to confirm something no longer possible.
            flash(refusal.message, "info")
            return redirect(url_for("auctions.auction", auction_id=auction_id))
        return render_template("auctions/confirm_end.html", auction=auction, form=EmptyForm(),
                               phase=phase(auction, now))
    auction = lock_auction(auction_id)
    if auction is None or not may_see(auction):  # hidden (CMP-3): not there, as on its page
        abort(404)
    if auction.seller_id != current_user.id:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            lifecycle.end_early(auction, now=utcnow())
            db.session.commit()
            flash(_l("Your auction has ended."), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("auctions.auction", auction_id=auction_id))


@bp.route("/media/<key>/<size>.jpg")
def photo(key, size):
    """A photo of an auctioned item, to whoever may see the auction (:func:`may_see`): not of
    an 18+ auction to a visitor or an under-18 member (RANK-1, ACC-3), nor of one whose
    publication is suspended after a complaint (CMP-3) to anyone but its seller and
    moderators."""
    if not key.isalnum() or len(key) > 64:
        abort(404)
    auction = db.session.scalar(select(Auction).join(
        AuctionPhoto, AuctionPhoto.auction_id == Auction.id).where(AuctionPhoto.key == key))
    if auction is None or not may_see(auction):
        abort(404)
    response = send_image(key, size, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True  # browsers only: an auction can become hidden
    return response


def render_auction_page(auction, form, status):
    """The auction page (or, under htmx, the bid box) with ``form`` as typed."""
    context = page_context(auction, utcnow(), form=form)
    return render_page_or_fragment("auctions/auction.html", "auctions/_bid_box.html",
                                   http_status=status, **context)
