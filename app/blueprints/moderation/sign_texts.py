"""The words of STOP signs in both languages (MOD-1): each kind's name, what it means, what
the owner can do, the reasons moderators start from, and the notices about signs and
strikes."""
from flask_babel import lazy_gettext as _l

from app import standard_texts
from app.notifications import SUBJECTS, TEXTS, register_labels

SIGN_LABELS = {
    "under_review": _l("UNDER REVIEW"),
    "rule_violation": _l("RULE VIOLATION"),
    "incorrect_info": _l("INCORRECT INFORMATION"),
    "non_standard_print": _l("NON-STANDARD PRINT"),
    "fake": _l("FAKE"),
    "authentic": _l("AUTHENTIC"),
}

SIGN_MEANINGS = {
    "under_review": _l("Moderators are looking into this item. Until they conclude, it cannot "
                       "be changed."),
    "rule_violation": _l("This item breaks the site's rules. It cannot be changed."),
    "incorrect_info": _l("The description of this item is not correct. It cannot be changed "
                         "while the sign is up."),
    "non_standard_print": _l("This item is not of the standard print (pim) it claims. It "
                             "cannot be changed."),
    "fake": _l("Moderators found this item to be fake. It is listed on the public board of "
               "fake reports and cannot be changed or deleted."),
    "authentic": _l("Moderators checked this item and found it authentic."),
}
#: Said besides the meaning on an auction under any sign but AUTHENTIC (AUC-3).
SIGN_STOPS_BIDS = _l("The auction takes no bids while the sign is up.")

OWNER_CAN = {
    "fake": _l("The owner may send an explanation with evidence, and may ask for the sign to "
               "be lifted from 7 days after it was hung."),
    "authentic": _l("Nothing to do: the item may not be changed while the sign is up."),
}
OWNER_CAN_DEFAULT = _l("The owner may send the moderators an explanation with evidence.")

#: Reasons a moderator starts from, per kind (the text stays editable).
REASON_TEMPLATES = {
    "under_review": [_l("Members reported this item; moderators are checking it."),
                     _l("The photos and the description do not match; moderators are "
                        "checking.")],
    "rule_violation": [_l("This item is prohibited goods (SHOP-4)."),
                       _l("The listing breaks the site's rules on descriptions and photos.")],
    "incorrect_info": [_l("The temple, year or master stated does not match the item."),
                       _l("The photos are not of the item offered.")],
    "non_standard_print": [_l("The print (pim) does not match the standard print of this "
                              "batch."),
                           _l("The size and details differ from the standard print.")],
    "fake": [_l("Moderators compared the item with authentic pieces: it is a copy."),
             _l("The expert body's verdict: not authentic.")],
    "authentic": [_l("Moderators checked the item and found it authentic."),
                  _l("The expert body's verdict: authentic.")],
}

DECISION_BASIS_LABELS = {
    "": _l("Moderators' own finding"),
    "expert": _l("An outside expert body's verdict (prevails)"),
    "site_final": _l("The site's final decision"),
}


#: A FAKE sign on an expert body's verdict (MOD-5) or the site's final decision (MOD-6) is not
#: lifted on request (``StopSign.liftable_on_request``): new evidence goes in an explanation.
OWNER_CAN_FAKE_SETTLED = {
    "expert": _l("The owner may send an explanation with new evidence. The sign rests on an "
                 "outside expert body's verdict, which prevails: it is not lifted on request."),
    "site_final": _l("The owner may send an explanation with new evidence. The sign is the "
                     "site's final decision: it is not lifted on request."),
}


def owner_can(kind, decision_basis=""):
    """What the owner of an item under a sign of ``kind`` (resting on ``decision_basis``)
    can do."""
    if kind == "fake" and decision_basis in OWNER_CAN_FAKE_SETTLED:
        return OWNER_CAN_FAKE_SETTLED[decision_basis]
    return OWNER_CAN.get(kind, OWNER_CAN_DEFAULT)


SUBJECTS.update({
    "sign_hung": _l("Your item “%(title)s” now carries the sign %(sign)s"),
    "sign_replaced": _l("The sign on your item “%(title)s” is now %(sign)s"),
    "sign_ended": _l("The %(sign)s sign on your item “%(title)s” was taken down"),
    "strike": _l("A strike against you for “%(title)s”"),
    "strike_withdrawn": _l("The strike for “%(title)s” was withdrawn"),
    "rights_suspended": _l("Your auction rights are suspended"),
    "rights_restored": _l("Your auction rights are restored"),
    "rights_refused": _l("Your auction rights stay suspended"),
    "rights_revoked": _l("Your auction rights are revoked"),
    "shop_closed": _l("Your shop “%(name)s” was closed"),
    "response_decided": _l("The moderators kept the sign on “%(title)s”"),
})
TEXTS.update({
    "sign_hung": _l("Your item “%(title)s” now carries the sign %(sign)s: %(reason)s "
                    "Open the item to see what it means and what you can do."),
    "sign_replaced": _l("The %(old)s sign on your item “%(title)s” was replaced by "
                        "%(sign)s: %(reason)s Open the item to see what you can do."),
    "sign_ended": _l("The %(sign)s sign on your item “%(title)s” was taken down: %(reason)s"),
    "strike": _l("The FAKE sign on “%(title)s” is a strike against you: you now have "
                 "%(count)s. (The rule: 3 strikes suspend auction rights; 6 may revoke "
                 "them.)"),
    "strike_withdrawn": _l("The strike for “%(title)s” was withdrawn. Strikes against you "
                           "now: %(count)s."),
    "rights_suspended": _l("Your auction rights are suspended: %(count)s of your auctions "
                           "were signed FAKE, and 3 strikes suspend them. You may ask the "
                           "moderators to restore them from your moderation record."),
    "rights_restored": _l("Your auction rights are restored: %(note)s"),
    "rights_refused": _l("Your request to restore your auction rights was refused: %(note)s"),
    "rights_revoked": _l("Your auction rights are revoked permanently after %(count)s "
                         "strikes: %(note)s"),
    "shop_closed": _l("Your shop “%(name)s” was closed permanently: more than 3 of its "
                      "listings were signed FAKE (SHOP-8). %(note)s"),
    "response_decided": _l("The moderators considered your %(response)s about “%(title)s” "
                           "and kept the sign: %(note)s"),
})

#: Reasons given when the moderator writes none (besides the templates above).
DEFAULT_REASONS = {
    "lift": _l("Lifted after the owner's response."),
    "keep": _l("The moderators keep the sign."),
    "decided": _l("Decided by the moderators."),
    "flags": _l("Bids from the seller's address or device are being checked."),
}
standard_texts.register(*(text for texts in REASON_TEMPLATES.values() for text in texts),
                        *DEFAULT_REASONS.values())

register_labels("sign", SIGN_LABELS)
# Ready-made reasons and notes read in the reader's language, not the deciding moderator's.
register_labels("reason", standard_texts.StandardLabels())
register_labels("note", standard_texts.StandardLabels())
register_labels("old", SIGN_LABELS)
register_labels("response", {"explanation": _l("explanation"),
                             "lift_request": _l("lift request")})
