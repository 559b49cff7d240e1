"""What a moderator can do with a review item of kind 'report' (MOD-11): dismiss it, hang a
STOP sign on the reported listing or auction, sanction the member it is about (MOD-8), or hide
a reported board post. Registered on the queue when the blueprint loads."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.blueprints.moderation import audit
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.queue import Action, Done, register_action
from app.blueprints.moderation.sanctions import SANCTION_LABELS
from app.blueprints.moderation.sign_texts import SIGN_LABELS
from app.extensions import db
from app.models import BoardPost, User

SANCTION_FIELDS = ("kind", "rule", "facts", "days", "fine", "limits")


def _int(value, field, message, most):
    text = str(value or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise ModerationError(message, field=field) from None
    if number < 0 or number > most:
        raise ModerationError(message, field=field)
    return number


def _fine_satang(value):
    """The fine typed in the queue row, in whole baht as people write it ("1500", "1,500",
    "฿1,500", "๑,๕๐๐"), as satang; None when left empty."""
    from app.money import parse_baht

    text = str(value or "").strip()
    if not text:
        return None
    try:
        satang = parse_baht(text)
    except ValueError:
        satang = -1
    if satang < 0 or satang % 100:
        raise ModerationError(_l("Give the fine in whole baht."), field="fine")
    return satang or None


def sanction_values(form, now):
    """The :func:`sanctions.impose` keywords from a submitted form (days, fine in baht)."""
    days = _int(form.get("days"), "days", _l("Give the duration as a number of days, at most "
                                              "3,650 (a closure has no end)."), 3650)
    return dict(rule=form.get("rule", ""), facts=form.get("facts", ""),
                ends_at=now + timedelta(days=days) if days else None,
                fine_satang=_fine_satang(form.get("fine")), limits=form.get("limits", ""))


def _dismiss(item, moderator, form, *, now, ip):
    return str(_l("Report dismissed."))


def _sign(item, moderator, form, *, now, ip):
    from app.blueprints.moderation import signs

    if item.target_type not in ("listing", "auction"):
        raise ModerationError(_l("Signs hang only on listings and auctions."))
    try:
        sign = signs.hang_sign(item.target_type, item.target_id, form.get("sign", ""),
                               moderator, form.get("reason", ""), now=now, ip=ip)
    except ModerationError as error:
        if error.field != "decision_basis":
            raise
        # The row has no place for an expert verdict or the site's final decision (MOD-5,
        # MOD-6): the refusal says why and where to record it.
        raise ModerationError(_l(
            "This sign needs an outside expert body's verdict or the site's final decision "
            "(MOD-5, MOD-6), which the queue cannot record: hang it from the item's page, "
            "where it is written down.")) from None
    return Done(str(_l("%(sign)s hung.", sign=SIGN_LABELS[sign.kind])),
                {"sign_id": sign.id, "sign": sign.kind})


def _sanction(item, moderator, form, *, now, ip):
    from app.blueprints.moderation.sanctions import impose

    user = db.session.get(User, item.subject_user_id) if item.subject_user_id else None
    if user is None:
        raise ModerationError(_l("This report is not about a member who can be sanctioned."))
    sanction = impose(user, form.get("kind", ""), moderator, now=now, ip=ip,
                      **sanction_values(form, now))
    return Done(str(_l("%(sanction)s imposed.", sanction=SANCTION_LABELS[sanction.kind])),
                {"sanction_id": sanction.id, "sanction": sanction.kind})


def _warn(item, moderator, form, *, now, ip):
    return _sanction(item, moderator, {**form, "kind": "warning"}, now=now, ip=ip)


def _hide(item, moderator, form, *, now, ip):
    from app.blueprints.boards.hiding import hide_post

    if item.target_type != "board_post":
        raise ModerationError(_l("Only board posts can be hidden here."))
    post = db.session.get(BoardPost, item.target_id)
    if post is None:
        raise ModerationError(_l("This post no longer exists."))
    if hide_post(post, now):
        audit.record(moderator, "board_post.hide", "board_post", post.id,
                     before={"hidden_at": None}, after={"hidden_at": now},
                     note=form.get("reason", ""), now=now, ip=ip)
    return Done(str(_l("Post hidden.")), {"board_post_id": post.id})


register_action("report", Action("dismiss", _l("Dismiss"), _dismiss, fields=("reason",),
                                 key="d", bulk=True))
FIELD_LABELS = {"rule": _l("Rule broken (e.g. MKT-6)"), "facts": _l("Facts"),
                "days": _l("Days"), "fine": _l("Fine in baht"), "limits": _l("Limits")}


def _sign_choices():
    return tuple(SIGN_LABELS.items())


# ("required": the fields the services refuse empty, so a key focuses the first empty one
# instead of sending the form to be refused.)
register_action("report", Action("sign", _l("Hang a sign"), _sign, fields=("sign", "reason"),
                                 key="s", extra={"targets": ("listing", "auction"),
                                                 "choices": {"sign": _sign_choices()},
                                                 "required": ("reason",)}))
register_action("report", Action("warn", _l("Warn the member"), _warn,
                                 fields=("rule", "facts"), key="w",
                                 extra={"labels": FIELD_LABELS,
                                        "required": ("rule", "facts")}))
register_action("report", Action("sanction", _l("Sanction the member"), _sanction,
                                 fields=SANCTION_FIELDS, style="danger",
                                 extra={"labels": FIELD_LABELS, "choices": {"kind": tuple(
                                     SANCTION_LABELS.items())},
                                        "required": ("rule", "facts")}))
register_action("report", Action("hide", _l("Hide the post"), _hide, fields=("reason",),
                                 key="h", extra={"targets": ("board_post",)}))
