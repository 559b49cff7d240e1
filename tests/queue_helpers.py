"""Steps the review-queue tests share: deciding an item in place as the queue page does, and
reading a row again after a request changed it."""
from app.extensions import db
from tests.conftest import csrf_from

HTMX = {"HX-Request": "true"}


def token(client):
    """A CSRF token of ``client``'s session, from the queue page."""
    return csrf_from(client.get("/moderation/queue").get_data(as_text=True))


def decide(client, item, action, **fields):
    """Post ``action`` on the queue ``item`` with ``fields``, the way its htmx row does."""
    return client.post(f"/moderation/items/{item.id}/decide", headers=HTMX,
                       data={"csrf_token": token(client), "action": action, **fields})


def fresh(obj):
    """``obj`` as the database holds it now."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
