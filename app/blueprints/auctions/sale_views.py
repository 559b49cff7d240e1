"""A sale after the hammer: its steps, the two parties' messages and their feedback (AUC-7,
AUC-11)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.auctions import bp, sale_messages, sales
from app.blueprints.auctions.forms import FeedbackForm
from app.blueprints.shops.message_forms import MessageForm
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import wants_fragment
from app.models import Sale
from app.notifications import register_link
from app.permissions import can_moderate
from app.urls import external_url


def _sale_or_403(sale_id):
    sale = db.get_or_404(Sale, sale_id)
    if sales.role_in(current_user, sale) is None and not can_moderate(current_user):
        abort(403)
    return sale


def _cannot_act(role, now):
    """ACC-5: a suspended party's rating is refused (a post), so the page says so in place
    of its form; None for a party who may rate, or a moderator."""
    from app.blueprints.moderation.enforcement import suspension_refusal  # (after auctions)

    return suspension_refusal(current_user, now) if role else None


def _page(sale, form, status=200, message_form=None):
    role = sales.role_in(current_user, sale)
    now = utcnow()
    held = sales.hold_reason(sale)  # AUC-3
    return render_template(
        "auctions/sale.html", sale=sale, role=role, form=form, now=now,
        cannot_act=_cannot_act(role, now),
        cannot_message=sale_messages.message_refusal(sale, current_user, now) if role else None,
        messages=sale_messages.messages_of(sale),
        message_form=message_form or MessageForm(formdata=None),
        held=held,
        pay_to=sale_messages.payment_details(sale) if role and sale.step == "awaiting_payment"
        and held is None else None,
        can_advance=sales.can_advance(current_user, sale),
        given=sales.feedback_given(sale, current_user.id) if role else None,
        received=sales.feedback_given(sale, sale.seller_id if role == "buyer" else
                                      sale.buyer_id) if role else None,
        negative_from=sales.negative_allowed_at(sale)), status


@bp.route("/sales/<int:sale_id>")
@login_required
def sale(sale_id):
    """The sale page: price, parties, steps, feedback."""
    sale = _sale_or_403(sale_id)
    return _page(sale, FeedbackForm(formdata=None))


@bp.route("/sales/<int:sale_id>/messages", methods=["POST"])
@login_required
def message(sale_id):
    """Write to the other party of the sale (payment, address, shipping)."""
    sale = _sale_or_403(sale_id)
    form = MessageForm()
    if sales.role_in(current_user, sale) is None:  # a moderator reads, and is told why not
        form.form_errors.append(str(_l("Only the buyer and the seller can write here.")))
    elif form.validate_on_submit():
        try:
            sale_messages.post(sale, current_user, form.body.data, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if wants_fragment():
                return _messages(sale, MessageForm(formdata=None))
            return redirect(url_for("auctions.sale", sale_id=sale.id, _anchor="messages"))
    if wants_fragment():
        return _messages(sale, form, 422)
    return _page(sale, FeedbackForm(formdata=None), 422, message_form=form)


def _messages(sale, form, status=200):
    """The messages section alone (htmx), with ``form`` (a fresh one, or as typed)."""
    role = sales.role_in(current_user, sale)
    return render_template("auctions/_sale_messages.html", sale=sale, role=role,
                           messages=sale_messages.messages_of(sale), message_form=form,
                           cannot_message=sale_messages.message_refusal(
                               sale, current_user, utcnow()) if role else None), status


@bp.route("/sales/<int:sale_id>/next", methods=["POST"])
@login_required
def advance(sale_id):
    """Take the next step of the sale: paid, shipped, received, after a confirmation page
    (or the browser's confirm under htmx): a step cannot be undone. A step that is not the
    member's to take is refused at once, with no confirmation."""
    sale = _sale_or_403(sale_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.form.get("confirmed") != "yes" and sales.can_advance(current_user, sale):
        return render_template("auctions/confirm_sale_step.html", sale=sale, form=EmptyForm())
    try:
        sales.advance(sale, current_user, now=utcnow(), step=request.form.get("step"))
        db.session.commit()
        flash(_l("Thank you: the sale has moved on."), "success")
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("auctions.sale", sale_id=sale.id))


@bp.route("/sales/<int:sale_id>/feedback", methods=["POST"])
@login_required
def feedback(sale_id):
    """Rate the other party once (AUC-11)."""
    begin_immediate(db.session)  # one writer at a time: a double submit rates once
    sale = _sale_or_403(sale_id)
    form = FeedbackForm()
    if sales.role_in(current_user, sale) is None:  # a moderator reads, and is told why not
        form.form_errors.append(str(_l("Only the buyer and the seller rate a sale.")))
    elif form.validate_on_submit():
        try:
            sales.leave_feedback(sale, current_user, form.rating.data, form.comment.data,
                                 now=utcnow())
            db.session.commit()
            flash(_l("Thank you for your feedback."), "success")
            return redirect(url_for("auctions.sale", sale_id=sale.id))
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
    return _page(sale, form, 422)


def _sale_link(sale_id, external=False):
    """Notices about a sale (won, sold) lead to its page."""
    if external:
        return external_url("auctions.sale", sale_id=sale_id)
    return url_for("auctions.sale", sale_id=sale_id)


register_link("sale", _sale_link)
