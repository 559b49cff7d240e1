"""Suspending and restoring a complained-about page (CMP-3): a listing's status becomes
"hidden" (the status it goes back to is kept in the audit entry), an auction's or a shop's
``hidden_at`` is set. Kept, never deleted; every change audited; cached public pages and open
auction pages are refreshed after commit."""
from sqlalchemy import select

from app.blueprints.moderation import audit
from app.extensions import db
from app.models import Auction, AuditEntry, Listing, Shop
from app.models.complaints import ComplaintTarget

MODELS = {"listing": Listing, "auction": Auction, "shop": Shop}


def target_object(target, lock=False):
    """The listing, auction or shop a complaint target names (None if gone). ``lock`` takes
    its row for the transaction, so two decisions about one page (an uphold and a restore
    from two complaints, say) run one after the other and each sees what the other did."""
    if lock:
        return db.session.get(MODELS[target.target_type], target.target_id,
                              with_for_update=True, populate_existing=True)
    return db.session.get(MODELS[target.target_type], target.target_id)


def target_objects(targets):
    """``{(target_type, id): page}`` for many complaint targets, one query per type."""
    wanted = {}
    for target in targets:
        wanted.setdefault(target.target_type, set()).add(target.target_id)
    found = {}
    for target_type, ids in wanted.items():
        model = MODELS[target_type]
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(target_type, obj.id)] = obj
    return found


def title_of(obj):
    """A page's name for notices."""
    return getattr(obj, "title", None) or getattr(obj, "name", "") or ""


def _clear_page_cache():
    """Visitors' kept pages go in every worker after commit (CMP-3)."""
    from app.pagecache_clearing import drop_visitor_pages

    drop_visitor_pages()


def _tell_open_pages(obj, target_type):
    """An auction's open pages redraw their live panel (halted while hidden) after commit."""
    if target_type != "auction":
        return
    from app.live import publish_after_commit

    obj.version += 1
    publish_after_commit(f"auction:{obj.id}", {"version": obj.version})


def hidden_status_before(listing_id):
    """The status a listing goes back to when complaints stop hiding it: ``restore_to`` in
    the newest ``complaint.hide`` audit entry (the status before the first of several
    complaints hid it)."""
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "complaint.hide", AuditEntry.target_type == "listing",
        AuditEntry.target_id == listing_id).order_by(AuditEntry.id.desc()).limit(1))
    if entry is None:
        return None
    return audit.values(entry, "after").get("restore_to") or audit.values(
        entry, "before").get("status")


def _hide(obj, target_type, now, hidden_elsewhere=False):
    if target_type == "listing":
        before = {"status": obj.status}
        restore_to = obj.status
        if hidden_elsewhere and obj.status == "hidden":
            # Another upheld complaint hid it first: keep what that one will restore.
            restore_to = hidden_status_before(obj.id) or obj.status
        if obj.status not in ("hidden", "deleted"):
            obj.status, obj.updated_at = "hidden", now
        return before, {"status": obj.status, "restore_to": restore_to}
    before = {"hidden_at": obj.hidden_at}
    obj.hidden_at = obj.hidden_at or now
    _tell_open_pages(obj, target_type)
    return before, {"hidden_at": obj.hidden_at}


def _show(obj, target_type):
    if target_type == "listing":
        before = {"status": obj.status}
        previous = hidden_status_before(obj.id) or "active"
        if obj.status == "hidden" and obj.stop_sign == "fake":
            obj.status = "fake"  # a FAKE sign hung while it was hidden shows now
        elif obj.status == "hidden" and previous != "hidden":
            if previous in ("active", "sold_out", "fake"):  # "fake": lifted while hidden
                previous = "active" if obj.quantity > 0 else "sold_out"
            obj.status = previous
        return before, {"status": obj.status}
    before = {"hidden_at": obj.hidden_at}
    obj.hidden_at = None
    _tell_open_pages(obj, target_type)
    return before, {"hidden_at": None}


def hide_target(target, moderator, *, now, ip=""):
    """Suspend publication of the target's page (kept, not deleted); audited."""
    obj = target_object(target, lock=True)
    target.outcome, target.hidden_at = "hidden", now
    if obj is None:
        return None
    before, after = _hide(obj, target.target_type, now, _still_hidden_elsewhere(target))
    audit.record(moderator, "complaint.hide", target.target_type, obj.id, before=before,
                 after=after, note=f"complaint #{target.complaint_id}",  # audit_words.note
                 now=now, ip=ip)
    _clear_page_cache()
    return obj


def hidden_by_complaint(target_type, target_id):
    """True while an upheld complaint keeps this page hidden."""
    return db.session.scalar(select(ComplaintTarget.id).where(
        ComplaintTarget.target_type == target_type, ComplaintTarget.target_id == target_id,
        ComplaintTarget.outcome.in_(("hidden", "kept"))).limit(1)) is not None


def _still_hidden_elsewhere(target):
    return db.session.scalar(select(ComplaintTarget.id).where(
        ComplaintTarget.target_type == target.target_type,
        ComplaintTarget.target_id == target.target_id, ComplaintTarget.id != target.id,
        ComplaintTarget.outcome.in_(("hidden", "kept"))).limit(1)) is not None


def restore_target(target, moderator, *, now, ip=""):
    """Publish the page again (unless another upheld complaint still hides it); audited.
    The page's row is locked first: an uphold of another complaint about it that is not
    committed yet is waited for, and then seen."""
    obj = target_object(target, lock=True)
    target.outcome, target.restored_at = "restored", now
    target.held_by_other = _still_hidden_elsewhere(target)
    if obj is None or target.held_by_other:
        return obj
    before, after = _show(obj, target.target_type)
    audit.record(moderator, "complaint.restore", target.target_type, obj.id, before=before,
                 after=after, note=f"complaint #{target.complaint_id}",  # audit_words.note
                 now=now, ip=ip)
    _clear_page_cache()
    return obj


def page_gone(target_type, obj):
    """True when restoring the page publishes nothing: its owner deleted it (a listing's
    "deleted" status, also left by account deletion) or it no longer exists."""
    return obj is None or (target_type == "listing" and obj.status == "deleted")


def waiting_for_release(target):
    """The other complaint targets about ``target``'s page that were restored while a hold
    was still in force (``held_by_other``), oldest first: their complainants wait to hear
    that the page is published again."""
    return db.session.scalars(select(ComplaintTarget).where(
        ComplaintTarget.target_type == target.target_type,
        ComplaintTarget.target_id == target.target_id, ComplaintTarget.id != target.id,
        ComplaintTarget.held_by_other.is_(True)).order_by(ComplaintTarget.id)).all()


def hidden_notice(target_type, target_id):
    """For the owner's banner: the newest complaint target hiding this page, or None."""
    return db.session.scalar(select(ComplaintTarget).where(
        ComplaintTarget.target_type == target_type, ComplaintTarget.target_id == target_id,
        ComplaintTarget.outcome.in_(("hidden", "kept")))
        .order_by(ComplaintTarget.id.desc()).limit(1))
