"""Who may see a complaint's status page and evidence without an account: whoever proved,
in this browser session, that they know its code and e-mail (or just filed it). The session
holds the complaint ids, so links never carry the e-mail."""
from flask import session
from flask_login import current_user

from app.permissions import can_moderate, is_member

SESSION_KEY = "complaints"
#: Complaints one session remembers (the oldest are forgotten first).
REMEMBERED = 20


def grant(complaint):
    """Remember in the session that this browser may see ``complaint``."""
    ids = [i for i in session.get(SESSION_KEY, []) if i != complaint.id]
    session[SESSION_KEY] = (ids + [complaint.id])[-REMEMBERED:]


def remembered(complaint):
    """True when this browser sees ``complaint`` only because its session remembers it (a
    lookup or the filing here), not as the member who filed it or as a moderator: then
    :func:`forget` is what ends it (on a shared computer, before walking away)."""
    return (complaint is not None and complaint.id in session.get(SESSION_KEY, [])
            and not (is_member(current_user) and complaint.complainant_id == current_user.id)
            and not can_moderate(current_user))


def forget(complaint):
    """This browser no longer sees ``complaint`` (the code and e-mail open it again)."""
    ids = session.get(SESSION_KEY, [])
    if complaint.id in ids:
        session[SESSION_KEY] = [i for i in ids if i != complaint.id]


def granted(complaint):
    """True when this browser may see ``complaint``: looked up or filed in this session,
    filed by the logged-in member, or a moderator."""
    if complaint is None:
        return False
    if complaint.id in session.get(SESSION_KEY, []):
        return True
    if is_member(current_user) and complaint.complainant_id == current_user.id:
        return True
    return can_moderate(current_user)
