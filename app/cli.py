"""Command-line tools: ``flask users create-admin``, ``flask demo load``."""
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.services import register_member
from app.database import utcnow
from app.extensions import db
from app.models import User

users_cli = AppGroup("users", help="Manage member accounts.")
demo_cli = AppGroup("demo", help="Demo data for development.")

DEMO_ACCOUNTS = (
    # e-mail, display name, role, password. The collector buys and bids in the demo data:
    # staff who took part in a trade may not judge it (moderation/parties.py).
    ("collector@talat.example", "นักสะสม เอกชัย", "member", "two-baht-coin-hunter-2569"),
    ("member@talat.example", "สมชาย ใจดี", "member", "amulet-lover-2569"),
    ("moderator@talat.example", "ผู้ดูแล ตลาด", "moderator", "stop-sign-keeper-2569"),
    ("admin@talat.example", "แอดมิน ตลาด", "admin", "market-keys-2569"),
)


def create_account(email, display_name, password, role, birth_date=date(1990, 1, 1)):
    """Register an account through the normal rules and give it a role."""
    user = register_member(email=email, password=password, display_name=display_name,
                           birth_date=birth_date, now=utcnow(), staff_name=role != "member")
    user.role = role
    db.session.flush()
    return user


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--display-name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email, display_name, password):
    """Create an admin account (the first admin of a new site)."""
    try:
        user = create_account(email, display_name, password, "admin")
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Admin {user.email} created.")


@users_cli.command("lift-block")
@click.argument("ip")
def lift_block_command(ip):
    """Let an address log in again after too many failed log-ins (ACC-4)."""
    from app.blueprints.accounts.lockout import lift_blocks_for

    count = lift_blocks_for(ip, utcnow())
    db.session.commit()
    click.echo(f"Lifted {count} block(s) on {ip}.")


@demo_cli.command("load")
def load_demo():
    """Create the demo accounts once; running it again changes nothing."""
    if current_app.config["TALAT_ENV"] == "production":
        raise click.ClickException("Demo data is not loaded in production.")
    created = 0
    for email, name, role, password in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        create_account(email, name, password, role)
        created += 1
    from app.demo.market import load_market

    shops = load_market(utcnow())
    db.session.commit()
    from app.demo.auctions import load_auctions

    auctions = load_auctions(utcnow())
    db.session.commit()
    from app.demo.moderation import load_moderation

    signs = load_moderation(utcnow())
    db.session.commit()
    from app.demo.complaints import load_complaints

    complaints, ip_requests = load_complaints(utcnow())
    db.session.commit()
    click.echo(f"Demo data: {created} account(s), {shops} shop(s), {auctions} auction(s), "
               f"{signs} STOP sign(s), {complaints} complaint(s) and {ip_requests} IP-address "
               f"request(s) created.")
    for email, _name, role, password in DEMO_ACCOUNTS:
        click.echo(f"  {role:<10} {email:<24} {password}")


@demo_cli.command("listings")
@click.option("--count", type=int, default=100_000, show_default=True)
@click.option("--shops", type=int, default=50, show_default=True)
def bulk_listings_command(count, shops):
    """Add many listings with Thai titles (for benchmarks)."""
    if current_app.config["TALAT_ENV"] == "production":
        raise click.ClickException("Benchmark data is not loaded in production.")
    from app.demo.bulk import bulk_listings

    bulk_listings(count, utcnow(), shops=shops)
    db.session.commit()
    click.echo(f"Added {count} listings.")


def register_cli(app):
    """Add the command groups to ``flask``."""
    from app.jobs import jobs_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(jobs_cli)
