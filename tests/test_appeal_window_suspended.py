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

from app.blueprints.moderation import appeal_windows, sanctions
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
    periods = appeal_windows.restriction_periods([target, *others])
    return appeal_windows.appeal_deadline(target, periods)


def suspended_and_fined(cast, start):
    """A 30-day suspension and a fine imposed together at ``start``: (suspension, fine)."""
    suspension = sanctions.impose(cast.member, "suspension", cast.mod1, rule="MKT-6",
                                  facts="Shill bids", now=start,
                                  ends_at=start + timedelta(days=30))
    fine = sanctions.impose(cast.member, "fine", cast.mod1, rule="MKT-6", facts="Shill bids",
                            now=start, fine_satang=50_000)
    db.session.commit()
    return suspension, fine


@pytest.mark.parametrize("others, due", [
    ((), 15),                                                     # nothing in the way
    ((sanction(2, "suspension", 2, end=32),), 45),                # 30 days suspended
    ((sanction(2, "suspension", -5, end=10),), 25),               # suspended already
    ((sanction(2, "suspension", 20, end=30),), 15),               # after the window
    ((sanction(2, "suspension", 2, end=32, lifted=12),), 45),     # lifted early: to its end
    ((sanction(2, "closure", 3, lifted=50),), 62),                # closed until lifted
    ((sanction(2, "suspension", 2, end=10), sanction(3, "suspension", 5, end=20)), 33),
    ((sanction(2, "fine", 2),), 15),                              # a fine keeps no one out
])
def test_acc_5_mod_9_suspended_days_do_not_count_towards_the_appeal_window(others, due):
    """ACC-5, MOD-9: a warning's 15 days pause while another sanction suspends or closes
    the member (overlaps counted once; a suspension lifted early to the end it was given,
    so the last day a notice told never moves earlier; a closure until lifted)."""
    assert deadline(sanction(1, "warning", 0), *others) == day(due)


def test_acc_5_mod_9_a_sanction_imposed_after_a_lift_is_not_paused_by_it():
    """ACC-5, MOD-9 (found in review): a 30-day suspension lifted on day 1 pauses the window
    of a sanction imposed before the lift to the end it was given, but not that of one
    imposed on day 5, after it: the member was free to appeal that one all along."""
    lifted = sanction(2, "suspension", 0, end=30, lifted=1)
    assert deadline(sanction(1, "fine", 5), lifted) == day(20)
    assert deadline(sanction(1, "fine", 0), lifted) == day(45)


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
    _suspension, fine = suspended_and_fined(cast, start)
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
    periods = appeal_windows.restriction_periods([warning, suspension])
    assert appeal_windows.appeal_deadline(warning, periods) == now + timedelta(days=45)
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


def test_acc_5_mod_9_the_day_a_notice_told_holds_when_the_suspension_is_lifted_early(
        cast, make_member):
    """ACC-5, MOD-9 (found in review): a fine imposed with a 30-day suspension told "appeal
    until" day 45; the suspension lifted on day 1 made it day 16, and an appeal on day 25 was
    refused. A suspension lifted early counts until the end it was given."""
    start = utcnow() - timedelta(days=25)
    suspension, fine = suspended_and_fined(cast, start)
    told = db.session.scalar(select(Notification).where(
        Notification.kind == "sanction").order_by(Notification.id.desc()))
    assert told.data and (start + timedelta(days=45)).isoformat() in told.data
    other = make_member(display_name="Mod Two", role="moderator")
    sanctions.lift(suspension, other, "Served enough", now=start + timedelta(days=1))
    db.session.commit()
    member = db.session.get(type(cast.member), cast.member.id)
    assert file_appeal(fine, member, "Too much", now=utcnow()).sanction_id == fine.id


def test_acc_5_lifting_one_of_two_closures_keeps_the_account_closed(cast, make_member):
    """ACC-5 (found in review): a member closed twice, one closure lifted: the account stayed
    open though the other closure ran (and that closure's endless pause kept every appeal
    window open). It stays closed, since the closure still running, until the last closure
    is lifted."""
    lifter = make_member(display_name="Mod Two", role="moderator")
    now = utcnow()
    first = sanctions.impose(cast.member, "closure", cast.mod1, rule="MKT-6", facts="Fraud",
                             now=now)
    second = sanctions.impose(cast.member, "closure", cast.mod1, rule="MKT-6", facts="Fraud",
                              now=now + timedelta(days=3))
    db.session.commit()
    sanctions.lift(second, lifter, "One is enough", now=now + timedelta(days=4))
    db.session.commit()
    assert db.session.get(type(cast.member), cast.member.id).closed_at == now
    sanctions.lift(first, lifter, "Reopened", now=now + timedelta(days=5))
    db.session.commit()
    assert db.session.get(type(cast.member), cast.member.id).closed_at is None


def test_acc_5_acc_9_lifting_a_closure_never_reopens_a_deleted_account(cast, make_member):
    """ACC-5, ACC-9 (found in review): a closed member deletes the account; a moderator later
    lifts the closure: the account stays closed (it reopened, and was then treated as open
    by the admin's role check and the reports)."""
    from app.blueprints.accounts.deletion import request_deletion
    from tests.conftest import PASSWORD

    lifter = make_member(display_name="Mod Two", role="moderator")
    now = utcnow()
    closure = sanctions.impose(cast.member, "closure", cast.mod1, rule="MKT-6",
                               facts="Fraud", now=now)
    db.session.commit()
    deletion = request_deletion(db.session.get(type(cast.member), cast.member.id), PASSWORD,
                                now=now)
    db.session.commit()
    assert deletion.completed_at is not None
    sanctions.lift(closure, lifter, "Mistake", now=now + timedelta(days=1))
    db.session.commit()
    assert db.session.get(type(cast.member), cast.member.id).closed_at is not None


def test_acc_5_mod_9_a_late_appeal_is_told_the_paused_days_were_added(cast):
    """MOD-9: the refusal of a late appeal says the closing day left out the days suspended
    (it said "15 days after it was imposed" of a later day)."""
    start = utcnow() - timedelta(days=60)
    _suspension, fine = suspended_and_fined(cast, start)
    member = db.session.get(type(cast.member), cast.member.id)
    with pytest.raises(ModerationError, match="not counting days your account was suspended"):
        file_appeal(fine, member, "Too much", now=utcnow())


def test_acc_5_mod_9_a_suspension_running_inside_a_closure_may_be_appealed_with_no_end_yet(
        cast):
    """ACC-5, MOD-9 (found in review): a closed member suspended too: the running suspension
    may be appealed, and its window has no end yet (the closure pauses it once it ends), so
    the page offers the form without a date instead of "until ." and does not fail."""
    now = utcnow()
    sanctions.impose(cast.member, "closure", cast.mod1, rule="MKT-6", facts="Fraud",
                     now=now - timedelta(days=5))
    suspension = sanctions.impose(cast.member, "suspension", cast.mod1, rule="MKT-6",
                                  facts="Shill bids", now=now - timedelta(days=1),
                                  ends_at=now + timedelta(days=3))
    db.session.commit()
    page = cast.client.get("/moderation/me/sanctions").get_data(as_text=True)
    assert f'action="/moderation/me/sanctions/{suspension.id}/appeal"' in page
    assert "You may appeal. Another moderator will decide." in page
    assert "until ." not in page
