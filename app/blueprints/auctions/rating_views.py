"""Moderators change who may see an auction (RANK-1): the auction page's moderator form."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions import bp, moderation_services
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.net import client_ip
from app.notifications import register_link
from app.permissions import can_moderate
from app.urls import external_url


@bp.route("/<int:auction_id>/content-rating", methods=["POST"])
@login_required
def change_rating(auction_id):
    """Moderators change an auction's content rating (RANK-1), as a listing's."""
    if not can_moderate(current_user):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            auction = moderation_services.set_content_rating(
                auction_id, request.form.get("content_rating", ""), now=utcnow(),
                moderator=current_user, ip=client_ip())
            if auction is None:
                abort(404)
            db.session.commit()
            flash(_l("Who may see this auction has been changed."), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("auctions.auction", auction_id=auction_id))


def _auction_link(auction_id, external=False):
    """Notices about an auction (its rating changed) lead to its page."""
    if external:
        return external_url("auctions.auction", auction_id=auction_id)
    return url_for("auctions.auction", auction_id=auction_id)


register_link("auction", _auction_link)
