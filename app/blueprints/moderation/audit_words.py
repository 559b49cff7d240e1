"""Names for the audit log's codes (MOD-10): the kinds of target, the fields an entry keeps
before and after, and their values, in the reader's language. The log stores codes; an admin
reads names. A code with no name (a new one) is shown as it is."""
import json
import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db

TARGET_NAMES = {
    "user": _l("Member"),
    "listing": _l("Listing"),
    "auction": _l("Auction"),
    "shop": _l("Shop"),
    "sign": _l("Sign"),
    "sanction": _l("Sanction"),
    "review_item": _l("Queue item"),
    "ip_request": _l("IP-address request"),
    "complaint": _l("Complaint"),
    "complainant": _l("Complainant"),
    "counter": _l("Counter-statement"),
    "prohibited_term": _l("Prohibited word"),
    "board_post": _l("Board post"),
    "section": _l("Section"),
    "site_setting": _l("Site setting"),
    "login_block": _l("Login block"),
}

#: What each action code the log stores did, in groups as the filter offers them (a group's
#: key names it in the address: ``action=*signs``). ``queue.<decision>`` beyond claim and
#: release is named by the decision, which depends on the item's kind
#: (:meth:`ValueWords.action`).
ACTION_GROUPS = {
    "signs": (_l("Signs"), {
        "sign.hang": _l("Sign hung"),
        "sign.replace": _l("Sign replaced"),
        "sign.end": _l("Sign taken down")}),
    "strikes": (_l("Strikes"), {
        "strike.add": _l("Strike given"),
        "strike.withdraw": _l("Strike withdrawn")}),
    "sanctions": (_l("Sanctions"), {
        "sanction.add": _l("Sanction imposed"),
        "sanction.lift": _l("Sanction lifted")}),
    "review_queue": (_l("Review queue"), {
        "queue.claim": _l("Queue item claimed"),
        "queue.release": _l("Queue item released")}),
    "complaints": (_l("Complaints"), {
        "complaint.ask": _l("Complainant asked for more"),
        "complaint.uphold": _l("Complaint upheld"),
        "complaint.reject": _l("Complaint rejected"),
        "complaint.hide": _l("Page suspended after a complaint"),
        "complaint.restore": _l("Suspended page published again"),
        "complaint.restored": _l("Counter-statement accepted"),
        "complaint.kept": _l("Counter-statement refused")}),
    "complainants": (_l("Complainants"), {
        "complainant.restrict": _l("Complainant restricted"),
        "complainant.lift": _l("Complainant's restriction lifted")}),
    "ip_requests": (_l("IP-address requests"), {
        "ip_request.approve": _l("IP-address request approved"),
        "ip_request.reject": _l("IP-address request rejected"),
        "ip_request.close": _l("IP-address request closed"),
        "ip_request.release": _l("IP addresses shown")}),
    "members": (_l("Members"), {
        "user.auction_rights": _l("Auction rights changed"),
        "user.rename": _l("Display name changed"),
        "user.role": _l("Role changed"),
        "account.delete": _l("Account deleted")}),
    "listings": (_l("Listings, auctions and boards"), {
        "listing.approve_hold": _l("Held listing approved"),
        "listing.refuse_hold": _l("Held listing refused"),
        "listing.content_rating": _l("Content rating changed"),
        "auction.content_rating": _l("Content rating changed"),
        "auction.dismiss_flags": _l("Shill flags dismissed"),
        "board_post.hide": _l("Board post hidden")}),
    "shops": (_l("Shops"), {
        "shop.plan": _l("Shop plan changed"),
        "shop.close": _l("Shop closed")}),
    "site": (_l("Site"), {
        "setting.change": _l("Setting changed"),
        "section.freeze": _l("Section frozen"),
        "section.unfreeze": _l("Section reopened"),
        "prohibited.add": _l("Prohibited word added"),
        "prohibited.remove": _l("Prohibited word removed"),
        "login_block.lift": _l("Login block lifted")}),
}
ACTION_NAMES = {code: name for _group, actions in ACTION_GROUPS.values()
                for code, name in actions.items()}
#: A queue decision's name, the decision named by its item's kind.
QUEUE_DECISION = _l("Queue decision: %(decision)s")
EVERY_ACTION = _l("Every action of this group")

FIELD_NAMES = {
    "auction_rights": _l("Auction rights"),
    "action": _l("Action"),
    "automatic": _l("Automatic"),
    "blocked_until": _l("Blocked until"),
    "claimed_by_id": _l("Claimed by (member no.)"),
    "board_post_id": _l("Board post no."),
    "closed_at": _l("Closed at"),
    "closes_at": _l("Closes at"),
    "content_rating": _l("Content rating"),
    "decision": _l("Decision"),
    "decision_basis": _l("Decision basis"),
    "deleted": _l("Deleted"),
    "display_name": _l("Display name"),
    "email": _l("E-mail"),
    "ends_at": _l("Ends at"),
    "expert_body": _l("Expert body"),
    "expert_verdict": _l("Expert verdict"),
    "fine_satang": _l("Fine"),  # (shown in baht)
    "group_en": _l("Group (English)"),
    "group_th": _l("Group (Thai)"),
    "hidden_at": _l("Hidden at"),
    "hold_reason": _l("Reason for the hold"),
    "ip": _l("IP address"),
    "ips": _l("IP addresses"),
    "kind": _l("Kind"),
    "lifted_at": _l("Lifted at"),
    "limits": _l("Limits"),
    "notice_en": _l("Notice (English)"),
    "notice_th": _l("Notice (Thai)"),
    "open_flags": _l("Open flags"),
    "outcome": _l("Outcome"),
    "period_from": _l("Period from"),
    "period_to": _l("Period to"),
    "plan": _l("Plan"),
    "rating_locked": _l("Rating locked"),
    "restore_to": _l("Status to restore"),
    "reason": _l("Reason"),
    "role": _l("Role"),
    "rule": _l("Rule"),
    "sanction": _l("Sanction"),  # (its kind, in a queue decision's entry)
    "sanction_id": _l("Sanction no."),
    "section": _l("Section"),
    "sign": _l("Sign"),
    "sign_id": _l("Sign no."),
    "status": _l("Status"),
    "strikes": _l("Strikes"),
    "suspended_until": _l("Suspended until"),
    "term": _l("Word"),
    "unfounded": _l("Unfounded"),
    "until": _l("Until"),
    "viewer": _l("Viewer"),
}

#: Who looked at released addresses (an IP-address request's ``viewer``) besides a role.
REQUESTER = _l("the requester")
YES, NO = _l("yes"), _l("no")
#: A value that was empty (``null``): nothing, no one.
NOTHING = "—"

#: A moment as the log stores it (``str`` of an aware UTC datetime).
_STORED_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?\+00:00\Z")


def names():
    """The two tables drawn once in the reader's language, for one page of the log. A site
    setting's change keeps the setting's key as its field: it is named as the settings page
    names it."""
    from app.blueprints.complaints.settings import SETTINGS

    fields = {**FIELD_NAMES, **{key: setting[-1] for key, setting in SETTINGS.items()}}
    return ({code: str(name) for code, name in TARGET_NAMES.items()},
            {code: str(name) for code, name in fields.items()})


def group_prefixes(chosen):
    """The code prefixes a choice of a whole group (``*signs``) stands for, or None when
    ``chosen`` is not one: its actions' families (``sign.``), so a queue decision, named by
    its item, is in the review queue's group too."""
    group = ACTION_GROUPS.get(chosen[1:]) if chosen.startswith("*") else None
    if group is None:
        return None
    return sorted({code.split(".", 1)[0] + "." for code in group[1]})


def action_choices(chosen):
    """The filter's choices in the reader's language: ``[(group, [(value, name)])]``, each
    group led by the choice of all of it (``*key``). ``chosen``, when it is none of them (a
    code or prefix typed into the address), is kept as a choice of its own so the form
    shows what the page is filtered by."""
    groups = [(str(label), [(f"*{key}", str(EVERY_ACTION))]
               + [(code, str(name)) for code, name in actions.items()])
              for key, (label, actions) in ACTION_GROUPS.items()]
    known = {value for _label, choices in groups for value, _name in choices}
    if chosen and chosen not in known:
        groups.insert(0, ("", [(chosen, chosen)]))
    return groups


def _value_names():
    """``{(scope, field): {code: name}}``: the names the app already gives to the codes a
    field holds, reused from where they are defined. ``scope`` is the entry's target kind or
    action family (``sanction`` of ``sanction.add``, looked up in that order), or "" for a
    field that means the same everywhere. (Imported here: those modules load after this
    one.)"""
    from app.blueprints.admin.catalog_views import SECTION_LABELS
    from app.blueprints.admin.forms import PROHIBITED_ACTION_LABELS
    from app.blueprints.auctions.lifecycle import AUCTION_RIGHTS_LABELS
    from app.blueprints.complaints import texts as complaint_texts
    from app.blueprints.ip_requests import STATUS_LABELS as IP_REQUEST_STATUS_LABELS
    from app.blueprints.moderation.queue import STATUS_LABELS as ITEM_STATUS_LABELS
    from app.blueprints.moderation.queue_views import TARGET_STATUS_LABELS
    from app.blueprints.moderation.sanctions import SANCTION_LABELS
    from app.blueprints.moderation.sign_texts import DECISION_BASIS_LABELS, SIGN_LABELS
    from app.blueprints.shops.forms import RATING_LABELS
    from app.blueprints.shops.plans import PLAN_NAMES
    from app.templating import ROLE_LABELS

    outcomes = complaint_texts.OUTCOME_LABELS
    return {
        ("", "sign"): SIGN_LABELS, ("", "decision_basis"): DECISION_BASIS_LABELS,
        ("", "plan"): PLAN_NAMES, ("", "role"): ROLE_LABELS,
        ("", "viewer"): {**ROLE_LABELS, "requester": REQUESTER},
        ("", "content_rating"): RATING_LABELS, ("", "section"): SECTION_LABELS,
        ("sanction", "kind"): SANCTION_LABELS, ("review_item", "sanction"): SANCTION_LABELS,
        ("user", "auction_rights"): AUCTION_RIGHTS_LABELS,
        ("listing", "status"): TARGET_STATUS_LABELS, ("shop", "status"): TARGET_STATUS_LABELS,
        ("listing", "restore_to"): TARGET_STATUS_LABELS,
        ("complaint", "status"): complaint_texts.STAFF_STATUS_LABELS,
        ("counter", "decision"): outcomes, ("counter", "outcome"): outcomes,
        ("ip_request", "status"): IP_REQUEST_STATUS_LABELS,
        ("review_item", "status"): ITEM_STATUS_LABELS,
        ("prohibited_term", "action"): PROHIBITED_ACTION_LABELS,
    }


def _item_kinds(entries):
    """The kind of each queue item the page's entries are about (a decision's name depends
    on it: "uphold" a complaint is not "uphold" an appeal), in one query."""
    from app.models import ReviewItem

    ids = {e.target_id for e in entries if e.target_type == "review_item"}
    if not ids:
        return {}
    return dict(db.session.execute(
        select(ReviewItem.id, ReviewItem.kind).where(ReviewItem.id.in_(ids))).all())


class ValueWords:
    """Shows the values before and after of one page of entries: codes by their names,
    yes/no for true/false, moments in Bangkok time, satang as baht. Each value is
    ``(text, code)``; ``code`` is what the log stores when the text names it (for a title),
    else None. Built once per page, in the reader's language."""

    def __init__(self, entries):
        from app.blueprints.moderation.queue import decision_labels

        self._names = _value_names()
        self._decisions = decision_labels()
        self._kinds = _item_kinds(entries)

    def action(self, entry):
        """``(text, code)``: what ``entry`` did, named (``code`` kept for a title), or the
        stored code itself with ``None`` when it has no name (a new one)."""
        name = ACTION_NAMES.get(entry.action)
        family, _dot, decision = entry.action.partition(".")
        if name is None and family == "queue":
            label = self._decisions.get((self._kinds.get(entry.target_id), decision))
            if label is None:  # (no such item: a name only if every kind gives the same)
                labels = {text for (_kind, code), text in self._decisions.items()
                          if code == decision}
                label = labels.pop() if len(labels) == 1 else None
            name = QUEUE_DECISION % {"decision": label} if label is not None else None
        return (str(name), entry.action) if name is not None else (entry.action, None)

    def values(self, entry, values):
        """``{field: (text, code)}`` for the ``values`` of ``entry`` (a dict from the log)."""
        return {field: self.value(entry, field, value) for field, value in values.items()}

    def value(self, entry, field, value):
        from app.i18n import format_baht, format_datetime

        if value is None:
            return NOTHING, "null"
        if isinstance(value, bool):
            return str(YES if value else NO), json.dumps(value)
        if isinstance(value, int) and field.endswith("_satang"):
            return format_baht(value), str(value)
        if isinstance(value, list):
            return ", ".join(self.value(entry, field, v)[0] for v in value), None
        if not isinstance(value, str):
            return str(value), None
        if _STORED_MOMENT.match(value):
            # (No title: the stored UTC moment is not a code, and only confuses.)
            return format_datetime(datetime.fromisoformat(value)), None
        name = self._name(entry, field, value)
        if name is None:
            return value, None
        return str(name), value or None  # (an empty code: no title)

    def _name(self, entry, field, code):
        if entry.target_type == "review_item" and field == "decision":
            return self._decisions.get((self._kinds.get(entry.target_id), code))
        for scope in (entry.target_type, entry.action.split(".", 1)[0], ""):
            names = self._names.get((scope, field))
            if names is not None and code in names:
                return names[code]
        return None


#: Notes the site writes itself (strikes.py, complaints/hiding.py, ip_requests/decisions.py):
#: stored in English as a code, read in the reader's language.
_SYSTEM_NOTES = (
    (re.compile(r"automatic\Z"), lambda: _("automatic")),
    (re.compile(r"automatic at (\d+) strikes \(AUC-4\)\Z"),
     lambda n: _("automatic at %(n)s strikes (AUC-4)", n=n)),
    (re.compile(r"complaint #(\d+)\Z"), lambda n: _("complaint #%(n)s", n=n)),
)


def note(text):
    """An entry's note as the reader reads it: one the site wrote itself, or a ready-made
    reason (app/standard_texts), in their language; what a moderator typed, as typed."""
    from app import standard_texts

    for pattern, named in _SYSTEM_NOTES:
        match = pattern.match(text or "")
        if match:
            return named(*match.groups())
    return standard_texts.shown(text)
