"""Taking a board post down without deleting it (a moderator's decision on a report)."""
from app.extensions import db


def hide_post(post, now):
    """Hide ``post`` from the boards; returns False when it was hidden already."""
    if post.hidden_at is not None:
        return False
    post.hidden_at = now
    db.session.flush()
    return True
