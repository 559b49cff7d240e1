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
    order = [html.index(f'data-action="{a}"') for a in ("queue.claim", "sanction.add", "sign.hang")]
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
        assert f'data-action="{action}"' in html
    for action in hidden:
        assert f'data-action="{action}"' not in html


def test_admin_filters_the_log_by_dates_mod_10(app, people):
    admin, mod, other, client = people
    seed(mod, other)
    today = (utcnow() + timedelta(hours=7)).date()
    since = (today - timedelta(days=2)).isoformat()
    html = client.get(f"/moderation/audit?since={since}").get_data(as_text=True)
    assert 'data-action="queue.claim"' in html and 'data-action="sign.hang"' not in html
    until = (today - timedelta(days=2)).isoformat()
    html = client.get(f"/moderation/audit?until={until}").get_data(as_text=True)
    assert 'data-action="sign.hang"' in html and 'data-action="queue.claim"' not in html


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
    assert 'data-action="sign.hang"' in response.get_data(as_text=True)


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
    assert 'data-action="sign.hang"' in page and 'data-action="sanction.add"' not in page


def test_actions_are_named_in_the_readers_language_mod_10(app, people, make_member):
    """MOD-10 (found by the Thai-pages sweep): the Action column showed the stored code
    ("sign.hang", "queue.uphold") on Thai pages. Each action is named, the code kept in the
    title; a queue decision by its item's kind; an unknown code as it is, escaped."""
    admin, mod, other, client = people
    seed(mod, other)
    now = utcnow()
    item = queue.open_item("appeal", "sanction", 1, now=now)
    db.session.flush()
    audit.record(mod, "queue.uphold", "review_item", item.id, now=now)
    audit.record(mod, "queue.uphold", "review_item", 999_999, now=now)  # item not found
    audit.record(mod, "new.<b>thing</b>", "user", 1, now=now)
    db.session.commit()
    english = client.get("/moderation/audit").get_data(as_text=True)
    assert '<span title="sign.hang">Sign hung</span>' in english
    assert '<span title="sanction.add">Sanction imposed</span>' in english
    assert '<span title="queue.claim">Queue item claimed</span>' in english
    assert ('<span title="queue.uphold">Queue decision: Uphold the sanction</span>'
            in english)
    # An item it cannot find: "uphold" means something else for each kind, so the code.
    assert english.count('<span title="queue.uphold">Queue decision: ') == 1
    assert '<td data-label="Action" data-action="queue.uphold">queue.uphold</td>' in english
    assert "new.&lt;b&gt;thing&lt;/b&gt;" in english and "<b>thing" not in english
    client.set_cookie("lang", "th")
    thai = client.get("/moderation/audit").get_data(as_text=True)
    assert '<span title="sign.hang">แขวนป้าย</span>' in thai
    assert '<span title="queue.uphold">คำตัดสินในคิว: คงบทลงโทษ</span>' in thai
    for english_name in ("Sign hung", "Sanction imposed", "Queue item claimed",
                         "Queue decision"):
        assert english_name not in thai


def test_every_action_the_site_records_has_a_name_mod_10():
    """MOD-10: every action code written in the application's source has a name in the
    log (a new action added without one would show its code on Thai pages)."""
    import pathlib
    import re

    from app.blueprints.moderation.audit_words import ACTION_NAMES

    written = set()
    for path in (pathlib.Path(__file__).parents[1] / "app").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        written.update(re.findall(r"(?:audit\.record|_audit_section)\(\s*\w+,\s*"
                                  r"\"([a-z_]+\.[a-z_]+)\"", source))
        written.update(re.findall(r"\"([a-z_]+\.[a-z_]+)\" if \w+ is None else", source))
        written.update(re.findall(r"else \"([a-z_]+\.[a-z_]+)\"", source))
    written.update(f"complaint.{decision}" for decision in ("restored", "kept"))
    assert len(written) > 35
    assert not written - set(ACTION_NAMES), sorted(written - set(ACTION_NAMES))


@pytest.mark.parametrize("query, shown, hidden", [
    ("action=*signs", ["sign.hang"], ["sanction.add", "queue.claim", "user.role"]),
    ("action=*members", ["user.role", "account.delete"], ["sign.hang", "sanction.add"]),
    ("action=*review_queue", ["queue.claim", "queue.uphold"], ["sign.hang"]),
    ("action=*nonsense", [], ["sign.hang", "user.role"]),
])
def test_admin_filters_by_a_group_of_actions_mod_10(app, people, query, shown, hidden):
    """MOD-10: the Action filter offers each action by name, and each group as a whole (a
    group may hold several families: deleting an account is a member's action)."""
    admin, mod, other, client = people
    seed(mod, other)
    now = utcnow()
    audit.record(admin, "user.role", "user", 3, now=now)
    audit.record(None, "account.delete", "user", 4, now=now)
    audit.record(mod, "queue.uphold", "review_item", 5, now=now)
    db.session.commit()
    html = client.get(f"/moderation/audit?{query}").get_data(as_text=True)
    for action in shown:
        assert f'data-action="{action}"' in html
    for action in hidden:
        assert f'data-action="{action}"' not in html
    chosen = query.split("=", 1)[1]
    assert f'<option value="{chosen}" selected>' in html


def test_the_filters_offer_names_not_codes_mod_10(app, people):
    """MOD-10: the Action and Target type filters are lists of names in the reader's
    language, the chosen one selected."""
    admin, mod, other, client = people
    client.set_cookie("lang", "th")
    html = client.get("/moderation/audit?action=sign.hang&target_type=auction").get_data(
        as_text=True)
    assert '<option value="sign.hang" selected>แขวนป้าย</option>' in html
    assert '<option value="auction" selected>การประมูล</option>' in html
    assert '<optgroup label="ป้าย STOP">' in html
    assert 'name="action" value=' not in html  # (no free-text box of codes)
