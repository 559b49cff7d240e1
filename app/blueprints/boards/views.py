"""Public board pages: the boards, one board newest first with paging, one post (AUC-5,
SHOP-7, MOD-3). Anyone may read them."""
from flask import abort, render_template, request
from flask_login import current_user

from app.blueprints.boards import bp, services
from app.database import utcnow
from app.models.boards import BOARDS


@bp.route("/")
def index():
    """The public boards and how many posts each holds."""
    return render_template("boards/index.html", boards=BOARDS, counts=services.counts(),
                           labels=services.BOARD_LABELS, about=services.BOARD_ABOUT)


@bp.route("/<any(" + ", ".join(f'"{b}"' for b in BOARDS) + "):board>")
def board(board):
    """One board, newest first, 20 posts a page."""
    posts, page, pages = services.page_of(board, request.args.get("page", 1, type=int))
    return render_template("boards/board.html", board=board, posts=posts, page=page,
                           pages=pages, withdrawn=services.withdrawn(posts),
                           rated_out=services.rated_out(posts, current_user, utcnow()),
                           cleared=services.cleared(posts),
                           refused=services.refused_lifts(posts),
                           label=services.BOARD_LABELS[board],
                           about=services.BOARD_ABOUT[board])


@bp.route("/posts/<int:post_id>")
def post(post_id):
    """One post, with the item it cites."""
    entry = services.visible_post(post_id)
    if entry is None:
        abort(404)
    return render_template("boards/post.html", post=entry,
                           withdrawn=services.withdrawn([entry]),
                           rated_out=services.rated_out([entry], current_user, utcnow()),
                           cleared=services.cleared([entry]),
                           refused=services.refused_lifts([entry]),
                           label=services.BOARD_LABELS[entry.board])
