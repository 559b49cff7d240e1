"""ACC-5 with MOD-9 (a question left open, settled here): a suspended member may appeal only
the suspension itself (ACC-5), and any sanction only within 15 days (MOD-9). A fine imposed
with a 30-day suspension could therefore never be appealed: its 15 days ran out while the
member was barred from appealing it, and the sanctions page even told them they could
appeal it "after the suspension ends, until" a date inside the suspension. The days a
member is suspended or closed by another sanction no longer count towards the 15."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.blueprints.moderation import sanctions
from app.blueprints.moderation.appeals import file_appeal
from app.blueprints.moderation.errors import ModerationError
from app.database import utcnow
from app.extensions import db
from app.models import Appeal, Notification
from app.notifications import notice_text

pytestmark = pytest.mark.usefixtures("english")
DAY0 = datetime(2026, 3, 1, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def cast(make_member, client_for):
    member = make_member(display_name="Suspect")
    moderator = make_member(display_name="Mod One", role="moderator")
    return SimpleNamespace(member=member, mod1=moderator, client=client_for(member))


def day(n):
    return DAY0 + timedelta(days=n)


def sanction(sanction_id, kind, start, end=None, lifted=None):
    return SimpleNamespace(id=sanction_id, kind=kind, created_at=day(start),
                           ends_at=None if end is None else day(end),
                           lifted_at=None if lifted is None else day(lifted))


def deadline(target, *others):
    periods = sanctions.restriction_periods([target, *others])
    return sanctions.appeal_deadline(target, periods)


@pytest.mark.parametrize("others, due", [
    ((), 15),                                                     # nothing in the way
    ((sanction(2, "suspension", 2, end=32),), 45),                # 30 days suspended
    ((sanction(2, "suspension", -5, end=10),), 25),               # suspended already
    ((sanction(2, "suspension", 20, end=30),), 15),               # after the window
    ((sanction(2, "suspension", 2, end=32, lifted=12),), 25),     # lifted early: 10 days
    ((sanction(2, "closure", 3, lifted=50),), 62),                # closed, then reopened
    ((sanction(2, "suspension", 2, end=10), sanction(3, "suspension", 5, end=20)), 33),
    ((sanction(2, "fine", 2),), 15),                              # a fine keeps no one out
])
def test_acc_5_mod_9_suspended_days_do_not_count_towards_the_appeal_window(others, due):
    """ACC-5, MOD-9: a warning's 15 days pause while another sanction suspends or closes
    the member (overlaps counted once, a lifted one until it was lifted)."""
    assert deadline(sanction(1, "warning", 0), *others) == day(due)


def test_acc_5_mod_9_a_running_closure_holds_the_window_open():
    """ACC-5, MOD-9: while a closure with no end runs, the window has no end yet (the days
    left resume when it is lifted); a suspension until lifted does the same."""
    assert deadline(sanction(1, "fine", 0), sanction(2, "closure", 4)) is None
    assert deadline(sanction(1, "fine", 0), sanction(2, "suspension", 4)) is None
    assert deadline(sanction(1, "fine", 0), sanction(2, "closure", 20)) == day(15)


def test_acc_5_mod_9_a_suspension_may_be_appealed_while_it_runs_so_its_own_days_count():
    """ACC-5, MOD-9: a running suspension may always be appealed, so its own days and those
    of another restriction overlapping it count towards its 15; only what lies outside it
    pauses its window."""
    own = sanction(1, "suspension", 0, end=30)
    assert deadline(own) == day(15)
    assert deadline(own, sanction(2, "suspension", 5, end=40)) == day(15)
    short = sanction(1, "suspension", 0, end=5)
    assert deadline(short, sanction(2, "closure", 3, lifted=13)) == day(23)  # 5..13 paused


def test_acc_5_mod_9_a_fine_imposed_with_a_long_suspension_may_be_appealed_after_it(cast):
    """ACC-5, MOD-9: a fine imposed with a 30-day suspension, 40 days ago: while suspended
    the member was told to wait, with the real last day; now the suspension is over the fine
    may still be appealed (its 15 days resumed when the suspension ended); past them, refused
    naming the day."""
    start = utcnow() - timedelta(days=40)
    sanctions.impose(cast.member, "suspension", cast.mod1, rule="MKT-6", facts="Shill bids",
                     now=start, ends_at=start + timedelta(days=30))
    fine = sanctions.impose(cast.member, "fine", cast.mod1, rule="MKT-6", facts="Shill bids",
                            now=start, fine_satang=50_000)
    db.session.commit()
    due = start + timedelta(days=45)
    notice = db.session.scalar(select(Notification).where(
        Notification.kind == "sanction").order_by(Notification.id.desc()))
    assert "appeal until" in notice_text(notice)  # the date with the suspension's days

    member = db.session.get(type(cast.member), cast.member.id)
    with pytest.raises(ModerationError, match="suspended"):
        file_appeal(fine, member, "Too much", now=start + timedelta(days=20))
    db.session.rollback()
    appeal = file_appeal(fine, member, "Too much", now=start + timedelta(days=40))
    assert appeal.sanction_id == fine.id
    db.session.rollback()
    with pytest.raises(ModerationError, match="closed on"):
        file_appeal(fine, member, "Too much", now=due + timedelta(minutes=1))
    db.session.rollback()
    assert db.session.scalar(select(Appeal)) is None


def test_acc_5_mod_9_the_sanctions_page_gives_the_last_day_after_the_suspension(cast):
    """ACC-5, MOD-9: a warning and then a 30-day suspension: the page says the warning's
    15 days pause while suspended and gives the last day past the suspension's end (it gave
    one inside the suspension); the suspension itself may be appealed at once."""
    now = utcnow()
    warning = sanctions.impose(cast.member, "warning", cast.mod1, rule="MKT-6",
                               facts="Shill bids", now=now)
    suspension = sanctions.impose(cast.member, "suspension", cast.mod1, rule="MKT-6",
                                  facts="Shill bids", now=now, ends_at=now + timedelta(days=30))
    db.session.commit()
    periods = sanctions.restriction_periods([warning, suspension])
    assert sanctions.appeal_deadline(warning, periods) == now + timedelta(days=45)
    page = cast.client.get("/moderation/me/sanctions").get_data(as_text=True)
    assert "Its days do not count towards the 15 days to appeal this sanction" in page
    assert f'action="/moderation/me/sanctions/{suspension.id}/appeal"' in page
    assert f'action="/moderation/me/sanctions/{warning.id}/appeal"' not in page


def test_acc_5_mod_9_a_sanction_imposed_while_closed_tells_the_window_starts_later(cast):
    """ACC-5, MOD-9: a warning imposed on a closed account: its notice does not name a day
    that the closure would eat, but says the 15 days start when the closure ends."""
    now = utcnow()
    sanctions.impose(cast.member, "closure", cast.mod1, rule="MKT-6", facts="Fraud", now=now)
    sanctions.impose(cast.member, "warning", cast.mod1, rule="MKT-6", facts="Spam",
                     now=now + timedelta(seconds=1))
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(
        Notification.kind == "sanction").order_by(Notification.id.desc()))
    text = notice_text(notice)
    assert "Spam" in text and "appeal until" not in text
    assert "once it ends, you will have 15 days to appeal this sanction" in text
    page = cast.client.get("/moderation/me/sanctions").get_data(as_text=True)
    assert "the days left start again when it ends" in page
