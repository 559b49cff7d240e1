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
