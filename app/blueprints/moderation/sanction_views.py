"""Moderators' member page (sanctions, strikes, reports; impose a sanction, lift one, rename
a display name: MOD-8, ACC-2) and the member's own sanctions page with appeals (MOD-9)."""
import functools

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.services import rename_refusal
from app.blueprints.accounts.views import show_error
from app.blueprints.moderation import appeal_windows, appeals, bp, sanctions
from app.blueprints.moderation.renames import rename_display_name
from app.blueprints.moderation.report_actions import sanction_values
from app.blueprints.moderation.reports import (REPORT_REASON_LABELS, TARGET_LABELS,
                                               reports_against)
from app.blueprints.moderation.sanction_forms import (AppealForm, LiftForm, RenameForm,
                                                      SanctionForm)
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.models import Sanction, User
from app.models.moderation import SANCTION_KINDS
from app.permissions import can_moderate, require
from app.net import client_ip


@bp.app_template_global()
def current_suspension_refusal():
    """The current member's ACC-5 refusal (with its appeal state) for the site-wide banner,
    read once per request; None when they are not suspended or closed."""
    from flask import g

    from app.blueprints.moderation.enforcement import suspension_refusal
    from app.permissions import is_suspended

    if not is_suspended(current_user):
        return None
    if "talat_suspension_refusal" not in g:
        g.talat_suspension_refusal = suspension_refusal(current_user, utcnow())
    return g.talat_suspension_refusal


def _sanction_form(blank=False):
    form = SanctionForm(formdata=None) if blank else SanctionForm()
    form.kind.choices = [SelectChoice(kind, sanctions.SANCTION_LABELS[kind])
                         for kind in SANCTION_KINDS]
    return form


def _member_page(member, status=200, sanction_form=None, rename_form=None):
    from app.blueprints.moderation import signs

    own = sanctions.sanctions_of(member.id)
    return render_template(
        "moderation/member.html", member=member, sanctions=own,
        strikes=signs.strike_count(member.id), reports=reports_against(member.id),
        reason_labels=REPORT_REASON_LABELS, labels=sanctions.SANCTION_LABELS,
        target_labels=TARGET_LABELS, appeal_states=appeals.APPEAL_STATE_LABELS,
        sanction_form=sanction_form or _sanction_form(blank=True),
        rename_form=rename_form or RenameForm(formdata=None), lift_form=LiftForm(formdata=None),
        rename_refusal=rename_refusal(member, current_user),
        sanction_refusal=sanctions.sanction_refusal(member, current_user),
        now=utcnow(), is_active=sanctions.is_active,
        appeal_of=appeals.appeals_by_sanction([s.id for s in own]).get), status


@bp.route("/members/<int:user_id>")
@require(can_moderate)
def member(user_id):
    """A member as moderators see them: sanctions, strikes, reports, and what to do."""
    return _member_page(db.get_or_404(User, user_id))


@bp.route("/members/<int:user_id>/sanctions", methods=["POST"])
@require(can_moderate)
def impose_sanction(user_id):
    """Impose a MOD-8 sanction from the member page."""
    member = db.get_or_404(User, user_id)
    form = _sanction_form()
    if form.validate_on_submit():
        begin_immediate(db.session)
        now = utcnow()
        try:
            sanctions.impose(member, form.kind.data, current_user, now=now, ip=client_ip(),
                             **sanction_values(request.form, now))
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("The sanction is in place and the member has been told."), "success")
            return redirect(url_for("moderation.member", user_id=user_id))
    return _member_page(db.get_or_404(User, user_id), 422, sanction_form=form)


@bp.route("/sanctions/<int:sanction_id>/lift", methods=["POST"])
@require(can_moderate)
def lift_sanction(sanction_id):
    """Lift a sanction (a suspension ends at once)."""
    sanction = db.get_or_404(Sanction, sanction_id)
    form = LiftForm()
    if not form.validate_on_submit():
        flash(_l("Give a reason for lifting the sanction."), "error")
    else:
        try:
            sanctions.lift(sanction, current_user, form.reason.data, now=utcnow(),
                           ip=client_ip())
            db.session.commit()
            flash(_l("The sanction has been lifted."), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("moderation.member", user_id=sanction.user_id))


@bp.route("/members/<int:user_id>/rename", methods=["POST"])
@require(can_moderate)
def rename(user_id):
    """Rename an inappropriate display name (ACC-2), with a reason, audit entry and notice."""
    member = db.get_or_404(User, user_id)
    form = RenameForm()
    if form.validate_on_submit():
        try:
            renamed = rename_display_name(member, form.display_name.data, form.reason.data,
                                          moderator=current_user, now=utcnow(), ip=client_ip())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if renamed:
                flash(_l("The display name has been changed and the member told."), "success")
            else:
                flash(_l("The member's display name is already “%(name)s”: nothing was "
                         "changed.", name=member.display_name), "info")
            return redirect(url_for("moderation.member", user_id=user_id))
    return _member_page(db.get_or_404(User, user_id), 422, rename_form=form)


def _my_page(status=200, appeal_form=None, failed_id=None):
    now = utcnow()
    own = sanctions.sanctions_of(current_user.id)
    return render_template(
        "moderation/my_sanctions.html", sanctions=own,
        labels=sanctions.SANCTION_LABELS, now=now, is_active=sanctions.is_active,
        appeal_of=appeals.appeals_by_sanction([s.id for s in own]).get,
        deadline=functools.partial(appeal_windows.appeal_deadline,
                                   restricted=appeal_windows.restriction_periods(own)),
        waits_for_suspension=lambda s: appeals.waits_for_suspension(s, current_user, now),
        appeal_form=appeal_form, failed_id=failed_id,
        blank_form=AppealForm(formdata=None)), status


@bp.route("/me/sanctions")
@login_required
def my_sanctions():
    """The member's sanctions, their status and the appeal form or appeal state (MOD-9)."""
    return _my_page()


@bp.route("/me/sanctions/<int:sanction_id>/appeal", methods=["POST"])
@login_required
def appeal(sanction_id):
    """File an appeal against one's own sanction."""
    sanction = db.get_or_404(Sanction, sanction_id)
    if sanction.user_id != current_user.id:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            appeals.file_appeal(sanction, current_user, form.body.data, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your appeal has been sent. Another moderator will decide it."),
                  "success")
            return redirect(url_for("moderation.my_sanctions"))
    return _my_page(422, appeal_form=form, failed_id=sanction_id)


@bp.app_template_global()
def orders_paused(shop):
    """True while the shop owner's payouts are held (MOD-8): the shop page says why."""
    from app.blueprints.moderation.enforcement import payouts_held

    return payouts_held(shop.owner_id, utcnow()) is not None
