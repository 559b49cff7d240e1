"""Site settings an admin changes (``SiteSetting`` rows): the CMP-4 thresholds. A setting not
yet saved has its default here; values are whole numbers within a range."""
from flask_babel import lazy_gettext as _l

from app.blueprints.complaints.errors import ComplaintError
from app.extensions import db
from app.models.complaints import SiteSetting

#: ``key: (default, lowest, highest, label)``
SETTINGS = {
    "complaints.suspend_after": (3, 1, 100, _l(
        "Pages of one owner with upheld complaints that suspend the account (CMP-4)")),
    "complaints.suspend_days": (30, 1, 365, _l(
        "Days an account is suspended for repeated upheld complaints")),
    "complaints.restrict_after": (3, 1, 100, _l(
        "Complaints rejected as unfounded before a complainant may be restricted")),
}


def get_int(key):
    """The setting's saved value, or its default."""
    default, low, high, _label = SETTINGS[key]
    row = db.session.get(SiteSetting, key)
    try:
        value = int(row.value) if row is not None else default
    except ValueError:
        return default
    return value if low <= value <= high else default


def set_int(key, value, user, *, now, ip=""):
    """Save ``value`` (checked against the setting's range) and audit the change."""
    from app.blueprints.moderation import audit

    default, low, high, _label = SETTINGS[key]
    if not isinstance(value, int) or not low <= value <= high:
        raise ComplaintError(_l("Give a whole number from %(low)d to %(high)d.", low=low,
                                high=high), field=key)
    before = get_int(key)
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key, value=str(value), updated_at=now, updated_by_id=user.id)
        db.session.add(row)
    else:
        row.value, row.updated_at, row.updated_by_id = str(value), now, user.id
    if before != value:
        audit.record(user, "setting.change", "site_setting", 0, before={key: before},
                     after={key: value}, now=now, ip=ip)
    return row
