"""Order and review forms (SHOP-10, SHOP-6): shapes and lengths only; the rules live in
``order_services``. Labels for statuses, payment methods and carriers live here too."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    IntegerField, RadioField, SelectField, StringField, TelField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG, TOO_LONG
from app.blueprints.shops.listing_services import MAX_QUANTITY
from app.blueprints.shops.message_forms import normalise_newlines
from app.blueprints.shops.order_cancellation import (
    CANCEL_REASON_LENGTH, CANCEL_REASON_REQUIRED, MAX_CANCEL_REASON, MIN_CANCEL_REASON)
from app.forms import TalatForm, WholeNumber

STATUS_LABELS = {
    "awaiting_payment": _l("Waiting for payment"),
    "payment_submitted": _l("Payment slip sent"),
    "paid": _l("Paid"),
    "shipped": _l("Shipped"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
}
PAYMENT_METHOD_LABELS = {"bank_transfer": _l("Bank transfer"), "promptpay": _l("PromptPay")}
#: Carrier brand names stay as written; only the generic ones are translated.
CARRIER_LABELS = {"thailand_post": _l("Thailand Post"), "kerry": "Kerry Express",
                  "flash": "Flash Express", "jt": "J&T Express", "ninja_van": "Ninja Van",
                  "best": "BEST Express", "dhl": "DHL", "other": _l("Other carrier")}


def carrier_label(key):
    """How a carrier is named to people (pages and e-mails)."""
    return CARRIER_LABELS.get(key, key)


QUANTITY_RANGE = _l("Quantity is a whole number from 1 to %(n)d.", n=MAX_QUANTITY)
STAR_CHOICES = [SelectChoice(n, str(n)) for n in range(5, 0, -1)]


class OrderForm(TalatForm):
    """Order a listing: how many, and where to send it (SHOP-10). Lengths only; the rules
    are ``order_services.clean_shipping_address``."""

    quantity = IntegerField(_l("Quantity"), default=1, validators=[
        WholeNumber(QUANTITY_RANGE), InputRequired(_l("Please enter a quantity.")),
        NumberRange(min=1, max=MAX_QUANTITY, message=QUANTITY_RANGE)])
    recipient_name = StringField(_l("Recipient's name"), validators=[
        Length(max=200, message=TOO_LONG)])
    phone = TelField(_l("Phone"), validators=[Length(max=40, message=TOO_LONG)])
    address = TextAreaField(_l("Delivery address"), validators=[
        Length(max=600, message=TEXT_TOO_LONG)])
    postcode = StringField(_l("Postcode"), render_kw={"inputmode": "numeric"},
                           validators=[Length(max=20, message=TOO_LONG)])


class ShippingAddressForm(TalatForm):
    """The buyer corrects where an order is sent, before it ships (SHOP-10): the order form's
    own address fields (the same fields, labels and limits)."""

    recipient_name = OrderForm.recipient_name
    phone = OrderForm.phone
    address = OrderForm.address
    postcode = OrderForm.postcode


class PaymentForm(TalatForm):
    """The buyer's payment: method and a photo of the slip."""

    method = RadioField(_l("How you paid"),
                        choices=[SelectChoice(k, v) for k, v in PAYMENT_METHOD_LABELS.items()],
                        validators=[InputRequired(_l("Please choose how you paid."))])
    slip = FileField(_l("Photo of the payment slip"), validators=[
        FileRequired(_l("Please add a photo of the payment slip."))])


class ShipForm(TalatForm):
    """The seller ships: carrier and tracking number."""

    carrier = SelectField(_l("Carrier"),
                          choices=[SelectChoice(k, v) for k, v in CARRIER_LABELS.items()])
    tracking_number = StringField(_l("Tracking number"), validators=[
        InputRequired(REQUIRED), Length(max=40, message=TOO_LONG)])


class ReviewForm(TalatForm):
    """The buyer rates the shop after a completed order (SHOP-6)."""

    rating = RadioField(_l("Your rating"), coerce=int, choices=STAR_CHOICES,
                        validators=[InputRequired(_l("Please choose from 1 to 5 stars."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[
        Optional(), Length(max=1000, message=TEXT_TOO_LONG)])


class ShopCancelForm(TalatForm):
    """The shop cancels an unpaid order and says why (SHOP-10); the rules are
    ``order_cancellation.cancel_by_shop``. The text area has no ``maxlength`` (see
    ``TalatForm``): a text over the limit comes back whole, with its length."""

    reason = TextAreaField(_l("Why you cancel the order (the buyer will read this)"),
                           filters=[normalise_newlines], render_kw={"rows": 3},
                           validators=[DataRequired(CANCEL_REASON_REQUIRED),
                                       Length(min=MIN_CANCEL_REASON, max=MAX_CANCEL_REASON,
                                              message=CANCEL_REASON_LENGTH)])
