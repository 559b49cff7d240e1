"""Scheduled jobs: idempotent functions that settle what the clock already decided.

``flask jobs run`` runs each once; a scheduler (cron, systemd timer) calls it every minute.
Running a job twice changes nothing the first run did not.
"""
import click
from flask import current_app
from flask.cli import AppGroup

from app.blueprints.accounts.lockout import purge_old_records
from app.blueprints.accounts.sessions import purge_expired_sessions
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.mail import deliver_pending
from app.traffic import flush_traffic_log, purge_traffic_log


def deliver_mail(app, now):
    """Deliver queued e-mail whose accounts are under the hourly cap (ACC-7)."""
    return deliver_pending(app, now)


def purge_sessions(app, now):
    """Delete expired log-in sessions and sign-up links (ACC-1), and failed log-ins and
    blocks older than 30 days."""
    from app.blueprints.accounts.signup import purge_expired

    count = purge_expired_sessions(now) + purge_old_records(now) + purge_expired(now)
    db.session.commit()
    return count


def purge_traffic(app, now):
    """Apply the traffic-log retention period (ACC-6)."""
    flush_traffic_log(app)
    count = purge_traffic_log(now, app.config["TRAFFIC_RETENTION_DAYS"])
    db.session.commit()
    return count


def purge_views_seen(app, now):
    """Forget who viewed listings on days already counted (RANK-2)."""
    from app.blueprints.shops.activity import purge_views_seen as purge

    count = purge(now)
    db.session.commit()
    return count


def close_ip_requests(app, now):
    """Close approved IP-address requests whose time is up, ending the traffic-log hold on
    the accused (CMP-6, ACC-6)."""
    from app.blueprints.ip_requests.decisions import close_due

    count = close_due(now)
    db.session.commit()
    return count


def complete_account_deletions(app, now):
    """Complete the account deletions that were waiting for open deals to settle (ACC-9)."""
    from app.blueprints.accounts.deletion import run_waiting

    count = run_waiting(now)
    db.session.commit()
    return count


def expire_orders(app, now):
    """Expire unpaid orders past their deadline and release their stock (SHOP-10).

    One short transaction per order, each locking the order and then its listing, the same
    order of locks as the order pages. An order already settled is skipped, so a second run
    (or a concurrent one) changes nothing.
    """
    from app.blueprints.shops import order_services

    count = 0
    for order_id in order_services.due_order_ids(now):
        begin_immediate(db.session)
        count += order_services.expire_order(order_id, now)
        db.session.commit()
    return count


def settle_auctions(app, now):
    """Close ended auctions: sale record, winner and seller told (AUC-7)."""
    from app.blueprints.auctions.jobs import settle_due

    return settle_due(now)


def remind_auction_watchers(app, now):
    """Tell watchers that an auction ends within the hour (AUC-10)."""
    from app.blueprints.auctions.jobs import remind_ending

    return remind_ending(now)


def default_feedback(app, now):
    """Record a positive rating where none was given within 30 days (AUC-11)."""
    from app.blueprints.auctions.sales import record_default_feedback

    return record_default_feedback(now)


def complaint_overdue_notices(app, now):
    """Tell complainants once when their complaint passes its due date undecided (CMP-5)."""
    from app.blueprints.complaints.outcome import send_overdue_notices

    count = send_overdue_notices(now)
    db.session.commit()
    return count


def purge_held_evidence(app, now):
    """Delete evidence files held from refused complaint forms and not used within a day
    (CMP-1)."""
    from app.blueprints.complaints.held_evidence import purge

    count = purge(now)
    db.session.commit()
    return count


def purge_held_photos(app, now):
    """Delete photos held from refused listing and auction forms and not used within a day
    (SHOP-3, AUC-1)."""
    from app.held_photos import purge

    count = purge(now)
    db.session.commit()
    return count


JOBS = {
    "settle-auctions": settle_auctions,
    "remind-auction-watchers": remind_auction_watchers,
    "default-feedback": default_feedback,
    "deliver-mail": deliver_mail,
    "purge-sessions": purge_sessions,
    "close-ip-requests": close_ip_requests,
    "complete-account-deletions": complete_account_deletions,
    "purge-traffic": purge_traffic,
    "purge-views-seen": purge_views_seen,
    "expire-orders": expire_orders,
    "complaint-overdue": complaint_overdue_notices,
    "purge-held-evidence": purge_held_evidence,
    "purge-held-photos": purge_held_photos,
}

jobs_cli = AppGroup("jobs", help="Scheduled jobs.")


def run_jobs(app, names, echo=click.echo):
    """Run the named jobs once each; a failing job is reported and the others still run."""
    for name in names:
        if name not in JOBS:
            raise click.BadParameter(f"unknown job {name!r}; known: {', '.join(JOBS)}")
    for name in names:
        try:
            result = JOBS[name](app, utcnow())
        except Exception as error:  # one job's failure must not stop the schedule
            db.session.rollback()
            app.logger.exception("job %s failed", name)
            echo(f"{name}: failed ({error.__class__.__name__})")
        else:
            echo(f"{name}: {result}")


@jobs_cli.command("run")
@click.argument("names", nargs=-1)
def run_command(names):
    """Run the named jobs (all of them by default) once."""
    run_jobs(current_app._get_current_object(), list(names or JOBS))


@jobs_cli.command("loop")
@click.option("--every", type=int, default=60, show_default=True, help="Seconds between runs.")
def loop_command(every):
    """Run every job again and again, ``--every`` seconds apart: the schedule for a machine
    without cron (``make run`` starts it next to the web server)."""
    import time

    app = current_app._get_current_object()
    while True:
        run_jobs(app, list(JOBS), echo=lambda line: None)
        db.session.remove()
        time.sleep(max(every, 1))
