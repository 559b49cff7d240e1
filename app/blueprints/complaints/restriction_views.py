"""Moderators' page of restricted complainants (CMP-4 abuse): who may not file complaints,
why and until when, and lifting a restriction (audited). Restricting is done from the
complaint's queue row."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.accounts.errors import AccountError
from app.blueprints.complaints import bp, repeat
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.models.complaints import ComplainantRestriction
from app.net import client_ip
from app.permissions import can_moderate, require


@bp.route("/restrictions", endpoint="restrictions")
@require(can_moderate)
def restrictions():
    """Restrictions in force and lifted ones, newest first."""
    rows = db.session.scalars(select(ComplainantRestriction).order_by(
        ComplainantRestriction.created_at.desc()).limit(200)).all()
    return render_template("complaints/restrictions.html", rows=rows, now=utcnow(),
                           form=EmptyForm(formdata=None))


@bp.route("/restrictions/<int:restriction_id>/lift", methods=["POST"])
@require(can_moderate)
def lift_restriction(restriction_id):
    """Lift a restriction: the complainant may file complaints again."""
    row = db.session.get(ComplainantRestriction, restriction_id)
    if row is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            repeat.lift(row, current_user, now=utcnow(), ip=client_ip())
            db.session.commit()
            flash(_l("The restriction has been lifted."), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("complaints.restrictions"))
