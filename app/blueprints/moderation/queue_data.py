"""Reading the review queue for its page (MOD-7): one page of items by filter, and everything
their rows show (targets, photos, owners, strikes, earlier decisions, reports) loaded in a
fixed handful of batched queries, however many rows, so the page stays fast at 10,000 items.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.blueprints.moderation import queue
from app.blueprints.moderation.queue import KIND_LABELS
from app.extensions import db
from app.urls import MAX_ID
from app.models import (Appeal, Auction, BoardPost, Explanation, LiftRequest, Listing, Message,
                        Report, ReviewItem, Sanction, Shop, StopSign, Strike, User)
from app.models.complaints import Complaint

PAGE_SIZE = 50
AGES = (1, 3, 7)
HISTORY = 5
#: Targets other domains raise items on: ``{target_type: load(ids) -> {id: target}}``. A
#: loaded target may carry ``queue_key`` (a tuple): its cached row is redrawn when it changes.
TARGET_LOADERS = {}


@dataclass
class Filters:
    """What the queue page shows: a kind (or all), open or done items, a minimum age in days,
    and where the page starts (``after``: a cursor from :func:`cursor_of`)."""

    kind: str = ""
    status: str = "open"
    age: int = 0
    after: str = ""
    late: bool = False  # only complaints past their due date undecided (CMP-2)

    @classmethod
    def from_args(cls, args):
        """Read the filters from query arguments, ignoring anything unknown."""
        kind = args.get("kind", "")
        status = args.get("status", "open")
        age = args.get("age", 0, type=int) or 0
        return cls(kind=kind if kind in KIND_LABELS else "",
                   status=status if status in ("open", "done") else "open",
                   age=age if age in AGES else 0, after=args.get("after", "")[:40],
                   late=args.get("late") == "1")

    def args(self, **changes):
        """The query arguments of these filters with ``changes`` (empty values left out)."""
        values = {"kind": self.kind, "status": self.status if self.status != "open" else "",
                  "age": self.age or "", "after": self.after, "late": "1" if self.late else ""}
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def cursor_of(item):
    """A page cursor after ``item``: its creation time in microseconds and its id."""
    stamp = item.created_at.replace(tzinfo=item.created_at.tzinfo or timezone.utc)
    return f"{int(stamp.timestamp() * 1_000_000)}-{item.id}"


def _parse_cursor(text):
    try:
        micros, item_id = (int(part) for part in text.split("-", 1))
        if not 0 <= item_id <= MAX_ID:
            return None
        return datetime.fromtimestamp(micros / 1_000_000, tz=timezone.utc), item_id
    except (ValueError, OverflowError, OSError):
        return None


def page_of_items(filters, now, viewer_id=None):
    """One page of items, and the cursor of the next page (or ""); without the items kept
    from ``viewer_id`` (:func:`queue.hidden_from`). Open items come oldest first (the
    longest waiting are worked first); decided ones newest first, so the decisions a
    moderator looks back on are not behind months of older ones."""
    query = select(ReviewItem).where(ReviewItem.status == filters.status)
    if viewer_id is not None:
        query = query.where(queue.seen_by(viewer_id))
    if filters.kind:
        query = query.where(ReviewItem.kind == filters.kind)
    if filters.age:
        query = query.where(ReviewItem.created_at <= now - timedelta(days=filters.age))
    if filters.late:
        query = query.where(ReviewItem.kind == "complaint", ReviewItem.target_id.in_(
            select(Complaint.id).where(Complaint.status == "received", Complaint.due_at < now)))
    newest_first = filters.status == "done"
    cursor = _parse_cursor(filters.after) if filters.after else None
    if cursor:
        at, item_id = cursor
        if newest_first:
            query = query.where(or_(ReviewItem.created_at < at, and_(
                ReviewItem.created_at == at, ReviewItem.id < item_id)))
        else:
            query = query.where(or_(ReviewItem.created_at > at, and_(
                ReviewItem.created_at == at, ReviewItem.id > item_id)))
    order = (ReviewItem.created_at.desc(), ReviewItem.id.desc()) if newest_first \
        else (ReviewItem.created_at, ReviewItem.id)
    items = db.session.scalars(query.order_by(*order).limit(PAGE_SIZE + 1)).all()
    following = cursor_of(items[PAGE_SIZE - 1]) if len(items) > PAGE_SIZE else ""
    return items[:PAGE_SIZE], following


@dataclass
class OwnerRecord:
    """A member a row is about, with their record: the newest strikes (each with the title
    of the item its FAKE sign is on) and how many stand."""

    user: User
    strikes: list = field(default_factory=list)
    #: ``{strike id: title of the item its FAKE sign is on}`` for the strikes shown
    strike_titles: dict = field(default_factory=dict)
    strike_count: int = 0


@dataclass
class Row:
    """One queue row: the item and what is shown about its target."""

    item: ReviewItem
    target: object = None
    #: Whose record the row shows: the owner of its target, or each owner of the pages a
    #: complaint names (several members, each with their own strikes).
    owners: list = field(default_factory=list)
    previous: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    details: list = field(default_factory=list)
    sign: StopSign = None
    signed: object = None
    source: object = None
    claimer: User = None
    decider: User = None
    #: The viewing moderator bid on its auction or ordered its listing (MOD-7, ``parties``).
    took_part: bool = False
    error: str = ""
    note: str = ""

    @property
    def owner(self):
        """The (first) member the row is about, or None."""
        return self.owners[0].user if self.owners else None

    @property
    def strikes(self):
        """The first owner's newest strikes."""
        return self.owners[0].strikes if self.owners else []

    @property
    def strike_count(self):
        """How many of the first owner's strikes stand."""
        return self.owners[0].strike_count if self.owners else 0

    @property
    def show_summary(self):
        """The item's summary, unless the target already shows the same words."""
        summary = self.item.summary
        if self.item.kind in SYSTEM_SUMMARY_KINDS:
            return False  # raised by a count, worded by the row in the reader's language
        if not summary or self.target is None:
            return bool(summary)
        if getattr(self.target, "queue_key", None) is not None:
            return False  # a target its domain draws itself (complaints) shows it already
        shown = {getattr(self.target, name, None) for name in
                 ("title", "display_name", "name", "hold_reason", "description")}
        source_text = getattr(self.source, "body", None)
        if source_text and source_text.startswith(summary):
            return False  # the start of what the target shows in full (an appeal's text)
        return summary not in shown


#: Kinds the site raises itself on a count (SHOP-8, AUC-4): their summary was a sentence in
#: English ("Shop: 4 FAKE listings"); the row says what they are in the reader's language.
SYSTEM_SUMMARY_KINDS = ("shop_fakes", "strike_revoke")


def _by_id(model, ids, *options):
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(
        select(model).where(model.id.in_(ids)).options(*options)).all()}


def _owner_id(target_type, target):
    if target is None:
        return None
    return {"listing": lambda t: t.shop.owner_id if t.shop else None,
            "auction": lambda t: t.seller_id, "message": lambda t: t.sender_id,
            "board_post": lambda t: t.author_id, "user": lambda t: t.id,
            "shop": lambda t: t.owner_id, "sign": lambda t: t.owner_id,
            "sanction": lambda t: t.user_id}.get(target_type, lambda t: None)(target)


def _owner_ids(row):
    """The members whose records ``row`` shows, in order: each owner of the pages its target
    names (``queue_owner_ids``, a complaint's), else the item's subject or target's owner."""
    named = getattr(row.target, "queue_owner_ids", None)
    if named:
        return list(named)
    owner_id = row.item.subject_user_id or _owner_id(row.item.target_type, row.target)
    return [owner_id] if owner_id else []


def _load_targets(items):
    """``{(target_type, id): target}`` for the items, one query per target type present,
    plus the signed listings and auctions behind ``sign`` targets."""
    wanted = defaultdict(set)
    for item in items:
        wanted[item.target_type].add(item.target_id)
    loaded = {
        "listing": _by_id(Listing, wanted["listing"], selectinload(Listing.photos),
                          selectinload(Listing.shop)),
        "auction": _by_id(Auction, wanted["auction"], selectinload(Auction.photos)),
        "message": _by_id(Message, wanted["message"]),
        "board_post": _by_id(BoardPost, wanted["board_post"]),
        "user": _by_id(User, wanted["user"]),
        "shop": _by_id(Shop, wanted["shop"]),
        "sign": _by_id(StopSign, wanted["sign"]),
        "sanction": _by_id(Sanction, wanted["sanction"]),
    }
    for target_type, load in TARGET_LOADERS.items():
        loaded[target_type] = load(wanted[target_type]) if wanted[target_type] else {}
    signs = loaded["sign"].values()
    more_listings = {s.target_id for s in signs if s.target_type == "listing"}
    more_auctions = {s.target_id for s in signs if s.target_type == "auction"}
    loaded["listing"].update(_by_id(Listing, more_listings - set(loaded["listing"]),
                                    selectinload(Listing.photos), selectinload(Listing.shop)))
    loaded["auction"].update(_by_id(Auction, more_auctions - set(loaded["auction"]),
                                    selectinload(Auction.photos)))
    return loaded


def _load_sources(items):
    """The rows that raised explanation, lift-request and appeal items, by item id."""
    ids = defaultdict(set)
    for item in items:
        if item.source_id is not None:
            ids[item.kind].add(item.source_id)
    found = {"explanation": _by_id(Explanation, ids["explanation"],
                                   selectinload(Explanation.files)),
             "lift_request": _by_id(LiftRequest, ids["lift_request"]),
             "appeal": _by_id(Appeal, ids["appeal"])}
    return {item.id: found[item.kind].get(item.source_id)
            for item in items if item.kind in found and item.source_id is not None}


def _targets_clause(model, pairs):
    by_type = defaultdict(set)
    for target_type, target_id in pairs:
        by_type[target_type].add(target_id)
    return or_(*(and_(model.target_type == t, model.target_id.in_(ids))
                 for t, ids in by_type.items()))


def _report_details(item_ids):
    """``{item id: [(reason, what the reporter wrote, reporter's name)]}``: the newest
    :data:`HISTORY` reports with words on each item, in one query (MOD-11: what the
    reporters saw is what the moderator decides on)."""
    if not item_ids:
        return {}
    numbered = select(Report.review_item_id, Report.reason, Report.detail,
                      Report.reporter_id, func.row_number().over(
                          partition_by=Report.review_item_id,
                          order_by=Report.id.desc()).label("n")).where(
        Report.review_item_id.in_(item_ids), Report.detail != "").subquery()
    found = defaultdict(list)
    for item_id, reason, detail, name in db.session.execute(
            select(numbered.c.review_item_id, numbered.c.reason, numbered.c.detail,
                   User.display_name).join(User, User.id == numbered.c.reporter_id)
            .where(numbered.c.n <= HISTORY).order_by(numbered.c.review_item_id,
                                                     numbered.c.n)).all():
        found[item_id].append((reason, detail, name))
    return found


def load_rows(items, viewer_id=None):
    """The :class:`Row` of every item, in order, in a fixed number of queries; as
    ``viewer_id`` (a moderator) sees them when given: whether they took part in each open
    item's trade."""
    if not items:
        return []
    targets = _load_targets(items)
    sources = _load_sources(items)
    rows = []
    for item in items:
        target = targets.get(item.target_type, {}).get(item.target_id)
        row = Row(item=item, target=target, source=sources.get(item.id))
        if item.target_type == "sign" and target is not None:
            row.sign = target
            row.signed = targets.get(target.target_type, {}).get(target.target_id)
        rows.append(row)
    pairs = {(i.target_type, i.target_id) for i in items}
    owner_ids = {owner_id for row in rows for owner_id in _owner_ids(row)}
    people_ids = owner_ids | {i.claimed_by_id for i in items} | {i.decided_by_id for i in items}
    people = _by_id(User, {i for i in people_ids if i})
    strikes = defaultdict(list)
    for strike in db.session.scalars(select(Strike).where(
            Strike.user_id.in_([i for i in owner_ids if i]))
            .order_by(Strike.created_at.desc())).all():
        strikes[strike.user_id].append(strike)
    strike_titles = _strike_titles([s for shown in strikes.values() for s in shown[:HISTORY]])
    previous = defaultdict(list)
    for done in db.session.scalars(select(ReviewItem).where(
            ReviewItem.status == "done", _targets_clause(ReviewItem, pairs))
            .order_by(ReviewItem.decided_at.desc()).limit(20 * len(items))).all():
        previous[(done.target_type, done.target_id)].append(done)
    reasons = defaultdict(list)
    for item_id, reason, count in db.session.execute(
            select(Report.review_item_id, Report.reason, func.count(Report.id))
            .where(Report.review_item_id.in_([i.id for i in items]))
            .group_by(Report.review_item_id, Report.reason)).all():
        reasons[item_id].append((reason, count))
    details = _report_details([i.id for i in items if i.report_count])
    sign_pairs = {p for p in pairs if p[0] in ("listing", "auction")}
    current = {}
    if sign_pairs:
        for sign in db.session.scalars(select(StopSign).where(
                StopSign.ended_at.is_(None), _targets_clause(StopSign, sign_pairs))).all():
            current[(sign.target_type, sign.target_id)] = sign
    for row in rows:
        item = row.item
        row.owners = [_record(people[i], strikes.get(i, []), strike_titles)
                      for i in _owner_ids(row) if i in people]
        row.previous = [p for p in previous[(item.target_type, item.target_id)]
                        if p.id != item.id][:HISTORY]
        row.reasons = sorted(reasons.get(item.id, []), key=lambda rc: -rc[1])
        row.details = details.get(item.id, [])
        row.sign = row.sign or current.get((item.target_type, item.target_id))
        row.claimer = people.get(item.claimed_by_id)
        row.decider = people.get(item.decided_by_id)
    if viewer_id is not None:
        from app.blueprints.moderation.parties import traded

        took = traded(viewer_id, {(i.target_type, i.target_id) for i in items
                                  if i.status == "open"})
        for row in rows:
            row.took_part = (row.item.target_type, row.item.target_id) in took
    return rows


def _record(user, strikes, strike_titles):
    shown = strikes[:HISTORY]
    return OwnerRecord(user=user, strikes=shown,
                       strike_titles={s.id: strike_titles.get(s.sign_id, "") for s in shown},
                       strike_count=sum(1 for s in strikes if s.withdrawn_at is None))


def _strike_titles(strikes):
    """``{sign id: title of its item}`` for the signs of ``strikes`` (at most three queries):
    a strike in a queue row says what it was for."""
    from app.blueprints.moderation.signs import item_titles

    if not strikes:
        return {}
    signs = db.session.scalars(select(StopSign).where(
        StopSign.id.in_({s.sign_id for s in strikes}))).all()
    titles = item_titles(signs)
    return {sign.id: titles.get((sign.target_type, sign.target_id), "") for sign in signs}


def load_row(item, viewer_id=None):
    """The row of one item (after deciding it in place)."""
    return load_rows([item], viewer_id)[0]
