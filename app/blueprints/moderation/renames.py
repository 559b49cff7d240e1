"""A moderator renames an inappropriate display name (ACC-2): the new name, the audit entry
(MOD-10) and the member's notice, in the member's language, together."""
from flask_babel import lazy_gettext as _l

from app.blueprints.accounts.services import clean_display_name, rename_member
from app.blueprints.moderation import audit
from app.notifications import SUBJECTS, TEXTS, notify_about
from app.pagecache_clearing import drop_visitor_pages

TEXTS["display_name_renamed"] = _l("A moderator changed your display name from “%(old)s” to "
                                   "“%(new)s”: %(reason)s")
SUBJECTS["display_name_renamed"] = _l("A moderator changed your display name")


def rename_display_name(member, new_name, reason, *, moderator, now, ip=""):
    """Give ``member`` the display name ``new_name`` for ``reason``, write the audit entry
    and tell the member. Returns False, changing and writing nothing, when the member already
    has that name (the form sent twice): a second entry and a notice "from X to X" would
    record a rename that did not happen."""
    old = member.display_name
    if clean_display_name(new_name, allow_reserved=True) == old:
        return False
    rename_member(member, new_name, now=now, by=moderator)
    # The inappropriate name goes from visitors' kept pages in every worker (a member's own
    # rename may show a few seconds late, and clearing on it would let anyone empty them).
    drop_visitor_pages()
    audit.record(moderator, "user.rename", "user", member.id, before={"display_name": old},
                 after={"display_name": member.display_name}, note=reason, now=now, ip=ip)
    notify_about(member, "display_name_renamed", target_type="user", target_id=member.id,
                 now=now, facts={"old": old, "new": member.display_name, "reason": reason})
    return True
