"""Posting to and reading the public boards (AUC-5, SHOP-7, MOD-3).

Moderation posts here through :func:`post`; the board pages read through :func:`page_of`.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Auction, BoardPost, Listing, Shop, StopSign
from app.models.boards import BOARDS

BOARD_LABELS = {
    "fake-auctions": _l("Fake reports from auctions"),
    "fake-shops": _l("Fake reports from shops"),
    "lift-requests": _l("STOP lift requests"),
}
BOARD_ABOUT = {
    "fake-auctions": _l("Auctions our moderators signed FAKE, posted automatically with the "
                        "reason."),
    "fake-shops": _l("Shop listings our moderators signed FAKE, posted automatically with the "
                     "reason."),
    "lift-requests": _l("Owners asking for a FAKE sign to be lifted, seven days or more after "
                        "it was hung. Moderators decide."),
}
PER_PAGE = 20


def post(board, title, body="", *, author=None, target_type=None, target_id=None,
         sign_id=None, now):
    """Add a post to ``board``; ``author`` None means the system wrote it."""
    if board not in BOARDS:
        raise ValueError(board)
    entry = BoardPost(board=board, author_id=author.id if author is not None else None,
                      title=(title or "")[:200], body=body or "", target_type=target_type,
                      target_id=target_id, sign_id=sign_id, created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def page_of(board, page=1):
    """``(posts, page, pages)``: one page of the board's visible posts, newest first (the
    page number clamped to the pages there are)."""
    visible = (BoardPost.board == board, BoardPost.hidden_at.is_(None))
    total = db.session.scalar(select(func.count(BoardPost.id)).where(*visible)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    posts = db.session.scalars(select(BoardPost).where(*visible)
                               .options(selectinload(BoardPost.author))
                               .order_by(BoardPost.created_at.desc(), BoardPost.id.desc())
                               .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return posts, page, pages


def withdrawn(posts):
    """The ids of the ``posts`` whose listing or auction is withdrawn from publication after
    a complaint (CMP-3; a listing also when its whole shop is): the boards show neither its
    title nor what was written about it, so a takedown is not undone by a post quoting the
    page."""
    cited = {"listing": set(), "auction": set()}
    for entry in posts:
        if entry.target_type in cited:
            cited[entry.target_type].add(entry.target_id)
    hidden = set()
    if cited["listing"]:
        hidden |= {("listing", i) for i in db.session.scalars(
            select(Listing.id).join(Shop, Shop.id == Listing.shop_id).where(
                Listing.id.in_(cited["listing"]),
                or_(Listing.status == "hidden", Shop.hidden_at.is_not(None))))}
    if cited["auction"]:
        hidden |= {("auction", i) for i in db.session.scalars(select(Auction.id).where(
            Auction.id.in_(cited["auction"]), Auction.hidden_at.is_not(None)))}
    return {entry.id for entry in posts if (entry.target_type, entry.target_id) in hidden}


def rated_out(posts, viewer, now):
    """The ids of the ``posts`` about a listing or an auction whose content rating (18+, or
    a shop's chosen group) keeps it from ``viewer`` (RANK-1, ACC-3): the public boards show
    neither its title nor what was written about it to a visitor or an under-18 member, as
    its own page does not."""
    from app.blueprints.auctions.visibility import visible_auctions
    from app.blueprints.shops.visibility import visible_listings

    hidden = set()
    for kind, model, visible in (("listing", Listing, lambda: visible_listings(viewer, now)),
                                 ("auction", Auction, lambda: visible_auctions(viewer, now))):
        cited = {p.target_id for p in posts if p.target_type == kind}
        if not cited:
            continue
        rated = set(db.session.scalars(select(model.id).where(
            model.id.in_(cited), model.content_rating != "general")))
        if rated:
            seen = set(db.session.scalars(select(model.id).where(model.id.in_(rated),
                                                                 visible())))
            hidden |= {(kind, i) for i in rated - seen}
    return {p.id for p in posts if (p.target_type, p.target_id) in hidden}


def cleared(posts):
    """``{post id: the sign in force now ("authentic", "under_review", ...; "" for none)}``
    for the automatic FAKE posts among ``posts`` whose item no longer carries a FAKE sign
    (lifted, or replaced by AUTHENTIC): the board says so beside the post, so the record of
    the accusation does not outlive the verdict (MOD-3, MOD-4)."""
    cited = [p for p in posts if p.sign_id is not None and p.target_type in ("listing",
                                                                              "auction")]
    if not cited:
        return {}
    current = {(s.target_type, s.target_id): s.kind for s in db.session.scalars(
        select(StopSign).where(StopSign.ended_at.is_(None), or_(*(
            (StopSign.target_type == p.target_type) & (StopSign.target_id == p.target_id)
            for p in cited))))}
    return {p.id: current.get((p.target_type, p.target_id), "") for p in cited
            if current.get((p.target_type, p.target_id)) != "fake"}


def refused_lifts(posts):
    """The ids of the lift requests among ``posts`` that moderators refused: the FAKE sign
    stays (MOD-3). The board says so beside the request, as it says when a sign came down
    (:func:`cleared`), so a request is never left looking unanswered."""
    from app.models import LiftRequest

    ids = [p.id for p in posts if p.board == "lift-requests"]
    if not ids:
        return set()
    return set(db.session.scalars(select(LiftRequest.board_post_id).where(
        LiftRequest.board_post_id.in_(ids), LiftRequest.decision.in_(("kept", "expert")))))


def counts():
    """``{board: number of visible posts}``."""
    rows = db.session.execute(select(BoardPost.board, func.count(BoardPost.id))
                              .where(BoardPost.hidden_at.is_(None))
                              .group_by(BoardPost.board)).all()
    return {board: count for board, count in rows}


def visible_post(post_id):
    """The post if it exists and is not hidden, else None."""
    entry = db.session.get(BoardPost, post_id)
    return entry if entry is not None and entry.hidden_at is None else None
