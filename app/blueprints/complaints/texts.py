"""Labels of a complaint's kinds, roles, statuses and steps, shared by the form, the
status page and the review queue."""
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

KIND_LABELS = {
    "copyright": _l("Copyright"), "trademark": _l("Trademark"),
    "counterfeit": _l("Counterfeit goods"), "illegal_goods": _l("Illegal goods"),
    "fraud": _l("Fraud or scam"), "privacy": _l("Privacy"), "other": _l("Other"),
}
ROLE_LABELS = {"holder": _l("I hold the rights"),
               "agent": _l("I act for the rights holder")}
STATUS_LABELS = {"received": _l("Being handled"),
                 "needs_info": _l("Waiting for more information from you"),
                 "upheld": _l("Upheld"), "rejected": _l("Rejected")}
#: The same, as the moderators read them (not addressed to the complainant).
STAFF_STATUS_LABELS = {**STATUS_LABELS,
                       "needs_info": _l("Waiting for more information from the complainant")}
STEP_LABELS = {
    "received": _l("Complaint received"),
    "info_requested": _l("We asked you for more information"),
    "info_added": _l("You added information"),
    "rejected": _l("Complaint rejected"),
    "counter_statement": _l("The owner of the page responded"),
    "restored": _l("The page was published again after the owner's response"),
    "restored_held": _l("The owner's response was accepted, but the page stays unpublished "
                        "for now: another upheld complaint about it is still in force"),
    "released": _l("The other complaint that kept the page unpublished no longer does: the "
                   "page is published again"),
    "restored_gone": _l("The owner's response was accepted, but the page is not published "
                        "again: its owner deleted it"),
    "kept_hidden": _l("The page stays unpublished after the owner's response"),
    "overdue": _l("Our answer is late"),
}


def step_label(step, pages=1):
    """A step's name on the status page; an uphold says how many pages it suspended (a
    complaint may name several, CMP-5)."""
    if step == "upheld":
        return ngettext("Complaint upheld: the page is no longer published",
                        "Complaint upheld: its %(num)d pages are no longer published", pages)
    return STEP_LABELS.get(step, step)


#: What became of a complained-about page, as moderators read it (and the audit log).
OUTCOME_LABELS = {"hidden": _l("hidden"), "kept": _l("kept hidden"), "restored": _l("restored")}
TARGET_LABELS = {"listing": _l("Listing"), "auction": _l("Auction"), "shop": _l("Shop")}

#: The government's online complaint centre (CMP-5), where a complainant may turn when our
#: answer is late: its 24-hour hotline and its e-mail address.
CENTRE_PHONE = "1212"
CENTRE_EMAIL = "1212@mdes.go.th"

#: Every label set, for the complaint pages' templates (``labels.status[...]``).
LABELS = {"status": STATUS_LABELS, "kind": KIND_LABELS, "step": STEP_LABELS,
          "target": TARGET_LABELS, "role": ROLE_LABELS}
