"""The buyer's "Change the delivery address" page of an order (SHOP-10): the order form's
address fields filled with the address the order has, until the shop ships it."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.shops import bp, order_address, order_services
from app.blueprints.shops.order_forms import ShippingAddressForm
from app.blueprints.shops.order_views import address_from
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.models import Order


def _buyers_order_or_404(order_id):
    """The order, for its buyer alone; others who may see the order are refused (403), and
    anyone else learns nothing of it (404)."""
    order = db.get_or_404(Order, order_id)
    if not order_services.is_buyer(current_user, order):
        abort(403 if order_services.can_view_order(current_user, order) else 404)
    return order


def _form_with(order):
    form = ShippingAddressForm(formdata=None)
    form.recipient_name.data, form.phone.data = order.ship_name, order.ship_phone
    form.address.data, form.postcode.data = order.ship_address, order.ship_postcode
    return form


@bp.route("/orders/<int:order_id>/address", methods=["GET", "POST"])
@login_required
def order_address_form(order_id):
    """GET: the form with the order's address; POST: the corrected address, saved under the
    order's lock (a shop shipping meanwhile wins, and the buyer is told)."""
    order = _buyers_order_or_404(order_id)
    form = ShippingAddressForm()
    if not form.is_submitted():
        if not order_address.may_change_address(order, current_user, utcnow()):
            flash(_l("The address of this order can no longer be changed: the shop has "
                     "shipped it or the order is closed. Please write to the shop about it."),
                  "warning")
            return redirect(url_for("shops.order", order_id=order_id))
        return render_template("shops/orders/address.html", order=order,
                               form=_form_with(order))
    # (sent after the shop shipped: the refusal comes back with the address as typed, to
    # copy into a message to the shop)
    ship_to = address_from(form)
    if ship_to is not None and form.validate_on_submit():
        begin_immediate(db.session)
        order = order_services.lock_order(order_id)
        try:
            changed = order_address.change_address(order, current_user, ship_to, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("The delivery address is changed, and the shop has been told.")
                  if changed else _l("The delivery address is the same as before."),
                  "success" if changed else "info")
            return redirect(url_for("shops.order", order_id=order_id))
    return render_template("shops/orders/address.html", order=db.session.get(Order, order_id),
                           form=form), 422
