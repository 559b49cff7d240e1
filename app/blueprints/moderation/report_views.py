"""The report form (MOD-11): GET shows it (whole page or htmx fragment), POST files the
report and redirects back to what was reported, or under htmx answers with the thanks that
replace the form; errors keep what was typed."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.blueprints.accounts.views import show_error
from app.blueprints.moderation import bp, report_actions  # noqa: F401
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.reports import (REPORT_REASON_LABELS, TARGET_LABELS,
                                               file_report, load_target)
from app.blueprints.moderation.sanction_forms import ReportForm
from app.database import utcnow
from app.extensions import db
from app.htmx import render_page_or_fragment, wants_fragment
from app.models.moderation import REPORT_REASONS, REPORT_TARGETS


def target_url(target_type, item):
    """Where to go back to after reporting ``item``."""
    if target_type == "listing":
        return url_for("shops.listing", listing_id=item.id)
    if target_type == "auction":
        return url_for("auctions.auction", auction_id=item.id)
    if target_type == "message":
        return url_for("shops.conversation", conversation_id=item.conversation_id,
                       _anchor=f"message-{item.id}")
    if target_type == "user":
        return url_for("accounts.member", user_id=item.id) \
            if _has("accounts.member") else url_for("main.home")
    if target_type == "board_post" and _has("boards.post"):
        return url_for("boards.post", post_id=item.id)
    return url_for("main.home")


def _has(endpoint):
    from flask import current_app

    return endpoint in current_app.view_functions


@bp.route("/report/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
def report(target_type, target_id):
    """Report a listing, auction, message, board post or member."""
    if target_type not in REPORT_TARGETS:
        abort(404)
    now = utcnow()
    try:
        item, _subject, title = load_target(current_user, target_type, target_id, now)
    except ModerationError:
        abort(404)
    back = target_url(target_type, item)
    form = ReportForm()
    # No reason is picked for the member: the list starts on "Choose…", which must be changed.
    form.reason.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(code, REPORT_REASON_LABELS[code]) for code in REPORT_REASONS]
    status = 200
    if form.validate_on_submit():
        try:
            file_report(current_user, target_type, target_id, form.reason.data,
                        form.detail.data, now=now)
            db.session.commit()
        except ModerationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if wants_fragment():  # the form gives way to the thanks, in place
                response = make_response(render_template(
                    "moderation/_report_sent.html", title=title, back=back))
                response.headers.add("Vary", "HX-Request")
                return response
            flash(_l("Thank you. Your report has been sent to the moderators."), "success")
            return redirect(back)
    if form.is_submitted():
        status = 422
    return render_page_or_fragment(
        "moderation/report.html", "moderation/_report_form.html", status, form=form,
        target_type=target_type, target_id=target_id, title=title, back=back,
        target_label=TARGET_LABELS[target_type], action=request.path)
