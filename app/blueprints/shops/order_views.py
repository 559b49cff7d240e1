"""Order pages (SHOP-10) and reviews (SHOP-6): order a listing, the order page whose panel
swaps itself in place under htmx, the permission-checked payment slip, "My orders" and a
shop's orders.

Every step is a POST with a CSRF form to ``/orders/<id>/<action>``; without JavaScript it
redirects back to the order page (Post/Redirect/Get), under htmx it answers with the panel
(422 with the form's errors when refused).
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.shops import (
    bp, order_address, order_cancellation, order_lists, order_services, shop_services)
from app.blueprints.shops.listing_views import visible_listing_or_404
from app.blueprints.shops.order_forms import (
    CARRIER_LABELS, PAYMENT_METHOD_LABELS, STATUS_LABELS, OrderForm, PaymentForm, ReviewForm,
    ShipForm, ShopCancelForm, carrier_label)
from app.blueprints.shops.order_services import OrderError, effective_status
from app.blueprints.shops.shop_views import shop_by_slug
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import render_page_or_fragment, wants_fragment
from app.models import Order
from app.notifications import register_link
from app.permissions import can_manage_listings, can_moderate
from app.uploads import UploadRejected, send_image, store_image
from app.urls import external_url, int_arg

PER_PAGE = 30

bp.add_app_template_global(order_services.latest_reviews, "shop_reviews")
bp.add_app_template_global(carrier_label)


@bp.app_template_global()
def order_status_label(order):
    """An order's status as the clock has it, in the reader's words."""
    return STATUS_LABELS[effective_status(order, utcnow())]


def _viewable_order_or_403(order_id):
    order = db.get_or_404(Order, order_id)
    if not order_services.can_view_order(current_user, order):
        abort(403)
    return order


def _order_response(order, failed=None, status=200):
    """The order page, or its panel for htmx; ``failed`` is (action, form) after a refusal."""
    now = utcnow()
    forms = {"pay": PaymentForm(formdata=None), "ship": ShipForm(formdata=None),
             "review": ReviewForm(formdata=None), "shop-cancel": ShopCancelForm(formdata=None)}
    if failed:
        forms[failed[0]] = failed[1]
    actions = order_services.allowed_actions(order, current_user, now)
    return render_page_or_fragment(
        "shops/orders/order.html", "shops/orders/_order_panel.html", http_status=status,
        order=order, status=effective_status(order, now), now=now, actions=actions,
        cannot_act=order_services.posting_refusal(actions, current_user, now),
        may_change_address=order_address.may_change_address(order, current_user, now),
        is_buyer=order_services.is_buyer(current_user, order),
        is_seller=order_services.is_seller(current_user, order),
        is_staff=(order_services.is_seller(current_user, order)
                  and not order_services.is_shop_owner(current_user, order)),
        review=order_services.review_of(order), forms=forms,
        failed=failed[1] if failed else None, status_labels=STATUS_LABELS,
        method_labels=PAYMENT_METHOD_LABELS, carrier_labels=CARRIER_LABELS)


def address_from(form):
    """The address ``form`` (an order or address form) gives, or None with every problem of
    the form put on it at once."""
    try:
        return order_services.clean_shipping_address(
            form.recipient_name.data, form.phone.data, form.address.data, form.postcode.data)
    except AccountError as error:
        form.validate()
        for one in getattr(error, "errors", None) or [error]:
            field = getattr(form, one.field or "", None)
            if field is not None:  # the rules' message says more than the form's "too long"
                field.errors = []
        show_error(form, error)
        return None


def _shipping_address(form, listing):
    """The address the order form gives, or None with its problems put on the form (all of
    them, with the quantity's, in one answer: more than the listing has too, SHOP-10)."""
    ship_to = address_from(form)
    if ship_to is None and not form.quantity.errors and listing.quantity >= 1:
        too_many = order_services.quantity_refusal(listing, form.quantity.data)
        if too_many is not None:
            show_error(form, too_many)
    return ship_to


def _quantity_for_total(form):
    """The quantity the total is shown for: the one typed (``?quantity=`` as the buyer types,
    or the form sent), None when it is empty or not a whole number. The box emptied to type
    another number showed the total of one (found in review, SHOP-10); with None there is no
    total, only a dash and what may be ordered."""
    if "quantity" not in request.args:
        return form.quantity.data  # (1 on a form not yet sent; None for one sent unread)
    try:
        return int(request.args["quantity"])
    except ValueError:
        return None


@bp.route("/listings/<int:listing_id>/order", methods=["GET", "POST"])
@login_required
def new_order(listing_id):
    """Order a listing (SHOP-10): GET shows quantity and total, POST reserves the stock."""
    listing = visible_listing_or_404(listing_id)
    form = OrderForm()
    refusal = order_services.order_refusal(listing, current_user)
    status = 200
    ship_to = _shipping_address(form, listing) if form.is_submitted() else None
    if ship_to is not None and form.validate_on_submit():
        begin_immediate(db.session)
        listing = visible_listing_or_404(listing_id)
        try:
            order = order_services.place_order(listing, current_user, form.quantity.data,
                                               now=utcnow(), ship_to=ship_to)
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your order is placed and the item is reserved for you. Please pay and "
                     "send the slip before the deadline."), "success")
            return redirect(url_for("shops.order", order_id=order.id))
    if form.is_submitted():
        status = 422
    elif refusal is not None:
        status = 403
    from app.blueprints.moderation.errors import Suspended  # (loaded after the shops)

    quantity = _quantity_for_total(form)
    too_many = order_services.quantity_refusal(listing, quantity)
    return render_page_or_fragment(
        "shops/orders/new.html", "shops/orders/_total.html", http_status=status,
        listing=listing, shop=listing.shop, form=form,
        total=listing.price_satang * quantity if too_many is None else None,
        # SHOP-10: said as the buyer types, not only a dash in place of the total
        quantity_problem=(too_many.message if too_many is not None and listing.quantity
                          and not form.quantity.errors else None),
        refusal=refusal if not form.is_submitted() else None,
        open_order=order_services.buyers_open_order(listing, current_user, utcnow()),
        # ACC-5: a suspension is told with its appeal state, as on every page that would act.
        cannot_act=refusal if isinstance(refusal, Suspended) else None)


@bp.route("/orders/<int:order_id>")
@login_required
def order(order_id):
    """An order: its steps, payment instructions, slip and the actions open to the viewer."""
    return _order_response(_viewable_order_or_403(order_id))


def _pay(order, form, now):
    stored = store_image(form.slip.data.read(), kind="private", session=db.session)
    order_services.submit_payment(order, current_user, form.method.data, stored.key, now=now)


def _ship(order, form, now):
    order_services.ship_order(order, current_user, form.carrier.data,
                              form.tracking_number.data, now=now)


def _review(order, form, now):
    order_services.leave_review(order, current_user, form.rating.data, form.comment.data,
                                now=now)


def _shop_cancel(order, form, now):
    order_cancellation.cancel_by_shop(order, current_user, form.reason.data, now=now)


ACTIONS = {
    "pay": (PaymentForm, _pay, _l("Your payment slip has been sent to the seller.")),
    "cancel": (EmptyForm, lambda order, form, now: order_services.cancel_order(
        order, current_user, now=now), _l("The order has been cancelled.")),
    "shop-cancel": (ShopCancelForm, _shop_cancel,
                    _l("The order has been cancelled and the buyer has been told why.")),
    "confirm-payment": (EmptyForm, lambda order, form, now: order_services.confirm_payment(
        order, current_user, now=now), _l("Payment confirmed. Please ship the order.")),
    "reject-payment": (EmptyForm, lambda order, form, now: order_services.reject_payment(
        order, current_user, now=now), _l("The buyer has been asked to pay again.")),
    "ship": (ShipForm, _ship, _l("The order is marked as shipped.")),
    "receive": (EmptyForm, lambda order, form, now: order_services.confirm_receipt(
        order, current_user, now=now), _l("Thank you! The order is completed.")),
    "review": (ReviewForm, _review, _l("Thank you for your review.")),
}


@bp.route("/orders/<int:order_id>/<any(pay, cancel, 'shop-cancel', 'confirm-payment', "
          "'reject-payment', ship, receive, review):action>", methods=["POST"])
@login_required
def order_action(order_id, action):
    """One step of an order, taken by whoever may take it now; the order row is locked."""
    _viewable_order_or_403(order_id)
    form_class, perform, message = ACTIONS[action]
    form = form_class()
    if form.validate_on_submit():
        begin_immediate(db.session)
        order = order_services.lock_order(order_id)
        try:
            perform(order, form, utcnow())
            db.session.commit()
        except UploadRejected as error:
            db.session.rollback()
            show_error(form, OrderError(error.message, field="slip"))
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if wants_fragment():
                return _order_response(db.session.get(Order, order_id))
            flash(message, "success")
            return redirect(url_for("shops.order", order_id=order_id))
    return _order_response(db.session.get(Order, order_id), (action, form), 422)


@bp.route("/orders/<int:order_id>/message-buyer", methods=["POST"])
@login_required
def message_buyer(order_id):
    """The shop writes to the order's buyer: the conversation about the ordered listing,
    opened if neither side has written yet (SHOP-5, SHOP-10)."""
    return _open_order_conversation(order_id, "message-buyer", order_services.is_seller,
                                    order_services.buyer_conversation)


@bp.route("/orders/<int:order_id>/message-seller", methods=["POST"])
@login_required
def message_seller(order_id):
    """The buyer writes to the shop from the order, whatever became of the listing (SHOP-5,
    SHOP-10)."""
    return _open_order_conversation(order_id, "message-seller", order_services.is_buyer,
                                    order_services.seller_conversation)


def _open_order_conversation(order_id, action, may, open_it):
    """Open the order's conversation for ``current_user`` if ``may`` (else 403) and go there."""
    order = _viewable_order_or_403(order_id)
    if not may(current_user, order):
        abort(403)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _order_response(order, (action, form), 422)
    try:
        conversation = open_it(order, current_user, utcnow())
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        show_error(form, error)
        return _order_response(db.session.get(Order, order_id), (action, form), 422)
    return redirect(url_for("shops.conversation", conversation_id=conversation.id))


@bp.route("/orders/<int:order_id>/slip/<any(thumb, large):size>.jpg")
@login_required
def order_slip(order_id, size):
    """The payment slip: a private image, shown only to those who may see the order."""
    order = _viewable_order_or_403(order_id)
    if not order.slip_key:
        abort(404)
    return send_image(order.slip_key, size, kind="private", max_age=0)


def _order_list(where, page):
    """A page of the orders matching ``where``, narrowed to the status asked for (``?status=``,
    order_lists), with how many orders each status has."""
    now = utcnow()
    status = order_lists.chosen_status(request.args.get("status"))
    query = select(Order).where(where)
    if status is not None:
        query = query.where(order_lists.with_status(status, now))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    orders = db.session.scalars(
        query.options(selectinload(Order.listing), selectinload(Order.shop),
                      selectinload(Order.buyer))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return dict(orders=orders, page=page, pages=max(1, -(-total // PER_PAGE)),
                statuses={o.id: effective_status(o, now) for o in orders},
                status_labels=STATUS_LABELS, status=status,
                status_counts=order_lists.status_counts(where, now),
                pager_args={"status": status} if status else {})


@bp.route("/orders")
@login_required
def my_orders():
    """The member's orders as a buyer, newest first, and links to their shops' orders."""
    page = int_arg("page", 1)
    context = _order_list(Order.buyer_id == current_user.id, page)
    return render_template("shops/orders/list.html", shop=None,  # paused staff: not, SHOP-2
                           shops=shop_services.managed_shops(current_user), **context)


@bp.route("/shops/<slug>/orders")
@login_required
def shop_orders(slug):
    """A shop's orders, for its owner and staff (and moderators); not for staff paused by a
    smaller plan (SHOP-2): orders carry buyers' names and payment slips."""
    shop = shop_by_slug(slug)
    if not (can_manage_listings(current_user, shop) or can_moderate(current_user)):
        abort(403)
    page = int_arg("page", 1)
    context = _order_list(Order.shop_id == shop.id, page)
    return render_template("shops/orders/list.html", shop=shop, shops=[], **context)


def _order_link(order_id, external=False):
    """Notices about an order lead to its page."""
    if external:
        return external_url("shops.order", order_id=order_id)
    return url_for("shops.order", order_id=order_id)


register_link("order", _order_link)
