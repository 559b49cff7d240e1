"""The append-only audit log (MOD-10): every moderator action writes an entry with values
before and after; admins browse and filter it; nobody can change an entry, neither through
the application (flush guard) nor in the database (triggers), on both databases."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.blueprints.moderation import audit, queue
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry

HTMX = {"HX-Request": "true"}


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def people(make_member, client_for):
    admin = make_member(display_name="Somsak Chief", role="admin")
    mod = make_member(display_name="Mod Alpha", role="moderator")
    other = make_member(display_name="Mod Beta", role="moderator")
    return admin, mod, other, client_for(admin)


def seed(mod, other):
    now = utcnow()
    audit.record(mod, "sign.hang", "auction", 7, before={"stop_sign": None},
                 after={"stop_sign": "fake"}, note="Copy of a known fake",
                 now=now - timedelta(days=3))
    audit.record(other, "sanction.add", "user", 9, before={}, after={"kind": "warning"},
                 now=now - timedelta(days=1))
    audit.record(mod, "queue.claim", "review_item", 1, before={"claimed_by_id": None},
                 after={"claimed_by_id": mod.id}, now=now)
    db.session.commit()


def test_admin_browses_the_log_newest_first_with_before_and_after_mod_10(app, people):
    admin, mod, other, client = people
    seed(mod, other)
    html = client.get("/moderation/audit").get_data(as_text=True)
    order = [html.index(f"<code>{a}</code>") for a in ("queue.claim", "sanction.add", "sign.hang")]
    assert order == sorted(order)
    assert '<span title="null">—</span>' in html and "stop_sign: fake" in html
    assert "Copy of a known fake" in html and "Mod Alpha" in html


def test_the_log_names_targets_and_fields_in_the_readers_language_mod_10(app, people):
    """MOD-10 (found in review): the log showed target types and the fields before and after
    as raw English codes ("review_item", "claimed_by_id"), on Thai pages too. They are named
    in the reader's language where a name exists (the code stays in the title); an unknown
    code is shown as it is."""
    admin, mod, other, client = people
    seed(mod, other)
    english = client.get("/moderation/audit").get_data(as_text=True)
    assert '<span title="review_item">Queue item</span> #1' in english
    assert ('<span title="claimed_by_id">Claimed by (member no.)</span>: '
            '<span title="null">—</span>') in english
    assert '<span title="user">Member</span> #9' in english
    assert ('<span title="kind">Kind</span>: <span title="warning">Warning</span>'
            in english)
    assert "stop_sign: fake" in english  # no name for it: the code itself
    client.set_cookie("lang", "th")
    thai = client.get("/moderation/audit").get_data(as_text=True)
    assert '<span title="review_item">เรื่องในคิวตรวจสอบ</span> #1' in thai
    assert '<span title="auction">การประมูล</span> #7' in thai
    assert '<span title="claimed_by_id">ผู้รับเรื่อง (เลขสมาชิก)</span>' in thai
    assert ">Queue item<" not in thai and ">Member<" not in thai


@pytest.mark.parametrize("query, shown, hidden", [
    ("actor=Mod+Beta", ["sanction.add"], ["sign.hang", "queue.claim"]),
    ("action=sign.", ["sign.hang"], ["sanction.add", "queue.claim"]),
    ("target_type=auction&target_id=7", ["sign.hang"], ["sanction.add"]),
    ("target_type=auction&target_id=8", [], ["sign.hang"]),
])
def test_admin_filters_the_log_mod_10(app, people, query, shown, hidden):
    admin, mod, other, client = people
    seed(mod, other)
    html = client.get(f"/moderation/audit?{query}").get_data(as_text=True)
    for action in shown:
        assert f"<code>{action}</code>" in html
    for action in hidden:
        assert f"<code>{action}</code>" not in html


def test_admin_filters_the_log_by_dates_mod_10(app, people):
    admin, mod, other, client = people
    seed(mod, other)
    today = (utcnow() + timedelta(hours=7)).date()
    since = (today - timedelta(days=2)).isoformat()
    html = client.get(f"/moderation/audit?since={since}").get_data(as_text=True)
    assert "<code>queue.claim</code>" in html and "<code>sign.hang</code>" not in html
    until = (today - timedelta(days=2)).isoformat()
    html = client.get(f"/moderation/audit?until={until}").get_data(as_text=True)
    assert "<code>sign.hang</code>" in html and "<code>queue.claim</code>" not in html


def test_audit_log_pages_by_fifty_and_htmx_gets_a_fragment_mod_10(app, people):
    admin, mod, other, client = people
    now = utcnow()
    for n in range(55):
        audit.record(mod, "queue.claim", "review_item", n + 1, now=now)
    db.session.commit()
    html = client.get("/moderation/audit").get_data(as_text=True)
    assert html.count("<tr data-entry") == 50
    older = html.split("before=")[1].split('"')[0].split("&")[0]
    second = client.get(f"/moderation/audit?before={older}", headers=HTMX).get_data(as_text=True)
    assert second.count("<tr data-entry") == 5 and "<html" not in second


def test_every_queue_decision_writes_an_entry_mod_10(app, people, make_member):
    admin, mod, other, client = people
    item = queue.open_item("report", "user", make_member().id, now=utcnow())
    queue.claim(item, mod, now=utcnow(), ip="198.51.100.4")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id, entry.ip) == (
        mod.id, "queue.claim", "review_item", item.id, "198.51.100.4")
    assert audit.values(entry, "after") == {"claimed_by_id": mod.id}


def test_changing_an_entry_through_the_app_is_refused_mod_10(app, people):
    admin, mod, other, client = people
    seed(mod, other)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sign.hang"))
    entry.note = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEntry).limit(1)))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_to_update_an_entry_mod_10(app, people):
    """Even SQL that bypasses the application cannot change the log (triggers on both
    databases)."""
    admin, mod, other, client = people
    seed(mod, other)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text("UPDATE audit_log SET note = 'rewritten'"))
    db.session.rollback()
    notes = db.session.scalars(select(AuditEntry.note)).all()
    assert "rewritten" not in notes and "Copy of a known fake" in notes


def test_deleting_entries_is_refused_mod_10(app, people):
    """Both databases refuse even raw SQL deletes (triggers; on SQLite since review found it
    refused only updates), and the application refuses them before that."""
    admin, mod, other, client = people
    seed(mod, other)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_log"))
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEntry).limit(1)))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(sa.func.count(AuditEntry.id))) > 0


@pytest.mark.parametrize("query", ["since=0001-01-01", "until=9999-12-31",
                                   "since=0001-01-01&until=9999-12-31"])
def test_dates_at_the_calendars_edge_do_not_break_the_log_mod_10(app, people, query):
    """MOD-10: a date typed at the edge of the calendar (the first day's start in Bangkok is
    before year 1 in UTC; the last day has no next day) filtered nothing and answered 500."""
    admin, mod, other, client = people
    seed(mod, other)
    response = client.get(f"/moderation/audit?{query}")
    assert response.status_code == 200
    assert "<code>sign.hang</code>" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["actor=Mod+Alpha%00", "action=sign.%00",
                                   "target_type=%00auction"])
def test_a_nul_typed_in_a_filter_does_not_break_the_log_mod_10(app, people, query):
    """Found in review (MOD-10): a NUL byte in a text filter of the log reached PostgreSQL,
    which refuses it: the admin got a server error (500). Control characters are dropped, as
    in every form of the site, and the filter applies."""
    admin, mod, other, client = people
    seed(mod, other)
    response = client.get(f"/moderation/audit?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<code>sign.hang</code>" in page and "<code>sanction.add</code>" not in page
