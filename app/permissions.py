"""Who may do what: small predicates used by views and templates alike, so a button and its
route never disagree (CONVENTIONS 9)."""
from functools import wraps

from flask import abort
from flask_login import current_user


def is_member(user):
    """Logged in with any role."""
    return bool(user and user.is_authenticated)


def can_moderate(user):
    """Moderators and admins work the review queue, not while suspended themselves, nor
    under 18 (:func:`staff_age`)."""
    return is_member(user) and user.role in ("moderator", "admin") and staff_age(user) and \
        not is_suspended(user)


def is_admin(user):
    """Admins manage roles, settings, the outbox and login blocks (from 18, :func:`staff_age`)."""
    return is_member(user) and user.role == "admin" and staff_age(user)


def staff_age(user, now=None):
    """Whether ``user`` is old enough for a staff role's rights: 18 (ACC-3). Moderators and
    admins see everything, 18+ listings and auctions, reports and evidence included, so the
    role is not given to a member under 18 (admin.services.set_role), and one given before
    confers no right until the 18th birthday: its holder is an under-18 member like any
    other, everywhere at once (every view, list and template asks these predicates)."""
    from app.blueprints.accounts.services import is_adult

    return is_adult(user, now)


def staff_role(user, now=None):
    """The role ``user``'s rights come from: their role, or "member" under 18 (:func:`staff_age`).
    Rules about a member's standing (who may sanction or rename them, whether automatic
    sanctions spare them, reserved staff names) read this, not the stored role, so a role
    given before the 18th birthday neither shields nor entitles its holder."""
    if user.role == "member" or staff_age(user, now):
        return user.role
    return "member"


def is_suspended(user, now=None):
    """A suspension running or the account closed (ACC-5): no bidding, selling or posting."""
    if not is_member(user):
        return False
    if user.closed_at is not None:
        return True
    if user.suspended_until is None:
        return False
    from app.database import utcnow

    return user.suspended_until > (now or utcnow())


def awaiting_guardian(user, now=None):
    """A member under 18 whose parent or guardian has not yet agreed to the registration
    (ACC-3): they may browse, not bid, buy, sell or post. Turning 18 ends the wait."""
    if not (is_member(user) and user.guardian_email and user.guardian_consent_at is None):
        return False
    from app.i18n import age_on, bangkok_today

    return age_on(user.birth_date, bangkok_today(now)) < 18


def can_act(user, now=None):
    """A member who may bid, sell and post: logged in, not suspended (ACC-5) and, under 18,
    with a guardian's consent (ACC-3)."""
    return is_member(user) and not is_suspended(user, now) and not awaiting_guardian(user, now)


def can_run_shop(user, shop):
    """The shop's owner (and admins) manage its details, plan requests and staff (SHOP-1)."""
    return is_member(user) and (shop.owner_id == user.id or is_admin(user))


def can_manage_listings(user, shop):
    """The owner and the shop's staff post and edit its listings (SHOP-1); staff beyond what
    the shop's plan allows (the newest, after a move to a smaller plan) may not (SHOP-2)."""
    if not is_member(user):
        return False
    if shop.owner_id == user.id:
        return True
    from app.blueprints.shops.plans import staff_within_plan

    return user.id in staff_within_plan(shop)


def works_for_shop(user, shop):
    """The owner or any staff member, paused by the plan or not: they do not buy from or write
    to the shop as buyers."""
    if not is_member(user):
        return False
    if shop.owner_id == user.id:
        return True
    from app.extensions import db
    from app.models import ShopStaff

    return db.session.query(ShopStaff.id).filter_by(shop_id=shop.id, user_id=user.id).first() \
        is not None


def is_paused_staff(user, shop):
    """A staff member the shop's plan no longer allows (the newest, after a move to a smaller
    plan): still one of the shop's people for buying from it (:func:`works_for_shop`), but
    sees the shop as buyers do and opens none of its staff pages until un-paused (SHOP-2)."""
    if not is_member(user) or shop.owner_id == user.id:
        return False
    return works_for_shop(user, shop) and not can_manage_listings(user, shop)


def require(predicate):
    """View decorator: visitors go to the log-in page; members without the right get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from app.extensions import login_manager

            if not is_member(current_user):
                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def register_permissions(app):
    """Expose the predicates to templates."""
    app.jinja_env.globals.update(can_moderate=can_moderate, is_admin=is_admin,
                                 is_suspended=is_suspended, can_act=can_act,
                                 awaiting_guardian=awaiting_guardian,
                                 can_run_shop=can_run_shop,
                                 can_manage_listings=can_manage_listings,
                                 is_paused_staff=is_paused_staff, staff_role=staff_role)
