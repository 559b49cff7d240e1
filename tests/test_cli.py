"""Command-line tools: the first admin, demo data, jobs."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import User


def test_create_admin(runner):
    result = runner.invoke(args=["users", "create-admin", "--email", "Boss@Talat.example",
                                 "--display-name", "Boss", "--password", "lotus-temple-bell-77"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role) == ("boss@talat.example", "admin")


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(args=["users", "create-admin", "--email", "boss@talat.example",
                                 "--display-name", "Boss", "--password", "password1"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_data_loads_once_and_prints_the_accounts(runner):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == second.exit_code == 0
    assert "member@talat.example" in second.output and "admin@talat.example" in second.output
    roles = sorted(db.session.scalars(select(User.role)).all())
    assert roles.count("admin") == 1 and roles.count("moderator") == 1


def test_demo_market_is_lively_and_loaded_once(runner):
    """Demo data shows shops with photographed listings, reviews and ranking activity."""
    from app.models import ListingActivity, ListingPhoto, Review, Shop

    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["demo", "load"])
    assert db.session.scalar(select(func.count(Shop.id))) == 4
    assert db.session.scalar(select(func.count(ListingPhoto.id))) >= 40
    assert db.session.scalar(select(func.count(Review.id))) >= 6
    assert db.session.scalar(select(func.count(ListingActivity.id))) > 0


def test_jobs_run_all_and_are_repeatable(runner):
    for _ in range(2):
        result = runner.invoke(args=["jobs", "run"])
        assert result.exit_code == 0, result.output
        assert "deliver-mail" in result.output and "purge-traffic" in result.output


def test_one_failing_job_does_not_stop_the_others(app, runner, monkeypatch):
    """The schedule goes on when one job fails; the failure is reported."""
    from app import jobs

    def broken(app, now):
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.JOBS, "expire-orders", broken)
    result = runner.invoke(args=["jobs", "run"])
    assert "expire-orders: failed (RuntimeError)" in result.output
    assert "purge-traffic: 0" in result.output
    assert runner.invoke(args=["jobs", "run", "no-such-job"]).exit_code != 0


def test_demo_complaints_reach_the_moderator_queue_once(runner, client, login):
    """The demo moderator finds the complaints (one LATE, CMP-2) and an IP-address request
    with its police report in the queue; an upheld counterfeit complaint hid its listing and
    told the owner and the complainant. Loading twice adds nothing."""
    from app.blueprints.moderation.queue_data import Filters, page_of_items
    from app.database import utcnow
    from app.models import EmailMessage, IpRequest, Listing, Notification, ReviewItem
    from app.models.complaints import Complaint, ComplaintTarget

    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    complaints = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
    assert sorted(c.status for c in complaints) == ["received", "received", "upheld"]
    upheld = next(c for c in complaints if c.status == "upheld")
    target = db.session.scalar(select(ComplaintTarget).where(
        ComplaintTarget.complaint_id == upheld.id))
    assert target.outcome == "hidden"
    assert db.session.get(Listing, target.target_id).status == "hidden"
    assert db.session.scalar(select(Notification.id).where(
        Notification.kind == "complaint_upheld", Notification.user_id == target.owner_id))
    assert db.session.scalar(select(EmailMessage.id).where(
        EmailMessage.to_address == upheld.email, EmailMessage.kind == "complaint_outcome"))
    request = db.session.scalar(select(IpRequest))
    assert request.status == "pending" and request.report_media == "image"
    assert db.session.scalar(select(func.count(IpRequest.id))) == 1

    now = utcnow()
    open_items, _ = page_of_items(Filters(), now)
    kinds = sorted(i.kind for i in open_items if i.kind in ("complaint", "ip_request"))
    assert kinds == ["complaint", "complaint", "ip_request"]
    late, _ = page_of_items(Filters(late=True), now)
    assert len(late) == 1 and late[0].kind == "complaint"
    assert db.session.scalar(select(func.count(ReviewItem.id)).where(
        ReviewItem.kind == "complaint", ReviewItem.status == "done")) == 1

    login("moderator@talat.example", "stop-sign-keeper-2569")
    html = client.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    pending = [c for c in complaints if c.status == "received"]
    assert all(c.code in html for c in pending) and html.count("data-late") == 1
    assert "0412/2569" in client.get("/moderation/queue?kind=ip_request").get_data(as_text=True)
