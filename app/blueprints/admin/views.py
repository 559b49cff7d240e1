"""Admin pages. Every route requires the admin role."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import false, select

from app.blueprints.accounts import lockout
from app.blueprints.accounts.errors import AccountError
from app.blueprints.admin import bp, services
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.models import EmailMessage, LoginBlock, TrafficLogEntry, User
from app.net import client_ip
from app.htmx import render_page_or_fragment
from app.models.accounts import ROLES
from app.models.mail import MAIL_STATUSES
from app.urls import int_arg, parse_id, text_arg
from app.templating import ROLE_LABELS
from app.permissions import is_admin, require
from app.traffic import flush_traffic_log

PAGE_SIZE = 100


@bp.before_request
@require(is_admin)
def _admins_only():
    """Every admin page is for admins only."""


@bp.route("/")
def dashboard():
    """Admin home."""
    return render_template("admin/dashboard.html")


@bp.route("/members")
def members():
    """Find members (the table updates as the admin types); change their roles (not to a
    staff role for a member under 18, ACC-3)."""
    query = text_arg("q")
    found = services.find_members(query)
    return render_page_or_fragment("admin/members.html", "admin/_members_table.html",
                                   members=found, q=query, roles=ROLES, form=EmptyForm(),
                                   minors=services.under_18(found, utcnow()))


@bp.route("/members/<int:user_id>/role", methods=["POST"])
def set_role(user_id):
    """Change a member's role."""
    valid = EmptyForm().validate_on_submit()
    if valid:
        begin_immediate(db.session)  # one role change at a time (the last-admin check)
    user = db.get_or_404(User, user_id)
    if valid:
        try:
            services.set_role(user, request.form.get("role", ""), by=current_user, now=utcnow(),
                              ip=client_ip())
            db.session.commit()
            flash(_l("The role of %(name)s is now: %(role)s.", name=user.display_name,
                     role=ROLE_LABELS[user.role]), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("admin.members", q=user.email))


@bp.route("/login-blocks")
def login_blocks():
    """Addresses barred from logging in (ACC-4)."""
    return render_template("admin/login_blocks.html", blocks=lockout.current_blocks(utcnow()),
                           form=EmptyForm())


@bp.route("/login-blocks/<int:block_id>/lift", methods=["POST"])
def lift_login_block(block_id):
    """Lift a block early."""
    block = db.get_or_404(LoginBlock, block_id)
    if EmptyForm().validate_on_submit():
        lockout.lift_block(block, current_user, utcnow(), ip=client_ip())
        db.session.commit()
        flash(_l("The block on %(ip)s has been lifted.", ip=block.ip), "success")
    return redirect(url_for("admin.login_blocks"))


def _page(statement, column):
    """Newest first, ``PAGE_SIZE`` at a time, continuing below the ``before`` id if given."""
    before = int_arg("before")
    if before:
        statement = statement.where(column < before)
    rows = db.session.scalars(statement.order_by(column.desc()).limit(PAGE_SIZE + 1)).all()
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], older


@bp.route("/outbox")
def outbox():
    """E-mail kept here when no SMTP server is configured, and every message's status."""
    status = request.args.get("status", "")
    statement = select(EmailMessage)
    if status in MAIL_STATUSES:
        statement = statement.where(EmailMessage.status == status)
    messages, older = _page(statement, EmailMessage.id)
    return render_page_or_fragment("admin/outbox.html", "admin/_outbox_table.html",
                                   messages=messages, older=older, status=status)


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id):
    """Read one e-mail."""
    return render_template("admin/outbox_message.html",
                           message=db.get_or_404(EmailMessage, message_id))


@bp.route("/traffic")
def traffic():
    """The traffic log (ACC-6), newest first, filtered by address or member."""
    ip = text_arg("ip", 45)
    member = text_arg("member", 12)
    flush_traffic_log(current_app)
    db.session.commit()  # end this read snapshot (SQLite), so entries just written show
    statement = select(TrafficLogEntry)
    if ip:
        statement = statement.where(TrafficLogEntry.ip == ip)
    if member.isdecimal():
        # A number that is no id matches nobody (PostgreSQL would refuse to compare one
        # past any id).
        member_id = parse_id(member)
        statement = statement.where(TrafficLogEntry.member_id == member_id
                                    if member_id is not None else false())
    entries, older = _page(statement, TrafficLogEntry.id)
    ids = {entry.member_id for entry in entries if entry.member_id is not None}
    names = dict(db.session.execute(select(User.id, User.display_name)
                                    .where(User.id.in_(ids))).all()) if ids else {}
    return render_page_or_fragment("admin/traffic.html", "admin/_traffic_table.html",
                                   entries=entries, older=older, ip=ip, member=member,
                                   names=names)
