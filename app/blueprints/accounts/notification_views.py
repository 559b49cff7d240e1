"""A member's notifications (outbid, won, ending soon, ...), newest first."""
from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from app import notifications
from app.blueprints.accounts import bp
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.mail_cap import held_back


@bp.app_template_global("unread_notice_count")
def unread_notice_count():
    """Unread notices of the member viewing the page (the header shows the number)."""
    return notifications.unread_count(current_user) if current_user.is_authenticated else 0


bp.add_app_template_global(notifications.notice_text, "notice_text")
bp.add_app_template_global(notifications.notice_subject, "notice_subject")
bp.add_app_template_global(notifications.notice_link, "notice_link")


@bp.route("/notifications")
@login_required
def notifications_page():
    """The member's latest notices; unread ones are marked."""
    return render_template("accounts/notifications.html",
                           notices=notifications.recent(current_user),
                           mail=held_back(current_user.id, utcnow()),
                           mail_cap=current_app.config["MAIL_HOURLY_CAP"],
                           mail_wait_hours=current_app.config["MAIL_MAX_WAIT_HOURS"])


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_notifications_read():
    """Mark every notice as read."""
    if EmptyForm().validate_on_submit():
        notifications.mark_all_read(current_user, utcnow())
        db.session.commit()
    return redirect(url_for("accounts.notifications_page"))
