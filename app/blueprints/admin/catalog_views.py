"""Admin pages for the shop catalogue: the prohibited list (SHOP-4), frozen sections (SHOP-9)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.admin import bp
from app.blueprints.admin.forms import FreezeForm, ProhibitedTermForm
from app.blueprints.shops import prohibited, shop_services
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.net import client_ip

SECTION_LABELS = {"shops": _l("Opening shops"), "listings": _l("Posting listings"),
                  "messages": _l("Sending messages"), "auctions": _l("Starting auctions")}


@bp.route("/prohibited", methods=["GET", "POST"])
def prohibited_list():
    """The prohibited-goods list, editable in Thai and English (SHOP-4)."""
    form = ProhibitedTermForm()
    if form.validate_on_submit():
        try:
            prohibited.add_term(form.term.data, form.action.data, form.group_th.data,
                                form.group_en.data, by=current_user, now=utcnow(),
                                ip=client_ip())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("The word has been added to the prohibited list."), "success")
            return redirect(url_for("admin.prohibited_list"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/prohibited.html", form=form, terms=prohibited.all_terms(),
                           delete_form=EmptyForm(formdata=None)), status


@bp.route("/prohibited/<int:term_id>/delete", methods=["POST"])
def delete_prohibited(term_id):
    """Take a word off the list; the admin reads which one went (SHOP-4)."""
    if EmptyForm().validate_on_submit():
        term = prohibited.remove_term(term_id, by=current_user, now=utcnow(), ip=client_ip())
        db.session.commit()
        if term is not None:
            flash(_l("“%(term)s” is no longer on the prohibited list.", term=term), "success")
    return redirect(url_for("admin.prohibited_list"))


@bp.route("/sections")
def sections():
    """Freeze or unfreeze sections of the site (SHOP-9)."""
    return render_template("admin/sections.html", sections=shop_services.SECTIONS,
                           labels=SECTION_LABELS, frozen=shop_services.frozen_sections(),
                           form=FreezeForm(formdata=None))


@bp.route("/sections/<section>/freeze", methods=["POST"])
def freeze(section):
    """Freeze a section: new posts refused with the notice; old ones stay readable."""
    form = FreezeForm()
    if form.validate_on_submit():
        try:
            shop_services.freeze_section(section, notice_th=form.notice_th.data or "",
                                         notice_en=form.notice_en.data or "",
                                         admin=current_user, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_l("%(section)s is frozen: new posts are refused with your notice; everything "
                     "already there stays readable.", section=SECTION_LABELS[section]),
                  "success")
    return redirect(url_for("admin.sections"))


@bp.route("/sections/<section>/unfreeze", methods=["POST"])
def unfreeze(section):
    """Accept new posts in a section again."""
    if EmptyForm().validate_on_submit():
        was_frozen = shop_services.unfreeze_section(section, admin=current_user, now=utcnow())
        db.session.commit()
        if was_frozen:
            flash(_l("%(section)s takes new posts again.", section=SECTION_LABELS[section]),
                  "success")
    return redirect(url_for("admin.sections"))
