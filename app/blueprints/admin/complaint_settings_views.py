"""Admin page for the complaints settings (CMP-4): how many pages with upheld complaints
suspend an owner, for how long, and how many unfounded complaints allow restricting a
complainant. Audited."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.admin import bp
from app.blueprints.complaints import settings
from app.database import utcnow
from app.extensions import db
from app.forms import TalatForm
from app.net import client_ip

FIELDS = {"suspend_after": "complaints.suspend_after",
          "suspend_days": "complaints.suspend_days",
          "restrict_after": "complaints.restrict_after"}


def _field(key):
    default, low, high, label = settings.SETTINGS[key]
    return IntegerField(label, validators=[
        InputRequired(_l("This field is required.")),
        NumberRange(low, high, _l("Give a whole number from %(low)d to %(high)d.", low=low,
                                  high=high))])


class ComplaintSettingsForm(TalatForm):
    """The CMP-4 thresholds."""

    suspend_after = _field("complaints.suspend_after")
    suspend_days = _field("complaints.suspend_days")
    restrict_after = _field("complaints.restrict_after")


@bp.route("/complaint-settings", methods=["GET", "POST"])
def complaint_settings():
    """Change the CMP-4 thresholds (admins only, like every admin page)."""
    if request.method == "GET":
        form = ComplaintSettingsForm(data={name: settings.get_int(key)
                                           for name, key in FIELDS.items()})
    else:
        form = ComplaintSettingsForm()
    if form.validate_on_submit():
        try:
            now, ip = utcnow(), client_ip()
            for name, key in FIELDS.items():
                settings.set_int(key, form[name].data, current_user, now=now, ip=ip)
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("The complaints settings have been saved."), "success")
            return redirect(url_for("admin.complaint_settings"))
    return render_template("admin/complaint_settings.html", form=form), \
        422 if form.is_submitted() else 200
