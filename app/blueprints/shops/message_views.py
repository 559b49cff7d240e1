"""Message pages (SHOP-5): contact the seller, the inbox, a conversation, and the fragments
that keep them live (new messages after a given id, the unread badge).

htmx polls the fragments today; the event bus can push the same fragments over SSE later.
Without JavaScript the forms post normally and redirect (Post/Redirect/Get).
"""
from functools import wraps

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.accounts.views import show_error
from app.blueprints.shops import bp
from app.blueprints.shops import message_services as services
from app.blueprints.shops.errors import ShopError
from app.blueprints.shops.listing_views import visible_listing_or_404
from app.blueprints.shops.message_forms import MessageForm
from app.blueprints.shops.visibility import visible_listings
from app.database import begin_immediate, utcnow
from app.extensions import db, login_manager
from app.htmx import wants_fragment
from app.models import Conversation, Listing
from app.permissions import can_moderate, is_member, works_for_shop
from app.urls import MAX_ID, int_arg, safe_next

INBOX_PAGE_SIZE = 30


def members_only(view):
    """Visitors are sent to log in; an htmx fragment request gets 401 and a redirect header
    instead, so a login page is never swapped into the conversation."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if is_member(current_user):
            return view(*args, **kwargs)
        if wants_fragment():
            response = make_response("", 401)
            response.headers["HX-Redirect"] = url_for("accounts.login",
                                                      next=safe_next(request.path))
            return response
        return login_manager.unauthorized()

    return wrapped


def _fragment(template, status=200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers.add("Vary", "HX-Request")
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(conversation, listing, side, form, messages, status=200):
    """The conversation page (also the empty one before the first message)."""
    show_listing = _shows_listing(listing, side, _visible_ids([listing.id]))
    response = make_response(render_template(
        "shops/messages/conversation.html", conversation=conversation, listing=listing,
        show_listing=show_listing, shop=listing.shop, side=side, form=form, messages=messages,
        listing_title=listing.title if show_listing else _l("A listing you can no longer see"),
        cursor=messages[-1].id if messages else 0, action=_form_action(conversation, listing),
        live=conversation is not None,
        # ACC-5: a suspended member writes only about an open order (message_refusal)
        cannot_act=_message_refusal(conversation, listing)), status)
    response.headers.add("Vary", "HX-Request")
    return response


def _message_refusal(conversation, listing):
    """ACC-5: why the current member may not write here (shown in place of the form)."""
    buyer_id = conversation.buyer_id if conversation is not None else current_user.id
    return services.message_refusal(current_user, utcnow(), buyer_id=buyer_id,
                                    shop_id=listing.shop_id)


def _form_action(conversation, listing):
    if conversation is None:
        return url_for("shops.contact_seller", listing_id=listing.id)
    return url_for("shops.conversation", conversation_id=conversation.id)


def _fresh_form():
    """An empty form for the next message, focused (htmx focuses ``autofocus`` after a swap)."""
    form = MessageForm(formdata=None)
    form.body.render_kw = dict(form.body.render_kw or {}, autofocus=True)
    return form


def _refused(conversation, listing, side, form):
    """A refused message: the form fragment for htmx, the whole page otherwise; both 422."""
    if wants_fragment():
        return _fragment("shops/messages/_form.html", 422, form=form,
                         action=_form_action(conversation, listing), live=True,
                         cannot_act=_message_refusal(conversation, listing))
    messages = services.messages_after(conversation) if conversation else []
    return _page(conversation, listing, side, form, messages, 422)


@bp.route("/listings/<int:listing_id>/contact", methods=["GET", "POST"])
def contact_seller(listing_id):
    """Write to the listing's shop: the conversation about it, or an empty one to start."""
    listing = visible_listing_or_404(listing_id)
    if not is_member(current_user):
        return login_manager.unauthorized()
    if works_for_shop(current_user, listing.shop):
        abort(403)
    conversation = services.find_conversation(listing.id, current_user.id)
    if request.method == "GET" and conversation is not None:
        return redirect(url_for("shops.conversation", conversation_id=conversation.id))
    form = MessageForm()
    if form.validate_on_submit():
        begin_immediate(db.session)
        try:
            conversation, message, _created = services.contact_seller(
                listing, current_user, form.body.data, now=utcnow())
            conversation_id, message_id = conversation.id, message.id
            db.session.commit()
        except ShopError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            target = url_for("shops.conversation", conversation_id=conversation_id,
                             _anchor=f"message-{message_id}")
            if wants_fragment():
                response = make_response("", 201)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target)
    if form.is_submitted():
        return _refused(conversation, listing, services.BUYER, form)
    return _page(None, listing, services.BUYER, form, [])


@bp.route("/messages")
@members_only
def inbox():
    """The member's conversations as a buyer and for the shops they run, newest first."""
    page = int_arg("page", 1)
    total = services.inbox_size(current_user)
    rows = services.inbox(current_user, offset=(page - 1) * INBOX_PAGE_SIZE,
                          limit=INBOX_PAGE_SIZE)
    visible = _visible_ids([row.conversation.listing_id for row in rows])
    return render_template("shops/messages/inbox.html", rows=rows, page=page,
                           pages=max(1, -(-total // INBOX_PAGE_SIZE)),
                           shown={row.conversation.listing_id for row in rows
                                  if _shows_listing(row.conversation.listing, row.side,
                                                    visible)})


def _shows_listing(listing, side, visible):
    """Whether the reader sees which listing a conversation is about: a moderator (no
    ``side``) always; a buyer while they may see it (``visible``: :func:`_visible_ids`);
    the shop's side whatever became of it, except an 18+ listing to a member under 18 on
    its staff (ACC-3: they do not see the shop's 18+ listings anywhere)."""
    from app.blueprints.accounts.services import is_adult

    if side is None:
        return True
    if side == "buyer":
        return listing.id in visible
    return listing.content_rating != "adult" or is_adult(current_user, utcnow())


def _visible_ids(listing_ids):
    """Which of these listings the reader may still see (RANK-1, ACC-3): a buyer who lost
    access (an 18+ or restricted rating, a hold) no longer sees the listing's details."""
    if not listing_ids:
        return set()
    return set(db.session.scalars(select(Listing.id).where(
        Listing.id.in_(listing_ids), visible_listings(current_user, utcnow()))))


def _readable_conversation_or_403(conversation_id):
    """The conversation and the reader's side (None for a moderator reading it)."""
    conversation = db.get_or_404(Conversation, conversation_id)
    side = services.side_of(current_user, conversation)
    if side is None and not can_moderate(current_user):
        abort(403)
    return conversation, side


def _mark_read(conversation, side, upto):
    """Record that ``side`` has read up to ``upto``, in its own short write transaction."""
    if side is None or upto is None:
        return
    begin_immediate(db.session)
    services.mark_read(conversation, side, upto)
    db.session.commit()


@bp.route("/messages/<int:conversation_id>", methods=["GET", "POST"])
@members_only
def conversation(conversation_id):
    """A conversation: its page, or for htmx the messages after ``?after=<id>``; POST answers."""
    conversation, side = _readable_conversation_or_403(conversation_id)
    if request.method == "POST":
        return _send(conversation, side)
    if wants_fragment():
        return _new_messages(conversation, side)
    _mark_read(conversation, side, services.newest_message_time(conversation))
    messages = services.messages_after(conversation)
    return _page(conversation, conversation.listing, side, MessageForm(formdata=None), messages)


def _cursor(source):
    """The id of the newest message the page already shows (``after``), within 0 and the
    largest id there can be."""
    return min(max(0, source.get("after", 0, type=int) or 0), MAX_ID)


def _new_messages(conversation, side):
    """The poll: only messages newer than the page's newest, or 204 when there are none."""
    messages = services.messages_after(conversation, _cursor(request.args))
    if not messages:
        response = make_response("", 204)
        response.headers.add("Vary", "HX-Request")
        return response
    response = _fragment("shops/messages/_new.html", conversation=conversation, side=side,
                         messages=messages, cursor=messages[-1].id)
    _mark_read(conversation, side, messages[-1].created_at)
    return response


def _send(conversation, side):
    """Answer in the conversation: htmx gets a fresh form plus the new messages (201)."""
    if side is None:
        abort(403)
    form = MessageForm()
    if form.validate_on_submit():
        begin_immediate(db.session)
        try:
            message = services.post_message(conversation, current_user, form.body.data,
                                             now=utcnow())
            message_id = message.id
            db.session.commit()
        except ShopError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if wants_fragment():
                after = _cursor(request.form) if "after" in request.form else message_id - 1
                messages = services.messages_after(conversation, after)
                return _fragment("shops/messages/_sent.html", 201, conversation=conversation,
                                 side=side, messages=messages,
                                 cursor=messages[-1].id if messages else message_id,
                                 form=_fresh_form(), live=True,
                                 action=_form_action(conversation, None))
            return redirect(url_for("shops.conversation", conversation_id=conversation.id,
                                    _anchor=f"message-{message_id}"))
    return _refused(conversation, conversation.listing, side, form)


@bp.route("/messages/unread")
def unread_count():
    """The header's unread badge, polled; a visitor gets an empty badge that stops polling."""
    if not is_member(current_user):
        return _fragment("shops/messages/_unread_badge.html", unread=0, polling=False)
    return _fragment("shops/messages/_unread_badge.html",
                     unread=services.unread_total(current_user), polling=True)


@bp.app_template_global("unread_message_count")
def unread_message_count():
    """For the header: how many messages wait for the logged-in member."""
    return services.unread_total(current_user)
