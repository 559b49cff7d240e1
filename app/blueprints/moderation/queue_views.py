"""The review queue page (MOD-7): every kind of item on one page, filtered and paged, each row
decided in place under htmx; claims; bulk actions for spam waves; counts per kind kept live.
Every change goes through ``queue.decide``/``claim``/``release``, which write the audit log
(MOD-10)."""
from dataclasses import dataclass

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.blueprints.accounts.errors import AccountError
from app.blueprints.moderation import bp, queue, queue_data, row_cache
from app.blueprints.moderation.queue_live import counts_context
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm, limit_stacked_marks, strip_control_characters
from app.urls import parse_id
from app.htmx import wants_fragment
from app.models import ReviewItem
from app.net import client_ip
from app.permissions import can_moderate, require
from app.templating import link_maker

#: Most items one bulk action may touch.
BULK_MAX = 200


@bp.app_template_global()
def queue_open_total():
    """Open review items, for the moderators' "Queue (N)" link (counted once a request)."""
    if g.get("queue_open_total") is None:
        g.queue_open_total = sum(queue.open_counts(current_user.id).values())
    return g.queue_open_total


@dataclass
class ActionView:
    """An action as its little form shows it, translated once per page, not once per row."""

    name: str
    label: str
    key: str
    style: str
    fields: list
    bulk: bool = False
    maxlength: dict = None
    ask_first: bool = False  # its key only opens its fields (an action that cannot be undone)
    #: ``offered(target) -> bool`` (``extra["offered"]``): whether a row's target takes the
    #: action now, so the row never offers a button its route always refuses.
    offered: object = None
    #: Fields the action's service refuses empty (``extra["required"]``): rendered
    #: ``required``, so its key focuses the first empty one instead of sending a form that
    #: can only come back refused.
    required: tuple = ()


def _applies(action, target_type):
    """Whether ``action`` is offered on a target of this type (``extra["targets"]``)."""
    targets = action.extra.get("targets")
    return not targets or target_type in targets


def _action_views(kind, target_type):
    views = []
    for action in queue.actions_for(kind):
        if not _applies(action, target_type):
            continue
        labels = action.extra.get("labels", {})
        choices = action.extra.get("choices", {})
        fields = [(name, str(labels.get(name) or field_label(name)),
                   [(value, str(text)) for value, text in choices.get(name, ())])
                  for name in action.fields]
        views.append(ActionView(action.name, str(action.label), action.key, action.style,
                                fields, action.bulk, action.extra.get("maxlength", {}),
                                bool(action.extra.get("ask_first")),
                                action.extra.get("offered"),
                                tuple(action.extra.get("required", ()))))
    return views


#: The states of listings and shops as queue rows show them.
TARGET_STATUS_LABELS = {
    "active": _l("On sale"), "sold_out": _l("Sold out"), "held": _l("Held for review"),
    "hidden": _l("Hidden"), "fake": _l("FAKE"), "deleted": _l("Deleted"),
    "open": _l("Open"), "closed": _l("Closed")}


def row_context(rows):
    """What every row needs, computed once per page: each kind's action forms, the CSRF
    token, link builders and the kinds' names."""
    return dict(
        forms={f"{kind}:{target}": _action_views(kind, target)
               for kind, target in {(row.item.kind, row.item.target_type) for row in rows}},
        csrf=generate_csrf(), kind_names={k: str(v) for k, v in queue.KIND_LABELS.items()},
        # Decisions (of earlier items of any kind too) and target states by name, in the
        # moderator's language (not codes).
        decision_labels=queue.decision_labels(), barred_reason=queue.barred_reason,
        status_labels={k: str(v) for k, v in TARGET_STATUS_LABELS.items()},
        links=dict(decide=link_maker("moderation.decide", "item_id"),
                   claim=link_maker("moderation.claim", "item_id", verb="claim"),
                   release=link_maker("moderation.claim", "item_id", verb="release"),
                   listing=link_maker("shops.listing", "listing_id"),
                   listing_photo=link_maker("shops.photo", "key", size="thumb"),
                   auction=link_maker("auctions.auction", "auction_id"),
                   auction_photo=link_maker("auctions.photo", "key", size="thumb"),
                   member=link_maker("moderation.member", "user_id")))


def _page_context(filters, now):
    items, following = queue_data.page_of_items(filters, now, current_user.id)
    rows = queue_data.load_rows(items, current_user.id)
    counts = counts_context(current_user.id)
    g.queue_open_total = counts["total"]
    shared = row_context(rows)
    html = row_cache.render_rows(rows, shared, viewer=current_user._get_current_object(),
                                 now=now, csrf=shared["csrf"])
    return dict(rows=rows, row_html=html, filters=filters, following=following,
                ages=queue_data.AGES, now=now, item_status_labels=queue.STATUS_LABELS,
                **counts, **shared)


@bp.route("/queue", endpoint="queue")
@require(can_moderate)
def queue_page():
    """The queue: oldest open items first; filters by kind, status and age; 50 a page."""
    now = utcnow()
    filters = queue_data.Filters.from_args(request.args)
    context = _page_context(filters, now)
    template = "moderation/_rows.html" if wants_fragment() else "moderation/queue.html"
    response = make_response(render_template(template, **context))
    response.headers.add("Vary", "HX-Request")
    response.headers["Cache-Control"] = "no-store"
    return response


def _item_or_404(item_id, lock=False):
    query = select(ReviewItem).where(ReviewItem.id == item_id)
    if lock:
        query = query.with_for_update()
    item = db.session.scalar(query)
    if item is None or queue.hidden_from(item, current_user.id):
        abort(404)
    return item


def _row_response(item, *, error="", note="", status=200, typed=None):
    """The item's row partial (htmx), or back to the queue with a message (plain forms).
    ``typed``: the refused action's name and fields, shown again in its form."""
    if not wants_fragment():
        if error:
            flash(error, "error")
        elif note:
            flash(note, "success")
        return redirect(_back())
    row = queue_data.load_row(item, current_user.id)
    row.error, row.note = error, note
    response = make_response(render_template(
        "moderation/_row.html", row=row, now=utcnow(), typed=typed, **row_context([row])),
        status)
    response.headers.add("Vary", "HX-Request")
    return response


def _form_values():
    """The action's fields as typed, without control characters (NUL) or marks stacked past
    three on a letter, as the site's forms clean free text."""
    return {k: limit_stacked_marks(strip_control_characters(v))
            for k, v in request.form.items() if k not in ("csrf_token", "action", "next")}


@bp.route("/items/<int:item_id>/decide", methods=["POST"])
@require(can_moderate)
def decide(item_id):
    """Apply one action to one item; the answer is the row in its decided state, or the row
    with the refusal (422)."""
    item = _item_or_404(item_id, lock=True)
    if not EmptyForm().validate_on_submit():
        return _row_response(item, error=_("The form expired; please try again."), status=422)
    try:
        note = queue.decide(item, current_user, request.form.get("action", ""), _form_values(),
                            now=utcnow(), ip=client_ip())
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        return _row_response(_item_or_404(item_id), error=str(error), status=422,
                             typed=(request.form.get("action", ""), _form_values()))
    return _row_response(item, note=note or _("Done."))


@bp.route("/items/<int:item_id>/<any(claim, release):verb>", methods=["POST"])
@require(can_moderate)
def claim(item_id, verb):
    """Claim an item for ``queue.CLAIM_MINUTES``, or give the claim up."""
    item = _item_or_404(item_id, lock=True)
    if not EmptyForm().validate_on_submit():
        return _row_response(item, error=_("The form expired; please try again."), status=422)
    try:
        if verb == "claim":
            queue.claim(item, current_user, now=utcnow(), ip=client_ip())
        else:
            queue.release(item, current_user, now=utcnow(), ip=client_ip())
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        return _row_response(_item_or_404(item_id), error=str(error), status=422)
    return _row_response(item)


@bp.route("/queue/bulk", methods=["POST"])
@require(can_moderate)
def bulk():
    """Apply one bulk action to the selected items (a spam wave). Items that refuse are
    skipped and left as they were; the moderator is told how many were done and skipped."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = [i for i in map(parse_id, request.form.getlist("item")) if i is not None][:BULK_MAX]
    name = request.form.get("action", "")
    now, ip = utcnow(), client_ip()
    done = skipped = 0
    # Locked (in id order, as every bulk action takes them) and read as they are now: a row
    # another moderator is deciding waits for that decision, and is then skipped as decided.
    items = db.session.scalars(select(ReviewItem).where(
        ReviewItem.id.in_(ids), queue.seen_by(current_user.id))
        .order_by(ReviewItem.id).with_for_update()
        .execution_options(populate_existing=True)).all() if ids else []
    for item in items:
        action = next((a for a in queue.actions_for(item.kind) if a.name == name), None)
        if action is None or not action.bulk or not _applies(action, item.target_type):
            skipped += 1
            continue
        try:
            with db.session.begin_nested():
                queue.decide(item, current_user, name, _form_values(), now=now, ip=ip)
            done += 1
        except AccountError:
            skipped += 1
    db.session.commit()
    skipped += len(ids) - len(items)
    message = _("%(done)d items done, %(skipped)d skipped.", done=done, skipped=skipped)
    if not ids:
        message = _("Nothing was selected: tick the items first (or press x on each), then "
                    "apply the action.")
    if wants_fragment():
        filters = queue_data.Filters.from_args(request.args)
        context = _page_context(filters, utcnow())
        return render_template("moderation/_rows.html", bulk_message=message,
                               bulk_failed=not done, **context)
    flash(message, "success" if done else "error")
    return redirect(_back())


def _back():
    """The queue page the plain form came from (only a local queue address)."""
    target = request.form.get("next", "")
    if target.startswith("/moderation/queue") and "//" not in target:
        return target
    return url_for("moderation.queue")


def _label(module, name, code):
    """``code`` as a word from another moderation module's labels, or the code itself."""
    try:
        labels = getattr(__import__(f"app.blueprints.moderation.{module}", fromlist=[name]),
                         name)
    except (ImportError, AttributeError):
        return code
    return labels.get(code, code)


@bp.app_template_global()
def sign_label(kind):
    """A STOP sign's name in the reader's language."""
    return _label("signs", "SIGN_LABELS", kind)


@bp.app_template_global()
def sign_badge_class(kind):
    """The badge of a sign in a queue row: red for the STOP signs, green for AUTHENTIC."""
    return "badge--success" if kind == "authentic" else "badge--failed"


@bp.app_template_global()
def sanction_label(kind):
    """A sanction's name in the reader's language."""
    return _label("sanctions", "SANCTION_LABELS", kind)


@bp.app_template_global()
def report_reason_label(reason):
    """A report reason in the reader's language."""
    return _label("reports", "REPORT_REASON_LABELS", reason)


SHILL_REASONS = {"same_ip": _l("A bid came from the seller's IP address"),
                 "same_device": _l("A bid came from the seller's device")}


@bp.app_template_global()
def shill_reason_label(code):
    """Why a bid was flagged (AUC-12), in the reader's language."""
    return SHILL_REASONS.get(code, code)


FIELD_LABELS = {"reason": _l("Reason"), "note": _l("Note"), "sign": _l("Sign"),
                "kind": _l("Kind"), "days": _l("Days"), "display_name": _l("New name")}


@bp.app_template_global()
def field_label(name):
    """The label of an action's form field."""
    return FIELD_LABELS.get(name, name.replace("_", " "))
